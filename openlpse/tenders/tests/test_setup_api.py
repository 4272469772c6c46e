"""The committee's set-up API: create, schedule (with the problems under `fields`),
approve, announce, change, cancel; 404 for outsiders."""

import datetime as dt

import pytest

from openlpse.accounts.services.tokens import token_create
from openlpse.core import clock
from openlpse.tenders import schedule
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.models import Tender
from openlpse.tenders.tests.factories import assigned_package
from openlpse.tenders.tests.setup_support import approve_all, draft, monday_morning, upload_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(monday_morning()):
        yield


def bearer(user):
    secret = token_create(user=user, name="integrasi", actor=user).secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def windows(rows):
    return {c: {"starts_at": s.isoformat(), "ends_at": e.isoformat()} for c, (s, e) in rows.items()}


def test_the_chair_creates_sets_up_and_announces_through_the_api(client):
    package = assigned_package()
    chair = package.committee.chair
    auth = bearer(chair)
    response = client.post(
        f"/api/v1/committee/packages/{package.pk}/tenders",
        {"method": "pasca_1_file"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    tender = Tender.objects.get(package=package)
    assert (body["id"], body["method"], body["status"], len(body["schedule"])) == (
        tender.pk,
        "pasca_1_file",
        "draft",
        12,
    )
    assert body["schedule_problems"] == []
    assert len(body["approvals_missing"]) == 3

    rows = schedule.rows_of(tender)
    bad = dict(rows)
    bad["upload_penawaran"] = (rows["penjelasan"][0], rows["upload_penawaran"][1])
    response = client.put(
        f"/api/v1/committee/tenders/{tender.pk}/schedule",
        {"stages": windows(bad)},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "schedule_invalid"
    assert list(error["fields"]) == ["upload_penawaran.starts_at"]

    response = client.post(f"/api/v1/committee/tenders/{tender.pk}/announcement", **auth)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_ready"

    approve_all(tender)
    upload_document(tender, "dokumen_pemilihan")
    from openlpse.bids.tests.factories import make_envelope_keys  # issue 5: committee keys

    make_envelope_keys(tender, with_system=False)
    response = client.post(f"/api/v1/committee/tenders/{tender.pk}/announcement", **auth)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "announced"

    start, end = rows["kontrak"]
    response = client.post(
        f"/api/v1/committee/tenders/{tender.pk}/schedule-changes",
        {"stages": windows({"kontrak": (start, end + dt.timedelta(days=7))}), "reason": ""},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reason_required"
    response = client.post(
        f"/api/v1/committee/tenders/{tender.pk}/schedule-changes",
        {"stages": windows({"kontrak": (start, end + dt.timedelta(days=7))}), "reason": "Libur"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["schedule_change_count"] == 1

    listing = client.get("/api/v1/committee/tenders", **auth).json()
    assert [t["code"] for t in listing["items"]] == [tender.code]

    response = client.post(
        f"/api/v1/committee/tenders/{tender.pk}/cancellation",
        {"reason": "Batal"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["status"] == TenderStatus.CANCELLED


def test_outsiders_get_404_and_nothing_changes(client):
    tender = draft()
    auth = bearer(tender.officials.ppk)
    assert client.get(f"/api/v1/committee/tenders/{tender.pk}", **auth).status_code == 404
    assert (
        client.post(f"/api/v1/committee/tenders/{tender.pk}/approvals", **auth).status_code == 404
    )
    assert client.get("/api/v1/committee/tenders", **auth).json()["items"] == []
    assert client.get("/api/v1/committee/tenders").status_code == 401
    tender.refresh_from_db()
    assert tender.approvals.count() == 0
