"""Vendor staff accounts are added by the vendor admin (issue 3 item 4)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.vendors import permissions
from openlpse.vendors.models import Owner
from openlpse.vendors.services.data import vendor_record_create
from openlpse.vendors.services.staff import STAFF_LETTER_NUMBER, staff_add, staff_remove
from openlpse.vendors.tests.data_support import (
    audit_actions,
    last_event,
    make_cast,
    snapshot,
    valid_values,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(lpse_lampung_timur):
    return make_cast(lpse_lampung_timur)


def _add(cast, actor=None, **overrides):
    values = {"full_name": "Rina Lestari", "email": "rina@contoh.co.id", "username": "rina"}
    return staff_add(actor=actor or cast.admin, vendor=cast.vendor, **{**values, **overrides})


def test_admin_adds_staff_who_gets_a_set_password_link(
    cast, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = _add(cast, preferred_language="en")
    user = assignment.user
    assert (user.username, user.email, user.full_name) == (
        "rina",
        "rina@contoh.co.id",
        "Rina Lestari",
    )
    assert not user.has_usable_password()
    assert (assignment.role, assignment.scope_kind, assignment.scope_ref) == (
        Role.VENDOR_STAFF,
        ScopeKind.VENDOR,
        str(cast.vendor.pk),
    )
    assert assignment.granted_by == cast.admin
    assert assignment.letter_kind == LetterKind.OTHER
    assert assignment.letter_number == STAFF_LETTER_NUMBER
    assert permissions.is_vendor_member(user, cast.vendor)
    assert not permissions.is_vendor_admin(user, cast.vendor)
    assert audit_actions()[-3:] == ["user.create", "role.grant", "vendor.staff.add"]
    assert last_event().actor_id == cast.admin.pk

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["rina@contoh.co.id"]
    assert cast.vendor.name in mail.body
    assert "rina" in mail.body
    # Two-factor authentication is optional for vendors: the invitation does not demand it.
    assert "two-factor" not in mail.body
    assert "dua faktor" not in mail.body
    link = re.search(r"http\S+/akun/atur-ulang/\S+/\S+/", mail.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    # The link opens the set-password form (Django redirects to its own token-less URL).
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    assert b"new_password1" in response.content


def test_staff_may_then_enter_company_data(cast):
    user = _add(cast).user
    vendor_record_create(actor=user, vendor=cast.vendor, model=Owner, values=valid_values(Owner))


def test_an_email_already_used_by_an_account_is_refused(cast):
    UserFactory(email="pakai@contoh.co.id")
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        _add(cast, email="PAKAI@contoh.co.id")
    assert "email" in caught.value.fields
    assert snapshot() == before


def test_a_username_already_taken_is_refused(cast):
    UserFactory(username="rina")
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        _add(cast)
    assert "username" in caught.value.fields
    assert snapshot() == before


@pytest.mark.parametrize("who", ["staff", "other_admin", "official", "anonymous"])
def test_only_the_vendor_admin_adds_staff(cast, who, mailoutbox):
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        _add(cast, actor=getattr(cast, who))
    assert snapshot() == before
    assert not User.objects.filter(username="rina").exists()
    assert mailoutbox == []


def test_admin_removes_staff_with_a_reason(cast):
    member = _add(cast)
    removed = staff_remove(
        actor=cast.admin, vendor=cast.vendor, assignment_id=member.pk, reason="Keluar"
    )
    assert removed.revoked_at is not None
    assert removed.revoke_reason == "Keluar"
    assert not permissions.is_vendor_member(member.user, cast.vendor)
    assert audit_actions()[-2:] == ["role.revoke", "vendor.staff.remove"]
    assert member.user.notifications.filter(topic="vendors.staff_removed").exists()


def test_removal_needs_a_reason(cast):
    member = _add(cast)
    before = snapshot()
    with pytest.raises(errors.ValidationError):
        staff_remove(actor=cast.admin, vendor=cast.vendor, assignment_id=member.pk, reason=" ")
    assert snapshot() == before


@pytest.mark.parametrize("who", ["staff", "other_admin", "official", "anonymous"])
def test_only_the_vendor_admin_removes_staff(cast, who):
    member = _add(cast)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        staff_remove(
            actor=getattr(cast, who), vendor=cast.vendor, assignment_id=member.pk, reason="x"
        )
    assert snapshot() == before


def test_the_admin_role_and_other_vendors_staff_cannot_be_removed_here(cast):
    admin_role = RoleAssignment.objects.get(user=cast.admin, role=Role.VENDOR_ADMIN)
    with pytest.raises(errors.NotFound):
        staff_remove(actor=cast.admin, vendor=cast.vendor, assignment_id=admin_role.pk, reason="x")
    theirs = staff_add(
        actor=cast.other_admin,
        vendor=cast.other_vendor,
        full_name="Orang Lain",
        email="lain@contoh.co.id",
        username="lain",
    )
    with pytest.raises(errors.NotFound):
        staff_remove(actor=cast.admin, vendor=cast.vendor, assignment_id=theirs.pk, reason="x")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


# --- pages ----------------------------------------------------------------------------------------


def test_staff_pages_for_the_admin(
    cast, client, sign_in, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(cast.admin)
    listing = client.get(reverse("vendors:staff_list"))
    assert listing.status_code == 200
    assert reverse("vendors:staff_add") in listing.content.decode()
    assert client.get(reverse("vendors:staff_add")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("vendors:staff_add"),
            {"full_name": "Dewi", "email": "dewi@contoh.co.id", "username": "dewi"},
        )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user__username="dewi")
    assert len(mailoutbox) == 1
    html = client.get(reverse("vendors:staff_list")).content.decode()
    assert "dewi@contoh.co.id" in html
    remove_url = reverse("vendors:staff_remove", args=[assignment.pk])
    assert remove_url in html
    assert client.get(remove_url).status_code == 200
    assert client.post(remove_url, {"reason": ""}).status_code == 400
    assert client.post(remove_url, {"reason": "Pindah kerja"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoke_reason == "Pindah kerja"


def test_the_add_form_shows_an_email_in_use(cast, client, sign_in):
    client.cookies["openlpse_language"] = "en"
    UserFactory(email="pakai@contoh.co.id")
    sign_in(cast.admin)
    response = client.post(
        reverse("vendors:staff_add"),
        {"full_name": "Dewi", "email": "pakai@contoh.co.id", "username": "dewi"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "An account already uses this e-mail address." in html
    assert 'value="dewi"' in html


def test_staff_see_the_list_but_cannot_manage_it(cast, client, sign_in):
    sign_in(cast.staff)
    html = client.get(reverse("vendors:staff_list")).content.decode()
    assert cast.staff.username in html
    assert reverse("vendors:staff_add") not in html
    assert client.get(reverse("vendors:staff_add")).status_code == 403
    assert (
        client.post(
            reverse("vendors:staff_add"),
            {"full_name": "X", "email": "x@contoh.co.id", "username": "x"},
        ).status_code
        == 403
    )
    assert not User.objects.filter(username="x").exists()
