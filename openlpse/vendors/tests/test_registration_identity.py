"""The identity form as a service: draft and "Continue", valid numbers, one account per
company, the blacklist, stale forms, who may edit and when, and contact details later."""

import datetime as dt

import pytest

from openlpse.accounts.permissions import today as permissions_today
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent
from openlpse.vendors.enums import BusinessForm, VendorStatus
from openlpse.vendors.errors import Blacklisted, DuplicateVendor
from openlpse.vendors.models import Vendor
from openlpse.vendors.services import registration as services
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorFactory,
    grant_vendor_role,
    make_verified_vendor,
    next_nib,
    next_npwp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    """A vendor just after the e-mail confirmation: nothing but the e-mail and admin name."""
    return VendorFactory(
        name="",
        business_form="",
        npwp="",
        nib="",
        address="",
        province="",
        city="",
        postal_code="",
        phone="",
        admin_nik="",
        admin_position="",
        email="budi@contoh.co.id",
        admin_name="Budi Santoso",
    )


def complete_values(**overrides):
    values = {
        "name": "PT Maju Bersama",
        "business_form": BusinessForm.PT,
        "business_scale": "kecil",
        "npwp": "01.234.567.8-901.000",
        "nib": "9120001234567",
        "address": "Jl. Merdeka No. 1",
        "province": "Lampung",
        "city": "Kabupaten Lampung Timur",
        "postal_code": "34111",
        "phone": "0725-123456",
        "email": "kantor@majubersama.co.id",
        "website": "majubersama.co.id",
        "admin_name": "Budi Santoso",
        "admin_nik": "1804011508850001",
        "admin_position": "Direktur",
    }
    values.update(overrides)
    return values


def snapshot(vendor):
    vendor.refresh_from_db()
    return {f.attname: getattr(vendor, f.attname) for f in Vendor._meta.concrete_fields}


# --- draft and continue -------------------------------------------------------------------------


def test_a_draft_keeps_partial_data_and_stores_numbers_as_digits(draft):
    saved = services.registration_save(
        actor=draft.created_by,
        vendor=draft,
        values={"name": " PT  Maju Bersama ", "npwp": "01.234.567.8-901.000"},
    )
    assert saved.name == "PT Maju Bersama"
    assert saved.npwp == "012345678901000"
    assert saved.status == VendorStatus.DRAFT
    event = AuditEvent.objects.get(action="vendor.registration_save")
    assert event.changes["npwp"] == ["", "012345678901000"]
    assert event.changes["complete"] is False


def test_continue_requires_every_field_and_names_the_missing_ones(draft):
    with pytest.raises(errors.ValidationError) as caught:
        services.registration_save(
            actor=draft.created_by, vendor=draft, values={"name": "PT Maju"}, complete=True
        )
    assert caught.value.code == "registration_incomplete"
    assert {"npwp", "nib", "address", "admin_nik", "business_form"} <= set(caught.value.fields)
    assert "website" not in caught.value.fields
    assert "postal_code" not in caught.value.fields
    # Nothing was saved: the whole change is one transaction.
    assert Vendor.objects.get(pk=draft.pk).name == ""
    saved = services.registration_save(
        actor=draft.created_by, vendor=draft, values=complete_values(), complete=True
    )
    assert saved.website == "https://majubersama.co.id"
    assert saved.admin_nik == "1804011508850001"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("npwp", "12.345"),
        ("nib", "912000123456"),
        ("admin_nik", "1804011513850001"),
        ("email", "kantor@"),
        ("postal_code", "3411"),
        ("phone", "12"),
        ("website", "http://"),
        ("business_form", "pt-tbk"),
        ("business_scale", "besar"),
    ],
)
def test_an_invalid_value_is_refused_even_in_a_draft_and_nothing_changes(draft, field, value):
    before = snapshot(draft)
    with pytest.raises(errors.ValidationError) as caught:
        services.registration_save(
            actor=draft.created_by, vendor=draft, values={"name": "PT Maju", field: value}
        )
    assert list(caught.value.fields) == [field]
    assert snapshot(draft) == before
    assert not AuditEvent.objects.filter(action="vendor.registration_save").exists()


