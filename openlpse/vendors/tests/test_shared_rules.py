"""The rules every part of the vendors app shares: the blacklist lookup, one vendor per
number, who is linked to a company, and who may take part in a tender."""

import pytest

from openlpse.core import errors
from openlpse.vendors import selectors, validators
from openlpse.vendors.errors import Blacklisted
from openlpse.vendors.services.participation import vendor_assert_may_participate
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorFactory,
    add_required_documents,
    make_verified_vendor,
)

pytestmark = pytest.mark.django_db


def test_factories_make_valid_rows():
    vendor = VendorFactory()
    validators.clean_npwp(vendor.npwp)
    validators.clean_nib(vendor.nib)
    validators.clean_nik(vendor.admin_nik)
    assert len(add_required_documents(vendor)) == 5


def test_verified_vendor_may_participate_at_any_lpse(lpse_karangasem, lpse_lampung_timur):
    vendor = make_verified_vendor(lpse=lpse_lampung_timur)
    vendor_assert_may_participate(vendor=vendor, lpse=lpse_karangasem)


def test_draft_vendor_may_not_participate(lpse_karangasem):
    vendor = VendorFactory()
    with pytest.raises(errors.PermissionDenied) as caught:
        vendor_assert_may_participate(vendor=vendor, lpse=lpse_karangasem)
    assert caught.value.code == "vendor_not_verified"


def test_blacklisted_vendor_may_not_participate_and_is_told_until_when(lpse_karangasem):
    vendor = make_verified_vendor(lpse=lpse_karangasem)
    entry = BlacklistEntryFactory(vendor=None, npwp=vendor.npwp, company_name=vendor.name)
    assert selectors.blacklist_entry_for(vendor=vendor) == entry
    with pytest.raises(Blacklisted) as caught:
        vendor_assert_may_participate(vendor=vendor, lpse=lpse_karangasem)
    assert caught.value.code == "blacklisted"
    assert entry.reason in str(caught.value)


def test_blacklist_lookup_matches_the_npwp_in_either_form(lpse_karangasem):
    entry = BlacklistEntryFactory(npwp="012345678901000")
    assert selectors.blacklist_entry_for(npwp="0012345678901000") == entry
    assert selectors.blacklist_entry_for(npwp="012345678901000") == entry
    assert selectors.blacklist_entry_for(npwp="099999999901000") is None


def test_a_number_held_by_another_vendor_is_found_in_either_npwp_form():
    holder = VendorFactory(npwp="012345678901000", nib="9120001111111")
    newcomer = VendorFactory()
    assert selectors.vendor_holding_number(vendor=newcomer, npwp="0012345678901000") == (
        "npwp",
        holder,
    )
    assert selectors.vendor_holding_number(vendor=newcomer, nib="9120001111111") == ("nib", holder)
    # A vendor never collides with itself.
    assert selectors.vendor_holding_number(vendor=holder, npwp=holder.npwp, nib=holder.nib) is None


def test_vendor_link_names_each_kind_of_link(lpse_karangasem):
    from openlpse.accounts.tests.factories import UserFactory
    from openlpse.vendors import permissions
    from openlpse.vendors.tests.factories import grant_vendor_role

    vendor = VendorFactory(email="kantor@contoh.co.id", admin_nik="1804011508850001")
    assert permissions.vendor_link(vendor.created_by, vendor) == "registrant"
    staff = UserFactory()
    grant_vendor_role(staff, vendor)
    assert permissions.vendor_link(staff, vendor) == "vendor_role"
    same_nik = UserFactory(nik="1804011508850001")
    assert permissions.vendor_link(same_nik, vendor) == "nik"
    same_mail = UserFactory(email="KANTOR@contoh.co.id")
    assert permissions.vendor_link(same_mail, vendor) == "email"
    proposed = UserFactory(email="baru@contoh.co.id")
    assert permissions.vendor_link(proposed, vendor, other_emails=("baru@contoh.co.id",)) == "email"
    assert permissions.vendor_link(UserFactory(), vendor) is None
