"""Placeholder URL module (issue 5); filled in by its owner."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
