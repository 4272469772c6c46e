"""Every role that must be refused, for every write of the vendor data area (data tabs, identity,
identity change, staff): the refusal is a PermissionDenied with a full sentence, and nothing
changed afterwards (rows, statuses, roles, audit events, notifications, stored files, mail)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.vendors.models import BusinessLicence, Officer
from openlpse.vendors.services.data import (
    vendor_profile_update,
    vendor_record_create,
    vendor_record_delete,
    vendor_record_update,
)
from openlpse.vendors.services.identity import identity_change_request, identity_change_withdraw
from openlpse.vendors.services.staff import staff_add, staff_remove
from openlpse.vendors.tests.data_support import (
    add_staff,
    last_event,
    make_cast,
    make_official,
    snapshot,
    valid_values,
)
from openlpse.vendors.tests.factories import make_verifikator, next_npwp, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The exact sentences below are the English source; pages follow the language cookie."""
    with translation.override("en"):
        yield


# Refused for every write of the company's data (they are not its administrator or staff).
OUTSIDERS = (
    "other_admin",
    "other_staff",
    "revoked_staff",
    "ended_staff",
    "ppk",
    "verifikator",
    "lpse_admin",
    "auditor",
    "superuser",
    "anonymous",
)
# Refused for the administrator's own writes (identity, identity change, staff).
NOT_ADMIN = ("staff", *OUTSIDERS)


@pytest.fixture
def cast(lpse_lampung_timur):
    return make_cast(lpse_lampung_timur)


@pytest.fixture
def people(cast, lpse_lampung_timur) -> dict[str, Any]:
    revoked = add_staff(cast.vendor)
    revoked.role_assignments.update(revoked_at=timezone.now(), revoke_reason="Keluar")
    ended = add_staff(cast.vendor)
    ended.role_assignments.update(ends_on=timezone.now().date() - dt.timedelta(days=1))
    return {
        "staff": cast.staff,
        "other_admin": cast.other_admin,
        "other_staff": add_staff(cast.other_vendor),
        "revoked_staff": revoked,
        "ended_staff": ended,
        "ppk": cast.official,
        "verifikator": make_verifikator(lpse_lampung_timur),
        "lpse_admin": make_official(lpse_lampung_timur, Role.LPSE_ADMIN),
        "auditor": make_official(lpse_lampung_timur, Role.AUDITOR),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "anonymous": cast.anonymous,
    }


def stored_files() -> tuple[int, list[str]]:
    on_disk = sorted(
        os.path.join(root, name)
        for root, _dirs, names in os.walk(settings.MEDIA_ROOT)
        if ".tmp" not in root
        for name in names
    )
    return StoredFile.objects.count(), on_disk


def everything() -> dict[str, Any]:
    return {**snapshot(), "files": stored_files()}


def _refused(call: Callable[[], Any], mailoutbox: list[Any], capture: Any) -> errors.DomainError:
    before = everything()
    with capture(execute=True), pytest.raises(errors.PermissionDenied) as caught:
        call()
    assert everything() == before
    assert mailoutbox == []
    return caught.value


# --- the data tabs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("action", ["create", "update", "delete"])
def test_outsiders_cannot_write_the_data_tabs(
    cast, people, who, action, mailoutbox, django_capture_on_commit_callbacks
):
    record = vendor_record_create(
        actor=cast.admin, vendor=cast.vendor, model=Officer, values=valid_values(Officer)
    )
    actor = people[who]
    calls = {
        "create": lambda: vendor_record_create(
            actor=actor,
            vendor=cast.vendor,
            model=BusinessLicence,
            values=valid_values(BusinessLicence),
            upload=pdf_upload(),
        ),
        "update": lambda: vendor_record_update(
            actor=actor,
            vendor=cast.vendor,
            model=Officer,
            record_id=record.pk,
            values={"name": "Dibajak"},
            upload=pdf_upload(),
        ),
        "delete": lambda: vendor_record_delete(
            actor=actor, vendor=cast.vendor, model=Officer, record_id=record.pk
        ),
    }
    exc = _refused(calls[action], mailoutbox, django_capture_on_commit_callbacks)
    assert exc.code == "permission_denied"
    assert str(exc) == (
        f"Only the administrator and staff of {cast.vendor.name} may change its data. Sign in "
        "with an account of the company, or ask its administrator to add you as staff."
    )
    record.refresh_from_db()
    assert record.name == valid_values(Officer)["name"]


