"""Granting and revoking roles, refused for every person who may not: the service says so in a
full sentence, the pages answer 404 (or 400 with the refused choice), and nothing changes:
rows, revocations and audit events (`world.snapshot`)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from openlpse.accounts.enums import LetterKind, Role
from openlpse.accounts.services.roles import role_revoke
from openlpse.core import clock
from openlpse.core.errors import PermissionDenied
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
# Who may revoke an assignment: whoever may grant it there (plus the operator), never its holder.
MAY_REVOKE = {"pokja_member": {"agency_admin"}, "auditor": {"lpse_admin"}}
REVOKE_REFUSED = [
    (holder, who) for holder in MAY_REVOKE for who in EVERYONE if who not in MAY_REVOKE[holder]
]
# Those who may grant no role at all in LPSE Lampung Timur.
GRANT_NOTHING_THERE = [
    w for w in EVERYONE if w not in {"lpse_admin", "agency_admin", "agency2_admin"}
]


@pytest.fixture(autouse=True)
def frozen_clock():
    # Messages are asserted in English (the source language); the catalogue translates them.
    with clock.frozen(NOW), translation.override("en"):
        yield


@pytest.fixture
def world():
    return build_world()


def english(client):
    client.cookies["openlpse_language"] = "en"
    return client


# --- revoke: the service --------------------------------------------------------------------------


@pytest.mark.parametrize(("holder", "who"), REVOKE_REFUSED)
def test_revoke_refused_for_everyone_who_may_not_grant_the_role(world, holder, who):
    assignment = world.users[holder].role_assignments.get()
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        role_revoke(actor=world.users[who], assignment=assignment, reason="Tidak berhak")
    if who == holder:
        expected = "You cannot revoke your own role. Ask another administrator."
    else:
        expected = (
            f"You may not revoke the role {Role(assignment.role).label} here. Ask an "
            "administrator who manages this LPSE or agency."
        )
    assert str(exc.value) == expected
    assert snapshot() == before
    assignment.refresh_from_db()
    assert (assignment.revoked_at, assignment.revoke_reason) == (None, "")


# --- revoke: the page -------------------------------------------------------------------------------


@pytest.mark.parametrize(("holder", "who"), REVOKE_REFUSED)
def test_revoke_page_is_404_for_everyone_who_may_not_and_changes_nothing(
    client, world, holder, who
):
    assignment = world.users[holder].role_assignments.get()
    sign_in(client, world.users[who])
    address = reverse("accounts:role_revoke", args=[assignment.pk])
    before = snapshot()
    assert client.get(address).status_code == 404
    assert client.post(address, {"reason": "Tidak berhak"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("holder", list(MAY_REVOKE))
def test_revoke_page_works_for_the_one_who_may(client, world, holder):
    # Proves the refusals above are about who asks, not about the address or the data.
    assignment = world.users[holder].role_assignments.get()
    (who,) = MAY_REVOKE[holder]
    sign_in(client, world.users[who])
    response = client.post(
        reverse("accounts:role_revoke", args=[assignment.pk]), {"reason": "Mutasi"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoke_reason == "Mutasi"


# --- grant: the page ----------------------------------------------------------------------------------


def grant_data(world, **changes):
    data = {
        "user": "warga",
        "role": Role.PPK,
        "agency": world.agency.pk,
        "starts_on": "2026-03-02",
        "letter_kind": LetterKind.SK,
        "letter_number": "800/12/SK/2026",
        "letter_date": "2026-02-20",
    }
    data.update(changes)
    return data


GRANT_URL = reverse("accounts:role_grant", args=["lampung-timur"])


@pytest.mark.parametrize("who", GRANT_NOTHING_THERE)
def test_grant_page_is_404_for_those_who_grant_nothing_there_and_changes_nothing(
    client, world, who
):
    sign_in(client, world.users[who])
    before = snapshot()
    assert client.get(GRANT_URL).status_code == 404
    assert client.post(GRANT_URL, grant_data(world)).status_code == 404
    assert client.post(GRANT_URL, grant_data(world, role=Role.AUDITOR)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "role", [Role.LPSE_ADMIN, Role.LPSE_STAFF, Role.AGENCY_ADMIN, Role.AUDITOR]
)
def test_an_agency_admin_cannot_grant_an_lpse_role_through_the_form(client, world, role):
    english(sign_in(client, world.users["agency_admin"]))
    before = snapshot()
    response = client.post(GRANT_URL, grant_data(world, role=role))
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Select a valid choice. {role} is not one of the available choices." in body
    assert 'value="800/12/SK/2026"' in body  # what was typed is kept
    assert snapshot() == before


def test_an_agency_admin_cannot_grant_in_another_agency_through_the_form(client, world):
    english(sign_in(client, world.users["agency2_admin"]))
    before = snapshot()
    response = client.post(GRANT_URL, grant_data(world))  # world.agency is not theirs
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert snapshot() == before


def test_the_same_grant_succeeds_for_the_agency_admin(client, world):
    sign_in(client, world.users["agency_admin"])
    before = snapshot()
    response = client.post(GRANT_URL, grant_data(world))
    assert response.status_code == 302
    after = snapshot()
    assert (after["roles"], after["audit"]) == (before["roles"] + 1, before["audit"] + 1)
    assert world.users["nobody"].role_assignments.get().role == Role.PPK
