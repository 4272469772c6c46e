"""/api/v1/vendors/me/data/..., /identity-change and /staff over a bearer token."""

from __future__ import annotations

import pytest

from openlpse.accounts.models import RoleAssignment
from openlpse.accounts.services import tokens
from openlpse.core.models import AuditEvent
from openlpse.vendors.models import BusinessLicence, Owner, VerificationRequest
from openlpse.vendors.services.data import vendor_record_create
from openlpse.vendors.tests.data_support import last_event, make_cast, snapshot, valid_values
from openlpse.vendors.tests.factories import VendorFactory, grant_vendor_role, next_npwp

pytestmark = pytest.mark.django_db
BASE = "/api/v1/vendors/me"


@pytest.fixture
def cast(lpse_lampung_timur):
    return make_cast(lpse_lampung_timur)


def bearer(user) -> dict[str, str]:
    secret = tokens.token_create(user=user, name="test", actor=None).secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_list_create_update_delete(cast, client):
    auth = bearer(cast.staff)
    empty = client.get(f"{BASE}/data/pemilik", **auth)
    assert empty.status_code == 200
    assert empty.json() == {"items": [], "next_cursor": None}

    created = client.post(
        f"{BASE}/data/pemilik",
        {"name": "Budi", "id_number": "1804-0115-0885-0007", "address": "", "share_percent": "60"},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == "Budi"
    assert body["id_number"] == "1804011508850007"
    assert body["document"] is None
    owner = Owner.objects.get(pk=body["id"])
    assert owner.vendor_id == cast.vendor.pk
    assert last_event().action == "vendor.data.owner.create"

    listed = client.get(f"{BASE}/data/pemilik", **auth).json()
    assert [item["id"] for item in listed["items"]] == [owner.pk]

    patched = client.patch(
        f"{BASE}/data/pemilik/{owner.pk}",
        {"share_percent": "45.5"},
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["name"] == "Budi"
    owner.refresh_from_db()
    assert str(owner.share_percent) == "45.500"

    deleted = client.delete(f"{BASE}/data/pemilik/{owner.pk}", **auth)
    assert deleted.status_code == 204
    assert not Owner.objects.filter(pk=owner.pk).exists()


def test_validation_errors_name_the_field(cast, client):
    auth = bearer(cast.admin)
    vendor_record_create(
        actor=cast.admin, vendor=cast.vendor, model=Owner, values=valid_values(Owner)
    )
    before = snapshot()
    response = client.post(
        f"{BASE}/data/pemilik",
        {"name": "Andi", "id_number": "1804011508850009", "share_percent": "50"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "already hold 60 %" in error["fields"]["share_percent"][0]
    assert snapshot() == before


def test_unknown_fields_are_refused(cast, client):
    response = client.post(
        f"{BASE}/data/akta",
        {
            "kind": "pendirian",
            "number": "1",
            "deed_date": "2015-01-01",
            "notary": "N",
            "vendor": 99,
        },
        content_type="application/json",
        **bearer(cast.admin),
    )
    assert response.status_code == 400
    assert "vendor" in response.json()["error"]["fields"]


def test_a_row_of_another_vendor_is_404_and_audited(cast, client):
    theirs = vendor_record_create(
        actor=cast.other_admin,
        vendor=cast.other_vendor,
        model=BusinessLicence,
        values=valid_values(BusinessLicence),
    )
    auth = bearer(cast.admin)
    count = AuditEvent.objects.count()
    response = client.patch(
        f"{BASE}/data/izin-usaha/{theirs.pk}",
        {"number": "CURIAN"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert AuditEvent.objects.count() == count + 1
    assert last_event().action == "vendor.access_refused"
    assert client.delete(f"{BASE}/data/izin-usaha/{theirs.pk}", **auth).status_code == 404
    theirs.refresh_from_db()
    assert theirs.number == valid_values(BusinessLicence)["number"]


@pytest.mark.parametrize("who", ["official", "no_role"])
def test_people_who_are_not_vendor_members_are_refused(cast, client, who):
    from openlpse.accounts.tests.factories import UserFactory

    user = cast.official if who == "official" else UserFactory()
    auth = bearer(user)
    for method, path in (
        ("get", f"{BASE}/data/akta"),
        ("get", f"{BASE}/data/identitas"),
        ("get", f"{BASE}/staff"),
    ):
        response = getattr(client, method)(path, **auth)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_vendor_member"


def test_an_unverified_vendor_is_refused(lpse_lampung_timur, client):
    vendor = VendorFactory(status="submitted", registration_lpse=lpse_lampung_timur)
    grant_vendor_role(vendor.created_by, vendor)
    response = client.get(f"{BASE}/data/akta", **bearer(vendor.created_by))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "vendor_not_verified"


def test_without_a_token(client):
    assert client.get(f"{BASE}/data/akta").status_code == 401


def test_identity_read_and_update(cast, client):
    auth = bearer(cast.admin)
    body = client.get(f"{BASE}/data/identitas", **auth).json()
    assert body["name"] == cast.vendor.name
    assert body["verified_lpse"]["name"] == "LPSE Kabupaten Lampung Timur"
    assert body["verified_at"] is not None
    assert body["pending_change"] is None
    response = client.patch(
        f"{BASE}/data/identitas",
        {"phone": "0725-777"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "0725-777"
    refused = client.patch(
        f"{BASE}/data/identitas",
        {"name": "PT Lain"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 400
    staff = client.patch(
        f"{BASE}/data/identitas",
        {"phone": "1"},
        content_type="application/json",
        **bearer(cast.staff),
    )
    assert staff.status_code == 403


def test_identity_change(cast, client):
    auth = bearer(cast.admin)
    new_npwp = next_npwp()
    response = client.post(
        f"{BASE}/identity-change",
        {"npwp": new_npwp},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert body["proposed"] == {"npwp": new_npwp}
    assert body["current"]["npwp"] == cast.vendor.npwp
    assert body["lpse"]["slug"] == cast.vendor.verified_lpse.slug
    identity = client.get(f"{BASE}/data/identitas", **auth).json()
    assert identity["pending_change"]["id"] == body["id"]
    assert identity["npwp"] == cast.vendor.npwp  # still the verified one

    again = client.post(
        f"{BASE}/identity-change", {"name": "PT X"}, content_type="application/json", **auth
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "verification_pending"
    assert VerificationRequest.objects.filter(vendor=cast.vendor).count() == 1


def test_identity_change_duplicate_and_unknown_lpse(cast, client):
    auth = bearer(cast.admin)
    duplicate = client.post(
        f"{BASE}/identity-change",
        {"npwp": cast.other_vendor.npwp},
        content_type="application/json",
        **auth,
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "vendor_already_registered"
    unknown = client.post(
        f"{BASE}/identity-change",
        {"name": "PT Baru", "lpse": "tidak-ada"},
        content_type="application/json",
        **auth,
    )
    assert unknown.status_code == 400
    assert "lpse" in unknown.json()["error"]["fields"]
    assert not VerificationRequest.objects.filter(vendor=cast.vendor).exists()


def test_staff_list_add_and_remove(cast, client, mailoutbox, django_capture_on_commit_callbacks):
    auth = bearer(cast.admin)
    listed = client.get(f"{BASE}/staff", **auth).json()
    assert {item["username"] for item in listed["items"]} == {
        cast.admin.username,
        cast.staff.username,
    }
    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            f"{BASE}/staff",
            {"full_name": "Rina", "email": "rina@contoh.co.id", "username": "rina"},
            content_type="application/json",
            **auth,
        )
    assert added.status_code == 201, added.json()
    assert added.json()["role"] == "vendor_staff"
    assert len(mailoutbox) == 1
    removed = client.post(
        f"{BASE}/staff/{added.json()['id']}/remove",
        {"reason": "Keluar"},
        content_type="application/json",
        **auth,
    )
    assert removed.status_code == 200
    assert RoleAssignment.objects.get(pk=added.json()["id"]).revoked_at is not None


def test_staff_cannot_add_staff(cast, client, mailoutbox):
    before = snapshot()
    response = client.post(
        f"{BASE}/staff",
        {"full_name": "Rina", "email": "rina@contoh.co.id", "username": "rina"},
        content_type="application/json",
        **bearer(cast.staff),
    )
    assert response.status_code == 403
    after = snapshot()
    after["audit"] -= 1  # creating the test's own API token is audited
    assert after == before
    assert mailoutbox == []


def test_every_tab_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for slug in (
        "izin-usaha",
        "akta",
        "pemilik",
        "pengurus",
        "tenaga-ahli",
        "peralatan",
        "pengalaman",
        "pajak",
    ):
        assert set(paths[f"{BASE}/data/{slug}"]) == {"get", "post"}
        assert set(paths[f"{BASE}/data/{slug}/{{record_id}}"]) == {"patch", "delete"}
    assert "post" in paths[f"{BASE}/identity-change"]
    assert set(paths[f"{BASE}/staff"]) == {"get", "post"}
