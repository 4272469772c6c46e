"""Set-up shared by the blacklist and deactivation tests: a world with one person per role
(organizations.tests.world), a verified vendor with its administrator and a staff member, the
verifikators of both LPSEs, and shortcuts that go through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from openlpse.accounts.enums import Role
from openlpse.accounts.models import ApiToken, User
from openlpse.accounts.permissions import today
from openlpse.accounts.services.tokens import token_create
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core.models import AuditEvent, Notification, StoredFile
from openlpse.ops.models import DueCheck
from openlpse.organizations.tests.world import World, build_world
from openlpse.vendors.models import BlacklistEntry, BlacklistRequest, Vendor
from openlpse.vendors.services import blacklist as services
from openlpse.vendors.tests.factories import (
    PDF_BYTES,
    grant_vendor_role,
    make_verified_vendor,
    make_verifikator,
)

# Every role of the world, by its key in World.users.
REQUESTER_KEYS = ("pa", "kpa", "ppk", "ulp_head", "pokja_member", "pejabat_pengadaan")
NON_REQUESTER_KEYS = (
    "lpse_admin",
    "other_lpse_admin",
    "lpse_staff",
    "agency_admin",
    "other_agency_admin",
    "auditor",
    "vendor_admin",
    "vendor_staff",
    "nobody",
)


@dataclass
class Scene:
    world: World
    vendor: Vendor
    admin: User
    staff: User
    verifikator: User
    other_verifikator: User
    ppk: User

    @property
    def people(self) -> list[User]:
        return [self.admin, self.staff]


def build_scene() -> Scene:
    world = build_world()
    vendor = make_verified_vendor(lpse=world.lpse, name="CV Curang Jaya")
    staff = UserFactory(username="staf.curang")
    grant_vendor_role(staff, vendor, Role.VENDOR_STAFF)
    return Scene(
        world=world,
        vendor=vendor,
        admin=vendor.created_by,
        staff=staff,
        verifikator=world.users["lpse_staff"],
        other_verifikator=make_verifikator(world.other_lpse, username="ka.verifikator"),
        ppk=world.users["ppk"],
    )


def evidence(name: str = "berita-acara.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def file_request(
    scene: Scene,
    *,
    actor: User | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    vendor: Vendor | None = None,
) -> BlacklistRequest:
    start = starts_on or today()
    return services.blacklist_request_create(
        actor=actor or scene.ppk,
        vendor=vendor or scene.vendor,
        lpse=scene.world.lpse,
        reason="Memalsukan jaminan penawaran pada tender 2026-017",
        legal_basis="Peraturan LKPP 17/2018 Pasal 3",
        starts_on=start,
        ends_on=ends_on or start + dt.timedelta(days=364),
        evidence=[evidence()],
    )


def approve(scene: Scene, request: BlacklistRequest) -> BlacklistEntry:
    services.blacklist_request_decide(
        actor=scene.verifikator, request=request, approve=True, note="Terbukti"
    )
    return BlacklistEntry.objects.get(request=request)


def blacklist(scene: Scene, **kwargs: object) -> BlacklistEntry:
    return approve(scene, file_request(scene, **kwargs))  # type: ignore[arg-type]


def issue_token(user: User) -> str:
    return token_create(user=user, name="integrasi", actor=user).secret


def refresh(*users: User) -> None:
    for user in users:
        user.refresh_from_db()


def snapshot() -> dict[str, object]:
    """Everything the blacklist and deactivation services write."""
    return {
        "requests": sorted(BlacklistRequest.objects.values_list("pk", "status", "decided_at")),
        "entries": sorted(
            BlacklistEntry.objects.values_list("pk", "ended_at", "lifted_by_id", "lift_reason")
        ),
        "users": sorted(
            User.objects.values_list(
                "pk", "is_active", "deactivation_ref", "deactivated_until", "deactivation_reason"
            )
        ),
        "tokens": sorted(ApiToken.objects.values_list("pk", "revoked_at")),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "checks": DueCheck.objects.count(),
        "files": sorted(StoredFile.objects.values_list("pk", flat=True)),
    }
