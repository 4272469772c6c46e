"""Registration documents (LT 25(1)a.2) and the signed form (LT 25(6)): exactly these, nothing
more (LT 25(3)). Each upload is stored and hashed by core.storage and becomes a new version;
the previous one stays in the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openlpse.accounts.permissions import today
from openlpse.core import audit, clock, errors
from openlpse.core.storage import file_store
from openlpse.vendors import permissions
from openlpse.vendors import selectors_registration as reads
from openlpse.vendors.enums import DocumentType
from openlpse.vendors.models import Vendor, VendorDocument
from openlpse.vendors.services.form_pdf import reference_code
from openlpse.vendors.services.registration import refuse_access, require_editable

# The business licence must say what it is, who issued it and until when it is valid.
DETAILS_REQUIRED = frozenset({DocumentType.IZIN_USAHA})
NUMBER_MAX = 120
ISSUER_MAX = 200


def _check_details(
    *,
    kind: str,
    number: str,
    issuer: str,
    issued_on: dt.date | None,
    valid_until: dt.date | None,
) -> None:
    problems: dict[str, list[Any]] = {}
    day = today()
    if kind in DETAILS_REQUIRED:
        if not number:
            problems["number"] = [_("Enter the licence number.")]
        if not issuer:
            problems["issuer"] = [_("Enter who issued the licence, for example DPMPTSP or OSS.")]
        if valid_until is None:
            problems["valid_until"] = [
                _("Enter the date until which the licence is valid, as written on it.")
            ]
    if len(number) > NUMBER_MAX:
        problems.setdefault("number", []).append(
            _("Use at most %(limit)d characters.") % {"limit": NUMBER_MAX}
        )
    if len(issuer) > ISSUER_MAX:
        problems.setdefault("issuer", []).append(
            _("Use at most %(limit)d characters.") % {"limit": ISSUER_MAX}
        )
    if issued_on is not None and issued_on > day:
        problems.setdefault("issued_on", []).append(_("The date of issue cannot be in the future."))
    if valid_until is not None and valid_until < day:
        problems.setdefault("valid_until", []).append(
            _(
                "This document expired on %(date)s. Upload the one in force now (renew it first "
                "if needed)."
            )
            % {"date": date_format(valid_until, "DATE_FORMAT")}
        )
    if issued_on is not None and valid_until is not None and valid_until < issued_on:
        problems.setdefault("valid_until", []).append(
            _("The validity cannot end before the date of issue.")
        )
    if problems:
        first = next(iter(problems.values()))[0]
        code = "document_expired" if "valid_until" in problems and valid_until else "invalid"
        raise errors.ValidationError(first, fields=problems, code=code)


def require_upload_allowed(*, actor: Any, vendor: Vendor) -> None:
    """The rule of who may upload and when (the pages check it before reading the files):
    the registrant or the vendor admin, while the registration is a draft or returned.
    Anyone else gets NotFound (the attempt is audited)."""
    if not permissions.can_edit_registration(actor, vendor):
        raise refuse_access(actor=actor, vendor=vendor, attempted="document.upload")
    require_editable(vendor)


def document_upload(
    *,
    actor: Any,
    vendor: Vendor,
    kind: str,
    upload: Any,
    number: str = "",
    issuer: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> VendorDocument:
    """Store `upload` as the new current version of the vendor's document `kind`.

    Refuses (storing nothing) a kind that is not one of LT 25(1)a.2, a document past its
    validity, and what core.storage refuses (UnsupportedMediaType, PayloadTooLarge). The vendor
    row is locked so that two uploads of the same kind get consecutive versions."""
    require_upload_allowed(actor=actor, vendor=vendor)
    if kind not in reads.DOCUMENT_ORDER:
        raise errors.field_error(
            "kind", _("Choose one of the registration documents listed on the page.")
        )
    number = " ".join((number or "").split())
    issuer = " ".join((issuer or "").split())
    _check_details(
        kind=kind, number=number, issuer=issuer, issued_on=issued_on, valid_until=valid_until
    )
    if upload is None:
        raise errors.field_error("file", _("Choose the file to upload."))
    with transaction.atomic():
        locked = (
            Vendor.objects.select_for_update(of=("self",))
            .select_related("registration_lpse")
            .get(pk=vendor.pk)
        )
        require_editable(locked)
        if kind == DocumentType.FORMULIR and not number:
            # The reference of the data the form was generated from (services.form_pdf).
            number = reference_code(locked)
        stored = file_store(
            upload=upload,
            kind="vendor_document",
            owner=actor,
            purpose=f"vendor {locked.pk}: {kind}",
            lpse=locked.registration_lpse,
        )
        versions = VendorDocument.objects.filter(vendor_id=locked.pk, kind=kind)
        previous = versions.filter(is_current=True).first()
        last = versions.aggregate(last=Max("version"))["last"] or 0
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        document = VendorDocument.objects.create(
            vendor=locked,
            kind=kind,
            version=last + 1,
            file=stored,
            number=number,
            issuer=issuer,
            issued_on=issued_on,
            valid_until=valid_until,
            is_current=True,
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="vendor.document_upload",
            obj=document,
            changes={
                "vendor": locked.pk,
                "kind": kind,
                "version": document.version,
                "replaces": previous.version if previous is not None else None,
                "sha256": stored.sha256,
                "size": stored.size,
                "number": number,
                "valid_until": valid_until.isoformat() if valid_until else None,
            },
            lpse_id=locked.registration_lpse_id,
        )
    return document


def access_own_document(*, actor: Any, document_id: int) -> VendorDocument:
    """A document version of the actor's own vendor (to download it). Another vendor's
    document is NotFound, and the attempt is audited."""
    document = (
        VendorDocument.objects.filter(pk=document_id).select_related("vendor", "file").first()
    )
    if document is None:
        raise errors.NotFound()
    vendor = document.vendor
    if not (
        permissions.is_registrant(actor, vendor) or permissions.is_vendor_member(actor, vendor)
    ):
        raise refuse_access(actor=actor, vendor=vendor, attempted=f"document.read:{document.pk}")
    return document
