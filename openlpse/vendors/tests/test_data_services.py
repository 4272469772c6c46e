"""The data tab services: who may write, what each tab refuses, and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.vendors.enums import BusinessScale, VendorStatus
from openlpse.vendors.models import (
    BusinessLicence,
    Experience,
    Expert,
    Officer,
    Owner,
    TaxReport,
    Vendor,
)
from openlpse.vendors.services.data import (
    vendor_profile_update,
    vendor_record_access,
    vendor_record_create,
    vendor_record_delete,
    vendor_record_update,
)
from openlpse.vendors.tests.data_support import (
    RECORD_MODELS,
    audit_actions,
    last_event,
    make_cast,
    snapshot,
    valid_values,
)
from openlpse.vendors.tests.factories import VendorFactory, grant_vendor_role, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(lpse_lampung_timur):
    return make_cast(lpse_lampung_timur)


def _create(cast, model, actor=None, **overrides):
    values = {**valid_values(model), **overrides}
    return vendor_record_create(
        actor=actor or cast.admin, vendor=cast.vendor, model=model, values=values
    )


# --- allowed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", ["admin", "staff"])
def test_admin_and_staff_create_update_and_delete_every_tab(cast, model, who):
    actor = getattr(cast, who)
    before = cast.vendor.updated_at
    record = _create(cast, model, actor=actor)
    assert record.vendor_id == cast.vendor.pk
    assert model._default_manager.filter(vendor=cast.vendor).count() == 1
    assert Vendor.objects.get(pk=cast.vendor.pk).updated_at > before
    event = last_event()
    assert event.actor_id == actor.pk
    assert event.object_id == str(record.pk)
    assert event.action.startswith("vendor.data.") and event.action.endswith(".create")

    with clock.frozen(clock.now() + dt.timedelta(minutes=5)):
        field = next(
            f for f in ("number", "name", "contract_name", "receipt_number") if hasattr(record, f)
        )
        updated = vendor_record_update(
            actor=actor,
            vendor=cast.vendor,
            model=model,
            record_id=record.pk,
            values={field: "Diubah 1"},
        )
    assert getattr(updated, field) == "Diubah 1"
    assert updated.updated_at > record.updated_at
    assert last_event().action.endswith(".update")
    assert last_event().changes[field] == [getattr(record, field), "Diubah 1"]

    vendor_record_delete(actor=actor, vendor=cast.vendor, model=model, record_id=record.pk)
    assert not model._default_manager.filter(pk=record.pk).exists()
    event = last_event()
    assert event.action.endswith(".delete")
    assert event.object_id == str(record.pk)
    assert event.changes[field] == "Diubah 1"


def test_audit_names_per_tab(cast):
    names = []
    for model in RECORD_MODELS:
        _create(cast, model)
        names.append(last_event().action)
    assert names == [
        "vendor.data.licence.create",
        "vendor.data.deed.create",
        "vendor.data.owner.create",
        "vendor.data.officer.create",
        "vendor.data.expert.create",
        "vendor.data.equipment.create",
        "vendor.data.experience.create",
        "vendor.data.tax.create",
    ]


def test_update_without_change_writes_nothing(cast):
    record = _create(cast, Officer)
    before = snapshot()
    vendor_record_update(
        actor=cast.admin,
        vendor=cast.vendor,
        model=Officer,
        record_id=record.pk,
        values={"name": record.name},
    )
    assert snapshot() == before


def test_supporting_file_is_stored_as_vendor_document_and_can_be_replaced_or_removed(cast):
    record = vendor_record_create(
        actor=cast.staff,
        vendor=cast.vendor,
        model=Officer,
        values=valid_values(Officer),
        upload=pdf_upload("ktp.pdf"),
    )
    first = StoredFile.objects.get(pk=record.file_id)
    assert first.kind == "vendor_document"
    assert first.original_name == "ktp.pdf"
    assert last_event().changes["file"] == first.pk

    replaced = vendor_record_update(
        actor=cast.staff,
        vendor=cast.vendor,
        model=Officer,
        record_id=record.pk,
        values={},
        upload=pdf_upload("ktp-baru.pdf"),
    )
    assert replaced.file_id != first.pk
    assert StoredFile.objects.filter(pk=first.pk).exists()  # kept as history
    assert last_event().changes["file"] == [first.pk, replaced.file_id]

    removed = vendor_record_update(
        actor=cast.staff,
        vendor=cast.vendor,
        model=Officer,
        record_id=record.pk,
        values={},
        remove_file=True,
    )
    assert removed.file_id is None


def test_identity_numbers_are_stored_as_digits(cast):
    officer = _create(cast, Officer)
    expert = _create(cast, Expert)
    assert officer.nik == "1804011508850007"
    assert expert.npwp == "012345678901000"


# --- refused: who ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_admin", "official", "anonymous"])
def test_outsiders_cannot_create_update_or_delete(cast, who):
    record = _create(cast, Officer)
    actor = cast.refused_actors()[who]
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        _create(cast, Officer, actor=actor)
    with pytest.raises(errors.PermissionDenied):
        vendor_record_update(
            actor=actor,
            vendor=cast.vendor,
            model=Officer,
            record_id=record.pk,
            values={"name": "Dibajak"},
        )
    with pytest.raises(errors.PermissionDenied):
        vendor_record_delete(actor=actor, vendor=cast.vendor, model=Officer, record_id=record.pk)
    with pytest.raises(errors.PermissionDenied):
        vendor_profile_update(actor=actor, vendor=cast.vendor, values={"phone": "0000"})
    assert snapshot() == before


def test_a_row_of_another_vendor_is_not_found_and_the_attempt_is_audited(cast):
    theirs = vendor_record_create(
        actor=cast.other_admin,
        vendor=cast.other_vendor,
        model=Owner,
        values=valid_values(Owner),
    )
    for operation, call in (
        (
            "update",
            lambda: vendor_record_update(
                actor=cast.admin,
                vendor=cast.vendor,
                model=Owner,
                record_id=theirs.pk,
                values={"share_percent": Decimal("1")},
            ),
        ),
        (
            "delete",
            lambda: vendor_record_delete(
                actor=cast.admin, vendor=cast.vendor, model=Owner, record_id=theirs.pk
            ),
        ),
        (
            "read",
            lambda: vendor_record_access(
                actor=cast.admin, vendor=cast.vendor, model=Owner, record_id=theirs.pk
            ),
        ),
    ):
        count = AuditEvent.objects.count()
        with pytest.raises(errors.NotFound):
            call()
        assert AuditEvent.objects.count() == count + 1
        event = last_event()
        assert event.action == "vendor.access_refused"
        assert event.actor_id == cast.admin.pk
        assert event.object_id == str(cast.other_vendor.pk)
        assert event.changes == {
            "attempted": f"data.owner.{operation}",
            "record": theirs.pk,
            "actor_vendor": cast.vendor.pk,
        }
    theirs.refresh_from_db()
    assert theirs.share_percent == Decimal("60")
    assert theirs.vendor_id == cast.other_vendor.pk


def test_a_missing_row_is_not_found_without_an_audit_event(cast):
    count = AuditEvent.objects.count()
    with pytest.raises(errors.NotFound):
        vendor_record_delete(actor=cast.admin, vendor=cast.vendor, model=Owner, record_id=999999)
    assert AuditEvent.objects.count() == count


@pytest.mark.parametrize("status", [VendorStatus.DRAFT, VendorStatus.SUBMITTED])
def test_an_unverified_vendor_cannot_use_the_tabs(lpse_lampung_timur, status):
    vendor = VendorFactory(status=status, registration_lpse=lpse_lampung_timur)
    grant_vendor_role(vendor.created_by, vendor)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied) as caught:
        vendor_record_create(
            actor=vendor.created_by, vendor=vendor, model=Owner, values=valid_values(Owner)
        )
    assert caught.value.code == "vendor_not_verified"
    assert snapshot() == before


def test_unknown_fields_are_refused(cast):
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        _create(cast, Owner, vendor=cast.other_vendor.pk)
    assert "vendor" in str(caught.value)
    assert snapshot() == before


# --- refused: what ---------------------------------------------------------------------------------


def _refused(cast, model, field, **overrides):
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        _create(cast, model, **overrides)
    assert field in caught.value.fields, caught.value.fields
    assert snapshot() == before
    return str(caught.value.fields[field][0])


def test_owner_shares_may_not_exceed_100_percent(cast):
    _create(cast, Owner, share_percent=Decimal("60"))
    _create(cast, Owner, name="Siti", share_percent=Decimal("30"))
    message = _refused(cast, Owner, "share_percent", name="Andi", share_percent=Decimal("20"))
    assert "90" in message and "10" in message
    # Exactly 100 % is fine.
    _create(cast, Owner, name="Andi", share_percent=Decimal("10"))
    assert sum(o.share_percent for o in Owner.objects.filter(vendor=cast.vendor)) == 100


def test_changing_an_owners_share_counts_the_others_only(cast):
    first = _create(cast, Owner, share_percent=Decimal("60"))
    _create(cast, Owner, name="Siti", share_percent=Decimal("40"))
    vendor_record_update(
        actor=cast.admin,
        vendor=cast.vendor,
        model=Owner,
        record_id=first.pk,
        values={"share_percent": Decimal("55")},
    )
    with pytest.raises(errors.ValidationError) as caught:
        vendor_record_update(
            actor=cast.admin,
            vendor=cast.vendor,
            model=Owner,
            record_id=first.pk,
            values={"share_percent": Decimal("61")},
        )
    assert "40" in str(caught.value.fields["share_percent"][0])
    first.refresh_from_db()
    assert first.share_percent == Decimal("55")


def test_owner_shares_of_other_vendors_do_not_count(cast):
    vendor_record_create(
        actor=cast.other_admin,
        vendor=cast.other_vendor,
        model=Owner,
        values={**valid_values(Owner), "share_percent": Decimal("100")},
    )
    _create(cast, Owner, share_percent=Decimal("100"))


@pytest.mark.parametrize("share", [Decimal("0"), Decimal("-5"), Decimal("100.5")])
def test_owner_share_must_be_above_0_and_at_most_100(cast, share):
    _refused(cast, Owner, "share_percent", share_percent=share)


def test_owner_id_must_be_a_nik_or_npwp(cast):
    _refused(cast, Owner, "id_number", id_number="12345")
    assert _create(cast, Owner, id_number="01.234.567.8-901.000").id_number == "012345678901000"


def test_officer_nik_is_checked(cast):
    message = _refused(cast, Officer, "nik", nik="1234")
    assert "16" in message


def test_officer_term_must_not_end_before_it_starts(cast):
    _refused(cast, Officer, "ends_on", starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2023, 1, 1))


def test_expert_npwp_is_checked(cast):
    _refused(cast, Expert, "npwp", npwp="12.345")


def test_licence_cannot_end_before_it_was_issued(cast):
    _refused(
        cast,
        BusinessLicence,
        "valid_until",
        issued_on=dt.date(2025, 1, 1),
        valid_until=dt.date(2024, 12, 31),
    )
    # Without an end date it is valid indefinitely.
    assert _create(cast, BusinessLicence, valid_until=None).valid_until is None


def test_experience_value_and_dates(cast):
    _refused(cast, Experience, "value", value=Decimal("-1"))
    _refused(cast, Experience, "completed_on", completed_on=dt.date(2024, 2, 1))
    _refused(cast, Experience, "handover_on", handover_on=dt.date(2024, 9, 1))
    _refused(cast, Experience, "contract_date", contract_date=dt.date(2999, 1, 1))
    _refused(cast, Experience, "progress_percent", progress_percent=Decimal("101"))
    assert _create(cast, Experience, value=Decimal("0")).value == 0


def test_tax_month_is_1_to_12_and_needed_for_monthly_returns(cast):
    _refused(cast, TaxReport, "month", month=13)
    _refused(cast, TaxReport, "month", month=0)
    _refused(cast, TaxReport, "month", kind="spt_masa_ppn", month=None)
    assert _create(cast, TaxReport, kind="spt_masa_ppn", month=12).month == 12


def test_required_fields_are_reported(cast):
    _refused(cast, Owner, "name", name="")


# --- identity fields without verification ---------------------------------------------------------


def test_admin_updates_address_and_contacts_directly(cast):
    vendor = vendor_profile_update(
        actor=cast.admin,
        vendor=cast.vendor,
        values={
            "address": "Jl. Baru 2",
            "phone": "0725-999",
            "postal_code": "34112",
            "business_scale": BusinessScale.NON_KECIL,
        },
    )
    stored = Vendor.objects.get(pk=vendor.pk)
    assert (stored.address, stored.phone, stored.postal_code, stored.business_scale) == (
        "Jl. Baru 2",
        "0725-999",
        "34112",
        "non_kecil",
    )
    event = last_event()
    assert event.action == "vendor.data.identity.update"
    assert event.changes["address"] == ["Jl. Merdeka No. 1", "Jl. Baru 2"]


def test_staff_cannot_change_the_identity(cast):
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        vendor_profile_update(actor=cast.staff, vendor=cast.vendor, values={"phone": "1"})
    assert snapshot() == before


@pytest.mark.parametrize("field", ["name", "npwp", "nib", "email"])
def test_verified_identity_fields_cannot_be_changed_directly(cast, field):
    before = snapshot()
    with pytest.raises(errors.ValidationError):
        vendor_profile_update(actor=cast.admin, vendor=cast.vendor, values={field: "x"})
    assert snapshot() == before


def test_invalid_postal_code_and_website_are_refused(cast):
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        vendor_profile_update(actor=cast.admin, vendor=cast.vendor, values={"postal_code": "12"})
    assert "postal_code" in caught.value.fields
    with pytest.raises(errors.ValidationError) as caught:
        vendor_profile_update(actor=cast.admin, vendor=cast.vendor, values={"website": "nope"})
    assert "website" in caught.value.fields
    assert snapshot() == before
    assert "vendor.data.identity.update" not in audit_actions()
