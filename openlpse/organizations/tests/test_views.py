import datetime as dt

import pytest
from django.urls import reverse

from openlpse.core.models import AuditEvent
from openlpse.organizations.enums import AgencyKind, LpseUnitKind
from openlpse.organizations.models import Agency, Holiday, StaffAssignment, WorkUnit
from openlpse.organizations.tests.world import build_world, sign_in, snapshot

pytestmark = pytest.mark.django_db


def english(client):
    """Texts are asserted in English, the source language: choose it as a person would."""
    client.cookies["openlpse_language"] = "en"
    return client


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def as_user(client, world):
    def _as(who):
        user = world.operator if who == "operator" else world.users[who]
        return sign_in(client, user)

    return _as


def url(name, *args):
    return reverse(f"organizations:{name}", args=args)


# --- access: the same 404 for missing and hidden -------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(url("lpse_detail", "lampung-timur"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "who", ["lpse_admin", "lpse_staff", "agency_admin", "ppk", "auditor", "operator"]
)
def test_people_with_a_role_in_the_lpse_see_its_profile(as_user, who):
    response = as_user(who).get(url("lpse_detail", "lampung-timur"))
    assert response.status_code == 200
    assert "LPSE Kabupaten Lampung Timur" in response.content.decode()


@pytest.mark.parametrize(
    "who", ["other_lpse_admin", "other_agency_admin", "vendor_admin", "nobody"]
)
def test_others_get_the_same_404_as_for_a_missing_lpse(as_user, who):
    client = as_user(who)
    hidden = client.get(url("lpse_detail", "lampung-timur"))
    missing = client.get(url("lpse_detail", "tidak-ada"))
    assert hidden.status_code == missing.status_code == 404


def test_index_sends_a_one_lpse_user_straight_to_it(as_user):
    response = as_user("ppk").get(url("index"))
    assert response.status_code == 302
    assert response["Location"] == url("lpse_detail", "lampung-timur")


