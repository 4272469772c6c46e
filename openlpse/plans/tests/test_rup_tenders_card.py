"""The PA sees the tenders made from an RUP item on its back-office page and can cancel one
(tender batal by the PA/KPA); the PPK sees them without the cancel button."""

import pytest
from django.urls import reverse

from openlpse.tenders.tests.factories import announced_tender

pytestmark = pytest.mark.django_db


def test_the_pa_sees_the_tender_and_may_cancel_it(client, sign_in):
    tender = announced_tender()
    officials = tender.officials
    item = tender.package.rup_item
    item.agency = officials.agency
    item.save(update_fields=["agency"])
    cancel_url = reverse("tenders:setup_cancel", args=[tender.pk])

    sign_in(officials.pa, mfa=True)
    page = client.get(reverse("plans:rup_detail", args=[item.pk]))
    assert page.status_code == 200
    assert tender.code in page.content.decode()
    assert cancel_url in page.content.decode()

    client.logout()
    sign_in(officials.ppk, mfa=True)
    page = client.get(reverse("plans:rup_detail", args=[item.pk]))
    assert page.status_code == 200
    assert tender.code in page.content.decode()
    assert cancel_url not in page.content.decode()
