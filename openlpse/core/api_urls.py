from django.urls import path

from openlpse.core.api import api

urlpatterns = [path("", api.urls)]
