"""Role assignment pages, under /akun/peran/ (namespace "accounts")."""

from django.urls import path

from openlpse.accounts.views import roles

urlpatterns = [
    path("", roles.roles_list, name="roles_list"),
    path("<slug:lpse_slug>/beri/", roles.role_grant, name="role_grant"),
    path("penugasan/<int:assignment_id>/cabut/", roles.role_revoke, name="role_revoke"),
]
