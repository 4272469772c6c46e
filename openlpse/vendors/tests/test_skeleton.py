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
