"""Shared set-up of the package and Pokja tests (test_packages_*.py): a scene with the
planning officials, a ULP with its head and five Pokja members, a Pejabat Pengadaan, an
announced RUP item, LPSE people, and a snapshot of everything the services write."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import User
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core.models import AuditEvent, Notification
from openlpse.organizations.tests.factories import LpseUnitFactory
from openlpse.plans.models import RupItem
from openlpse.plans.tests.factories import (
    PlanningOfficials,
    announced_rup,
    grant,
    make_planning_officials,
)
from openlpse.tenders.models import HpsItem, Package, PackageLocation, PokjaMember
from openlpse.tenders.tests.factories import Committee, make_committee
from openlpse.vendors.tests.factories import PDF_BYTES


@dataclass
class Scene:
    officials: PlanningOfficials
    committee: Committee
    rup: RupItem
    lpse_staff: User
    lpse_admin: User
    stranger: User

    @property
    def ppk(self) -> User:
        return self.officials.ppk

    @property
    def head(self) -> User:
        return self.committee.ulp_head


def build_scene(members: int = 5) -> Scene:
    officials = make_planning_officials()
    committee = make_committee(officials, members=members)
    rup = announced_rup(agency=officials.agency)
    staff, admin = UserFactory(), UserFactory()
    RoleAssignmentFactory(
        user=staff,
        role=Role.LPSE_STAFF,
        scope_kind=ScopeKind.LPSE,
        lpse=officials.lpse,
        lpse_unit=LpseUnitFactory(lpse=officials.lpse),
    )
    grant(admin, Role.LPSE_ADMIN, lpse=officials.lpse)
    return Scene(officials, committee, rup, staff, admin, UserFactory())


def pdf(name: str = "kak.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


HPS = [
    {"name": "Pekerjaan tanah", "unit": "m3", "quantity": "1000", "unit_price": "150000"},
    {"name": "Lapis pondasi", "unit": "m3", "quantity": "500", "unit_price": "900000.50"},
]
HPS_TOTAL = Decimal("600000250.00")


def ready_package(scene: Scene, **fields: Any) -> Package:
    """A draft package made by the services, with HPS, KAK and a location."""
    from openlpse.tenders.services import packages as services

    package = services.package_create(
        actor=scene.ppk,
        rup_item=fields.pop("rup_item", scene.rup),
        contract_type="harga_satuan",
        business_qualification="non_kecil",
        description="Peningkatan jalan",
    )
    services.package_set_hps(actor=scene.ppk, package=package, items=fields.pop("hps", HPS))
    services.package_upload_document(actor=scene.ppk, package=package, which="kak", upload=pdf())
    services.package_set_locations(
        actor=scene.ppk,
        package=package,
        locations=[{"province": "Lampung", "city": "Lampung Timur", "detail": "Sukadana"}],
    )
    package.refresh_from_db()
    return package


def sent_package(scene: Scene) -> Package:
    from openlpse.tenders.services import packages as services

    package = ready_package(scene)
    return services.package_send(
        actor=scene.ppk, package=package, ulp_agency=scene.committee.ulp_agency
    )


def snapshot() -> dict[str, Any]:
    """Everything the package and Pokja services write."""
    return {
        "packages": sorted(
            Package.objects.values_list(
                "pk",
                "status",
                "name",
                "hps_total",
                "ulp_agency_id",
                "pejabat_pengadaan_id",
                "kak_file_id",
                "return_reason",
            )
        ),
        "hps": sorted(HpsItem.objects.values_list("package_id", "position", "total")),
        "locations": sorted(PackageLocation.objects.values_list("package_id", "city")),
        "members": sorted(
            PokjaMember.objects.values_list("package_id", "user_id", "is_chair", "removed_at")
        ),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }
