"""The vendor data API refuses every write of a role that may not make it, with the error's
code and sentence, and changes nothing."""

from __future__ import annotations

import pytest

from openlpse.accounts.enums import Role
from openlpse.accounts.services import tokens
from openlpse.vendors.models import Officer
from openlpse.vendors.services.data import vendor_record_create
from openlpse.vendors.tests.data_support import make_cast, make_official, snapshot, valid_values
from openlpse.vendors.tests.factories import make_verifikator, next_npwp

pytestmark = pytest.mark.django_db
BASE = "/api/v1/vendors/me"


@pytest.fixture
def cast(lpse_lampung_timur):
    return make_cast(lpse_lampung_timur)


def bearer(user) -> dict[str, str]:
    secret = tokens.token_create(user=user, name="test", actor=None).secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def _send(client, method, path, body, auth):
    if body is None:
        return getattr(client, method)(path, **auth)
    return getattr(client, method)(path, body, content_type="application/json", **auth)


def _admin_writes(cast) -> list[tuple[str, str, dict | None]]:
    assignment = cast.staff.role_assignments.get()
    return [
        ("patch", f"{BASE}/data/identitas", {"phone": "0725-000"}),
        ("post", f"{BASE}/identity-change", {"npwp": next_npwp()}),
        (
            "post",
            f"{BASE}/staff",
            {"full_name": "Rina", "email": "rina@contoh.co.id", "username": "rina"},
        ),
        ("post", f"{BASE}/staff/{assignment.pk}/remove", {"reason": "Pindah kerja"}),
    ]


def test_staff_cannot_use_the_administrators_endpoints(cast, client, mailoutbox):
    auth = bearer(cast.staff)
    before = snapshot()
    for method, path, body in _admin_writes(cast):
        response = _send(client, method, path, body, auth)
        assert response.status_code == 403, path
        error = response.json()["error"]
        assert error["code"] == "permission_denied"
        assert error["message"].startswith(f"Only the administrator of {cast.vendor.name} may")
        assert "Ask the administrator" in error["message"]
    assert snapshot() == before
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["ppk", "verifikator", "lpse_admin", "auditor"])
def test_officials_cannot_write_any_vendor_data(cast, client, lpse_lampung_timur, who, mailoutbox):
    user = {
        "ppk": cast.official,
        "verifikator": make_verifikator(lpse_lampung_timur),
        "lpse_admin": make_official(lpse_lampung_timur, Role.LPSE_ADMIN),
        "auditor": make_official(lpse_lampung_timur, Role.AUDITOR),
    }[who]
    record = vendor_record_create(
        actor=cast.admin, vendor=cast.vendor, model=Officer, values=valid_values(Officer)
    )
    officer = {**valid_values(Officer), "starts_on": "2020-01-01"}
    auth = bearer(user)
    before = snapshot()
    for method, path, body in [
        ("post", f"{BASE}/data/pengurus", officer),
        ("patch", f"{BASE}/data/pengurus/{record.pk}", {"name": "Dibajak"}),
        ("delete", f"{BASE}/data/pengurus/{record.pk}", None),
        *_admin_writes(cast),
    ]:
        response = _send(client, method, path, body, auth)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "not_vendor_member"
    assert snapshot() == before
    assert mailoutbox == []


def test_an_unknown_lpse_for_an_identity_change_is_named(cast, client):
    auth = bearer(cast.admin)
    before = snapshot()
    response = client.post(
        f"{BASE}/identity-change",
        {"npwp": next_npwp(), "lpse": "tidak-ada"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    message = (
        "No active LPSE has the slug “tidak-ada”. Check it, or leave the field out to ask the "
        "LPSE that verified your company."
    )
    assert response.json()["error"] == {
        "code": "invalid",
        "message": message,
        "fields": {"lpse": [message]},
    }
    assert snapshot() == before
