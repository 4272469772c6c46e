"""The package pages: the PPK's list, create from an RUP item, HPS editor (rows kept on
error, the over-pagu refusal with both amounts), documents, send; the ULP head's incoming
list, return and Pokja assignment; hidden packages are 404 like missing ones."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from openlpse.organizations.tests.world import sign_in
from openlpse.plans.tests.factories import RupItemFactory
from openlpse.tenders.enums import PackageStatus
from openlpse.tenders.models import HpsItem, Package, PokjaMember
from openlpse.tenders.tests.packages_support import (
    build_scene,
    pdf,
    ready_package,
    sent_package,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _hps_post(rows, total_forms=None):
    data = {
        "hps-TOTAL_FORMS": str(total_forms or len(rows)),
        "hps-INITIAL_FORMS": "0",
        "hps-MIN_NUM_FORMS": "0",
        "hps-MAX_NUM_FORMS": "500",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"hps-{index}-{key}"] = value
    return data


def test_ppk_list_shows_only_their_packages(client, scene):
    mine = ready_package(scene)
    other_scene = build_scene()
    theirs = ready_package(other_scene)
    response = sign_in(client, scene.ppk).get(reverse("tenders:package_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.code in html
    assert theirs.code not in html


def test_list_pages_are_404_for_those_without_the_role(client, scene):
    sign_in(client, scene.stranger)
    assert client.get(reverse("tenders:package_list")).status_code == 404
    assert client.get(reverse("tenders:package_incoming")).status_code == 404
    assert client.get(reverse("tenders:package_create")).status_code == 404


def test_create_lists_the_announced_items_and_makes_the_package(client, scene):
    draft = RupItemFactory(agency=scene.officials.agency)
    sign_in(client, scene.ppk)
    page = client.get(reverse("tenders:package_create")).content.decode()
    assert scene.rup.code in page
    assert draft.code not in page
    # A draft RUP item cannot be chosen at all.
    assert client.get(reverse("tenders:package_create") + f"?rup={draft.pk}").status_code == 404
    response = client.post(
        reverse("tenders:package_create"),
        {
            "rup": scene.rup.pk,
            "name": "Jalan Sukadana",
            "contract_type": "harga_satuan",
            "business_qualification": "kecil",
            "description": "",
        },
    )
    package = Package.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:package_hps", args=[package.pk])
    assert package.name == "Jalan Sukadana"
    # Once it has a package, the item is no longer offered.
    assert scene.rup.code not in client.get(reverse("tenders:package_create")).content.decode()


def test_hps_over_pagu_keeps_the_rows_and_names_both_amounts(client, scene):
    package = ready_package(scene)
    before = snapshot()
    english(sign_in(client, scene.ppk))
    rows = [
        {"name": "Jembatan baja", "unit": "paket", "quantity": "1", "unit_price": "1500000000"},
        {},
        {"name": "Marka", "unit": "m", "quantity": "10", "unit_price": "0.50"},
    ]
    response = client.post(reverse("tenders:package_hps", args=[package.pk]), _hps_post(rows))
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "The HPS total of IDR 1,500,000,005.00 is more than the pagu of IDR 1,500,000,000.00, "
        "by IDR 5.00." in html
    )
    assert 'value="Jembatan baja"' in html
    assert 'value="Marka"' in html
    assert snapshot() == before


def test_hps_row_errors_are_shown_on_their_row(client, scene):
    package = ready_package(scene)
    english(sign_in(client, scene.ppk))
    rows = [
        {},
        {"name": "Pipa", "unit": "", "quantity": "2", "unit_price": "10"},
    ]
    response = client.post(reverse("tenders:package_hps", args=[package.pk]), _hps_post(rows))
    assert response.status_code == 400
    html = response.content.decode()
    # The second form is the first row sent: the service calls it row 1.
    assert "Row 1: enter the unit, for example m3, unit or paket." in html
    assert 'value="Pipa"' in html


def test_hps_saved_from_the_page(client, scene):
    package = ready_package(scene)
    sign_in(client, scene.ppk)
    rows = [{"name": "Aspal", "unit": "ton", "quantity": "2.5", "unit_price": "1000000"}]
    response = client.post(reverse("tenders:package_hps", args=[package.pk]), _hps_post(rows))
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.hps_total == Decimal("2500000.00")
    assert HpsItem.objects.filter(package=package).count() == 1


def test_documents_upload_and_download(client, scene):
    package = ready_package(scene)
    sign_in(client, scene.ppk)
    response = client.post(
        reverse("tenders:package_documents", args=[package.pk]),
        {"which": "draft_contract", "file": pdf("kontrak.pdf")},
    )
    assert response.status_code == 302
    download = client.get(reverse("tenders:package_document", args=[package.pk, "draft_contract"]))
    assert download.status_code == 200
    assert "kontrak.pdf" in download["Content-Disposition"]


def test_send_page_sends_to_the_ulp(client, scene):
    package = ready_package(scene)
    sign_in(client, scene.ppk)
    page = client.get(reverse("tenders:package_send", args=[package.pk])).content.decode()
    assert scene.committee.ulp_agency.name in page
    response = client.post(
        reverse("tenders:package_send", args=[package.pk]),
        {"target": "ulp", "ulp_agency": str(scene.committee.ulp_agency.pk)},
    )
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.status == PackageStatus.SENT


def test_send_without_a_unit_is_refused_on_the_form(client, scene):
    package = ready_package(scene)
    english(sign_in(client, scene.ppk))
    response = client.post(
        reverse("tenders:package_send", args=[package.pk]), {"target": "ulp", "ulp_agency": ""}
    )
    assert response.status_code == 400
    assert "Choose either the procurement unit (ULP/UKPBJ) for a tender" in (
        response.content.decode()
    )


def test_incoming_list_and_pokja_assignment_by_the_head(client, scene):
    package = sent_package(scene)
    draft = ready_package(
        scene,
        rup_item=RupItemFactory(
            agency=scene.officials.agency, status="announced", announced_at=package.sent_at
        ),
    )
    sign_in(client, scene.head)
    html = client.get(reverse("tenders:package_incoming")).content.decode()
    assert package.code in html
    assert draft.code not in html  # drafts stay with the PPK
    assert client.get(reverse("tenders:package_detail", args=[draft.pk])).status_code == 404
    page = client.get(reverse("tenders:package_pokja_assign", args=[package.pk]))
    assert page.status_code == 200
    for member in scene.committee.pokja:
        assert member.display_name in page.content.decode()
    a, b, c = scene.committee.pokja[:3]
    response = client.post(
        reverse("tenders:package_pokja_assign", args=[package.pk]),
        {"members": [a.pk, b.pk, c.pk], "chair": b.pk, "sk_number": "027/1/2026"},
    )
    assert response.status_code == 302
    assert PokjaMember.objects.get(package=package, is_chair=True).user == b


def test_even_pokja_is_refused_on_the_page_and_nothing_changes(client, scene):
    package = sent_package(scene)
    before = snapshot()
    english(sign_in(client, scene.head))
    members = [m.pk for m in scene.committee.pokja[:4]]
    response = client.post(
        reverse("tenders:package_pokja_assign", args=[package.pk]),
        {"members": members, "chair": members[0], "sk_number": "027/1/2026"},
    )
    assert response.status_code == 400
    assert "A Pokja has an odd number of members (3, 5, 7...)" in response.content.decode()
    assert snapshot() == before


def test_candidates_exclude_the_ppk_and_lpse_people(client, scene):
    from openlpse.accounts.enums import Role
    from openlpse.plans.tests.factories import grant

    package = sent_package(scene)
    grant(scene.ppk, Role.POKJA_MEMBER, agency=scene.committee.ulp_agency)
    grant(scene.lpse_staff, Role.POKJA_MEMBER, agency=scene.committee.ulp_agency)
    html = (
        sign_in(client, scene.head)
        .get(reverse("tenders:package_pokja_assign", args=[package.pk]))
        .content.decode()
    )
    assert scene.ppk.username not in html
    assert scene.lpse_staff.username not in html


def test_return_page(client, scene):
    package = sent_package(scene)
    sign_in(client, scene.head)
    response = client.post(
        reverse("tenders:package_return", args=[package.pk]), {"reason": "KAK belum lengkap"}
    )
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.status == PackageStatus.RETURNED
    detail = sign_in(client, scene.ppk).get(reverse("tenders:package_detail", args=[package.pk]))
    assert "KAK belum lengkap" in detail.content.decode()


@pytest.mark.parametrize("who", ["stranger", "lpse_admin", "pokja"])
def test_package_pages_are_404_for_outsiders(client, scene, who):
    package = ready_package(scene)
    actor = {
        "stranger": scene.stranger,
        "lpse_admin": scene.lpse_admin,
        "pokja": scene.committee.pokja[0],
    }[who]
    sign_in(client, actor)
    for name in ("package_detail", "package_hps", "package_send", "package_pokja_assign"):
        assert client.get(reverse(f"tenders:{name}", args=[package.pk])).status_code == 404
    assert client.get(reverse("tenders:package_detail", args=[999999])).status_code == 404
