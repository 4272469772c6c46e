"""Refusals of every blacklist and deactivation action, over every role of the world, through
the services, the pages and the API: each refused person gets the refusal, and nothing changes
(requests, entries, accounts, tokens, audit events, notifications, checks, stored files)."""

import os

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import today
from openlpse.core import errors
from openlpse.organizations.tests.world import sign_in
from openlpse.vendors.enums import BlacklistRequestStatus
from openlpse.vendors.services import blacklist as services
from openlpse.vendors.services import deactivation
from openlpse.vendors.tests.blacklist_support import (
    NON_REQUESTER_KEYS,
    REQUESTER_KEYS,
    blacklist,
    build_scene,
    evidence,
    file_request,
    issue_token,
    snapshot,
)
from openlpse.vendors.tests.factories import grant_vendor_role

pytestmark = pytest.mark.django_db

ALL_KEYS = (*REQUESTER_KEYS, *NON_REQUESTER_KEYS)
# The world's "lpse_staff" is the verifikator of the LPSE; "ppk" files the scene's requests.
NOT_DECIDERS = tuple(k for k in ALL_KEYS if k != "lpse_staff")
NOT_THE_REQUESTER = tuple(k for k in ALL_KEYS if k != "ppk")


@pytest.fixture
def scene():
    return build_scene()


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def media_files() -> set[str]:
    """Every stored file on disk (not the upload and staging areas)."""
    root = str(settings.MEDIA_ROOT)
    found = set()
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.update(os.path.join(folder, n) for n in names)
    return found


# --- services ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", NOT_THE_REQUESTER)
def test_only_the_requester_may_withdraw(scene, key):
    request = file_request(scene)
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.PermissionDenied) as refused:
        services.blacklist_request_withdraw(actor=scene.world.users[key], request=request)
    assert str(refused.value) == (
        "Only the person who filed this request can withdraw it. Ask them to withdraw it, or "
        "wait for the verifikator's decision."
    )
    assert snapshot() == before


def test_the_vendors_people_and_another_verifikator_may_not_withdraw(scene):
    request = file_request(scene)
    before = snapshot()
    for user in (scene.admin, scene.staff, scene.other_verifikator):
        with pytest.raises(errors.PermissionDenied):
            services.blacklist_request_withdraw(actor=user, request=request)
    assert snapshot() == before
    request.refresh_from_db()
    assert request.status == BlacklistRequestStatus.PENDING


def test_a_decided_request_is_not_withdrawn_and_the_refusal_says_why(scene):
    request = file_request(scene)
    services.blacklist_request_decide(
        actor=scene.verifikator, request=request, approve=False, note="Bukti kurang"
    )
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.Conflict) as refused:
        services.blacklist_request_withdraw(actor=scene.ppk, request=request)
    assert str(refused.value) == (
        "This request is no longer waiting for a decision (Rejected), so it can no longer be "
        "withdrawn. Reload the page to see it."
    )
    assert snapshot() == before


def test_a_linked_verifikator_is_told_why_they_may_not_decide_lift_or_deactivate(scene):
    entry = blacklist(scene)
    request = file_request(scene, actor=scene.world.users["pa"])
    grant_vendor_role(scene.verifikator, scene.vendor, Role.VENDOR_STAFF)
    before = snapshot()
    with translation.override("en"):
        with pytest.raises(errors.SeparationOfDuties) as refused:
            services.blacklist_request_decide(
                actor=scene.verifikator, request=request, approve=True, note=""
            )
        assert str(refused.value) == (
            "You may not decide about the blacklisting of CV Curang Jaya because you are linked "
            "to it (you hold a role in this company). Ask another verifikator of the unit."
        )
        with pytest.raises(errors.SeparationOfDuties):
            services.blacklist_entry_lift(actor=scene.verifikator, entry=entry, reason="x")
        with pytest.raises(errors.SeparationOfDuties) as refused:
            deactivation.vendor_account_deactivate(
                actor=scene.verifikator, vendor=scene.vendor, reason="x"
            )
        assert str(refused.value) == (
            "You may not deactivate or reactivate the accounts of CV Curang Jaya because you "
            "are linked to it (you hold a role in this company). Ask another verifikator."
        )
    assert snapshot() == before


def test_a_deactivation_without_a_reason_names_the_field(scene):
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.ValidationError) as refused:
        deactivation.vendor_account_deactivate(
            actor=scene.verifikator, vendor=scene.vendor, reason="  "
        )
    message = "Give the reason; the company's people read it and it is kept in the audit log."
    assert str(refused.value) == message
    assert {k: [str(m) for m in v] for k, v in refused.value.fields.items()} == {
        "reason": [message]
    }
    assert snapshot() == before


def test_a_refused_second_evidence_file_leaves_no_file_behind(scene):
    script = SimpleUploadedFile("b.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")
    before, on_disk = snapshot(), media_files()
    with pytest.raises(errors.UnsupportedMediaType):
        services.blacklist_request_create(
            actor=scene.ppk,
            vendor=scene.vendor,
            lpse=scene.world.lpse,
            reason="Wanprestasi",
            legal_basis="Peraturan LKPP 17/2018",
            starts_on=today(),
            ends_on=today(),
            evidence=[evidence("a.pdf"), script],
        )
    assert snapshot() == before
    assert media_files() == on_disk


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", NOT_DECIDERS)
def test_the_decision_page_refuses_everyone_but_the_lpses_verifikator(client, scene, key):
    request = file_request(scene)
    sign_in(client, scene.world.users[key])
    before = snapshot()
    detail = reverse("vendors:blacklist_request_detail", args=[request.pk])
    for decision in ("approve", "reject"):
        response = client.post(detail, {"decision": decision, "note": "x"})
        assert response.status_code == 404
    assert snapshot() == before


