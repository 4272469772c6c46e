"""The story of issue 3: blacklist, login refused, period ends, login works (through the pages,
with the clock moved and the chronograph run explicitly)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from openlpse.accounts.permissions import today
from openlpse.accounts.tests.auth_support import english_client, post_login
from openlpse.core import clock
from openlpse.ops.services import chronograph_run_once
from openlpse.organizations.tests.world import sign_in
from openlpse.vendors import validators
from openlpse.vendors.errors import Blacklisted
from openlpse.vendors.models import BlacklistRequest
from openlpse.vendors.services.participation import vendor_assert_may_participate
from openlpse.vendors.tests.blacklist_support import build_scene, evidence, refresh

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def test_blacklist_login_refused_period_ends_login_works():
    scene = build_scene()
    vendor_client = english_client()
    assert post_login(vendor_client, scene.admin.username).status_code == 302
    assert vendor_client.get(reverse("accounts:profile")).status_code == 200

    # The PPK files the request with evidence.
    ppk = sign_in(Client(), scene.ppk)
    start = today()
    last_day = start + dt.timedelta(days=30)
    response = ppk.post(
        reverse("vendors:blacklist_request_new"),
        {
            "lpse": scene.world.lpse.slug,
            "vendor": scene.vendor.nib,
            "reason": "Menyampaikan dokumen kualifikasi palsu pada tender 2026-031",
            "legal_basis": "Peraturan LKPP 17/2018",
            "starts_on": start.isoformat(),
            "ends_on": last_day.isoformat(),
            "evidence": [evidence()],
        },
    )
    assert response.status_code == 302
    request = BlacklistRequest.objects.get()

    # The verifikator approves it.
    verifikator = sign_in(Client(), scene.verifikator)
    response = verifikator.post(
        reverse("vendors:blacklist_request_detail", args=[request.pk]),
        {"decision": "approve", "note": "Terbukti dari hasil klarifikasi"},
    )
    assert response.status_code == 302

    # The vendor's open session has ended, and signing in again fails.
    response = vendor_client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    # (The sign-in page's wording and status for a deactivated account are the sign-in
    # page's own business; here: the form answers, and nobody is signed in.)
    refused = post_login(english_client(), scene.admin.username)
    assert refused.status_code in (200, 400, 403)
    assert refused.context["form"].errors
    assert SESSION_KEY not in refused.wsgi_request.session
    refresh(scene.admin)
    assert not scene.admin.is_active
    assert scene.admin.deactivated_until == last_day
    with pytest.raises(Blacklisted):
        vendor_assert_may_participate(vendor=scene.vendor, lpse=scene.world.other_lpse)

    # The company is on the public blacklist with its NPWP masked.
    html = Client().get(reverse("vendors:blacklist_public")).content.decode()
    assert scene.vendor.name in html
    assert validators.mask_npwp(scene.vendor.npwp) in html
    assert scene.vendor.npwp not in html

    # The day after the last day the chronograph ends the period.
    after = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 30), tzinfo=WIB)
    with clock.frozen(after):
        chronograph_run_once(runner_id="flow")
        refresh(scene.admin)
        assert scene.admin.is_active
        client = english_client()
        assert post_login(client, scene.admin.username).status_code == 302
        assert client.session[SESSION_KEY] == str(scene.admin.pk)
        vendor_assert_may_participate(vendor=scene.vendor, lpse=scene.world.other_lpse)
        html = Client().get(reverse("vendors:blacklist_public")).content.decode()
        assert scene.vendor.name not in html
