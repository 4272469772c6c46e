"""Accounts URLs: sign-in and security (urls_auth), roles (urls_roles), officials, auditors
and the inbox (urls_officials)."""

from django.urls import include, path

app_name = "accounts"
urlpatterns = [
    path("", include("openlpse.accounts.urls_auth")),
    path("peran/", include("openlpse.accounts.urls_roles")),
    path("", include("openlpse.accounts.urls_officials")),
]
