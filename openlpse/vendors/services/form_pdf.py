"""The registration and participation form (formulir pendaftaran dan keikutsertaan, LT 25(6)),
generated as a PDF from the data the vendor entered, to be signed and uploaded.

The form carries a reference code and the SHA-256 of the identity snapshot it was made from,
so the verifikator can tell that the signed upload matches the submitted data. The layout is
deterministic (ReportLab `invariant`): the same data in the same language gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from openlpse.core import errors
from openlpse.core.pdf import a4_pdf
from openlpse.vendors.enums import BusinessForm, BusinessScale
from openlpse.vendors.models import Vendor
from openlpse.vendors.selectors_registration import IDENTITY_FIELDS, missing_identity_fields
from openlpse.vendors.validators import format_npwp


def identity_snapshot(vendor: Vendor) -> dict[str, str]:
    """The identity as submitted: every identity field as stored (digits for numbers)."""
    snapshot = {name: str(getattr(vendor, name) or "") for name in IDENTITY_FIELDS}
    snapshot["vendor_id"] = str(vendor.pk)
    return snapshot


def snapshot_sha256(snapshot: dict[str, str]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def reference_code(vendor: Vendor) -> str:
    """REG-000042-1A2B3C4D: the vendor and the first digits of its identity snapshot's hash.
    Any change of the identity data gives a new code (the signed form no longer matches)."""
    digest = snapshot_sha256(identity_snapshot(vendor))
    return f"REG-{vendor.pk or 0:06d}-{digest[:8].upper()}"


def _text(value: Any) -> str:
    return escape(str(value or "-"))


def _choice_label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else "-"


def registration_form_pdf(*, vendor: Vendor, language: str = "id") -> bytes:
    """The form for `vendor` in `language` (Indonesian by default). It is made from the
    identity, so an incomplete identity is refused (code registration_incomplete)."""
    if missing_identity_fields(vendor):
        raise errors.ValidationError(
            _("Complete the company's identity first: the form is made from it."),
            code="registration_incomplete",
        )
    with translation.override(language or "id"):
        return _render(vendor)


def _render(vendor: Vendor) -> bytes:
    snapshot = identity_snapshot(vendor)
    digest = snapshot_sha256(snapshot)
    code = reference_code(vendor)
    lpse_name = vendor.registration_lpse.name if vendor.registration_lpse else "-"

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontName="Helvetica", fontSize=10)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    title = ParagraphStyle(
        "title", parent=styles["Title"], fontName="Helvetica-Bold", fontSize=14, leading=18
    )
    subtitle = ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER)
    heading = ParagraphStyle(
        "heading", parent=body, fontName="Helvetica-Bold", fontSize=11, spaceBefore=8
    )

    def rows(pairs: list[tuple[str, str]]) -> Table:
        table = Table(
            [[Paragraph(escape(label), body), Paragraph(value, body)] for label, value in pairs],
            colWidths=[55 * mm, 110 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ]
            )
        )
        return table

    company = [
        (_("Company name"), _text(vendor.name)),
        (_("Business form"), _text(_choice_label(BusinessForm, vendor.business_form))),
        (_("Business qualification"), _text(_choice_label(BusinessScale, vendor.business_scale))),
        ("NPWP", _text(format_npwp(vendor.npwp))),
        ("NIB", _text(vendor.nib)),
        (_("Address"), _text(vendor.address)),
        (_("City or regency"), _text(vendor.city)),
        (_("Province"), _text(vendor.province)),
        (_("Postal code"), _text(vendor.postal_code)),
        (_("Phone"), _text(vendor.phone)),
        (_("Company e-mail"), _text(vendor.email)),
        (_("Website"), _text(vendor.website)),
    ]
    admin = [
        (_("Name"), _text(vendor.admin_name)),
        ("NIK", _text(vendor.admin_nik)),
        (_("Position"), _text(vendor.admin_position)),
    ]
    statements = [
        _(
            "The company has one user ID only in this system. I am responsible for every use "
            "of it and for keeping its password secret, and I will report at once to the LPSE "
            "any misuse of it."
        ),
        _(
            "Every piece of data and every document submitted for this registration is true, "
            "valid and in force. If any of it is found to be false, I accept the sanctions under "
            "the law, including being placed on the blacklist."
        ),
        _(
            "The company will take part in procurement through this system according to the "
            "rules on the procurement of goods and services and the terms of use of the system."
        ),
    ]

    story: list[Any] = [
        Paragraph(escape(_("Registration and participation form")), title),
        Paragraph(escape(_("Vendor of goods and services")), subtitle),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                _("To: the Registration and Verification Unit of %(lpse)s") % {"lpse": lpse_name}
            ),
            body,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                _(
                    "I, the undersigned, acting for and on behalf of the company below, register "
                    "it as a vendor in the electronic procurement system:"
                )
            ),
            body,
        ),
        Paragraph(escape(_("Company identity")), heading),
        rows(company),
        Paragraph(escape(_("Administrator (the person signing)")), heading),
        rows(admin),
        Paragraph(escape(_("Statement")), heading),
        Paragraph(escape(_("I state that:")), body),
    ]
    for number, statement in enumerate(statements, start=1):
        story.append(Paragraph(f"{number}. {escape(statement)}", body))
    story += [
        Spacer(1, 10 * mm),
        Paragraph(escape(_("Place and date: ......................................")), body),
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Signature and company stamp")), body),
        Spacer(1, 22 * mm),
        Paragraph(f"( {_text(vendor.admin_name)} )", body),
        Paragraph(_text(vendor.admin_position), body),
        Spacer(1, 8 * mm),
        Paragraph(
            escape(
                _(
                    "Sign this form, then upload the signed scan as “Signed registration and "
                    "participation form”. The verifikator checks that its reference matches the "
                    "data you submit; if you change the data, download and sign the form again."
                )
            ),
            small,
        ),
    ]

    footer = _("Reference %(code)s · identity data SHA-256 %(digest)s") % {
        "code": code,
        "digest": digest,
    }
    return a4_pdf(
        story, title=_("Registration and participation form"), subject=code, footer=footer
    )
