"""A small tus 1.0.0 server for sealed-bid uploads (security-reference §4.1; issue 5 item 3),
mounted at /api/v1/uploads/.

Core protocol plus the creation, checksum (sha256, required on every PATCH) and termination
extensions, and one addition: `POST <upload>/finalize`, which turns a complete upload into a
submission and answers with the signed receipt document (JSON).

    OPTIONS /api/v1/uploads/              capabilities
    POST    /api/v1/uploads/              create: Upload-Length, Upload-Metadata (filename,
                                          tender, envelope, sha256, optional upload_id)
    HEAD    /api/v1/uploads/<id>          Upload-Offset, Upload-Length (Cache-Control: no-store)
    PATCH   /api/v1/uploads/<id>          Content-Type: application/offset+octet-stream,
                                          Upload-Offset (409 if not the stored one),
                                          Upload-Checksum: sha256 <b64> (460 on mismatch)
    DELETE  /api/v1/uploads/<id>          cancel
    POST    /api/v1/uploads/<id>/finalize the receipt document

Authentication: `Authorization: Bearer <API token>`, or the browser session with the CSRF
token in `X-CSRFToken`. Errors are the API's JSON format in the request's language.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import uuid
from collections.abc import Callable
from typing import IO, Any, cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from openlpse.bids.models import Upload
from openlpse.bids.selectors_submissions import access_tender_by_code
from openlpse.bids.services import submissions as submission_services
from openlpse.bids.services import uploads as upload_services
from openlpse.core import errors
from openlpse.core.api_errors import (
    InvalidToken,
    NotAuthenticated,
    TokenExpired,
    domain_error_response,
    server_error_response,
)
from openlpse.core.request_context import client_ip

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,checksum,termination"
OFFSET_TYPE = "application/offset+octet-stream"


class _MethodNotAllowed(errors.DomainError):
    code = "method_not_allowed"
    http_status = 405


def _tus_headers(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _error(exc: errors.DomainError) -> HttpResponse:
    return _tus_headers(domain_error_response(exc))


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        return HttpResponse(status=403)


def _authenticate(request: HttpRequest) -> Any:
    """The user of a bearer token, or of the session (CSRF-checked for unsafe methods)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        from openlpse.accounts.services.auth import appointment_refusal
        from openlpse.accounts.services.tokens import TokenRefused, token_authenticate

        try:
            token = token_authenticate(secret=header[7:].strip())
        except TokenRefused as refused:
            raise (TokenExpired() if refused.reason == "expired" else InvalidToken()) from None
        refusal = appointment_refusal(user=token.user)
        if refusal is not None:
            raise refusal
        request.user = token.user
        return token.user
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise NotAuthenticated()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        check = _CsrfCheck(lambda r: HttpResponse())
        if check.process_view(request, lambda r: HttpResponse(), (), {}) is not None:
            raise errors.PermissionDenied(
                _(
                    "The security token of this page is missing or old. Reload the page and "
                    "try again; your upload continues where it stopped."
                ),
                code="csrf_failed",
            )
    return user


