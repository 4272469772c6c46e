"""The committee's pages: my tenders, create, the set-up overview, the schedule editor that
explains each problem next to its row (in the LPSE's zone), approvals, announcement, schedule
change, extension and cancellation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from openlpse.core import clock
from openlpse.organizations.tests.factories import LpseFactory
from openlpse.plans.tests.factories import make_planning_officials
from openlpse.tenders import schedule
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.forms_setup import stage_field
from openlpse.tenders.models import Tender, TenderApproval
from openlpse.tenders.services import setup as services
from openlpse.tenders.tests.factories import assigned_package
from openlpse.tenders.tests.setup_support import approve_all, draft, monday_morning, ready

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(client):
    client.cookies["openlpse_language"] = "en"
    with clock.frozen(monday_morning()):
        yield


def local(value: dt.datetime, zone: str) -> str:
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def schedule_post(tender, rows, zone, **extra):
    data = {}
    for code, (start, end) in rows.items():
        data[stage_field(code, "starts_at")] = local(start, zone)
        data[stage_field(code, "ends_at")] = local(end, zone)
    data.update(extra)
    return data


def test_my_tenders_lists_the_waiting_package_and_the_chair_creates_the_tender(client, sign_in):
    package = assigned_package()
    chair = package.committee.chair
    sign_in(chair, mfa=True)
    page = client.get(reverse("tenders:setup_my_tenders"))
    assert page.status_code == 200
    assert reverse("tenders:setup_create", args=[package.pk]) in page.content.decode()
    response = client.post(
        reverse("tenders:setup_create", args=[package.pk]), {"method": "pengadaan_langsung"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        reverse("tenders:setup_create", args=[package.pk]), {"method": "pasca_1_file"}
    )
    tender = Tender.objects.get(package=package)
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:setup_detail", args=[tender.pk])
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Every committee member must approve the current set-up" in html
    assert "Upload the Selection document (dokumen pemilihan) before announcing" in html


def test_outsiders_get_404_on_every_committee_page(client, sign_in):
    tender = draft()
    sign_in(tender.officials.ppk, mfa=True)
    for name in (
        "setup_detail",
        "setup_edit",
        "setup_requirements",
        "setup_documents",
        "setup_guarantees",
        "setup_schedule",
    ):
        assert client.get(reverse(f"tenders:{name}", args=[tender.pk])).status_code == 404, name
    assert client.post(reverse("tenders:setup_approve", args=[tender.pk])).status_code == 404
    assert client.post(reverse("tenders:setup_announce", args=[tender.pk])).status_code == 404
    assert client.get(reverse("tenders:setup_detail", args=[999999])).status_code == 404
    assert client.get(reverse("tenders:setup_create", args=[tender.package.pk])).status_code == 404
    assert TenderApproval.objects.count() == 0


def test_the_schedule_editor_explains_a_problem_next_to_its_row_in_wita(client, sign_in):
    officials = make_planning_officials(LpseFactory(time_zone="Asia/Makassar"))
    tender = draft(officials=officials)
    zone = "Asia/Makassar"
    sign_in(tender.chair, mfa=True)
    url = reverse("tenders:setup_schedule", args=[tender.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Times are in WITA" in html
    rows = schedule.rows_of(tender)
    first_start = rows["pengumuman"][0]
    assert local(first_start, zone) in html  # 08:00 WITA, typed and shown in the LPSE's zone
    assert local(first_start, zone).endswith("T08:00")
    bad = dict(rows)
    start, end = bad["kontrak"]
    saturday = end.astimezone(ZoneInfo(zone))
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)
    bad["kontrak"] = (start, saturday)
    response = client.post(url, schedule_post(tender, bad, zone))
    assert response.status_code == 400
    html = response.content.decode()
    assert "“Contract signing” ends on" in html
    assert "that day is not a working day" in html
    assert 'id="stage-kontrak" class="has-error"' in html
    assert local(saturday, zone) in html  # what was typed is kept
    assert schedule.rows_of(tender) == rows
    # A valid change is saved.
    good = dict(rows)
    good["kontrak"] = (start, end + dt.timedelta(days=7))
    response = client.post(url, schedule_post(tender, good, zone))
    assert response.status_code == 302
    assert schedule.rows_of(tender)["kontrak"] == (start, end + dt.timedelta(days=7))


def test_the_default_layout_fills_the_editor_from_a_chosen_start(client, sign_in):
    tender = draft()
    sign_in(tender.chair, mfa=True)
    start = monday_morning(weeks=2).replace(hour=10)
    page = client.get(
        reverse("tenders:setup_schedule", args=[tender.pk]), {"start": local(start, "Asia/Jakarta")}
    )
    assert page.status_code == 200
    assert local(start, "Asia/Jakarta") in page.content.decode()


def test_approve_then_announce_through_the_pages(client, sign_in):
    tender = ready(draft())
    TenderApproval.objects.filter(tender=tender, user=tender.chair).delete()
    sign_in(tender.chair, mfa=True)
    response = client.post(reverse("tenders:setup_approve", args=[tender.pk]))
    assert response.status_code == 302
    response = client.post(reverse("tenders:setup_announce", args=[tender.pk]), follow=True)
    assert "The tender was announced." in response.content.decode()
    tender.refresh_from_db()
    assert tender.status == TenderStatus.ANNOUNCED


def test_a_member_sees_why_the_announcement_is_refused(client, sign_in):
    tender = draft()
    approve_all(tender)
    sign_in(tender.chair, mfa=True)
    response = client.post(reverse("tenders:setup_announce", args=[tender.pk]), follow=True)
    assert (
        "The tender cannot be announced yet: Upload the Selection document"
        in response.content.decode()
    )


def test_a_schedule_change_page_needs_a_reason_and_keeps_the_typed_dates(client, sign_in):
    prepared = ready(draft())
    tender = services.tender_announce(actor=prepared.chair, tender=prepared)
    sign_in(tender.announced_by, mfa=True)
    rows = schedule.rows_of(tender)
    start, end = rows["kontrak"]
    changed = dict(rows)
    changed["kontrak"] = (start, end + dt.timedelta(days=7))
    url = reverse("tenders:setup_schedule", args=[tender.pk])
    response = client.post(url, schedule_post(tender, changed, "Asia/Jakarta", reason=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the reason for the change" in html
    assert local(end + dt.timedelta(days=7), "Asia/Jakarta") in html
    response = client.post(url, schedule_post(tender, changed, "Asia/Jakarta", reason="Libur"))
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.schedule_change_count == 1


def test_the_pa_cancels_through_the_page(client, sign_in):
    tender = draft()
    sign_in(tender.officials.pa, mfa=True)
    url = reverse("tenders:setup_cancel", args=[tender.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason for the cancellation" in response.content.decode()
    response = client.post(url, {"reason": "Anggaran dialihkan"})
    assert response.status_code == 302
    tender.refresh_from_db()
    assert (tender.status, tender.cancel_reason) == (TenderStatus.CANCELLED, "Anggaran dialihkan")
    sign_in(tender.officials.ppk, mfa=True)
    assert client.get(url).status_code == 404


def test_the_set_up_forms_render_and_save(client, sign_in):
    tender = draft(method="pasca_2_file")
    sign_in(tender.chair, mfa=True)
    for name in ("setup_edit", "setup_requirements", "setup_documents", "setup_guarantees"):
        assert client.get(reverse(f"tenders:{name}", args=[tender.pk])).status_code == 200, name
    response = client.post(
        reverse("tenders:setup_edit", args=[tender.pk]),
        {
            "evaluation_method": "sistem_nilai",
            "technical_weight": "60",
            "price_weight": "30",
            "technical_passing_grade": "70",
            "bid_validity_days": "60",
        },
    )
    assert response.status_code == 400
    assert "they must add up to 100" in response.content.decode()
    assert 'value="60"' in response.content.decode()
    management = {
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "100",
    }
    response = client.post(
        reverse("tenders:setup_documents", args=[tender.pk]),
        {
            **management,
            "rows-0-envelope": "file_1",
            "rows-0-name": "Usulan teknis",
            "rows-0-mandatory": "on",
            "rows-1-envelope": "file_2",
            "rows-1-name": "",
            "rows-2-envelope": "file_2",
            "rows-2-name": "Surat penawaran",
            "rows-2-mandatory": "on",
        },
    )
    assert response.status_code == 302
    assert list(tender.required_documents.order_by("envelope").values_list("envelope", "name")) == [
        ("file_1", "Usulan teknis"),
        ("file_2", "Surat penawaran"),
    ]
    response = client.post(
        reverse("tenders:setup_requirements", args=[tender.pk]),
        {**management, "rows-0-kind": "licence", "rows-0-text": "Memiliki NIB"},
    )
    assert response.status_code == 400
    assert "Requirement 1 is a licence: choose which licence" in response.content.decode()
    assert "Memiliki NIB" in response.content.decode()


def test_the_extension_page_of_a_running_stage(client, sign_in):
    prepared = ready(draft())
    tender = services.tender_announce(actor=prepared.chair, tender=prepared)
    penjelasan = tender.stages.get(code="penjelasan")
    sign_in(prepared.chair, mfa=True)
    url = reverse("tenders:setup_stage_extend", args=[tender.pk, "penjelasan"])
    with clock.frozen(penjelasan.starts_at + dt.timedelta(hours=1)):
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"new_end": local(penjelasan.ends_at, "Asia/Jakarta"), "reason": "x"}
        )
        assert response.status_code == 400
        assert "An extension ends later than the current end" in response.content.decode()
