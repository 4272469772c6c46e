"""The directory of verified vendors: every official sees which LPSE verified a vendor and
when (issue 3 item 6); vendors and the public do not see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.vendors.models import Owner
from openlpse.vendors.permissions import can_view_vendor_directory
from openlpse.vendors.services.data import vendor_record_create
from openlpse.vendors.tests.data_support import make_cast, make_official, valid_values
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorFactory,
    make_verified_vendor,
    make_verifikator,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendors(lpse_lampung_timur, lpse_karangasem):
    east = make_verified_vendor(lpse=lpse_lampung_timur, name="PT Sukadana Makmur", city="Sukadana")
    bali = make_verified_vendor(lpse=lpse_karangasem, name="CV Amlapura Jaya", city="Amlapura")
    draft = VendorFactory(name="PT Belum Diverifikasi", registration_lpse=lpse_karangasem)
    return east, bali, draft


@pytest.mark.parametrize(
    "role",
    [
        Role.LPSE_STAFF,
        Role.LPSE_ADMIN,
        Role.POKJA_MEMBER,
        Role.PPK,
        Role.PA,
        Role.KPA,
        Role.AUDITOR,
    ],
)
def test_officials_of_any_lpse_see_all_verified_vendors(
    vendors, lpse_karangasem, client, sign_in, role
):
    east, bali, draft = vendors
    if role == Role.LPSE_STAFF:
        official = make_verifikator(lpse_karangasem)
    else:
        official = make_official(lpse_karangasem, role)
    assert can_view_vendor_directory(official)
    client.cookies["openlpse_language"] = "en"
    sign_in(official, mfa=True)
    response = client.get(reverse("vendors:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    # A vendor verified at Lampung Timur is seen from Karangasem, with who verified it and when.
    assert east.name in html and bali.name in html
    assert draft.name not in html
    assert "LPSE Kabupaten Lampung Timur" in html
    assert "LPSE Kabupaten Karangasem" in html
    assert "WIB" not in html  # dates only
    detail = client.get(reverse("vendors:directory_detail", args=[east.pk])).content.decode()
    assert "Verified by LPSE Kabupaten Lampung Timur on" in detail


def test_vendors_and_people_without_roles_do_not_see_it(vendors, client, sign_in):
    east, _bali, _draft = vendors
    for user in (east.created_by, UserFactory()):
        assert not can_view_vendor_directory(user)
        sign_in(user)
        assert client.get(reverse("vendors:directory")).status_code == 404
        assert client.get(reverse("vendors:directory_detail", args=[east.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(vendors, client):
    response = client.get(reverse("vendors:directory"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_a_draft_vendor_has_no_directory_page(vendors, lpse_karangasem, client, sign_in):
    _east, _bali, draft = vendors
    sign_in(make_official(lpse_karangasem), mfa=True)
    assert client.get(reverse("vendors:directory_detail", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("query", ["Sukadana", "sukadana makmur", "npwp", "nib"])
def test_search_by_name_city_npwp_and_nib(vendors, lpse_karangasem, client, sign_in, query):
    east, bali, _draft = vendors
    if query == "npwp":
        query = east.npwp[:2] + "." + east.npwp[2:5] + "." + east.npwp[5:]
    elif query == "nib":
        query = east.nib
    sign_in(make_official(lpse_karangasem), mfa=True)
    html = client.get(reverse("vendors:directory"), {"q": query}).content.decode()
    assert east.name in html
    assert bali.name not in html


def test_sorting_by_verifying_lpse(vendors, lpse_karangasem, client, sign_in):
    east, bali, _draft = vendors
    sign_in(make_official(lpse_karangasem), mfa=True)
    html = client.get(reverse("vendors:directory"), {"sort": "lpse"}).content.decode()
    assert html.index(bali.name) < html.index(east.name)  # Karangasem before Lampung Timur
    html = client.get(reverse("vendors:directory"), {"sort": "-lpse"}).content.decode()
    assert html.index(east.name) < html.index(bali.name)


def test_detail_shows_the_tabs_read_only(lpse_lampung_timur, lpse_karangasem, client, sign_in):
    cast = make_cast(lpse_lampung_timur)
    owner = vendor_record_create(
        actor=cast.admin,
        vendor=cast.vendor,
        model=Owner,
        values=valid_values(Owner),
        upload=pdf_upload("akta.pdf"),
    )
    official = make_official(lpse_karangasem, Role.POKJA_MEMBER)
    sign_in(official, mfa=True)
    url = reverse("vendors:directory_tab", args=[cast.vendor.pk, "pemilik"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert owner.name in html
    assert f'<a href="{url}" aria-current="page">' in html
    assert reverse("vendors:data_edit", args=["pemilik", owner.pk]) not in html
    assert reverse("vendors:data_delete", args=["pemilik", owner.pk]) not in html
    file_url = reverse("vendors:directory_file", args=[cast.vendor.pk, "pemilik", owner.pk])
    assert file_url in html
    assert client.get(file_url).status_code == 200
    # The row must belong to the vendor in the address.
    wrong = reverse("vendors:directory_file", args=[cast.other_vendor.pk, "pemilik", owner.pk])
    assert client.get(wrong).status_code == 404
    assert (
        client.get(reverse("vendors:directory_tab", args=[cast.vendor.pk, "x"])).status_code == 404
    )


def test_detail_shows_a_blacklist_entry(vendors, lpse_karangasem, client, sign_in):
    east, _bali, _draft = vendors
    BlacklistEntryFactory(vendor=east, npwp=east.npwp, company_name=east.name)
    client.cookies["openlpse_language"] = "en"
    sign_in(make_official(lpse_karangasem), mfa=True)
    html = client.get(reverse("vendors:directory_detail", args=[east.pk])).content.decode()
    assert "On the blacklist until" in html


def test_the_list_is_paginated_with_few_queries(
    lpse_lampung_timur, client, sign_in, django_assert_max_num_queries
):
    for _ in range(55):
        make_verified_vendor(lpse=lpse_lampung_timur)
    sign_in(make_official(lpse_lampung_timur), mfa=True)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("vendors:directory"))
    assert response.status_code == 200
    assert "?page=2" in response.content.decode()