def test_every_problem_is_reported_at_once(draft):
    with pytest.raises(errors.ValidationError) as caught:
        services.registration_save(
            actor=draft.created_by,
            vendor=draft,
            values={"npwp": "1", "nib": "2", "admin_nik": "3"},
        )
    assert set(caught.value.fields) == {"npwp", "nib", "admin_nik"}


def test_unknown_fields_are_refused(draft):
    with pytest.raises(errors.ValidationError):
        services.registration_save(
            actor=draft.created_by, vendor=draft, values={"status": VendorStatus.VERIFIED}
        )
    assert Vendor.objects.get(pk=draft.pk).status == VendorStatus.DRAFT


# --- one account per company --------------------------------------------------------------------


@pytest.mark.parametrize("field", ["npwp", "nib"])
def test_a_second_registration_of_the_same_company_points_to_the_existing_account(draft, field):
    existing = make_verified_vendor()
    existing.created_by.email = "direktur@lama.co.id"
    existing.created_by.save()
    before = snapshot(draft)
    with pytest.raises(DuplicateVendor) as caught:
        services.registration_save(
            actor=draft.created_by, vendor=draft, values={field: getattr(existing, field)}
        )
    assert caught.value.code == "vendor_already_registered"
    assert caught.value.http_status == 409
    assert set(caught.value.fields) == {field}
    assert "d***@l***.co.id" in str(caught.value)
    assert "direktur@lama.co.id" not in str(caught.value)
    assert snapshot(draft) == before


def test_saving_its_own_numbers_again_is_not_a_duplicate(draft):
    services.registration_save(actor=draft.created_by, vendor=draft, values=complete_values())
    services.registration_save(actor=draft.created_by, vendor=draft, values=complete_values())


# --- blacklist ----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["npwp", "nib"])
def test_a_blacklisted_company_cannot_register_and_the_attempt_is_audited(draft, field):
    number = next_npwp() if field == "npwp" else next_nib()
    entry = BlacklistEntryFactory(**{"npwp": "", "nib": "", field: number})
    with pytest.raises(Blacklisted) as caught:
        services.registration_save(actor=draft.created_by, vendor=draft, values={field: number})
    message = str(caught.value)
    assert entry.reason in message
    assert entry.company_name in message
    assert Vendor.objects.get(pk=draft.pk).npwp == ""
    event = AuditEvent.objects.get(action="vendor.registration_blocked")
    assert event.actor_id == draft.created_by_id
    assert event.changes["blacklist_entry"] == entry.pk
    assert event.changes["stage"] == "registration_save"


def test_a_blacklist_entry_that_ended_does_not_block(draft):
    today = permissions_today()
    BlacklistEntryFactory(
        npwp="012345678901000",
        starts_on=today - dt.timedelta(days=400),
        ends_on=today - dt.timedelta(days=35),
    )
    services.registration_save(
        actor=draft.created_by, vendor=draft, values={"npwp": "012345678901000"}
    )


# --- stale form ---------------------------------------------------------------------------------


def test_a_stale_form_is_refused_but_an_identical_double_submit_is_harmless(draft):
    version = services.vendor_version(draft)
    services.registration_save(
        actor=draft.created_by, vendor=draft, values={"name": "PT Satu"}, version=version
    )
    # The same post again (double click without JavaScript): nothing to change, no error.
    services.registration_save(
        actor=draft.created_by, vendor=draft, values={"name": "PT Satu"}, version=version
    )
    with pytest.raises(errors.Conflict) as caught:
        services.registration_save(
            actor=draft.created_by, vendor=draft, values={"name": "PT Dua"}, version=version
        )
    assert caught.value.code == "stale_version"
    assert Vendor.objects.get(pk=draft.pk).name == "PT Satu"
    assert AuditEvent.objects.filter(action="vendor.registration_save").count() == 1


