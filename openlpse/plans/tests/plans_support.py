"""Helpers shared by the plans tests: a scene with one user per role that matters to the RUP
and the adoption plans, RupFields with defaults, and a snapshot of everything the plans
services write (to assert that a refusal changed nothing)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import User
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core.models import AuditEvent, Notification
from openlpse.organizations.tests.factories import (
    AgencyFactory,
    LpseUnitFactory,
    WorkUnitFactory,
)
from openlpse.plans.models import AdoptionPlan, RupImport, RupItem, RupRevision
from openlpse.plans.services.rup import RupFields
from openlpse.plans.tests.factories import PlanningOfficials, grant, make_planning_officials


@dataclass
class Scene:
    officials: PlanningOfficials
    users: dict[str, User]

    @property
    def agency(self):
        return self.officials.agency

    @property
    def work_unit(self):
        return self.officials.work_unit

    @property
    def lpse(self):
        return self.officials.lpse


def _staff(user: User, unit: Any) -> None:
    RoleAssignmentFactory(
        user=user, role=Role.LPSE_STAFF, scope_kind=ScopeKind.LPSE, lpse=unit.lpse, lpse_unit=unit
    )


def build_scene(lpse=None) -> Scene:
    """PA (agency), KPA (work unit), PPK (work unit), agency admin, a KPA of another work unit
    of the same agency, the PA of another agency, LPSE admin, LPSE staff, a PA who is also
    LPSE staff, and a user with no role."""
    officials = make_planning_officials(lpse)
    other_unit = WorkUnitFactory(agency=officials.agency)
    other_agency = AgencyFactory(lpse=officials.lpse)
    users = {
        "pa": officials.pa,
        "kpa": officials.kpa,
        "ppk": officials.ppk,
        "agency_admin": officials.agency_admin,
    }
    users["kpa_other_unit"] = UserFactory()
    grant(users["kpa_other_unit"], Role.KPA, work_unit=other_unit)
    users["pa_other_agency"] = UserFactory()
    grant(users["pa_other_agency"], Role.PA, agency=other_agency)
    users["lpse_admin"] = UserFactory()
    grant(users["lpse_admin"], Role.LPSE_ADMIN, lpse=officials.lpse)
    unit = LpseUnitFactory(lpse=officials.lpse)
    users["lpse_staff"] = UserFactory()
    _staff(users["lpse_staff"], unit)
    users["pa_and_lpse_staff"] = UserFactory()
    grant(users["pa_and_lpse_staff"], Role.PA, agency=officials.agency)
    _staff(users["pa_and_lpse_staff"], unit)
    users["nobody"] = UserFactory()
    scene = Scene(officials, users)
    scene.other_unit = other_unit  # type: ignore[attr-defined]
    scene.other_agency = other_agency  # type: ignore[attr-defined]
    return scene


BASE = RupFields(
    code="26000001",
    name="Pembangunan Jalan Desa Sukadana",
    fiscal_year=2026,
    pagu=Decimal("1500000000.00"),
    funding_source="apbd",
    procurement_type="konstruksi",
    planned_method="tender",
    selection_start_month=2,
    selection_end_month=4,
    contract_start_month=5,
    contract_end_month=11,
    location="Kecamatan Sukadana",
    description="Peningkatan jalan kabupaten.",
)


def rup_fields(**overrides: Any) -> RupFields:
    return replace(BASE, **overrides)


def snapshot() -> dict[str, Any]:
    """Everything the plans services write."""
    return {
        "items": sorted(
            RupItem.objects.values_list(
                "pk",
                "code",
                "name",
                "pagu",
                "status",
                "revision",
                "pending_changes",
                "has_unannounced_changes",
                "withdraw_reason",
                "work_unit_id",
            )
        ),
        "revisions": sorted(RupRevision.objects.values_list("pk", "number", "reason")),
        "imports": RupImport.objects.count(),
        "plans": sorted(
            AdoptionPlan.objects.values_list(
                "pk", "status", "value_threshold", "target_count", "target_value", "decision_note"
            )
        ),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
