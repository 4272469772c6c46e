"""Changing verified identity data goes back through verification (issue 3 item 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openlpse.core import errors
from openlpse.core.models import Notification
from openlpse.vendors.enums import VerificationKind, VerificationStatus
from openlpse.vendors.errors import Blacklisted, DuplicateVendor
from openlpse.vendors.models import Owner, Vendor, VerificationRequest
from openlpse.vendors.services.data import vendor_record_create
from openlpse.vendors.services.identity import (
    identity_change_request,
    identity_change_withdraw,
)
from openlpse.vendors.tests.data_support import (
    last_event,
    make_cast,
    snapshot,
    valid_values,
)
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorDocumentFactory,
    VerificationRequestFactory,
    make_verifikator,
    next_nib,
    next_npwp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(lpse_lampung_timur):
    return make_cast(lpse_lampung_timur)


@pytest.fixture
def verifikator(lpse_lampung_timur):
    return make_verifikator(lpse_lampung_timur, preferred_language="en")


def test_request_keeps_only_changed_fields_and_notifies_the_verifikators(
    cast, verifikator, lpse_karangasem, mailoutbox, django_capture_on_commit_callbacks
):
    elsewhere = make_verifikator(lpse_karangasem)
    npwp_card = VendorDocumentFactory(vendor=cast.vendor, kind="npwp")
    old = {"name": cast.vendor.name, "npwp": cast.vendor.npwp}
    new_npwp = next_npwp()
    with django_capture_on_commit_callbacks(execute=True):
        request = identity_change_request(
            actor=cast.admin,
            vendor=cast.vendor,
            proposed={
                "name": "PT Baru Jaya",
                "npwp": new_npwp[:2] + "." + new_npwp[2:],
                "nib": cast.vendor.nib,
                "email": cast.vendor.email,
            },
        )
    assert request.kind == VerificationKind.IDENTITY_CHANGE
    assert request.status == VerificationStatus.PENDING
    assert request.lpse == cast.vendor.verified_lpse
    assert request.submitted_by == cast.admin
    assert request.data["proposed"] == {"name": "PT Baru Jaya", "npwp": new_npwp}
    assert request.data["current"]["name"] == old["name"]
    assert request.data["current"]["npwp"] == old["npwp"]
    assert set(request.data["current"]) == {"name", "npwp", "nib", "email"}
    assert request.data["documents"] == {"npwp": npwp_card.pk}
    # The verified data stays in force until a verifikator approves.
    vendor = Vendor.objects.get(pk=cast.vendor.pk)
    assert (vendor.name, vendor.npwp, vendor.status) == (old["name"], old["npwp"], "verified")
    # The verifikators of that LPSE, and only them, are told.
    notes = Notification.objects.filter(topic="vendors.identity_change")
    assert [n.user for n in notes] == [verifikator]
    assert not Notification.objects.filter(user=elsewhere).exists()
    assert [m.to for m in mailoutbox] == [[verifikator.email]]
    assert old["name"] in mailoutbox[0].subject
    assert "company name, NPWP" in mailoutbox[0].body
    event = last_event()
    assert event.action == "vendor.identity_change.request"
    assert event.changes["proposed"] == {"name": "PT Baru Jaya", "npwp": new_npwp}
    assert event.lpse_id == cast.vendor.verified_lpse_id


def test_the_rest_of_the_account_keeps_working_while_pending(cast):
    identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed={"name": "PT Baru"})
    vendor_record_create(
        actor=cast.staff, vendor=cast.vendor, model=Owner, values=valid_values(Owner)
    )
    assert Owner.objects.filter(vendor=cast.vendor).count() == 1


def test_another_lpse_may_be_chosen(cast, lpse_karangasem):
    request = identity_change_request(
        actor=cast.admin, vendor=cast.vendor, proposed={"nib": next_nib()}, lpse=lpse_karangasem
    )
    assert request.lpse == lpse_karangasem


def test_a_duplicate_npwp_is_refused_and_points_to_the_other_account(cast):
    before = snapshot()
    with pytest.raises(DuplicateVendor) as caught:
        identity_change_request(
            actor=cast.admin, vendor=cast.vendor, proposed={"npwp": cast.other_vendor.npwp}
        )
    assert caught.value.code == "vendor_already_registered"
    assert "npwp" in caught.value.fields
    assert "***@" in str(caught.value)
    assert snapshot() == before


def test_a_duplicate_nib_is_refused(cast):
    with pytest.raises(DuplicateVendor) as caught:
        identity_change_request(
            actor=cast.admin, vendor=cast.vendor, proposed={"nib": cast.other_vendor.nib}
        )
    assert "nib" in caught.value.fields


def test_a_blacklisted_number_is_refused_with_why_and_until_when(cast):
    entry = BlacklistEntryFactory(npwp=next_npwp())
    before = snapshot()
    with pytest.raises(Blacklisted) as caught:
        identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed={"npwp": entry.npwp})
    assert entry.reason in str(caught.value)
    assert snapshot() == before


def test_a_second_pending_request_is_refused(cast):
    identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed={"name": "PT Satu"})
    before = snapshot()
    with pytest.raises(errors.Conflict) as caught:
        identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed={"name": "PT Dua"})
    assert caught.value.code == "verification_pending"
    assert "LPSE Kabupaten Lampung Timur" in str(caught.value)
    assert snapshot() == before


def test_a_pending_request_of_another_kind_also_blocks(cast):
    VerificationRequestFactory(vendor=cast.vendor, lpse=cast.vendor.verified_lpse)
    with pytest.raises(errors.Conflict):
        identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed={"name": "PT X"})


def test_after_withdrawal_a_new_request_may_be_sent(cast):
    first = identity_change_request(
        actor=cast.admin, vendor=cast.vendor, proposed={"name": "PT Satu"}
    )
    withdrawn = identity_change_withdraw(actor=cast.admin, vendor=cast.vendor)
    assert withdrawn.pk == first.pk
    assert withdrawn.status == VerificationStatus.WITHDRAWN
    assert last_event().action == "vendor.identity_change.withdraw"
    second = identity_change_request(
        actor=cast.admin, vendor=cast.vendor, proposed={"name": "PT Dua"}
    )
    assert second.pk != first.pk


def test_nothing_to_withdraw(cast):
    with pytest.raises(errors.Conflict):
        identity_change_withdraw(actor=cast.admin, vendor=cast.vendor)


@pytest.mark.parametrize(
    ("proposed", "field"),
    [
        ({"npwp": "123"}, "npwp"),
        ({"nib": "12"}, "nib"),
        ({"email": "bukan-email"}, "email"),
        ({"name": "  "}, "name"),
    ],
)
def test_invalid_values_are_refused(cast, proposed, field):
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed=proposed)
    assert field in caught.value.fields
    assert snapshot() == before


def test_nothing_changed_is_refused(cast):
    with pytest.raises(errors.ValidationError) as caught:
        identity_change_request(
            actor=cast.admin, vendor=cast.vendor, proposed={"name": cast.vendor.name}
        )
    assert caught.value.code == "nothing_changed"


def test_other_fields_are_refused(cast):
    with pytest.raises(errors.ValidationError):
        identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed={"address": "x"})


@pytest.mark.parametrize("who", ["staff", "other_admin", "official", "anonymous"])
def test_only_the_vendor_admin_may_ask(cast, who):
    actor = getattr(cast, who)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        identity_change_request(actor=actor, vendor=cast.vendor, proposed={"name": "PT Curian"})
    assert snapshot() == before
    identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed={"name": "PT Sah"})
    with pytest.raises(errors.PermissionDenied):
        identity_change_withdraw(actor=actor, vendor=cast.vendor)
    assert VerificationRequest.objects.get(vendor=cast.vendor).status == "pending"


# --- pages ----------------------------------------------------------------------------------------


def test_the_identity_page_shows_the_pending_change(cast, client, sign_in):
    client.cookies["openlpse_language"] = "en"
    sign_in(cast.admin)
    url = reverse("vendors:identity_change")
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{cast.vendor.name}"' in page.content.decode()
    response = client.post(
        url,
        {
            "name": "PT Nama Baru",
            "npwp": cast.vendor.npwp,
            "nib": cast.vendor.nib,
            "email": cast.vendor.email,
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("vendors:data_tab", args=["identitas"])).content.decode()
    assert "Change waiting for verification" in html
    assert "PT Nama Baru" in html
    assert reverse("vendors:identity_change_withdraw") in html
    index = client.get(reverse("vendors:data_index")).content.decode()
    assert "is waiting for LPSE Kabupaten Lampung Timur" in index


def test_the_page_shows_a_duplicate_next_to_the_field(cast, client, sign_in):
    client.cookies["openlpse_language"] = "en"
    sign_in(cast.admin)
    before = snapshot()
    response = client.post(
        reverse("vendors:identity_change"),
        {
            "name": cast.vendor.name,
            "npwp": cast.other_vendor.npwp,
            "nib": cast.vendor.nib,
            "email": cast.vendor.email,
        },
    )
    assert response.status_code == 409
    assert "already registered" in response.content.decode()
    assert snapshot() == before


def test_withdraw_from_the_page(cast, client, sign_in):
    identity_change_request(actor=cast.admin, vendor=cast.vendor, proposed={"name": "PT Satu"})
    sign_in(cast.admin)
    assert client.get(reverse("vendors:identity_change_withdraw")).status_code == 405
    response = client.post(reverse("vendors:identity_change_withdraw"))
    assert response.status_code == 302
    assert VerificationRequest.objects.get(vendor=cast.vendor).status == "withdrawn"
