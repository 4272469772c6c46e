"""The SPSE "Data Penyedia" tabs (spse-reference §4.3) as data: which model each tab holds,
which fields a vendor fills in, and which columns its table shows.

Pages, API and services all read this one list, so a tab is added or changed in one place.
The identity tab (identitas) has no model of its own: it shows and edits the Vendor row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openlpse.vendors.models import (
    BusinessLicence,
    Deed,
    Equipment,
    Experience,
    Expert,
    Officer,
    Owner,
    TaxReport,
)
from openlpse.vendors.models.data import VendorRecord

IDENTITY = "identitas"


@dataclass(frozen=True)
class Column:
    """A column of a tab's table. `kind` decides how the value is shown and sorted:
    text, choice, date, number, money, percent."""

    name: str
    kind: str = "text"


@dataclass(frozen=True)
class DataTab:
    slug: str
    label: str | Promise
    description: str | Promise
    model: type[VendorRecord] | None = None
    # Short English name used in audit actions: vendor.data.<audit_name>.create
    audit_name: str = ""
    fields: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    ordering: tuple[str, ...] = ("pk",)


TABS: tuple[DataTab, ...] = (
    DataTab(
        IDENTITY,
        _("Identity"),
        _("The company's identity. Name, NPWP, NIB and e-mail were verified by the LPSE."),
    ),
    DataTab(
        "izin-usaha",
        _("Business licences"),
        _("SIUP, SIUJK, NIB, SBU or sector licences, with their validity."),
        BusinessLicence,
        "licence",
        ("kind", "number", "issuer", "issued_on", "valid_until", "classification"),
        (
            Column("kind", "choice"),
            Column("number"),
            Column("issuer"),
            Column("issued_on", "date"),
            Column("valid_until", "date"),
            Column("classification"),
        ),
        ("valid_until", "pk"),
    ),
    DataTab(
        "akta",
        _("Deeds"),
        _("The deed of establishment and its amendments, with the notary."),
        Deed,
        "deed",
        ("kind", "number", "deed_date", "notary"),
        (Column("kind", "choice"), Column("number"), Column("deed_date", "date"), Column("notary")),
        ("deed_date", "pk"),
    ),
    DataTab(
        "pemilik",
        _("Owners"),
        _("Shareholders and their shares. All shares together may not exceed 100 %."),
        Owner,
        "owner",
        ("name", "id_number", "address", "share_percent"),
        (
            Column("name"),
            Column("id_number"),
            Column("address"),
            Column("share_percent", "percent"),
        ),
        ("-share_percent", "name", "pk"),
    ),
    DataTab(
        "pengurus",
        _("Officers"),
        _("Directors and commissioners, with the NIK printed on their KTP."),
        Officer,
        "officer",
        ("name", "nik", "position", "starts_on", "ends_on"),
        (
            Column("name"),
            Column("nik"),
            Column("position"),
            Column("starts_on", "date"),
            Column("ends_on", "date"),
        ),
        ("name", "pk"),
    ),
    DataTab(
        "tenaga-ahli",
        _("Experts"),
        _("Experts employed by the company, each with their own NPWP."),
        Expert,
        "expert",
        (
            "name",
            "birth_date",
            "npwp",
            "education",
            "expertise",
            "experience_years",
            "certificate",
            "employment",
        ),
        (
            Column("name"),
            Column("npwp"),
            Column("education"),
            Column("expertise"),
            Column("experience_years", "number"),
            Column("certificate"),
        ),
        ("name", "pk"),
    ),
    DataTab(
        "peralatan",
        _("Equipment"),
        _("Equipment the company owns or rents, with proof of ownership."),
        Equipment,
        "equipment",
        (
            "name",
            "quantity",
            "capacity",
            "brand_type",
            "condition",
            "year_made",
            "location",
            "ownership",
        ),
        (
            Column("name"),
            Column("quantity", "number"),
            Column("capacity"),
            Column("brand_type"),
            Column("condition"),
            Column("year_made", "number"),
        ),
        ("name", "pk"),
    ),
    DataTab(
        "pengalaman",
        _("Experience"),
        _("Past contracts: client, value, dates and progress."),
        Experience,
        "experience",
        (
            "contract_name",
            "location",
            "client",
            "client_address",
            "contract_number",
            "contract_date",
            "value",
            "completed_on",
            "handover_on",
            "progress_percent",
        ),
        (
            Column("contract_name"),
            Column("client"),
            Column("contract_number"),
            Column("contract_date", "date"),
            Column("value", "money"),
            Column("completed_on", "date"),
            Column("progress_percent", "percent"),
        ),
        ("-contract_date", "pk"),
    ),
    DataTab(
        "pajak",
        _("Tax"),
        _("Tax returns (SPT) and the tax compliance status (KSWP)."),
        TaxReport,
        "tax",
        ("kind", "year", "month", "receipt_number", "filed_on"),
        (
            Column("kind", "choice"),
            Column("year", "number"),
            Column("month", "number"),
            Column("receipt_number"),
            Column("filed_on", "date"),
        ),
        ("-year", "-month", "pk"),
    ),
)

TABS_BY_SLUG: dict[str, DataTab] = {tab.slug: tab for tab in TABS}
RECORD_TABS: tuple[DataTab, ...] = tuple(tab for tab in TABS if tab.model is not None)


def tab_for_model(model: type[VendorRecord]) -> DataTab:
    for tab in RECORD_TABS:
        if tab.model is model:
            return tab
    raise LookupError(f"no data tab holds {model.__name__}")
