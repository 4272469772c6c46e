"""Plan test data. Factories write rows directly (no service, no audit): set-up only.

- `make_planning_officials(lpse=None)`: an agency with a work unit, and its PA, KPA (work
  unit), PPK (work unit) and agency admin, as a `PlanningOfficials` bundle.
- `RupItemFactory(...)`: a draft RUP item; `announced_rup(...)`: announced, with revision 1.
- `AdoptionPlanFactory(...)`: a draft adoption plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import User
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.organizations.models import Agency, Lpse, WorkUnit
from openlpse.organizations.tests.factories import AgencyFactory, LpseFactory, WorkUnitFactory
from openlpse.plans.enums import (
    AdoptionPlanStatus,
    FundingSource,
    PlannedMethod,
    ProcurementType,
    RupStatus,
)
from openlpse.plans.models import AdoptionPlan, RupItem, RupRevision


def grant(
    user: User,
    role: str,
    *,
    agency: Agency | None = None,
    work_unit: WorkUnit | None = None,
    lpse: Lpse | None = None,
) -> None:
    """Give `user` a role in force (from 30 days ago) scoped to a work unit, agency or LPSE."""
    if work_unit is not None:
        RoleAssignmentFactory(
            user=user,
            role=role,
            scope_kind=ScopeKind.WORK_UNIT,
            work_unit=work_unit,
            agency=work_unit.agency,
            lpse=work_unit.agency.lpse,
        )
    elif agency is not None:
        RoleAssignmentFactory(
            user=user, role=role, scope_kind=ScopeKind.AGENCY, agency=agency, lpse=agency.lpse
        )
    else:
        assert lpse is not None
        RoleAssignmentFactory(user=user, role=role, scope_kind=ScopeKind.LPSE, lpse=lpse)


@dataclass
class PlanningOfficials:
    lpse: Lpse
    agency: Agency
    work_unit: WorkUnit
    pa: User
    kpa: User
    ppk: User
    agency_admin: User


def make_planning_officials(lpse: Lpse | None = None) -> PlanningOfficials:
    lpse = lpse or LpseFactory()
    agency = AgencyFactory(lpse=lpse)
    unit = WorkUnitFactory(agency=agency)
    pa, kpa, ppk, admin = (UserFactory() for _ in range(4))
    grant(pa, Role.PA, agency=agency)
    grant(kpa, Role.KPA, work_unit=unit)
    grant(ppk, Role.PPK, work_unit=unit)
    grant(admin, Role.AGENCY_ADMIN, agency=agency)
    return PlanningOfficials(lpse, agency, unit, pa, kpa, ppk, admin)


class RupItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RupItem

    lpse = factory.LazyAttribute(lambda o: o.agency.lpse)
    agency = factory.SubFactory(AgencyFactory)
    work_unit = None
    code = factory.Sequence(lambda n: f"{40000000 + n}")
    name = factory.Sequence(lambda n: f"Pembangunan Jalan Contoh {n}")
    fiscal_year = 2026
    pagu = Decimal("1500000000.00")
    funding_source = FundingSource.APBD
    procurement_type = ProcurementType.KONSTRUKSI
    planned_method = PlannedMethod.TENDER
    selection_start_month = 2
    selection_end_month = 4
    contract_start_month = 5
    contract_end_month = 11
    location = "Kecamatan Sukadana"
    description = "Peningkatan jalan kabupaten."
    status = RupStatus.DRAFT
    created_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


PUBLIC_FIELDS = (
    "code",
    "name",
    "fiscal_year",
    "pagu",
    "funding_source",
    "procurement_type",
    "planned_method",
    "selection_start_month",
    "selection_end_month",
    "contract_start_month",
    "contract_end_month",
    "location",
    "description",
)


def announced_rup(**fields: Any) -> RupItem:
    """An RUP item announced yesterday, with its first revision."""
    when = timezone.now() - dt.timedelta(days=1)
    item = RupItemFactory(
        status=RupStatus.ANNOUNCED, revision=1, announced_at=when, last_announced_at=when, **fields
    )
    snapshot = {name: str(getattr(item, name)) for name in PUBLIC_FIELDS}
    RupRevision.objects.create(
        rup_item=item, number=1, snapshot=snapshot, announced_by=item.created_by, announced_at=when
    )
    return item


class AdoptionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdoptionPlan

    agency = factory.SubFactory(AgencyFactory)
    lpse = factory.LazyAttribute(lambda o: o.agency.lpse)
    fiscal_year = 2026
    value_threshold = Decimal("200000000.00")
    target_count = 10
    target_value = None
    status = AdoptionPlanStatus.DRAFT
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