# --- identity, identity change, staff: the administrator only ----------------------------------


def _admin_calls(cast: Any, actor: Any) -> dict[str, Callable[[], Any]]:
    return {
        "profile_update": lambda: vendor_profile_update(
            actor=actor, vendor=cast.vendor, values={"phone": "0725-000"}
        ),
        "identity_change_request": lambda: identity_change_request(
            actor=actor, vendor=cast.vendor, proposed={"npwp": next_npwp()}
        ),
        "identity_change_withdraw": lambda: identity_change_withdraw(
            actor=actor, vendor=cast.vendor
        ),
        "staff_add": lambda: staff_add(
            actor=actor,
            vendor=cast.vendor,
            full_name="Rina Lestari",
            email="rina@contoh.co.id",
            username="rina",
        ),
        "staff_remove": lambda: staff_remove(
            actor=actor,
            vendor=cast.vendor,
            assignment_id=cast.staff.role_assignments.get().pk,
            reason="Pindah kerja",
        ),
    }


ADMIN_ACTIONS = (
    "profile_update",
    "identity_change_request",
    "identity_change_withdraw",
    "staff_add",
    "staff_remove",
)
ADMIN_MESSAGES = {
    "profile_update": "Only the administrator of {company} may change its identity data. Ask "
    "the administrator to make the change.",
    "identity_change_request": "Only the administrator of {company} may change its identity "
    "data. Ask the administrator to make the change.",
    "identity_change_withdraw": "Only the administrator of {company} may change its identity "
    "data. Ask the administrator to make the change.",
    "staff_add": "Only the administrator of {company} may add or remove its staff. Ask the "
    "administrator to do it.",
    "staff_remove": "Only the administrator of {company} may add or remove its staff. Ask the "
    "administrator to do it.",
}


@pytest.mark.parametrize("who", NOT_ADMIN)
@pytest.mark.parametrize("action", ADMIN_ACTIONS)
def test_only_the_administrator_writes_identity_and_staff(
    cast, people, who, action, mailoutbox, django_capture_on_commit_callbacks
):
    if action == "identity_change_withdraw":
        # Something to withdraw, so that only the actor decides the refusal.
        identity_change_request(
            actor=cast.admin, vendor=cast.vendor, proposed={"npwp": next_npwp()}
        )
    exc = _refused(
        _admin_calls(cast, people[who])[action], mailoutbox, django_capture_on_commit_callbacks
    )
    assert exc.code == "permission_denied"
    assert str(exc) == ADMIN_MESSAGES[action].format(company=cast.vendor.name)


def test_the_administrator_of_another_vendor_cannot_remove_this_vendors_staff_via_their_own(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    """The assignment id of another vendor's staff, sent by an admin for their own company, is
    "not found" and changes nothing."""
    before = everything()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(errors.NotFound),
    ):
        staff_remove(
            actor=cast.other_admin,
            vendor=cast.other_vendor,
            assignment_id=cast.staff.role_assignments.get().pk,
            reason="Dibajak",
        )
    assert everything() == before
    assert mailoutbox == []


# --- pages -----------------------------------------------------------------------------------------


def _admin_pages(cast: Any) -> list[tuple[str, str, dict[str, str]]]:
    remove = reverse("vendors:staff_remove", args=[cast.staff.role_assignments.get().pk])
    return [
        ("get", reverse("vendors:identity_edit"), {}),
        ("post", reverse("vendors:identity_edit"), {"phone": "0725-000"}),
        ("get", reverse("vendors:identity_change"), {}),
        ("post", reverse("vendors:identity_change"), {"name": "PT Lain", "npwp": next_npwp()}),
        ("post", reverse("vendors:identity_change_withdraw"), {}),
        ("get", reverse("vendors:staff_add"), {}),
        (
            "post",
            reverse("vendors:staff_add"),
            {"full_name": "X", "email": "x@contoh.co.id", "username": "x"},
        ),
        ("get", remove, {}),
        ("post", remove, {"reason": "Pindah kerja"}),
    ]


