"""Domain errors: a stable code plus a translatable full sentence.

Services raise these; views map them to form messages and the API maps them to
`{"error": {"code": ..., "message": ...}}` with `http_status`.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code: str = "error"
    http_status: int = 400
    default_message: str | Promise = _("The request could not be completed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str | Promise]] | None = None,
        **params: Any,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.fields = fields or {}
        self.params = params
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            data["fields"] = {k: [str(m) for m in v] for k, v in self.fields.items()}
        return data


class ValidationError(DomainError):
    code = "invalid"
    http_status = 400
    default_message = _("Some of the data is not valid. Correct the marked fields and try again.")


def field_error(field: str, message: Any, *, code: str | None = None) -> ValidationError:
    """A ValidationError about one field, whose message is also the error's sentence (the API's
    `message` and the form's field error say the same thing)."""
    return ValidationError(message, fields={field: [message]}, code=code)


class NotFound(DomainError):
    """Raised for missing objects *and* for objects the user may not see (no existence leak)."""

    code = "not_found"
    http_status = 404
    default_message = _("The item was not found, or you do not have access to it.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = _("This conflicts with the current state. Reload the page and try again.")


class SeparationOfDuties(PermissionDenied):
    code = "separation_of_duties"


class Throttled(DomainError):
    code = "throttled"
    http_status = 429
    default_message = _("Too many attempts. Please wait and try again.")

    def __init__(
        self, message: str | Promise | None = None, *, retry_after: int, **kw: Any
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


class PayloadTooLarge(DomainError):
    code = "too_large"
    http_status = 413
    default_message = _("The data sent is too large.")


class UnsupportedMediaType(DomainError):
    code = "unsupported_type"
    http_status = 415
    default_message = _("This type of file is not accepted.")


class StorageFull(DomainError):
    code = "storage_full"
    http_status = 507
    default_message = _(
        "The server's storage is full. Your data was kept; please try again in a few minutes."
    )