def _tus_view(handler: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return _options()
        try:
            user = _authenticate(request)
            return _tus_headers(handler(request, user, *args, **kwargs))
        except errors.DomainError as exc:
            return _error(exc)
        except Exception:  # pragma: no cover - logged
            import logging

            logging.getLogger("openlpse.api").exception("tus %s %s", request.method, request.path)
            return _tus_headers(server_error_response())

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return csrf_exempt(view)


def _options() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = EXTENSIONS
    response["Tus-Checksum-Algorithm"] = "sha256"
    response["Tus-Max-Size"] = str(upload_services.max_bytes())
    response["Allow"] = "OPTIONS, POST, HEAD, PATCH, DELETE"
    return _tus_headers(response)


def parse_metadata(header: str) -> dict[str, str]:
    """`key b64,key2 b64` → {key: decoded UTF-8 value}."""
    values: dict[str, str] = {}
    for pair in (header or "").split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _sep, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise errors.field_error(
                "Upload-Metadata",
                _("The value of “%(key)s” in Upload-Metadata is not base64 of UTF-8 text.")
                % {"key": key[:40]},
                code="metadata_malformed",
            ) from None
    return values


def _int_header(request: HttpRequest, name: str, meta: str) -> int:
    raw = request.META.get(meta, "")
    if not raw.strip().isdigit():
        raise errors.field_error(
            name, _("Send the header %(name)s as a whole number of bytes.") % {"name": name}
        )
    return int(raw.strip())


def _upload_url(upload: Upload) -> str:
    return f"/api/v1/uploads/{upload.pk}"


def _create(request: HttpRequest, user: Any) -> HttpResponse:
    if request.method != "POST":
        raise _MethodNotAllowed(_("Use POST to start an upload, OPTIONS to learn the limits."))
    length = _int_header(request, "Upload-Length", "HTTP_UPLOAD_LENGTH")
    meta = parse_metadata(request.META.get("HTTP_UPLOAD_METADATA", ""))
    missing = [k for k in ("tender", "envelope", "sha256") if not meta.get(k)]
    if missing:
        raise errors.field_error(
            "Upload-Metadata",
            _("Upload-Metadata must give %(missing)s (and filename).")
            % {"missing": ", ".join(missing)},
            code="metadata_missing",
        )
    upload_id = None
    if meta.get("upload_id"):
        try:
            upload_id = uuid.UUID(meta["upload_id"])
        except ValueError:
            raise errors.field_error(
                "upload_id", _("upload_id must be a UUID."), code="upload_id"
            ) from None
    tender = access_tender_by_code(user=user, code=meta["tender"])
    sha = meta["sha256"].strip()
    if len(sha) != 64:  # also accept the raw digest's base64
        with contextlib.suppress(binascii.Error, ValueError):
            sha = base64.b64decode(sha, validate=True).hex() if len(sha) == 44 else sha
    upload = upload_services.upload_create(
        actor=user,
        tender=tender,
        envelope=meta["envelope"],
        length=length,
        file_name=meta.get("filename", "") or "bid.sealed",
        declared_sha256=sha,
        upload_id=upload_id,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    response = JsonResponse(
        {"id": str(upload.pk), "location": _upload_url(upload), "offset": upload.offset},
        status=201,
    )
    response["Location"] = _upload_url(upload)
    response["Upload-Offset"] = str(upload.offset)
    return response


@_tus_view
def tus_root(request: HttpRequest, user: Any) -> HttpResponse:
    return _create(request, user)


def _head(upload: Upload) -> HttpResponse:
    response = HttpResponse(status=200)
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.length)
    return response


@_tus_view
def tus_upload(request: HttpRequest, user: Any, upload_id: uuid.UUID) -> HttpResponse:
    method = request.method
    if method in ("HEAD", "GET"):
        upload = upload_services.access_upload(user=user, upload_id=upload_id)
        if upload.status == "terminated":
            raise errors.NotFound()
        return _head(upload)
    if method == "PATCH":
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != OFFSET_TYPE:
            raise errors.UnsupportedMediaType(
                _("Send the bytes with Content-Type: application/offset+octet-stream."),
                code="content_type",
            )
        offset = _int_header(request, "Upload-Offset", "HTTP_UPLOAD_OFFSET")
        digest = upload_services.parse_checksum(request.META.get("HTTP_UPLOAD_CHECKSUM"))
        upload = upload_services.upload_append(
            actor=user,
            upload_id=upload_id,
            offset=offset,
            chunk=cast("IO[bytes]", request),
            checksum_sha256=digest,
        )
        response = HttpResponse(status=204)
        response["Upload-Offset"] = str(upload.offset)
        return response
    if method == "DELETE":
        upload_services.upload_terminate(actor=user, upload_id=upload_id)
        return HttpResponse(status=204)
    raise _MethodNotAllowed(_("This address accepts HEAD, PATCH, DELETE and OPTIONS."))


@_tus_view
def tus_finalize(request: HttpRequest, user: Any, upload_id: uuid.UUID) -> HttpResponse:
    """POST: finalize the upload; answers with the signed receipt document."""
    if request.method != "POST":
        raise _MethodNotAllowed(_("Use POST to finalize an upload."))
    submission = submission_services.submission_finalize(actor=user, upload_id=upload_id)
    response = JsonResponse(submission_services.receipt_document(submission), status=200)
    response["X-Submission-Id"] = str(submission.pk)
    return response