# --- who and when -------------------------------------------------------------------------------


def test_another_person_gets_not_found_and_the_attempt_is_audited(draft):
    intruder = UserFactory()
    before = snapshot(draft)
    with pytest.raises(errors.NotFound):
        services.registration_save(actor=intruder, vendor=draft, values={"name": "PT Curang"})
    with pytest.raises(errors.NotFound):
        services.access_vendor_for_registration(actor=intruder, vendor_id=draft.pk)
    assert snapshot(draft) == before
    events = AuditEvent.objects.filter(action="vendor.access_refused")
    assert events.count() == 2
    assert {e.actor_id for e in events} == {intruder.pk}
    assert {e.object_id for e in events} == {str(draft.pk)}


def test_a_missing_vendor_is_not_found_without_an_audit_event():
    with pytest.raises(errors.NotFound):
        services.access_vendor_for_registration(actor=UserFactory(), vendor_id=999_999)
    assert not AuditEvent.objects.filter(action="vendor.access_refused").exists()


def test_staff_of_the_vendor_may_not_edit_the_registration():
    vendor = VendorFactory(status=VendorStatus.REJECTED)
    staff = UserFactory()
    grant_vendor_role(staff, vendor, role="vendor_staff")
    with pytest.raises(errors.NotFound):
        services.registration_save(actor=staff, vendor=vendor, values={"name": "X"})


def test_a_submitted_registration_cannot_be_edited():
    vendor = VendorFactory(status=VendorStatus.SUBMITTED)
    before = snapshot(vendor)
    with pytest.raises(errors.Conflict) as caught:
        services.registration_save(actor=vendor.created_by, vendor=vendor, values={"name": "X"})
    assert caught.value.code == "registration_submitted"
    assert snapshot(vendor) == before


def test_a_verified_identity_cannot_be_edited_here_but_contact_details_can():
    vendor = make_verified_vendor()
    admin = vendor.created_by
    with pytest.raises(errors.Conflict) as caught:
        services.registration_save(actor=admin, vendor=vendor, values={"name": "PT Baru"})
    assert caught.value.code == "registration_verified"
    with pytest.raises(errors.ValidationError) as caught:
        services.vendor_update_contact(actor=admin, vendor=vendor, values={"name": "PT Baru"})
    assert caught.value.code == "not_contact_field"
    saved = services.vendor_update_contact(
        actor=admin, vendor=vendor, values={"phone": "0725-999999", "city": "Kota Metro"}
    )
    assert (saved.phone, saved.city, saved.status) == ("0725-999999", "Kota Metro", "verified")
    event = AuditEvent.objects.get(action="vendor.contact_update")
    assert event.changes["phone"][1] == "0725-999999"


def test_contact_details_are_for_the_vendor_administrator_only():
    vendor = make_verified_vendor()
    staff = UserFactory()
    grant_vendor_role(staff, vendor, role="vendor_staff")
    before = snapshot(vendor)
    events = AuditEvent.objects.count()
    # Its staff are told who can; anybody else does not learn that the company exists.
    with pytest.raises(errors.PermissionDenied) as caught:
        services.vendor_update_contact(actor=staff, vendor=vendor, values={"phone": "0725-1"})
    assert caught.value.code == "not_vendor_admin"
    assert AuditEvent.objects.count() == events
    with pytest.raises(errors.NotFound):
        services.vendor_update_contact(
            actor=UserFactory(), vendor=vendor, values={"phone": "0725-1"}
        )
    assert AuditEvent.objects.filter(action="vendor.access_refused").count() == 1
    assert snapshot(vendor) == before


def test_the_registrant_may_change_the_verifying_lpse_while_a_draft(draft, lpse_karangasem):
    saved = services.registration_save(
        actor=draft.created_by, vendor=draft, values={"registration_lpse": lpse_karangasem}
    )
    assert saved.registration_lpse == lpse_karangasem
