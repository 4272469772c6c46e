"""The tus endpoints for sealed-bid uploads (mounted at /api/v1/uploads/ before the API)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
