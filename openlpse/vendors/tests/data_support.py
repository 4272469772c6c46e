"""Shared set-up for the vendor data, identity, staff and directory tests: the cast of every
role, valid values for each tab, and a snapshot of what the services write (to assert that
nothing changed after a refusal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core.models import AuditEvent, Notification
from openlpse.organizations.tests.factories import AgencyFactory
from openlpse.vendors.models import (
    BusinessLicence,
    Deed,
    Equipment,
    Experience,
    Expert,
    Officer,
    Owner,
    TaxReport,
    Vendor,
    VerificationRequest,
)
from openlpse.vendors.tests.factories import grant_vendor_role, make_verified_vendor, next_nik

RECORD_MODELS = (BusinessLicence, Deed, Owner, Officer, Expert, Equipment, Experience, TaxReport)


def valid_values(model: type) -> dict[str, Any]:
    """A valid new row of each tab (as a form or the API would send it)."""
    return {
        BusinessLicence: {
            "kind": "siup",
            "number": "503/123/SIUP/2025",
            "issuer": "DPMPTSP Kabupaten Lampung Timur",
            "issued_on": dt.date(2025, 1, 10),
            "valid_until": dt.date(2030, 1, 9),
            "classification": "KBLI 41011",
        },
        Deed: {
            "kind": "pendirian",
            "number": "12",
            "deed_date": dt.date(2015, 3, 2),
            "notary": "Notaris Siti Aminah, S.H.",
        },
        Owner: {
            "name": "Budi Santoso",
            "id_number": next_nik(7),
            "address": "Jl. Merdeka 1",
            "share_percent": Decimal("60"),
        },
        Officer: {
            "name": "Budi Santoso",
            "nik": "1804-0115-0885-0007",
            "position": "Direktur Utama",
            "starts_on": dt.date(2020, 1, 1),
            "ends_on": None,
        },
        Expert: {
            "name": "Ir. Wayan Sudarma",
            "birth_date": dt.date(1980, 5, 17),
            "npwp": "01.234.567.8-901.000",
            "education": "S1 Teknik Sipil",
            "expertise": "Ahli struktur",
            "experience_years": 12,
            "certificate": "SKA 1234",
            "employment": "Tetap",
        },
        Equipment: {
            "name": "Excavator",
            "quantity": 2,
            "capacity": "0,8 m3",
            "brand_type": "Komatsu PC200",
            "condition": "Baik",
            "year_made": 2018,
            "location": "Sukadana",
            "ownership": "Milik sendiri",
        },
        Experience: {
            "contract_name": "Pembangunan Jalan Desa",
            "location": "Sukadana",
            "client": "Dinas PUPR Kabupaten Lampung Timur",
            "client_address": "Sukadana",
            "contract_number": "602/45/PUPR/2024",
            "contract_date": dt.date(2024, 3, 1),
            "value": Decimal("1250000000.00"),
            "completed_on": dt.date(2024, 9, 30),
            "handover_on": dt.date(2024, 10, 5),
            "progress_percent": Decimal("100"),
        },
        TaxReport: {
            "kind": "spt_tahunan",
            "year": 2024,
            "month": None,
            "receipt_number": "BPE-2024-0001",
            "filed_on": dt.date(2025, 3, 20),
        },
    }[model]


@dataclass
class Cast:
    """Everyone who may try to write a vendor's data."""

    vendor: Vendor
    admin: User
    staff: User
    other_vendor: Vendor
    other_admin: User
    official: User
    anonymous: AnonymousUser

    def refused_actors(self) -> dict[str, Any]:
        return {
            "other_admin": self.other_admin,
            "official": self.official,
            "anonymous": self.anonymous,
        }


def add_staff(vendor: Vendor, **user_fields: Any) -> User:
    user = UserFactory(**user_fields)
    grant_vendor_role(user, vendor, role=Role.VENDOR_STAFF)
    return user


def make_official(lpse: Any, role: str = Role.PPK) -> User:
    user = UserFactory()
    if role in (Role.LPSE_ADMIN, Role.LPSE_STAFF, Role.AUDITOR):
        RoleAssignmentFactory(user=user, role=role, scope_kind=ScopeKind.LPSE, lpse=lpse)
    else:
        RoleAssignmentFactory(
            user=user,
            role=role,
            scope_kind=ScopeKind.AGENCY,
            lpse=lpse,
            agency=AgencyFactory(lpse=lpse),
        )
    return user


def make_cast(lpse: Any) -> Cast:
    vendor = make_verified_vendor(lpse=lpse)
    other = make_verified_vendor(lpse=lpse)
    return Cast(
        vendor=vendor,
        admin=vendor.created_by,
        staff=add_staff(vendor),
        other_vendor=other,
        other_admin=other.created_by,
        official=make_official(lpse),
        anonymous=AnonymousUser(),
    )


def snapshot() -> dict[str, Any]:
    return {
        "records": {
            m.__name__: sorted(
                (r.pk, r.vendor_id, r.updated_at, r.file_id) for r in m._default_manager.all()
            )
            for m in RECORD_MODELS
        },
        "vendors": sorted(
            Vendor.objects.values_list("pk", "name", "npwp", "address", "updated_at")
        ),
        "requests": sorted(VerificationRequest.objects.values_list("pk", "status")),
        "roles": sorted(RoleAssignment.objects.values_list("pk", "revoked_at")),
        "users": User.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event
