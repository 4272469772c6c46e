"""Every action of the registration, tried by every person who must be refused: the answer
is NotFound (the registration's existence does not leak), the attempt on an existing vendor is
audited as "vendor.access_refused", and nothing else changes: the vendor row, its requests,
its documents and stored files, and no other audit event."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.vendors.enums import DocumentType, VendorStatus, VerificationStatus
from openlpse.vendors.models import Vendor, VendorDocument, VerificationRequest
from openlpse.vendors.services import documents as document_services
from openlpse.vendors.services import registration as services
from openlpse.vendors.tests.factories import (
    VendorDocumentFactory,
    VendorFactory,
    add_required_documents,
    grant_vendor_role,
    make_verified_vendor,
    make_verifikator,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The exact sentences below are the English source; pages follow the language cookie."""
    with translation.override("en"):
        yield


def _anonymous(vendor):
    return AnonymousUser()


def _stranger(vendor):
    return UserFactory()


def _vendor_staff(vendor):
    staff = UserFactory()
    grant_vendor_role(staff, vendor, role="vendor_staff")
    return staff


def _verifikator(vendor):
    return make_verifikator(vendor.registration_lpse)


def _other_vendor_admin(vendor):
    return make_verified_vendor().created_by


def _platform_operator(vendor):
    return UserFactory(is_superuser=True, is_staff=True)


def _deactivated_registrant(vendor):
    vendor.created_by.is_active = False
    vendor.created_by.save(update_fields=["is_active"])
    return vendor.created_by


# Everybody but the registrant (and, once verified, the vendor admin).
REFUSED = {
    "anonymous": _anonymous,
    "stranger": _stranger,
    "vendor_staff": _vendor_staff,
    "verifikator": _verifikator,
    "other_vendor_admin": _other_vendor_admin,
    "platform_operator": _platform_operator,
    "deactivated_registrant": _deactivated_registrant,
}


def _draft():
    vendor = VendorFactory()
    add_required_documents(vendor)
    return vendor


def _submitted():
    vendor = _draft()
    services.registration_submit(actor=vendor.created_by, vendor=vendor)
    vendor.refresh_from_db()
    return vendor


def _state(vendor):
    """Everything a refused action must leave as it was."""
    row = Vendor.objects.filter(pk=vendor.pk).values().get()
    requests = list(VerificationRequest.objects.order_by("pk").values_list("pk", "status"))
    documents = list(
        VendorDocument.objects.order_by("pk").values_list("pk", "kind", "version", "is_current")
    )
    return row, requests, documents, StoredFile.objects.count()


def _actions():
    """(name, how to make the vendor, the call) for every write and read of the area."""
    return {
        "registration_save": (
            _draft,
            lambda actor, vendor: services.registration_save(
                actor=actor, vendor=vendor, values={"name": "PT Curang"}
            ),
        ),
        "registration_save_complete": (
            _draft,
            lambda actor, vendor: services.registration_save(
                actor=actor, vendor=vendor, values={"phone": "0725-999999"}, complete=True
            ),
        ),
        "document_upload": (
            _draft,
            lambda actor, vendor: document_services.document_upload(
                actor=actor, vendor=vendor, kind=DocumentType.KTP, upload=pdf_upload()
            ),
        ),
        "registration_submit": (
            _draft,
            lambda actor, vendor: services.registration_submit(actor=actor, vendor=vendor),
        ),
        "registration_withdraw": (
            _submitted,
            lambda actor, vendor: services.registration_withdraw(actor=actor, vendor=vendor),
        ),
        "registration_read": (
            _draft,
            lambda actor, vendor: services.access_vendor_for_registration(
                actor=actor, vendor_id=vendor.pk
            ),
        ),
    }


@pytest.mark.parametrize("role", sorted(REFUSED))
@pytest.mark.parametrize("action", sorted(_actions()))
def test_every_other_person_is_refused_and_nothing_changes(action, role):
    make_vendor, call = _actions()[action]
    vendor = make_vendor()
    actor = REFUSED[role](vendor)
    before = _state(vendor)
    events = AuditEvent.objects.count()
    with pytest.raises(errors.NotFound):
        call(actor, vendor)
    assert _state(vendor) == before
    assert AuditEvent.objects.count() == events + 1
    refused = AuditEvent.objects.order_by("-seq").first()
    assert (refused.action, refused.object_id) == ("vendor.access_refused", str(vendor.pk))


