"""One error format for the whole JSON API, in the request's language:

    {"error": {"code": "not_found", "message": "The item was not found, ..."}}

Validation errors add "fields": {"name": ["This field is required."], ...}, one entry per bad
field, each message saying what is expected. Every failure under /api/ answers in this
format, never with an HTML page: `install(api)` maps exceptions raised inside endpoints, and
`api_urls` sends unknown paths and wrong methods here too. docs/adr/0006 explains the codes.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import Throttled as NinjaThrottled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from openlpse.core import errors

logger = logging.getLogger("openlpse.api")

WWW_AUTHENTICATE = 'Bearer realm="OpenLPSE"'


# --- errors that only the API raises ---------------------------------------------------------


class MalformedJson(errors.DomainError):
    code = "malformed_json"
    http_status = 400
    default_message = _(
        "The request body is not valid JSON. Send a JSON object and set Content-Type: application/json."
    )


class NotAuthenticated(errors.DomainError):
    code = "not_authenticated"
    http_status = 401
    default_message = _(
        "Sign in first: send your API token in the header Authorization: Bearer <token>."
    )


class InvalidToken(NotAuthenticated):
    code = "invalid_token"
    default_message = _(
        "This API token is not valid: it is unknown, was revoked, or its account is deactivated. "
        "Create a new token and try again."
    )


class TokenExpired(InvalidToken):
    code = "token_expired"
    default_message = _("This API token has expired. Create a new token and try again.")


class MethodNotAllowed(errors.DomainError):
    code = "method_not_allowed"
    http_status = 405
    default_message = _("This address does not accept the %(method)s method. Allowed: %(allowed)s.")


# --- schemas for the OpenAPI document --------------------------------------------------------


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: Out, **error_responses(401, 404)}` documents the error answers."""
    return dict.fromkeys(statuses, ErrorOut)


# --- building responses ----------------------------------------------------------------------


