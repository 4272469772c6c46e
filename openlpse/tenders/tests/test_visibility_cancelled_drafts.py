"""A tender cancelled before it was ever announced was never public: vendors and the public
get the same not-found as for a missing tender."""

import pytest
from django.urls import reverse

from openlpse.core import errors
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.selectors_vendor import access_tender_for_vendor
from openlpse.tenders.tests.factories import TenderFactory
from openlpse.vendors.tests.factories import make_verified_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def cancelled_draft():
    return TenderFactory(
        status=TenderStatus.CANCELLED, cancel_reason="Anggaran dialihkan.", announced_at=None
    )


def test_a_vendor_cannot_open_a_cancelled_draft(cancelled_draft):
    vendor = make_verified_vendor()
    with pytest.raises(errors.NotFound):
        access_tender_for_vendor(user=vendor.created_by, tender_id=cancelled_draft.pk)


def test_the_public_page_of_a_cancelled_draft_is_the_missing_page(client, cancelled_draft):
    hidden = client.get(reverse("tenders:public_announcement", args=[cancelled_draft.code]))
    missing = client.get(reverse("tenders:public_announcement", args=["T-TIDAK-ADA"]))
    assert hidden.status_code == missing.status_code == 404
    assert [t.name for t in hidden.templates] == [t.name for t in missing.templates]
    assert "Anggaran dialihkan" not in hidden.content.decode()