@pytest.mark.parametrize(
    "role", sorted(set(REFUSED) - {"vendor_staff"})
)  # its staff may read the company's documents
def test_a_document_is_not_found_for_others_and_nothing_changes(role):
    vendor = _draft()
    document = VendorDocument.objects.filter(vendor=vendor).order_by("pk").first()
    actor = REFUSED[role](vendor)
    before = _state(vendor)
    events = AuditEvent.objects.count()
    with pytest.raises(errors.NotFound):
        document_services.access_own_document(actor=actor, document_id=document.pk)
    assert _state(vendor) == before
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-seq").first().changes == {
        "attempted": f"document.read:{document.pk}"
    }


def test_the_vendor_staff_may_read_the_documents_but_not_change_them():
    vendor = make_verified_vendor()
    document = VendorDocumentFactory(vendor=vendor)
    staff = _vendor_staff(vendor)
    assert document_services.access_own_document(actor=staff, document_id=document.pk) == document


@pytest.mark.parametrize("role", sorted(set(REFUSED) - {"vendor_staff"}))
def test_contact_details_of_a_verified_company_are_refused_to_others(role):
    vendor = make_verified_vendor()
    actor = REFUSED[role](vendor)
    before = _state(vendor)
    events = AuditEvent.objects.count()
    with pytest.raises(errors.NotFound):
        services.vendor_update_contact(actor=actor, vendor=vendor, values={"phone": "0725-1"})
    assert _state(vendor) == before
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-seq").first().action == "vendor.access_refused"


def test_the_staff_is_told_that_only_the_administrator_changes_contact_details():
    vendor = make_verified_vendor()
    staff = _vendor_staff(vendor)
    before = _state(vendor)
    events = AuditEvent.objects.count()
    with pytest.raises(errors.PermissionDenied) as caught:
        services.vendor_update_contact(actor=staff, vendor=vendor, values={"phone": "0725-1"})
    assert caught.value.code == "not_vendor_admin"
    assert str(caught.value) == (
        "Only the company's administrator can change its contact details. Ask your "
        "administrator to change them."
    )
    assert _state(vendor) == before
    assert AuditEvent.objects.count() == events


def test_an_unknown_field_from_a_stranger_is_not_found_not_a_list_of_fields():
    """The permission comes first: a stranger learns nothing from the field names."""
    vendor = _draft()
    with pytest.raises(errors.NotFound):
        services.registration_save(
            actor=UserFactory(), vendor=vendor, values={"status": "verified"}
        )
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.DRAFT


def test_an_unknown_document_kind_from_a_stranger_is_not_found():
    vendor = _draft()
    before = _state(vendor)
    with pytest.raises(errors.NotFound):
        document_services.document_upload(
            actor=UserFactory(), vendor=vendor, kind="sertifikat", upload=pdf_upload()
        )
    assert _state(vendor) == before


# --- the same refusals on the pages --------------------------------------------------------------


def test_the_staff_posting_contact_details_gets_the_sentence_and_nothing_changes(client):
    vendor = make_verified_vendor()
    staff = _vendor_staff(vendor)
    client.force_login(staff)
    client.cookies["openlpse_language"] = "en"
    before = _state(vendor)
    response = client.post(
        reverse("vendors:registration_edit"),
        {"version": services.vendor_version(vendor), "phone": "0725-777777"},
    )
    assert response.status_code == 403
    assert "Only the company&#x27;s administrator can change" in response.content.decode()
    assert _state(vendor) == before


def test_the_staff_posting_a_document_of_a_returned_registration_gets_not_found(client):
    vendor = _draft()
    Vendor.objects.filter(pk=vendor.pk).update(status=VendorStatus.REJECTED)
    staff = _vendor_staff(vendor)
    client.force_login(staff)
    before = _state(vendor)
    response = client.post(
        reverse("vendors:documents"), {"kind": DocumentType.KTP, "file": pdf_upload()}
    )
    assert response.status_code == 404
    assert _state(vendor) == before
    assert AuditEvent.objects.filter(
        action="vendor.access_refused", actor_id=staff.pk, changes__attempted="document.upload"
    ).exists()


def test_a_document_posted_while_waiting_is_refused_with_the_reason(client):
    vendor = _submitted()
    client.force_login(vendor.created_by)
    client.cookies["openlpse_language"] = "en"
    before = _state(vendor)
    response = client.post(
        reverse("vendors:documents"),
        {"kind": DocumentType.KTP, "file": pdf_upload(), "number": "1804011508850001"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("vendors:documents"), 302)]
    assert "sent for verification and cannot be changed while it waits" in (
        response.content.decode()
    )
    assert _state(vendor) == before
    assert VerificationRequest.objects.get().status == VerificationStatus.PENDING