def test_staff_opening_an_administrator_page_are_told_why_and_nothing_changes(
    cast, client, sign_in, mailoutbox, django_capture_on_commit_callbacks
):
    identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed={"npwp": next_npwp()})
    client.cookies["openlpse_language"] = "en"
    sign_in(cast.staff)
    before = everything()
    for method, url, data in _admin_pages(cast):
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
        html = response.content.decode()
        assert f"Only the administrator of {cast.vendor.name} may" in html, (method, url)
        assert "Ask the administrator" in html
    assert everything() == before
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["ppk", "verifikator", "revoked_staff", "superuser"])
def test_people_who_do_not_act_for_the_vendor_are_sent_away_from_its_pages(
    cast, people, who, client, sign_in
):
    record = vendor_record_create(
        actor=cast.admin, vendor=cast.vendor, model=Officer, values=valid_values(Officer)
    )
    sign_in(people[who])
    before = everything()
    for url, data in (
        (reverse("vendors:data_add", args=["pengurus"]), valid_values(Officer)),
        (reverse("vendors:data_edit", args=["pengurus", record.pk]), {"name": "Dibajak"}),
        (reverse("vendors:data_delete", args=["pengurus", record.pk]), {}),
        (reverse("vendors:identity_edit"), {"phone": "1"}),
        (reverse("vendors:staff_add"), {"full_name": "X", "email": "x@c.co.id", "username": "x"}),
    ):
        response = client.post(url, {k: v for k, v in data.items() if v is not None})
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"] != url
    assert everything() == before


def test_the_file_of_another_vendors_row_is_404_and_the_attempt_is_audited(cast, client, sign_in):
    theirs = vendor_record_create(
        actor=cast.other_admin,
        vendor=cast.other_vendor,
        model=Officer,
        values=valid_values(Officer),
        upload=pdf_upload(),
    )
    sign_in(cast.staff)
    count = AuditEvent.objects.count()
    response = client.get(reverse("vendors:data_file", args=["pengurus", theirs.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.count() == count + 1
    event = last_event()
    assert (event.action, event.actor_id, event.object_id) == (
        "vendor.access_refused",
        cast.staff.pk,
        str(cast.other_vendor.pk),
    )
    assert event.changes == {
        "attempted": "data.officer.read",
        "record": theirs.pk,
        "actor_vendor": cast.vendor.pk,
    }


# --- uploads refused before anything is stored ---------------------------------------------------


def test_invalid_values_with_a_file_store_nothing_and_keep_what_was_typed(cast, client, sign_in):
    client.cookies["openlpse_language"] = "en"
    sign_in(cast.staff)
    before = everything()
    response = client.post(
        reverse("vendors:data_add", args=["izin-usaha"]),
        {
            "kind": "siup",
            "number": "503/999/SIUP/2025",
            "issuer": "DPMPTSP",
            "issued_on": "2025-01-10",
            "valid_until": "2024-01-10",
            "classification": "",
            "file": pdf_upload(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The licence cannot end before it was issued." in html
    assert 'value="503/999/SIUP/2025"' in html
    assert everything() == before


def test_a_file_of_a_refused_type_stores_nothing_and_keeps_what_was_typed(cast, client, sign_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.cookies["openlpse_language"] = "en"
    sign_in(cast.staff)
    before = everything()
    response = client.post(
        reverse("vendors:data_add", args=["izin-usaha"]),
        {
            **{k: (v.isoformat() if v else "") for k, v in _licence_dates().items()},
            "kind": "siup",
            "number": "503/998/SIUP/2025",
            "issuer": "DPMPTSP",
            "classification": "",
            "file": SimpleUploadedFile("program.exe", b"MZ\x90\x00" + b"\x00" * 200),
        },
    )
    assert response.status_code == 415
    assert 'value="503/998/SIUP/2025"' in response.content.decode()
    assert everything() == before


def _licence_dates() -> dict[str, dt.date | None]:
    values = valid_values(BusinessLicence)
    return {"issued_on": values["issued_on"], "valid_until": values["valid_until"]}
