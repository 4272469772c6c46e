"""The blacklist pages: the public list (masked NPWP, filters, sort, paging, printable) and the
back office (requests, new request, detail with evidence and decision, entries and lift,
deactivation for a violation)."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from openlpse.accounts.permissions import today
from openlpse.organizations.tests.world import sign_in
from openlpse.vendors import validators
from openlpse.vendors.enums import BlacklistRequestStatus
from openlpse.vendors.models import BlacklistRequest
from openlpse.vendors.tests.blacklist_support import (
    blacklist,
    build_scene,
    evidence,
    file_request,
    refresh,
    snapshot,
)
from openlpse.vendors.tests.factories import PDF_BYTES, BlacklistEntryFactory

pytestmark = pytest.mark.django_db

PUBLIC = reverse("vendors:blacklist_public")


@pytest.fixture
def scene():
    return build_scene()


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- public ------------------------------------------------------------------------------------


def test_public_page_needs_no_sign_in_and_masks_the_npwp(client, scene):
    entry = blacklist(scene)
    response = client.get(PUBLIC)
    assert response.status_code == 200
    html = response.content.decode()
    assert entry.company_name in html
    assert validators.mask_npwp(entry.npwp) in html
    assert entry.npwp not in html
    assert validators.format_npwp(entry.npwp) not in html
    assert entry.reason in html
    assert entry.legal_basis in html
    assert scene.world.agency.name in html
    assert scene.world.lpse.name in html


def test_public_page_filters_by_status_lpse_and_search(client, scene):
    in_force = blacklist(scene)
    ended = BlacklistEntryFactory(
        company_name="PT Lama Sekali",
        lpse=scene.world.other_lpse,
        starts_on=today() - dt.timedelta(days=400),
        ends_on=today() - dt.timedelta(days=40),
    )
    upcoming = BlacklistEntryFactory(
        company_name="CV Nanti Dulu",
        lpse=scene.world.lpse,
        starts_on=today() + dt.timedelta(days=3),
        ends_on=today() + dt.timedelta(days=30),
    )

    def names(**params):
        response = client.get(PUBLIC, params)
        assert response.status_code == 200
        return {row["entry"].company_name for row in response.context["rows"]}

    assert names() == {in_force.company_name}
    assert names(status="ended") == {ended.company_name}
    assert names(status="upcoming") == {upcoming.company_name}
    assert names(status="all") == {in_force.company_name, ended.company_name, upcoming.company_name}
    assert names(status="all", lpse=scene.world.other_lpse.slug) == {ended.company_name}
    assert names(status="all", q="lama") == {ended.company_name}
    # A whole NPWP finds the company, typed with its dots and dash; part of one finds nothing.
    assert names(q=validators.format_npwp(in_force.npwp)) == {in_force.company_name}
    assert names(q=in_force.npwp[:8]) == set()


def test_public_page_sorts_pages_and_prints(client, scene):
    for n in range(30):
        BlacklistEntryFactory(company_name=f"CV Urut {n:02d}", lpse=scene.world.lpse)
    first = client.get(PUBLIC, {"sort": "company"})
    rows = [r["entry"].company_name for r in first.context["rows"]]
    assert rows == sorted(rows)
    assert len(rows) == 25
    assert first.context["page"].paginator.count == 30
    descending = client.get(PUBLIC, {"sort": "-company"}).context["rows"]
    assert descending[0]["entry"].company_name == "CV Urut 29"
    second = client.get(PUBLIC, {"sort": "company", "page": 2})
    assert len(second.context["rows"]) == 5
    printable = client.get(PUBLIC, {"sort": "company", "cetak": "1"})
    assert printable.status_code == 200
    assert len(printable.context["rows"]) == 30
    assert printable.context["page"] is None


def test_public_page_query_count_does_not_grow_with_rows(
    client, scene, django_assert_max_num_queries
):
    for n in range(25):
        BlacklistEntryFactory(company_name=f"CV Banyak {n}", lpse=scene.world.lpse)
    with django_assert_max_num_queries(12):
        assert client.get(PUBLIC).status_code == 200


# --- back office: requests -----------------------------------------------------------------------


def test_requester_files_a_request_through_the_page(client, scene):
    sign_in(client, scene.ppk)
    new = reverse("vendors:blacklist_request_new")
    assert client.get(new).status_code == 200
    # Search by name, then pick the company.
    found = client.get(new, {"q": "curang"})
    assert [m["vendor"] for m in found.context["matches"]] == [scene.vendor]
    start = today()
    response = client.post(
        new,
        {
            "lpse": scene.world.lpse.slug,
            "vendor": validators.format_npwp(scene.vendor.npwp),
            "reason": "Dokumen kualifikasi palsu",
            "legal_basis": "Peraturan LKPP 17/2018",
            "starts_on": start.isoformat(),
            "ends_on": (start + dt.timedelta(days=180)).isoformat(),
            "evidence": [evidence("a.pdf"), evidence("b.pdf")],
        },
    )
    request = BlacklistRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("vendors:blacklist_request_detail", args=[request.pk])
    assert request.vendor == scene.vendor
    assert request.evidence.count() == 2


def test_an_invalid_request_form_answers_400_and_keeps_what_was_typed(client, scene):
    sign_in(client, scene.ppk)
    english(client)
    before = snapshot()
    response = client.post(
        reverse("vendors:blacklist_request_new"),
        {
            "lpse": scene.world.lpse.slug,
            "vendor": scene.vendor.nib,
            "reason": "Alasan yang sudah diketik",
            "legal_basis": "Peraturan LKPP 17/2018",
            "starts_on": today().isoformat(),
            "ends_on": (today() - dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Alasan yang sudah diketik" in html
    assert "The last day is before the first day" in html
    assert "Attach at least one evidence file" in html
    assert snapshot() == before


def test_an_unknown_company_is_refused_by_the_form(client, scene):
    sign_in(client, scene.ppk)
    response = client.post(
        reverse("vendors:blacklist_request_new"),
        {"lpse": scene.world.lpse.slug, "vendor": "0123456789012"},
    )
    assert response.status_code == 400
    assert "vendor" in response.context["form"].errors


@pytest.mark.parametrize("key", ["lpse_admin", "agency_admin", "auditor", "vendor_admin", "nobody"])
def test_people_who_may_not_request_get_404_on_the_request_pages(client, scene, key):
    sign_in(client, scene.world.users[key])
    assert client.get(reverse("vendors:blacklist_request_new")).status_code == 404
    assert client.get(reverse("vendors:blacklist_requests")).status_code == 404


def test_request_list_shows_requesters_their_own_and_verifikators_their_lpses(client, scene):
    mine = file_request(scene)
    other = file_request(scene, actor=scene.world.users["pa"])
    sign_in(client, scene.ppk)
    listed = client.get(reverse("vendors:blacklist_requests")).context["page"].object_list
    assert list(listed) == [mine]
    client.logout()
    sign_in(client, scene.verifikator)
    listed = client.get(reverse("vendors:blacklist_requests")).context["page"].object_list
    assert set(listed) == {mine, other}
    client.logout()
    sign_in(client, scene.other_verifikator)
    response = client.get(reverse("vendors:blacklist_requests"))
    assert list(response.context["page"].object_list) == []
    assert (
        client.get(reverse("vendors:blacklist_request_detail", args=[mine.pk])).status_code == 404
    )


def test_evidence_is_downloadable_by_the_requester_and_the_verifikator_only(client, scene):
    request = file_request(scene)
    stored = request.evidence.get()
    url = reverse("vendors:blacklist_evidence", args=[request.pk, stored.pk])
    for user in (scene.ppk, scene.verifikator):
        client.logout()
        sign_in(client, user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
    for user in (scene.world.users["pa"], scene.other_verifikator, scene.world.users["auditor"]):
        client.logout()
        sign_in(client, user)
        assert client.get(url).status_code == 404


def test_verifikator_decides_on_the_detail_page(client, scene):
    request = file_request(scene)
    detail = reverse("vendors:blacklist_request_detail", args=[request.pk])
    sign_in(client, scene.verifikator)
    page = client.get(detail)
    assert page.context["can_decide"]
    response = client.post(detail, {"decision": "reject", "note": ""})
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    response = client.post(detail, {"decision": "approve", "note": "Terbukti"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == BlacklistRequestStatus.APPROVED
    refresh(scene.admin)
    assert not scene.admin.is_active
    # A second post (double click) changes nothing, says why and does not offer the form again.
    before = snapshot()
    response = english(client).post(detail, {"decision": "approve", "note": ""})
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "This request was already decided (Approved: vendor blacklisted). Reload the page."
    ]
    assert not response.context["can_decide"]
    assert 'name="decision"' not in response.content.decode()
    assert snapshot() == before


def test_the_requester_sees_no_decision_form_and_may_withdraw(client, scene):
    request = file_request(scene)
    detail = reverse("vendors:blacklist_request_detail", args=[request.pk])
    sign_in(client, scene.ppk)
    page = client.get(detail)
    assert not page.context["can_decide"]
    assert page.context["can_withdraw"]
    before = snapshot()
    assert client.post(detail, {"decision": "approve"}).status_code == 404
    assert snapshot() == before
    response = client.post(reverse("vendors:blacklist_request_withdraw", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == BlacklistRequestStatus.WITHDRAWN


# --- back office: entries and deactivation ---------------------------------------------------------


def test_verifikator_lists_and_lifts_an_entry(client, scene):
    entry = blacklist(scene)
    sign_in(client, scene.verifikator)
    listed = client.get(reverse("vendors:blacklist_entries"))
    assert [r["entry"] for r in listed.context["rows"]] == [entry]
    lift = reverse("vendors:blacklist_entry_lift", args=[entry.pk])
    assert client.post(lift, {"reason": ""}).status_code == 400
    response = client.post(lift, {"reason": "Keputusan dibatalkan"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.lift_reason == "Keputusan dibatalkan"
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)
    # Afterwards the page says it has ended; a second post changes nothing and says why.
    page = english(client).get(lift)
    assert page.status_code == 200
    assert not page.context["can_lift"]
    assert 'name="reason"' not in page.content.decode()
    before = snapshot()
    response = client.post(lift, {"reason": "lagi"})
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "This blacklisting has already ended. Reload the page."
    ]
    assert snapshot() == before


@pytest.mark.parametrize("key", ["ppk", "lpse_admin", "auditor", "vendor_admin"])
def test_non_verifikators_get_404_on_entries_lift_and_deactivation(client, scene, key):
    entry = blacklist(scene)
    sign_in(client, scene.world.users[key])
    before = snapshot()
    assert client.get(reverse("vendors:blacklist_entries")).status_code == 404
    lift = reverse("vendors:blacklist_entry_lift", args=[entry.pk])
    assert client.post(lift, {"reason": "x"}).status_code == 404
    deactivate = reverse("vendors:vendor_account_deactivation")
    assert client.get(deactivate).status_code == 404
    assert snapshot() == before


def test_the_other_lpses_verifikator_cannot_lift(client, scene):
    entry = blacklist(scene)
    sign_in(client, scene.other_verifikator)
    before = snapshot()
    lift = reverse("vendors:blacklist_entry_lift", args=[entry.pk])
    assert client.post(lift, {"reason": "x"}).status_code == 404
    assert snapshot() == before


def test_verifikator_deactivates_and_reactivates_a_company_on_the_page(client, scene):
    sign_in(client, scene.other_verifikator)
    url = reverse("vendors:vendor_account_deactivation")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"vendor": scene.vendor.nib, "action": "deactivate", "reason": "Akun dipinjamkan"}
    )
    assert response.status_code == 302
    refresh(*scene.people)
    assert not any(p.is_active for p in scene.people)
    response = client.post(
        url, {"vendor": scene.vendor.nib, "action": "deactivate", "reason": "lagi"}
    )
    assert response.status_code == 409
    response = client.post(
        url, {"vendor": scene.vendor.name, "action": "reactivate", "reason": "Klarifikasi"}
    )
    assert response.status_code == 302
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)
