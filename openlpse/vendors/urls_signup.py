"""Public sign-up of vendors, under /daftar/ (namespace "vendors")."""

from django.urls import URLPattern, URLResolver, path

from openlpse.vendors.views import signup

urlpatterns: list[URLPattern | URLResolver] = [
    path("", signup.signup, name="signup"),
    path("terkirim/", signup.signup_sent, name="signup_sent"),
    path("konfirmasi/<str:token>/", signup.signup_confirm, name="signup_confirm"),
]