def test_a_verifikator_who_filed_the_request_is_told_another_must_decide(client, scene):
    from openlpse.organizations.tests.world import give

    give(scene.verifikator, Role.PPK, agency=scene.world.agency2)
    request = file_request(scene, actor=scene.verifikator)
    sign_in(english(client), scene.verifikator)
    detail = reverse("vendors:blacklist_request_detail", args=[request.pk])
    assert not client.get(detail).context["can_decide"]
    before = snapshot()
    response = client.post(detail, {"decision": "approve", "note": ""})
    assert response.status_code == 403
    assert response.context["form"].non_field_errors() == [
        "You filed this request, so another verifikator must decide it."
    ]
    assert snapshot() == before


@pytest.mark.parametrize("key", NOT_THE_REQUESTER)
def test_the_withdraw_button_refuses_everyone_but_the_requester(client, scene, key):
    request = file_request(scene)
    sign_in(english(client), scene.world.users[key])
    before = snapshot()
    response = client.post(reverse("vendors:blacklist_request_withdraw", args=[request.pk]))
    if key == "lpse_staff":
        # The verifikator sees the request, so the refusal is a message on its page.
        assert response.status_code == 302
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "Only the person who filed this request can withdraw it. Ask them to withdraw it, "
            "or wait for the verifikator's decision."
        ]
    else:
        assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("key", NOT_DECIDERS)
def test_the_lift_page_refuses_everyone_but_the_lpses_verifikator(client, scene, key):
    entry = blacklist(scene)
    sign_in(client, scene.world.users[key])
    before = snapshot()
    lift = reverse("vendors:blacklist_entry_lift", args=[entry.pk])
    assert client.get(lift).status_code == 404
    assert client.post(lift, {"reason": "x"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("key", NOT_DECIDERS)
def test_the_deactivation_page_refuses_everyone_but_verifikators(client, scene, key):
    sign_in(client, scene.world.users[key])
    before = snapshot()
    url = reverse("vendors:vendor_account_deactivation")
    for action in ("deactivate", "reactivate"):
        response = client.post(
            url, {"vendor": scene.vendor.nib, "action": action, "reason": "Pelanggaran"}
        )
        assert response.status_code == 404
    assert snapshot() == before


def test_a_refused_deactivation_keeps_what_was_typed_and_says_why(client, scene):
    grant_vendor_role(scene.other_verifikator, scene.vendor, Role.VENDOR_STAFF)
    sign_in(english(client), scene.other_verifikator)
    before = snapshot()
    data = {"vendor": scene.vendor.nib, "action": "deactivate", "reason": "Akun dipinjamkan"}
    response = client.post(reverse("vendors:vendor_account_deactivation"), data)
    assert response.status_code == 403
    form = response.context["form"]
    assert form.non_field_errors() == [
        "You may not deactivate or reactivate the accounts of CV Curang Jaya because you are "
        "linked to it (you hold a role in this company). Ask another verifikator."
    ]
    assert {k: form.data[k] for k in data} == data
    assert "Akun dipinjamkan" in response.content.decode()
    assert snapshot() == before


# --- API ---------------------------------------------------------------------------------------


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user)}"}


@pytest.mark.parametrize("key", NON_REQUESTER_KEYS)
def test_the_api_refuses_requests_from_other_roles_and_stores_no_file(client, scene, key):
    headers = _bearer(scene.world.users[key])
    before, on_disk = snapshot(), media_files()
    start = today()
    response = client.post(
        "/api/v1/blacklist/requests",
        {
            "vendor_id": str(scene.vendor.pk),
            "lpse": scene.world.lpse.slug,
            "reason": "Wanprestasi",
            "legal_basis": "Peraturan LKPP 17/2018",
            "starts_on": start.isoformat(),
            "ends_on": start.isoformat(),
            "evidence": [evidence()],
        },
        **headers,
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert snapshot() == before
    assert media_files() == on_disk


@pytest.mark.parametrize("key", NOT_DECIDERS)
def test_the_api_refuses_decisions_and_lifts_from_everyone_but_the_verifikator(client, scene, key):
    entry = blacklist(scene)
    request = file_request(scene, actor=scene.world.users["pa"])
    headers = _bearer(scene.world.users[key])
    before = snapshot()
    response = client.post(
        f"/api/v1/blacklist/requests/{request.pk}/decision",
        {"approve": True, "note": ""},
        content_type="application/json",
        **headers,
    )
    # Only the requester ("pa") sees the request; to everyone else it does not exist.
    assert response.status_code == (403 if key == "pa" else 404)
    response = client.post(
        f"/api/v1/blacklist/entries/{entry.pk}/lift",
        {"reason": "x"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    assert snapshot() == before
