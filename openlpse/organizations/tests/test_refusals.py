"""Every write of the organisation pages, refused for every role that may not make it: the
service says so in a full sentence and the page answers 404 (as for a missing object), and
nothing changes: rows, statuses, stored files and audit events (`world.snapshot`)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import translation

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import clock
from openlpse.core.errors import PermissionDenied
from openlpse.organizations import services, urls
from openlpse.organizations.enums import AgencyKind, LpseUnitKind
from openlpse.organizations.models import Holiday, Lpse, LpseUnit
from openlpse.organizations.tests.test_services import tiny_png
from openlpse.organizations.tests.world import build_world, sign_in, snapshot

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)

EVERYONE = [
    "lpse_admin",
    "other_lpse_admin",
    "lpse_staff",
    "agency_admin",
    "agency2_admin",
    "other_agency_admin",
    "pa",
    "kpa",
    "ppk",
    "ulp_head",
    "pokja_member",
    "pejabat_pengadaan",
    "auditor",
    "vendor_admin",
    "vendor_staff",
    "nobody",
]
NOT_LPSE_ADMIN = [w for w in EVERYONE if w != "lpse_admin"]
NOT_WORK_UNIT_MANAGER = [w for w in NOT_LPSE_ADMIN if w != "agency_admin"]
ONLY_ADMIN = "Only the administrator of LPSE Kabupaten Lampung Timur may do this."


@pytest.fixture(autouse=True)
def frozen_clock():
    # Messages are asserted in English (the source language); the catalogue translates them.
    with clock.frozen(NOW), translation.override("en"):
        yield


@pytest.fixture
def world():
    return build_world()


def png():
    return SimpleUploadedFile("logo.png", tiny_png(), content_type="image/png")


# --- services ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("active", [False, True])
def test_only_operators_deactivate_or_reactivate_an_lpse(world, who, active):
    if active:
        services.lpse_set_active(actor=None, lpse=world.other_lpse, active=False)
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.lpse_set_active(actor=world.users[who], lpse=world.other_lpse, active=active)
    assert str(exc.value) == (
        "Only the operators of this deployment may deactivate or reactivate an LPSE."
    )
    assert snapshot() == before
    assert Lpse.objects.get(pk=world.other_lpse.pk).is_active is not active


@pytest.mark.parametrize("who", NOT_LPSE_ADMIN)
def test_lpse_units_ensure_refused_for_everyone_but_the_lpse_admin(world, who):
    LpseUnit.objects.filter(lpse=world.lpse, kind=LpseUnitKind.SEKRETARIAT).delete()
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.lpse_units_ensure(actor=world.users[who], lpse=world.lpse)
    assert str(exc.value) == ONLY_ADMIN
    assert snapshot() == before


@pytest.mark.parametrize("who", NOT_LPSE_ADMIN)
def test_logo_set_and_remove_refused_for_everyone_but_the_lpse_admin(world, who):
    actor = world.users[who]
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.lpse_logo_set(actor=actor, lpse=world.lpse, upload=png())
    assert str(exc.value) == ONLY_ADMIN
    assert snapshot() == before  # no file stored either

    services.lpse_logo_set(actor=None, lpse=world.lpse, upload=png())
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.lpse_logo_remove(actor=actor, lpse=world.lpse)
    assert str(exc.value) == ONLY_ADMIN
    assert snapshot() == before


@pytest.mark.parametrize("who", NOT_LPSE_ADMIN)
def test_agency_reactivate_refused_for_everyone_but_the_lpse_admin(world, who):
    services.agency_deactivate(actor=None, agency=world.agency2)
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.agency_reactivate(actor=world.users[who], agency=world.agency2)
    assert str(exc.value) == ONLY_ADMIN
    assert snapshot() == before
    world.agency2.refresh_from_db()
    assert world.agency2.is_active is False


@pytest.mark.parametrize("who", NOT_WORK_UNIT_MANAGER)
def test_work_unit_reactivate_refused_for_others(world, who):
    services.work_unit_deactivate(actor=None, work_unit=world.work_unit)
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.work_unit_reactivate(actor=world.users[who], work_unit=world.work_unit)
    assert str(exc.value) == (
        "Only the administrator of LPSE Kabupaten Lampung Timur or of "
        "Dinas Pekerjaan Umum dan Penataan Ruang may change its work units."
    )
    assert snapshot() == before
    world.work_unit.refresh_from_db()
    assert world.work_unit.is_active is False


# --- pages: every write, every role that may not; a 404 and nothing changed ----------------------


def _lpse_values(**extra):
    return {
        "name": "LPSE Diganti",
        "region": "Kabupaten Diganti",
        "time_zone": "Asia/Jakarta",
        "working_days": ["0", "1", "2", "3", "4"],
        "working_hours_start": "08:00",
        "working_hours_end": "16:00",
        **extra,
    }


def _placement(world):
    return services.staff_assign(
        actor=None,
        unit=world.units[LpseUnitKind.LAYANAN_DUKUNGAN],
        user=UserFactory(username="helpdesk"),
        position="Petugas Helpdesk",
        starts_on=dt.date(2026, 1, 5),
        sk_number="800/45/SK/LPSE/2026",
        sk_date=dt.date(2026, 1, 2),
    )


def _with_logo(world):
    return services.lpse_logo_set(actor=None, lpse=world.lpse, upload=png())


def _deactivated_agency(world):
    return services.agency_deactivate(actor=None, agency=world.agency2)


def _deactivated_unit(world):
    return services.work_unit_deactivate(actor=None, work_unit=world.work_unit)


def _url(name, *args):
    return reverse(f"organizations:{name}", args=args)


# Each write: (who may NOT make it, set-up returning (url, POST data)).
WRITES = {
    "lpse_create": (
        EVERYONE,
        lambda w: (_url("lpse_create"), _lpse_values(slug="baru")),
    ),
    "lpse_edit": (
        NOT_LPSE_ADMIN,
        lambda w: (_url("lpse_edit", w.lpse.slug), _lpse_values()),
    ),
    "lpse_logo_upload": (
        NOT_LPSE_ADMIN,
        lambda w: (_url("lpse_logo", w.lpse.slug), {"logo": png()}),
    ),
    "lpse_logo_remove": (
        NOT_LPSE_ADMIN,
        lambda w: (_url("lpse_logo", _with_logo(w).slug), {"remove": "1"}),
    ),
    "holiday_add": (
        NOT_LPSE_ADMIN,
        lambda w: (_url("holiday_list", w.lpse.slug), {"date": "2026-05-01", "name": "Hari Buruh"}),
    ),
    "holiday_remove": (
        NOT_LPSE_ADMIN,
        lambda w: (
            _url(
                "holiday_remove",
                w.lpse.slug,
                Holiday.objects.create(lpse=w.lpse, date=dt.date(2026, 1, 1), name="Tahun Baru").pk,
            ),
            {},
        ),
    ),
    "agency_create": (
        NOT_LPSE_ADMIN,
        lambda w: (
            _url("agency_create", w.lpse.slug),
            {"kind": AgencyKind.BUMD, "code": "PDAM", "name": "PDAM Way Sekampung"},
        ),
    ),
    "agency_edit": (
        NOT_LPSE_ADMIN,
        lambda w: (
            _url("agency_edit", w.lpse.slug, w.agency.pk),
            {"kind": w.agency.kind, "code": "DPUPR", "name": "Diganti"},
        ),
    ),
    "agency_deactivate": (
        NOT_LPSE_ADMIN,
        lambda w: (_url("agency_deactivate", w.lpse.slug, w.agency.pk), {}),
    ),
    "agency_reactivate": (
        NOT_LPSE_ADMIN,
        lambda w: (_url("agency_reactivate", w.lpse.slug, _deactivated_agency(w).pk), {}),
    ),
    "work_unit_create": (
        NOT_WORK_UNIT_MANAGER,
        lambda w: (
            _url("work_unit_create", w.lpse.slug, w.agency.pk),
            {"code": "CK", "name": "Bidang Cipta Karya"},
        ),
    ),
    "work_unit_edit": (
        NOT_WORK_UNIT_MANAGER,
        lambda w: (
            _url("work_unit_edit", w.lpse.slug, w.work_unit.pk),
            {"code": "BM", "name": "Diganti"},
        ),
    ),
    "work_unit_deactivate": (
        NOT_WORK_UNIT_MANAGER,
        lambda w: (_url("work_unit_deactivate", w.lpse.slug, w.work_unit.pk), {}),
    ),
    "work_unit_reactivate": (
        NOT_WORK_UNIT_MANAGER,
        lambda w: (_url("work_unit_reactivate", w.lpse.slug, _deactivated_unit(w).pk), {}),
    ),
    "staff_assign": (
        NOT_LPSE_ADMIN,
        lambda w: (
            _url("staff_assign", w.lpse.slug, w.units[LpseUnitKind.SEKRETARIAT].pk),
            {
                "user": "warga",
                "position": "Staf Sekretariat",
                "starts_on": "2026-03-02",
                "sk_number": "800/46/SK/LPSE/2026",
                "sk_date": "2026-03-01",
            },
        ),
    ),
    "staff_end": (
        NOT_LPSE_ADMIN,
        lambda w: (_url("staff_end", w.lpse.slug, _placement(w).pk), {"reason": "Mutasi"}),
    ),
}
CASES = [(write, who) for write, (refused, _setup) in WRITES.items() for who in refused]


@pytest.mark.parametrize(("write", "who"), CASES)
def test_a_write_page_is_404_for_whoever_may_not_make_it_and_changes_nothing(
    client, world, write, who
):
    address, data = WRITES[write][1](world)
    sign_in(client, world.users[who])
    before = snapshot()
    response = client.post(address, data)
    assert response.status_code == 404
    assert snapshot() == before


def test_the_matrix_covers_every_write_page_of_the_organisations(world):
    # A new write page must join WRITES; the read-only pages are named here on purpose.
    read_only = {"index", "lpse_detail", "agency_list", "agency_detail", "lpse_units"}
    pages = {p.name for p in urls.urlpatterns} - read_only
    covered = {resolve(setup(world)[0]).url_name for _refused, setup in WRITES.values()}
    assert covered == pages


@pytest.mark.parametrize("write", list(WRITES))
def test_the_same_write_succeeds_for_its_administrator(client, world, write):
    # Proves each refusal above is about who asks, not about the address or the data.
    address, data = WRITES[write][1](world)
    sign_in(client, world.operator if write == "lpse_create" else world.users["lpse_admin"])
    before = snapshot()["audit"]
    response = client.post(address, data)
    assert response.status_code == 302
    assert snapshot()["audit"] > before