def error_response(
    *,
    status: int,
    code: str,
    message: str | Promise,
    fields: Mapping[str, Sequence[str | Promise]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = {name: [str(m) for m in messages] for name, messages in fields.items()}
    response = JsonResponse({"error": body}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def domain_error_response(exc: errors.DomainError) -> JsonResponse:
    headers: dict[str, str] = {}
    if exc.http_status == 401:
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE
        if isinstance(exc, InvalidToken):
            headers["WWW-Authenticate"] += ', error="invalid_token"'
    if isinstance(exc, errors.Throttled):
        headers["Retry-After"] = str(max(int(exc.retry_after), 1))
    message: str | Promise = exc.message
    if exc.params:
        try:
            message = str(message) % exc.params
        except (KeyError, TypeError, ValueError):
            message = str(message)
    return error_response(
        status=exc.http_status,
        code=exc.code,
        message=message,
        fields=exc.fields or None,
        headers=headers,
    )


# --- validation messages ---------------------------------------------------------------------

# pydantic error type -> a sentence that says what is expected (pydantic's own are English only).
_FIELD_MESSAGES: dict[str, str | Promise] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("This field is not accepted here. Remove it."),
    "string_type": _("Expected text (a JSON string)."),
    "string_too_short": _("Use at least %(min_length)s characters."),
    "string_too_long": _("Use at most %(max_length)s characters."),
    "string_pattern_mismatch": _("The value does not have the expected format."),
    "int_type": _("Expected a whole number."),
    "int_parsing": _("Expected a whole number."),
    "int_from_float": _("Expected a whole number."),
    "float_type": _("Expected a number."),
    "float_parsing": _("Expected a number."),
    "decimal_type": _("Expected a number."),
    "decimal_parsing": _("Expected a number."),
    "greater_than": _("Expected a number greater than %(gt)s."),
    "greater_than_equal": _("Expected a number of at least %(ge)s."),
    "less_than": _("Expected a number less than %(lt)s."),
    "less_than_equal": _("Expected a number of at most %(le)s."),
    "bool_type": _("Expected true or false."),
    "bool_parsing": _("Expected true or false."),
    "date_type": _("Expected a date such as 2025-01-31."),
    "date_parsing": _("Expected a date such as 2025-01-31."),
    "date_from_datetime_parsing": _("Expected a date such as 2025-01-31."),
    "datetime_type": _("Expected a date and time such as 2025-01-31T14:05:00+07:00."),
    "datetime_parsing": _("Expected a date and time such as 2025-01-31T14:05:00+07:00."),
    "datetime_from_date_parsing": _("Expected a date and time such as 2025-01-31T14:05:00+07:00."),
    "timezone_aware": _(
        "Expected a date and time with a time zone, such as 2025-01-31T14:05:00+07:00."
    ),
    "uuid_type": _("Expected a UUID."),
    "uuid_parsing": _("Expected a UUID."),
    "list_type": _("Expected a list."),
    "too_short": _("Expected at least %(min_length)s items."),
    "too_long": _("Expected at most %(max_length)s items."),
    "dict_type": _("Expected a JSON object."),
    "model_type": _("Expected a JSON object."),
    "model_attributes_type": _("Expected a JSON object."),
    "enum": _("Expected one of: %(expected)s."),
    "literal_error": _("Expected one of: %(expected)s."),
    "url_parsing": _("Expected a web address such as https://example.go.id/."),
    "url_scheme": _("Expected a web address such as https://example.go.id/."),
    "value_error": _("This value is not valid."),
}
_DEFAULT_FIELD_MESSAGE = _("This value is not valid.")


def field_name(loc: Sequence[Any]) -> str:
    """("body", "payload", "name") -> "name"; ("query", "limit") -> "limit"; nested -> "a.0.b".

    Body schemas are one parameter (conventionally `payload`), whose name is dropped; an error
    about the body as a whole is reported on "body".
    """
    source, parts = (str(loc[0]), list(loc[1:])) if loc else ("body", [])
    if source == "body":
        if len(parts) <= 1:
            return "body"
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or source


def field_message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in {"value_error", "assertion_error"} and ctx.get("error"):
        # Our own validators raise ValueError with a translated sentence.
        return str(ctx["error"])
    template = _FIELD_MESSAGES.get(kind, _DEFAULT_FIELD_MESSAGE)
    try:
        return str(template) % {k: v for k, v in ctx.items()} if ctx else str(template)
    except (KeyError, TypeError, ValueError):
        return str(_DEFAULT_FIELD_MESSAGE)


def validation_fields(errs: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errs:
        messages = fields.setdefault(field_name(error.get("loc", ())), [])
        message = field_message(error)
        if message not in messages:
            messages.append(message)
    return fields


# --- the JSON parser -------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class JsonParser(Parser):
    """Strict JSON bodies: no NaN or Infinity; anything else unparsable is `malformed_json`."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            return json.loads(request.body, parse_constant=_refuse_constant)  # type: ignore[no-any-return]
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedJson() from exc


# --- exception handlers ----------------------------------------------------------------------


def _on_domain_error(request: HttpRequest, exc: errors.DomainError) -> HttpResponse:
    return domain_error_response(exc)


def _on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return domain_error_response(errors.ValidationError(fields=validation_fields(exc.errors)))  # type: ignore[arg-type]


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {name: list(messages) for name, messages in exc.message_dict.items()}
        return domain_error_response(errors.ValidationError(fields=fields))  # type: ignore[arg-type]
    return domain_error_response(errors.ValidationError(" ".join(exc.messages)))


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, MalformedJson):
        return domain_error_response(exc.__cause__)
    if exc.status_code == 400:
        # ninja's "Cannot parse request body" from any parser.
        return domain_error_response(MalformedJson())
    if isinstance(exc, NinjaThrottled):
        return domain_error_response(errors.Throttled(retry_after=exc.wait or 1))
    if isinstance(exc, AuthenticationError):
        return domain_error_response(NotAuthenticated())
    if isinstance(exc, AuthorizationError) or exc.status_code == 403:
        return domain_error_response(errors.PermissionDenied())
    if exc.status_code == 404:
        return domain_error_response(errors.NotFound())
    return error_response(status=exc.status_code, code="error", message=str(exc))


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return domain_error_response(errors.NotFound())


def _on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return domain_error_response(errors.PermissionDenied())


def _on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return domain_error_response(
        errors.PayloadTooLarge(
            _("The request body is too large. Send at most %(limit)s bytes."),
            limit=_max_body_bytes(),
        )
    )


def _max_body_bytes() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("Unexpected error in %s %s", request.method, request.path, exc_info=exc)
    return server_error_response()


def server_error_response() -> JsonResponse:
    return error_response(
        status=500,
        code="server_error",
        message=_(
            "Something went wrong on the server. The error was logged; please try again later."
        ),
    )


def install(api: NinjaAPI) -> None:
    """Replace django-ninja's default handlers (and its {"detail": ...} format) with ours."""
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Exception, _on_unexpected),
        (errors.DomainError, _on_domain_error),
        (NinjaValidationError, _on_validation),
        (DjangoValidationError, _on_django_validation),
        (HttpError, _on_http_error),
        (Http404, _on_not_found),
        (ObjectDoesNotExist, _on_not_found),
        (DjangoPermissionDenied, _on_permission_denied),
        (RequestDataTooBig, _on_too_big),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


# --- outside django-ninja: unknown paths and wrong methods -----------------------------------


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return domain_error_response(
        errors.NotFound(_("There is no API endpoint at this address. See /api/v1/openapi.json."))
    )


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn django-ninja's plain-text 405 into the JSON error format (keeping `Allow`)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response.get("Allow", "")
            json_response = domain_error_response(
                MethodNotAllowed(method=request.method or "", allowed=allowed or gettext("none"))
            )
            json_response["Allow"] = allowed
            return json_response
        return response

    return wrapper
