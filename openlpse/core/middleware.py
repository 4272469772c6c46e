from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from openlpse.core import request_context


class RequestContextMiddleware:
    """Binds the client IP, user agent and a request id for the audit chain and access log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request_context.meta_from_request(request)
        with request_context.bound(meta):
            response = self.get_response(request)
        response["X-Request-ID"] = meta.request_id
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself (ASVS 3.4, 14.3.2)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages of a signed-in user are never kept by shared or browser caches.
            response.setdefault("Cache-Control", "no-store")
        return response


class PortalLocaleMiddleware(LocaleMiddleware):
    """Indonesian unless the person chose English (language switch cookie or profile).

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show most
    Indonesian users (whose browsers say en-US) an English portal. Pages therefore use only the
    explicit choice; the JSON API keeps Accept-Language negotiation for integrators.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