def test_index_lists_every_lpse_for_operators(as_user):
    response = as_user("operator").get(url("index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "LPSE Kabupaten Karangasem" in body and "LPSE Kabupaten Lampung Timur" in body


def test_index_for_a_user_without_roles_says_so(as_user):
    response = as_user("nobody").get(url("index"))
    assert response.status_code == 200


# --- LPSE create and edit ------------------------------------------------------------------------


def test_operator_creates_an_lpse_through_the_form(as_user):
    client = as_user("operator")
    assert client.get(url("lpse_create")).status_code == 200
    response = client.post(
        url("lpse_create"),
        {
            "slug": "kota-baru",
            "name": "LPSE Kota Baru",
            "region": "Kota Baru",
            "time_zone": "Asia/Makassar",
            "working_days": ["0", "1", "2", "3", "4"],
            "working_hours_start": "08:00",
            "working_hours_end": "16:00",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("lpse_detail", "kota-baru")


def test_lpse_create_is_404_for_an_lpse_admin(as_user):
    assert as_user("lpse_admin").get(url("lpse_create")).status_code == 404


def test_lpse_admin_edits_the_profile(as_user, world):
    client = as_user("lpse_admin")
    assert client.get(url("lpse_edit", "lampung-timur")).status_code == 200
    response = client.post(
        url("lpse_edit", "lampung-timur"),
        {
            "name": "LPSE Kabupaten Lampung Timur",
            "region": "Kabupaten Lampung Timur",
            "province": "Lampung",
            "time_zone": "Asia/Jakarta",
            "address": "Jl. Buay Subing, Sukadana",
            "helpdesk_hours": "Senin-Jumat 08.00-16.00 WIB",
            "working_days": ["0", "1", "2", "3", "4", "5"],
            "working_hours_start": "07:30",
            "working_hours_end": "16:00",
        },
    )
    assert response.status_code == 302
    world.lpse.refresh_from_db()
    assert (world.lpse.address, world.lpse.working_days, world.lpse.working_hours_start) == (
        "Jl. Buay Subing, Sukadana",
        "0,1,2,3,4,5",
        dt.time(7, 30),
    )


def test_refused_profile_keeps_what_was_typed_and_says_what_to_fix(as_user, world):
    client = as_user("lpse_admin")
    client.cookies["openlpse_language"] = "en"
    before = snapshot()
    response = client.post(
        url("lpse_edit", "lampung-timur"),
        {
            "name": "Nama Baru Yang Diketik",
            "region": "Kabupaten Lampung Timur",
            "time_zone": "Asia/Jakarta",
            "working_days": ["0"],
            "working_hours_start": "16:00",
            "working_hours_end": "08:00",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="Nama Baru Yang Diketik"' in body
    assert "The working hours end before they start" in body
    assert 'role="alert"' in body
    assert snapshot() == before


@pytest.mark.parametrize("who", ["ppk", "lpse_staff", "agency_admin", "other_lpse_admin"])
def test_lpse_edit_is_404_for_non_admins(as_user, who):
    client = as_user(who)
    assert client.get(url("lpse_edit", "lampung-timur")).status_code == 404
    assert client.post(url("lpse_edit", "lampung-timur"), {"name": "X"}).status_code == 404


# --- holidays -------------------------------------------------------------------------------------


def test_holiday_add_and_remove_through_the_pages(as_user, world):
    client = as_user("lpse_admin")
    response = client.post(
        url("holiday_list", "lampung-timur"), {"date": "2026-03-19", "name": "Hari Suci Nyepi"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?tahun=2026")
    holiday = Holiday.objects.get()
    page = client.get(url("holiday_list", "lampung-timur") + "?tahun=2026")
    assert "Hari Suci Nyepi" in page.content.decode()
    response = client.post(url("holiday_remove", "lampung-timur", holiday.pk))
    assert response.status_code == 302
    assert not Holiday.objects.exists()


def test_duplicate_holiday_is_refused_on_the_form(as_user, world):
    Holiday.objects.create(lpse=world.lpse, date=dt.date(2026, 8, 17), name="HUT RI")
    response = english(as_user("lpse_admin")).post(
        url("holiday_list", "lampung-timur"), {"date": "2026-08-17", "name": "Lagi"}
    )
    assert response.status_code == 400
    assert "is already in the calendar" in response.content.decode()


def test_staff_see_the_calendar_but_cannot_change_it(as_user, world):
    holiday = Holiday.objects.create(lpse=world.lpse, date=dt.date(2026, 1, 1), name="Tahun Baru")
    client = as_user("lpse_staff")
    assert client.get(url("holiday_list", "lampung-timur")).status_code == 200
    before = snapshot()
    assert (
        client.post(
            url("holiday_list", "lampung-timur"), {"date": "2026-05-01", "name": "X"}
        ).status_code
        == 404
    )
    assert client.post(url("holiday_remove", "lampung-timur", holiday.pk)).status_code == 404
    assert snapshot() == before


def test_removing_another_lpses_holiday_is_404(as_user, world):
    theirs = Holiday.objects.create(lpse=world.other_lpse, date=dt.date(2026, 3, 19), name="Nyepi")
    assert (
        as_user("lpse_admin").post(url("holiday_remove", "lampung-timur", theirs.pk)).status_code
        == 404
    )
    assert Holiday.objects.filter(pk=theirs.pk).exists()


def test_holiday_list_ignores_a_bad_year(as_user):
    assert (
        as_user("lpse_admin").get(url("holiday_list", "lampung-timur") + "?tahun=abc").status_code
        == 200
    )


# --- agencies -------------------------------------------------------------------------------------


def test_agency_list_filters_and_sorts(as_user, world):
    client = as_user("lpse_admin")
    body = client.get(url("agency_list", "lampung-timur") + "?sort=-name").content.decode()
    assert body.index("Dinas Pekerjaan Umum") < body.index("Dinas Kesehatan")
    body = client.get(url("agency_list", "lampung-timur") + "?q=kes").content.decode()
    assert "Dinas Kesehatan" in body and "Dinas Pekerjaan Umum" not in body
    assert "Dinas PUPR Karangasem" not in body


def test_agency_list_with_invalid_filters_still_answers(as_user):
    response = as_user("lpse_admin").get(
        url("agency_list", "lampung-timur") + "?kind=nope&sort=drop"
    )
    assert response.status_code == 200


def test_agency_admin_sees_only_their_agency(as_user, world):
    client = as_user("agency_admin")
    body = client.get(url("agency_list", "lampung-timur")).content.decode()
    assert "Dinas Pekerjaan Umum" in body and "Dinas Kesehatan" not in body
    assert client.get(url("agency_detail", "lampung-timur", world.agency.pk)).status_code == 200
    assert client.get(url("agency_detail", "lampung-timur", world.agency2.pk)).status_code == 404


def test_an_agency_of_another_lpse_is_404_even_under_its_own_lpse_url(as_user, world):
    client = as_user("lpse_admin")
    assert (
        client.get(url("agency_detail", "lampung-timur", world.other_agency.pk)).status_code == 404
    )
    assert client.get(url("agency_detail", "karangasem", world.other_agency.pk)).status_code == 404
    assert client.get(url("agency_detail", "lampung-timur", 999999)).status_code == 404


def test_lpse_admin_creates_edits_and_deactivates_an_agency(as_user, world):
    client = as_user("lpse_admin")
    assert client.get(url("agency_create", "lampung-timur")).status_code == 200
    response = client.post(
        url("agency_create", "lampung-timur"),
        {"kind": AgencyKind.BUMD, "code": "PDAM", "name": "PDAM Way Guruh", "address": ""},
    )
    agency = Agency.objects.get(code="PDAM")
    assert response["Location"] == url("agency_detail", "lampung-timur", agency.pk)
    response = client.post(
        url("agency_edit", "lampung-timur", agency.pk),
        {"kind": AgencyKind.BUMD, "code": "PDAM", "name": "Perumda Air Minum Way Guruh"},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name == "Perumda Air Minum Way Guruh"
    assert client.post(url("agency_deactivate", "lampung-timur", agency.pk)).status_code == 302
    agency.refresh_from_db()
    assert not agency.is_active
    assert client.post(url("agency_reactivate", "lampung-timur", agency.pk)).status_code == 302
    agency.refresh_from_db()
    assert agency.is_active


def test_agency_form_keeps_input_when_the_code_is_taken(as_user):
    response = english(as_user("lpse_admin")).post(
        url("agency_create", "lampung-timur"),
        {"kind": AgencyKind.SKPD, "code": "DPUPR", "name": "Dinas Baru Saya"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="Dinas Baru Saya"' in body
    assert "already uses the code" in body


@pytest.mark.parametrize("who", ["agency_admin", "lpse_staff", "ppk"])
def test_agency_writes_are_404_for_non_admins(as_user, world, who):
    client = as_user(who)
    before = snapshot()
    assert client.get(url("agency_create", "lampung-timur")).status_code == 404
    assert (
        client.post(url("agency_edit", "lampung-timur", world.agency.pk), {"name": "X"}).status_code
        == 404
    )
    assert (
        client.post(url("agency_deactivate", "lampung-timur", world.agency.pk)).status_code == 404
    )
    assert snapshot() == before


# --- work units -------------------------------------------------------------------------------------


def test_agency_admin_manages_work_units_of_their_agency(as_user, world):
    client = as_user("agency_admin")
    assert client.get(url("work_unit_create", "lampung-timur", world.agency.pk)).status_code == 200
    response = client.post(
        url("work_unit_create", "lampung-timur", world.agency.pk),
        {"code": "CK", "name": "Bidang Cipta Karya"},
    )
    assert response.status_code == 302
    unit = WorkUnit.objects.get(code="CK")
    response = client.post(
        url("work_unit_edit", "lampung-timur", unit.pk),
        {"code": "CK", "name": "Bidang Cipta Karya dan Tata Ruang"},
    )
    assert response.status_code == 302
    assert client.post(url("work_unit_deactivate", "lampung-timur", unit.pk)).status_code == 302
    assert client.post(url("work_unit_reactivate", "lampung-timur", unit.pk)).status_code == 302
    page = client.get(url("agency_detail", "lampung-timur", world.agency.pk)).content.decode()
    assert "Bidang Cipta Karya dan Tata Ruang" in page


def test_work_units_of_another_agency_are_404_for_an_agency_admin(as_user, world):
    client = as_user("agency_admin")
    before = snapshot()
    assert client.get(url("work_unit_create", "lampung-timur", world.agency2.pk)).status_code == 404
    assert (
        client.post(
            url("work_unit_edit", "lampung-timur", world.work_unit2.pk), {"code": "X", "name": "X"}
        ).status_code
        == 404
    )
    assert (
        client.post(url("work_unit_deactivate", "lampung-timur", world.work_unit2.pk)).status_code
        == 404
    )
    assert (
        client.post(
            url("work_unit_edit", "lampung-timur", world.other_work_unit.pk),
            {"code": "X", "name": "X"},
        ).status_code
        == 404
    )
    assert snapshot() == before


def test_work_unit_form_shows_a_taken_code(as_user, world):
    response = english(as_user("agency_admin")).post(
        url("work_unit_create", "lampung-timur", world.agency.pk),
        {"code": "BM", "name": "Duplikat"},
    )
    assert response.status_code == 400
    assert "already uses the code" in response.content.decode()


# --- LPSE units and staff -------------------------------------------------------------------------


def test_units_page_lists_the_eight_units_with_staff(as_user, world):
    StaffAssignment.objects.create(
        unit=world.units[LpseUnitKind.REGISTRASI_VERIFIKASI],
        user=world.users["lpse_staff"],
        position="Verifikator",
        starts_on=dt.date(2026, 1, 5),
        sk_number="800/1/2026",
        sk_date=dt.date(2026, 1, 2),
    )
    for who in ("lpse_admin", "lpse_staff"):
        body = as_user(who).get(url("lpse_units", "lampung-timur")).content.decode()
        assert "Unit Registrasi dan Verifikasi" in body
        assert "Budi Santoso" in body


@pytest.mark.parametrize("who", ["ppk", "agency_admin", "auditor", "other_lpse_admin"])
def test_units_page_is_404_for_others(as_user, who):
    assert as_user(who).get(url("lpse_units", "lampung-timur")).status_code == 404


def test_staff_assign_and_end_through_the_pages(as_user, world):
    client = as_user("lpse_admin")
    unit = world.units[LpseUnitKind.LAYANAN_DUKUNGAN]
    assert client.get(url("staff_assign", "lampung-timur", unit.pk)).status_code == 200
    response = client.post(
        url("staff_assign", "lampung-timur", unit.pk),
        {
            "user": "WARGA",
            "position": "Petugas Helpdesk",
            "starts_on": "2026-01-05",
            "sk_number": "800/9/SK/2026",
            "sk_date": "2026-01-02",
        },
    )
    assert response.status_code == 302
    placement = StaffAssignment.objects.get(user=world.users["nobody"])
    assert client.get(url("staff_end", "lampung-timur", placement.pk)).status_code == 200
    response = client.post(url("staff_end", "lampung-timur", placement.pk), {"reason": "Mutasi"})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.ended_at is not None


def test_staff_assign_shows_the_separation_of_duties_refusal(as_user, world):
    unit = world.units[LpseUnitKind.LAYANAN_DUKUNGAN]
    before = snapshot()
    response = english(as_user("lpse_admin")).post(
        url("staff_assign", "lampung-timur", unit.pk),
        {
            "user": "lt.ppk",
            "position": "Helpdesk",
            "starts_on": "2026-01-05",
            "sk_number": "800/9",
            "sk_date": "2026-01-02",
        },
    )
    body = response.content.decode()
    assert response.status_code == 403
    assert "may not also be LPSE staff (Perbup Lampung Timur 16(3), Karangasem 14(3))." in body
    assert 'value="lt.ppk"' in body
    assert snapshot() == before


def test_staff_assign_unknown_person_is_a_field_error(as_user, world):
    unit = world.units[LpseUnitKind.LAYANAN_DUKUNGAN]
    response = english(as_user("lpse_admin")).post(
        url("staff_assign", "lampung-timur", unit.pk),
        {
            "user": "nobody-here",
            "position": "Helpdesk",
            "starts_on": "2026-01-05",
            "sk_number": "1",
            "sk_date": "2026-01-02",
        },
    )
    assert response.status_code == 400
    assert "No active account has this user name" in response.content.decode()


def test_staff_pages_of_another_lpse_are_404(as_user, world):
    client = as_user("lpse_admin")
    their_unit = world.other_units[LpseUnitKind.SEKRETARIAT]
    assert client.get(url("staff_assign", "lampung-timur", their_unit.pk)).status_code == 404
    assert client.get(url("staff_assign", "karangasem", their_unit.pk)).status_code == 404
    assert client.get(url("staff_end", "lampung-timur", 424242)).status_code == 404


def test_empty_post_shows_required_errors(as_user):
    response = as_user("lpse_admin").post(url("agency_create", "lampung-timur"), {})
    assert response.status_code == 400
    assert AuditEvent.objects.count() == 0


def test_logo_page_uploads_and_removes(as_user, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openlpse.organizations.tests.test_services import tiny_png

    client = as_user("lpse_admin")

    client.cookies["openlpse_language"] = "en"
    assert client.get(url("lpse_logo", "lampung-timur")).status_code == 200
    response = client.post(
        url("lpse_logo", "lampung-timur"), {"logo": SimpleUploadedFile("logo.png", tiny_png())}
    )
    assert response.status_code == 302
    world.lpse.refresh_from_db()
    assert world.lpse.logo_id is not None
    assert client.get(reverse("core:lpse_logo", args=["lampung-timur"])).status_code == 200
    bad = client.post(
        url("lpse_logo", "lampung-timur"), {"logo": SimpleUploadedFile("logo.png", b"plain text")}
    )
    assert bad.status_code == 400
    assert client.post(url("lpse_logo", "lampung-timur"), {"remove": "1"}).status_code == 302
    world.lpse.refresh_from_db()
    assert world.lpse.logo_id is None


def test_logo_page_is_404_for_non_admins(as_user):
    assert as_user("lpse_staff").get(url("lpse_logo", "lampung-timur")).status_code == 404
