"""Package and tender test data. Factories write rows directly (no service, no audit):
set-up only; tests of a behaviour call the service.

- `make_committee(officials)`: the ULP (an agency "Bagian PBJ" of the same LPSE) with its
  head, three Pokja members and a Pejabat Pengadaan, as a `Committee` bundle.
- `PackageFactory(...)`: a draft package from an announced RUP item with two HPS lines.
- `assigned_package(officials=None, committee=None)`: sent to the ULP with its Pokja (the
  first member chairs).
- `TenderFactory(package=...)`: a draft pasca 1 file tender with a default set-up.
- `lay_out_stages(tender, open_stage=None, at=None)`: one stage row per template stage, each
  one day long, arranged so that `open_stage` is open at `at` (default: now) and the stages
  before it have ended.
- `announced_tender(method=..., open_stage=..., ...)`: the whole chain up to an announced
  tender whose `open_stage` is open now. Returns the tender; its bundles are on
  `tender.officials` and `tender.committee` (test-only attributes).
- `join(tender, vendor)`: a Participant row.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from openlpse.accounts.enums import Role
from openlpse.accounts.models import User
from openlpse.accounts.tests.factories import UserFactory
from openlpse.organizations.models import Agency
from openlpse.organizations.tests.factories import AgencyFactory
from openlpse.plans.tests.factories import (
    PlanningOfficials,
    announced_rup,
    grant,
    make_planning_officials,
)
from openlpse.tenders.enums import (
    BusinessQualification,
    ContractType,
    EvaluationMethod,
    PackageStatus,
    SelectionUnit,
    TenderMethod,
    TenderStatus,
)
from openlpse.tenders.models import HpsItem, Package, Participant, PokjaMember, Tender, TenderStage
from openlpse.tenders.stages import TEMPLATE_VERSION, template_for

_codes = itertools.count(1)


@dataclass
class Committee:
    ulp_agency: Agency
    ulp_head: User
    pokja: list[User]
    pejabat_pengadaan: User

    @property
    def chair(self) -> User:
        return self.pokja[0]


def make_committee(officials: PlanningOfficials, members: int = 3) -> Committee:
    ulp = AgencyFactory(lpse=officials.lpse, name="Bagian Pengadaan Barang/Jasa")
    head = UserFactory()
    grant(head, Role.ULP_HEAD, agency=ulp)
    pokja = [UserFactory() for _ in range(members)]
    for user in pokja:
        grant(user, Role.POKJA_MEMBER, agency=ulp)
    pp = UserFactory()
    grant(pp, Role.PEJABAT_PENGADAAN, agency=officials.agency)
    return Committee(ulp, head, pokja, pp)


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Package
        skip_postgeneration_save = True

    rup_item = factory.LazyAttribute(lambda o: announced_rup(agency=o.agency))
    agency = factory.SubFactory(AgencyFactory)
    lpse = factory.LazyAttribute(lambda o: o.agency.lpse)
    work_unit = None
    code = factory.LazyFunction(lambda: f"P{next(_codes):07d}")
    name = factory.LazyAttribute(lambda o: o.rup_item.name)
    fiscal_year = factory.LazyAttribute(lambda o: o.rup_item.fiscal_year)
    procurement_type = factory.LazyAttribute(lambda o: o.rup_item.procurement_type)
    pagu = factory.LazyAttribute(lambda o: o.rup_item.pagu)
    hps_total = Decimal("0")
    contract_type = ContractType.HARGA_SATUAN
    business_qualification = BusinessQualification.SEMUA
    ppk = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def hps(obj: Package, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or extracted is False:
            return
        lines = extracted or [
            ("Pekerjaan tanah", "m3", Decimal("1000"), Decimal("150000")),
            ("Lapis pondasi agregat", "m3", Decimal("500"), Decimal("900000")),
        ]
        total = Decimal("0")
        for position, (name, unit, qty, price) in enumerate(lines, start=1):
            line_total = (qty * price).quantize(Decimal("0.01"))
            HpsItem.objects.create(
                package=obj,
                position=position,
                name=name,
                unit=unit,
                quantity=qty,
                unit_price=price,
                total=line_total,
            )
            total += line_total
        obj.hps_total = total
        obj.save(update_fields=["hps_total"])


def assigned_package(
    officials: PlanningOfficials | None = None,
    committee: Committee | None = None,
    *,
    pengadaan_langsung: bool = False,
    **fields: Any,
) -> Package:
    officials = officials or make_planning_officials()
    committee = committee or make_committee(officials)
    if pengadaan_langsung:
        fields.setdefault(
            "rup_item",
            announced_rup(
                agency=officials.agency,
                pagu=Decimal("150000000"),
                planned_method="pengadaan_langsung",
            ),
        )
        fields.setdefault("hps", [("Laptop", "unit", Decimal("10"), Decimal("12000000"))])
        package = PackageFactory(
            agency=officials.agency,
            work_unit=officials.work_unit,
            ppk=officials.ppk,
            selection_unit=SelectionUnit.PEJABAT_PENGADAAN,
            pejabat_pengadaan=committee.pejabat_pengadaan,
            status=PackageStatus.ASSIGNED,
            sent_at=timezone.now(),
            **fields,
        )
    else:
        package = PackageFactory(
            agency=officials.agency,
            work_unit=officials.work_unit,
            ppk=officials.ppk,
            selection_unit=SelectionUnit.ULP,
            ulp_agency=committee.ulp_agency,
            status=PackageStatus.ASSIGNED,
            sent_at=timezone.now(),
            **fields,
        )
        for index, user in enumerate(committee.pokja):
            PokjaMember.objects.create(
                package=package,
                user=user,
                is_chair=index == 0,
                assigned_by=committee.ulp_head,
                assigned_at=timezone.now(),
                sk_number=f"027/{package.code}/SK-POKJA/2026",
            )
    package.officials = officials  # type: ignore[attr-defined]
    package.committee = committee  # type: ignore[attr-defined]
    return package


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender

    package = factory.LazyFunction(assigned_package)
    lpse = factory.LazyAttribute(lambda o: o.package.lpse)
    code = factory.LazyFunction(lambda: f"T{next(_codes):07d}")
    name = factory.LazyAttribute(lambda o: o.package.name)
    method = TenderMethod.PASCA_1_FILE
    template_version = TEMPLATE_VERSION
    evaluation_method = EvaluationMethod.HARGA_TERENDAH
    bid_validity_days = 60
    status = TenderStatus.DRAFT
    created_by = factory.LazyAttribute(
        lambda o: (
            o.package.pejabat_pengadaan
            or o.package.pokja_members.filter(is_chair=True).first().user
        )
    )
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


def lay_out_stages(
    tender: Tender, open_stage: str | None = None, at: dt.datetime | None = None
) -> list[TenderStage]:
    """One-day stages back to back; `open_stage` (default: the first) is open at `at`.
    Stages that overlap in real templates are laid out one after another here: set-up only."""
    at = at or timezone.now()
    codes = [s.code for s in template_for(tender.method)]
    index = codes.index(open_stage) if open_stage else 0
    first_start = at - dt.timedelta(hours=12) - dt.timedelta(days=index)
    TenderStage.objects.filter(tender=tender).delete()
    rows = [
        TenderStage(
            tender=tender,
            code=code,
            position=position,
            starts_at=first_start + dt.timedelta(days=position - 1),
            ends_at=first_start + dt.timedelta(days=position),
        )
        for position, code in enumerate(codes, start=1)
    ]
    return TenderStage.objects.bulk_create(rows)


def announced_tender(
    *,
    method: str = TenderMethod.PASCA_1_FILE,
    open_stage: str | None = None,
    officials: PlanningOfficials | None = None,
    committee: Committee | None = None,
    at: dt.datetime | None = None,
    **fields: Any,
) -> Tender:
    package = assigned_package(
        officials, committee, pengadaan_langsung=method == TenderMethod.PENGADAAN_LANGSUNG
    )
    tender = TenderFactory(
        package=package,
        method=method,
        status=TenderStatus.ANNOUNCED,
        announced_at=(at or timezone.now()) - dt.timedelta(days=1),
        public_modified_at=timezone.now(),
        **fields,
    )
    tender.announced_by = tender.created_by
    tender.save(update_fields=["announced_by"])
    lay_out_stages(tender, open_stage, at)
    tender.officials = package.officials  # type: ignore[attr-defined]
    tender.committee = package.committee  # type: ignore[attr-defined]
    return tender


def join(tender: Tender, vendor: Any) -> Participant:
    return Participant.objects.create(
        tender=tender, vendor=vendor, joined_by=vendor.created_by, joined_at=timezone.now()
    )
