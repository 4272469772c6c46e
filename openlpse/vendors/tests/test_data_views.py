"""The Data Penyedia pages: tabs, tables, forms, delete confirmation, files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from openlpse.accounts.permissions import today as permissions_today
from openlpse.core.models import AuditEvent
from openlpse.vendors.data_tabs import TABS
from openlpse.vendors.models import BusinessLicence, Officer, Owner
from openlpse.vendors.services.data import vendor_record_create
from openlpse.vendors.tests.data_support import last_event, make_cast, snapshot, valid_values
from openlpse.vendors.tests.factories import VendorFactory, grant_vendor_role, pdf_upload

pytestmark = pytest.mark.django_db
EN = "en"


@pytest.fixture
def cast(lpse_lampung_timur):
    return make_cast(lpse_lampung_timur)


@pytest.fixture
def english(client):
    client.cookies["openlpse_language"] = EN
    return client


def _owner(cast, **overrides):
    return vendor_record_create(
        actor=cast.admin,
        vendor=cast.vendor,
        model=Owner,
        values={**valid_values(Owner), **overrides},
    )


def test_index_lists_every_tab_with_real_links(cast, sign_in, english):
    sign_in(cast.staff)
    _owner(cast)
    response = english.get(reverse("vendors:data_index"))
    assert response.status_code == 200
    html = response.content.decode()
    for tab in TABS:
        assert f'href="{reverse("vendors:data_tab", args=[tab.slug])}"' in html
    assert "1 entry" in html
    assert "Verified by LPSE Kabupaten Lampung Timur on" in html
    assert 'aria-current="page"' not in html.split('class="filters"')[1].split("</nav>")[0]


@pytest.mark.parametrize("tab", [t.slug for t in TABS])
def test_each_tab_page_marks_itself_current(cast, sign_in, tab):
    sign_in(cast.admin)
    response = sign_in(cast.admin).get(reverse("vendors:data_tab", args=[tab]))
    assert response.status_code == 200
    url = reverse("vendors:data_tab", args=[tab])
    assert f'<a href="{url}" aria-current="page">' in response.content.decode()


def test_unknown_tab_is_404(cast, client, sign_in):
    sign_in(cast.admin)
    assert client.get("/penyedia/data/rahasia/").status_code == 404


def test_tab_table_is_sortable_and_shows_the_rows(cast, client, sign_in):
    _owner(cast, name="Budi", share_percent=Decimal("33.5"))
    sign_in(cast.staff)
    html = client.get(reverse("vendors:data_tab", args=["pemilik"])).content.decode()
    assert 'data-sort="number"' in html
    assert "Budi" in html
    assert "33,5 %" in html  # Indonesian by default
    assert reverse("vendors:data_edit", args=["pemilik", Owner.objects.get().pk]) in html


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_before_verification_the_vendor_sees_the_registration(
    lpse_lampung_timur, client, sign_in, status
):
    vendor = VendorFactory(status=status, registration_lpse=lpse_lampung_timur)
    grant_vendor_role(vendor.created_by, vendor)
    sign_in(vendor.created_by)
    for url in (reverse("vendors:data_index"), reverse("vendors:data_tab", args=["akta"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("vendors:home")


def test_people_without_a_vendor_role_are_sent_to_the_vendor_home(cast, client, sign_in):
    sign_in(cast.official, mfa=True)
    response = client.get(reverse("vendors:data_index"))
    assert response.status_code == 302
    assert response.url == reverse("vendors:home")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("vendors:data_index"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_add_an_entry_with_a_file(cast, client, sign_in):
    sign_in(cast.staff)
    url = reverse("vendors:data_add", args=["pengurus"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Siti",
            "nik": "1804011508850007",
            "position": "Komisaris",
            "starts_on": "2020-01-01",
            "ends_on": "",
            "file": pdf_upload("ktp.pdf"),
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("vendors:data_tab", args=["pengurus"])
    officer = Officer.objects.get(vendor=cast.vendor)
    assert officer.file is not None
    download = client.get(reverse("vendors:data_file", args=["pengurus", officer.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_invalid_input_keeps_what_was_typed(cast, client, sign_in, english):
    _owner(cast, share_percent=Decimal("80"))
    sign_in(cast.admin)
    before = snapshot()
    response = english.post(
        reverse("vendors:data_add", args=["pemilik"]),
        {
            "name": "Andi Wijaya",
            "id_number": "1804011508850009",
            "address": "",
            "share_percent": "30",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "already hold 80 %" in html
    assert 'value="Andi Wijaya"' in html
    assert snapshot() == before


def test_edit_an_entry(cast, client, sign_in):
    owner = _owner(cast)
    sign_in(cast.staff)
    url = reverse("vendors:data_edit", args=["pemilik", owner.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'value="Budi Santoso"' in response.content.decode()
    response = client.post(
        url,
        {"name": "Budi S.", "id_number": owner.id_number, "address": "", "share_percent": "50"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.name, owner.share_percent) == ("Budi S.", Decimal("50"))


def test_edit_page_of_another_vendors_row_is_404_and_audited(cast, client, sign_in):
    theirs = vendor_record_create(
        actor=cast.other_admin, vendor=cast.other_vendor, model=Owner, values=valid_values(Owner)
    )
    sign_in(cast.admin)
    count = AuditEvent.objects.count()
    url = reverse("vendors:data_edit", args=["pemilik", theirs.pk])
    response = client.post(url, {"name": "X", "id_number": theirs.id_number, "share_percent": "1"})
    assert response.status_code == 404
    assert AuditEvent.objects.count() == count + 1
    assert last_event().action == "vendor.access_refused"
    assert last_event().changes["attempted"] == "data.owner.update"
    theirs.refresh_from_db()
    assert theirs.name == "Budi Santoso"
    assert client.get(reverse("vendors:data_file", args=["pemilik", theirs.pk])).status_code == 404
    assert (
        client.post(reverse("vendors:data_delete", args=["pemilik", theirs.pk])).status_code == 404
    )
    assert Owner.objects.filter(pk=theirs.pk).exists()


def test_delete_asks_first_and_deletes_only_on_post(cast, client, sign_in):
    owner = _owner(cast)
    sign_in(cast.staff)
    url = reverse("vendors:data_delete", args=["pemilik", owner.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.content.decode().split('<form class="form card" method="post">')[1]
    assert 'class="btn btn-danger"' in form.split("</form>")[0]
    assert Owner.objects.filter(pk=owner.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Owner.objects.filter(pk=owner.pk).exists()
    assert last_event().action == "vendor.data.owner.delete"


def test_licence_tab_shows_badges_and_index_shows_a_banner(cast, client, sign_in, english):
    today = permissions_today()
    vendor_record_create(
        actor=cast.admin,
        vendor=cast.vendor,
        model=BusinessLicence,
        values={
            **valid_values(BusinessLicence),
            "number": "HAMPIR",
            "issued_on": today - dt.timedelta(days=300),
            "valid_until": today + dt.timedelta(days=10),
        },
    )
    vendor_record_create(
        actor=cast.admin,
        vendor=cast.vendor,
        model=BusinessLicence,
        values={
            **valid_values(BusinessLicence),
            "number": "LEWAT",
            "issued_on": today - dt.timedelta(days=400),
            "valid_until": today - dt.timedelta(days=3),
        },
    )
    sign_in(cast.staff)
    html = english.get(reverse("vendors:data_tab", args=["izin-usaha"])).content.decode()
    assert "Expires soon" in html
    assert "Expired" in html
    index = english.get(reverse("vendors:data_index")).content.decode()
    assert "Some business licences need renewal." in index
    assert "HAMPIR" in index and "LEWAT" in index


def test_no_banner_without_expiring_licences(cast, client, sign_in, english):
    vendor_record_create(
        actor=cast.admin,
        vendor=cast.vendor,
        model=BusinessLicence,
        values=valid_values(BusinessLicence),
    )
    sign_in(cast.admin)
    assert "need renewal" not in english.get(reverse("vendors:data_index")).content.decode()


def test_identity_page_shows_who_verified(cast, client, sign_in, english):
    sign_in(cast.staff)
    html = english.get(reverse("vendors:data_tab", args=["identitas"])).content.decode()
    assert cast.vendor.name in html
    assert "Verified by LPSE Kabupaten Lampung Timur on" in html
    # Staff see the identity but cannot change it.
    assert reverse("vendors:identity_edit") not in html
    assert english.get(reverse("vendors:identity_edit")).status_code == 403
    assert english.get(reverse("vendors:identity_change")).status_code == 403


def test_admin_edits_the_address(cast, client, sign_in):
    sign_in(cast.admin)
    url = reverse("vendors:identity_edit")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "address": "Jl. Baru 9",
            "province": "Lampung",
            "city": "Kabupaten Lampung Timur",
            "postal_code": "34111",
            "phone": "0725-1",
            "website": "",
            "business_scale": "kecil",
        },
    )
    assert response.status_code == 302
    cast.vendor.refresh_from_db()
    assert cast.vendor.address == "Jl. Baru 9"
    assert last_event().action == "vendor.data.identity.update"
