"""Shared set-up for the verification tests: a snapshot of everything the verification and
slot services write, to assert that nothing changed after a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models import RoleAssignment
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core.models import AuditEvent, Notification
from openlpse.organizations.enums import LpseUnitKind
from openlpse.organizations.tests.factories import AgencyFactory, LpseUnitFactory
from openlpse.vendors.models import (
    DocumentReview,
    Vendor,
    VerificationAppointment,
    VerificationRequest,
    VerificationSlot,
)
from openlpse.vendors.tests.factories import (
    grant_vendor_role,
    make_submitted_registration,
    make_verifikator,
)

# Every role the permission matrices run over (the company's registrant is added where an
# action is theirs).
ROLES = [
    "lpse_admin",
    "lpse_staff_other_unit",
    "verifikator",
    "verifikator_other_lpse",
    "agency_admin",
    "pa",
    "ppk",
    "pokja_member",
    "vendor_admin",
    "vendor_staff",
    "auditor",
    "anonymous",
]


def role_world(lpse: Any, other_lpse: Any) -> dict[str, Any]:
    """A registration of "PT Diperiksa" waiting at `lpse`, and one person per role in ROLES
    (the verifikator of `other_lpse` as "verifikator_other_lpse"; the company's registrant
    as "registrant")."""
    vreq = make_submitted_registration(lpse=lpse, name="PT Diperiksa")
    agency = AgencyFactory(lpse=lpse)
    users: dict[str, Any] = {"anonymous": AnonymousUser(), "registrant": vreq.vendor.created_by}

    def person(key: str, role: str, **scope: Any) -> None:
        user = UserFactory(username=key)
        RoleAssignmentFactory(user=user, role=role, **scope)
        users[key] = user

    person("lpse_admin", Role.LPSE_ADMIN, lpse=lpse)
    person(
        "lpse_staff_other_unit",
        Role.LPSE_STAFF,
        lpse=lpse,
        lpse_unit=LpseUnitFactory(lpse=lpse, kind=LpseUnitKind.LAYANAN_DUKUNGAN),
    )
    users["verifikator"] = make_verifikator(lpse, username="verifikator")
    users["verifikator_other_lpse"] = make_verifikator(other_lpse, username="verif.ka")
    for role in (Role.AGENCY_ADMIN, Role.PA, Role.PPK, Role.POKJA_MEMBER):
        person(str(role), role, scope_kind=ScopeKind.AGENCY, lpse=lpse, agency=agency)
    person(
        "auditor",
        Role.AUDITOR,
        lpse=lpse,
        letter_kind=LetterKind.SURAT_TUGAS,
        ends_on=timezone.now().date() + dt.timedelta(days=90),
    )
    users["vendor_admin"] = UserFactory(username="vendor_admin")
    grant_vendor_role(users["vendor_admin"], vreq.vendor)
    users["vendor_staff"] = UserFactory(username="vendor_staff")
    grant_vendor_role(users["vendor_staff"], vreq.vendor, role=Role.VENDOR_STAFF)
    return {"lpse": lpse, "vreq": vreq, "users": users}


def snapshot() -> dict[str, object]:
    return {
        "requests": sorted(
            VerificationRequest.objects.values_list("pk", "status", "decided_by_id", "data")
        ),
        "reviews": DocumentReview.objects.count(),
        "vendors": sorted(
            Vendor.objects.values_list(
                "pk", "status", "name", "npwp", "nib", "email", "verified_lpse_id", "verified_at"
            )
        ),
        "roles": RoleAssignment.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "slots": sorted(VerificationSlot.objects.values_list("pk", "cancelled_at")),
        "appointments": sorted(VerificationAppointment.objects.values_list("pk", "cancelled_at")),
    }


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
