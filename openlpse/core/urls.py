from django.urls import path

from openlpse.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("pilih-lpse/", views.choose_lpse, name="choose_lpse"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("lpse/<slug:lpse_slug>/", views.lpse_home, name="lpse_home"),
    path("lpse/<slug:lpse_slug>/logo", views.lpse_logo, name="lpse_logo"),
]
