"""The RUP and adoption pages: public list with filters and detail with history (drafts are
not found like missing ids), the PA's pages (create, refusal keeps what was typed, change,
announce with reason, withdraw, import with report), and the adoption plan pages."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openlpse.plans.enums import AdoptionPlanStatus, ImportStatus, RupStatus
from openlpse.plans.models import AdoptionPlan, RupImport, RupItem
from openlpse.plans.services.imports import COLUMNS
from openlpse.plans.services.rup import rup_announce, rup_update
from openlpse.plans.tests.factories import RupItemFactory, announced_rup
from openlpse.plans.tests.plans_support import build_scene, rup_fields, snapshot
from openlpse.tenders.tests.factories import TenderFactory, assigned_package

pytestmark = pytest.mark.django_db

PUBLIC = reverse("plans:public_rup_list")


@pytest.fixture
def scene():
    return build_scene()


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_data(**overrides):
    data = {
        "scope": "",
        "code": "26000001",
        "name": "Pembangunan Jalan Desa",
        "fiscal_year": "2026",
        "pagu": "1.500.000.000",
        "funding_source": "apbd",
        "procurement_type": "konstruksi",
        "planned_method": "tender",
        "selection_start_month": "2",
        "selection_end_month": "4",
        "contract_start_month": "5",
        "contract_end_month": "11",
        "location": "Sukadana",
        "description": "Jalan",
    }
    data.update(overrides)
    return data


# --- public --------------------------------------------------------------------------------


def test_public_list_shows_announced_items_only_and_filters(client, scene):
    road = announced_rup(agency=scene.agency, name="Jalan Sukadana", pagu=Decimal("2000000000"))
    laptop = announced_rup(
        agency=scene.other_agency,
        name="Pengadaan Laptop",
        pagu=Decimal("150000000"),
        procurement_type="barang",
        planned_method="pengadaan_langsung",
        funding_source="apbn",
    )
    draft = RupItemFactory(agency=scene.agency, name="Rahasia Draf")

    def names(**params):
        response = client.get(PUBLIC, params)
        assert response.status_code == 200
        return {item.name for item in response.context["page"].object_list}

    assert names() == {road.name, laptop.name}
    assert draft.name not in client.get(PUBLIC).content.decode()
    assert names(procurement_type="barang") == {laptop.name}
    assert names(planned_method="pengadaan_langsung") == {laptop.name}
    assert names(funding_source="apbd") == {road.name}
    assert names(agency=str(scene.agency.pk)) == {road.name}
    assert names(lpse=scene.lpse.slug) == {road.name, laptop.name}
    assert names(pagu_min="1.000.000.000") == {road.name}
    assert names(pagu_max="200000000") == {laptop.name}
    assert names(q="laptop") == {laptop.name}
    assert names(q=road.code) == {road.name}
    assert names(year="2026") == {road.name, laptop.name}
    assert names(sort="pagu") == {road.name, laptop.name}
    rows = client.get(PUBLIC, {"sort": "-pagu"}).context["page"].object_list
    assert [r.name for r in rows] == [road.name, laptop.name]


def test_public_list_query_count_is_flat(client, scene, django_assert_max_num_queries):
    for n in range(25):
        announced_rup(agency=scene.agency, code=f"Q{n:03d}")
    with django_assert_max_num_queries(8):
        assert client.get(PUBLIC).status_code == 200


def test_public_detail_shows_history_and_drafts_are_not_found(client, scene):
    pa = scene.users["pa"]
    item = announced_rup(agency=scene.agency, code="26000009", **_plain_fields())
    rup_update(actor=pa, item=item, data=rup_fields(code="26000009", pagu=Decimal("900000000")))
    # Not announced yet: the public still sees the first version.
    html = english(client).get(reverse("plans:public_rup_detail", args=[item.pk])).content.decode()
    assert "IDR 1,500,000,000.00" in html
    assert "IDR 900,000,000.00" not in html
    rup_announce(actor=pa, item=item, reason="Efisiensi anggaran")
    response = client.get(reverse("plans:public_rup_detail", args=[item.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Efisiensi anggaran" in html
    assert "IDR 900,000,000.00" in html
    assert "IDR 1,500,000,000.00" in html  # revision 1 stays in the history
    assert [r.number for r in response.context["revisions"]] == [2, 1]

    draft = RupItemFactory(agency=scene.agency)
    missing = client.get(reverse("plans:public_rup_detail", args=[draft.pk + 1000]))
    hidden = client.get(reverse("plans:public_rup_detail", args=[draft.pk]))
    assert hidden.status_code == missing.status_code == 404
    assert draft.name not in hidden.content.decode()


def _plain_fields():
    data = rup_fields().as_json()
    data.pop("code")
    data["pagu"] = Decimal(data["pagu"])
    return data


# --- back office: RUP ----------------------------------------------------------------------


def test_pa_creates_and_announces_through_the_pages(client, scene, sign_in):
    sign_in(scene.users["pa"], mfa=True)
    page = client.get(reverse("plans:rup_create"))
    assert page.status_code == 200
    scope = f"{scene.agency.pk}:{scene.work_unit.pk}"
    response = client.post(reverse("plans:rup_create"), form_data(scope=scope))
    item = RupItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:rup_detail", args=[item.pk])
    assert (item.work_unit, item.pagu, item.status) == (
        scene.work_unit,
        Decimal("1500000000.00"),
        RupStatus.DRAFT,
    )
    response = client.post(reverse("plans:rup_announce", args=[item.pk]), {"reason": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RupStatus.ANNOUNCED

    # A change, then an announcement with no reason: refused on the form, nothing lost.
    update = form_data(pagu="1.200.000.000")
    update.pop("scope")
    assert client.post(reverse("plans:rup_update", args=[item.pk]), update).status_code == 302
    english(client)
    response = client.post(reverse("plans:rup_announce", args=[item.pk]), {"reason": ""})
    assert response.status_code == 400
    assert (
        "Give the reason for the change. A change after announcement is published with its "
        "reason in the item&#x27;s public history."
    ) in response.content.decode()
    item.refresh_from_db()
    assert item.revision == 1
    response = client.post(reverse("plans:rup_announce", args=[item.pk]), {"reason": "Efisiensi"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.revision, item.pagu) == (2, Decimal("1200000000.00"))


def test_refused_create_keeps_what_was_typed(client, scene, sign_in):
    existing = announced_rup(agency=scene.agency, code="26000001", name="Jalan Lama")
    sign_in(scene.users["pa"], mfa=True)
    english(client)
    data = form_data(scope=f"{scene.agency.pk}:", name="Nama yang diketik")
    response = client.post(reverse("plans:rup_create"), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "RUP code 26000001 is already used by “Jalan Lama”" in html
    assert 'value="Nama yang diketik"' in html
    assert 'value="1.500.000.000"' in html
    assert RupItem.objects.count() == 1
    assert existing.name == "Jalan Lama"


def test_months_out_of_order_are_shown_next_to_the_field(client, scene, sign_in):
    sign_in(scene.users["pa"], mfa=True)
    english(client)
    data = form_data(scope=f"{scene.agency.pk}:", selection_start_month="6")
    response = client.post(reverse("plans:rup_create"), data)
    assert response.status_code == 400
    field_errors = response.context["form"].errors
    assert field_errors["selection_end_month"] == [
        "The selection cannot end (month 4) before it starts (month 6). Choose an end month on "
        "or after the start month."
    ]
    assert RupItem.objects.count() == 0


@pytest.mark.parametrize("role", ["ppk", "agency_admin", "lpse_admin", "nobody"])
def test_others_do_not_reach_the_write_pages(client, scene, sign_in, role):
    item = RupItemFactory(agency=scene.agency)
    sign_in(scene.users[role], mfa=True)
    before = snapshot()
    assert client.get(reverse("plans:rup_create")).status_code == 404
    assert client.post(reverse("plans:rup_create"), form_data()).status_code == 404
    assert client.post(reverse("plans:rup_announce", args=[item.pk])).status_code == 404
    assert client.get(reverse("plans:rup_update", args=[item.pk])).status_code == 404
    assert client.get(reverse("plans:rup_import")).status_code == 404
    assert snapshot() == before


def test_ppk_reads_drafts_of_its_agency_but_a_stranger_does_not(client, scene, sign_in):
    draft = RupItemFactory(agency=scene.agency, work_unit=scene.work_unit)
    sign_in(scene.users["ppk"], mfa=True)
    assert client.get(reverse("plans:rup_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("plans:rup_list")).status_code == 200
    sign_in(scene.users["pa_other_agency"], mfa=True)
    assert client.get(reverse("plans:rup_detail", args=[draft.pk])).status_code == 404


def test_withdraw_through_the_page(client, scene, sign_in):
    item = announced_rup(agency=scene.agency)
    sign_in(scene.users["pa"], mfa=True)
    english(client)
    response = client.post(reverse("plans:rup_withdraw", args=[item.pk]), {"reason": ""})
    assert response.status_code == 400
    response = client.post(reverse("plans:rup_withdraw", args=[item.pk]), {"reason": "Batal"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.withdraw_reason) == (RupStatus.WITHDRAWN, "Batal")
    public = client.get(reverse("plans:public_rup_detail", args=[item.pk]))
    assert public.status_code == 200
    assert "Batal" in public.content.decode()


def test_import_page_reports_row_errors_and_imports(client, scene, sign_in):
    sign_in(scene.users["pa"], mfa=True)
    english(client)
    header = ",".join(COLUMNS)
    good = "G1,Paket,,2026,1000000,apbd,barang,tender,1,2,3,4,Sukadana,"
    bad = "G2,Paket,,2026,0,apbd,barang,tender,1,2,3,4,Sukadana,"
    upload = SimpleUploadedFile("rup.csv", f"{header}\n{good}\n{bad}\n".encode())
    response = client.post(
        reverse("plans:rup_import"), {"agency": str(scene.agency.pk), "file": upload}
    )
    result = RupImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:rup_import_detail", args=[result.pk])
    report = client.get(response["Location"])
    html = report.content.decode()
    assert result.status == ImportStatus.REFUSED
    assert "The pagu must be more than Rp 0. Enter the budget of the item." in html
    assert RupItem.objects.count() == 0
    upload = SimpleUploadedFile("rup.csv", f"{header}\n{good}\n".encode())
    response = client.post(
        reverse("plans:rup_import"), {"agency": str(scene.agency.pk), "file": upload}
    )
    assert response.status_code == 302
    assert list(RupItem.objects.values_list("code", "status")) == [("G1", "draft")]
    # Someone else cannot read the report.
    sign_in(scene.users["kpa"], mfa=True)
    assert client.get(reverse("plans:rup_import_detail", args=[result.pk])).status_code == 404


def test_import_of_an_unreadable_file_is_shown_on_the_form(client, scene, sign_in):
    sign_in(scene.users["pa"], mfa=True)
    english(client)
    upload = SimpleUploadedFile("rup.pdf", b"%PDF-1.4")
    response = client.post(
        reverse("plans:rup_import"), {"agency": str(scene.agency.pk), "file": upload}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Only CSV and XLSX files can be imported. Choose one of those."
    ]


def test_template_download(client):
    response = client.get(reverse("plans:rup_import_template"))
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0] == ",".join(COLUMNS)


# --- adoption plans ------------------------------------------------------------------------


def test_adoption_plan_pages_flow(client, scene, sign_in):
    sign_in(scene.users["agency_admin"], mfa=True)
    english(client)
    response = client.post(
        reverse("plans:adoption_create"),
        {
            "agency": str(scene.agency.pk),
            "fiscal_year": "2026",
            "value_threshold": "",
            "target_count": "",
            "target_value": "",
            "notes": "",
        },
    )
    assert response.status_code == 400
    assert "Set at least one target" in response.content.decode()
    response = client.post(
        reverse("plans:adoption_create"),
        {
            "agency": str(scene.agency.pk),
            "fiscal_year": "2026",
            "value_threshold": "200.000.000",
            "target_count": "5",
            "target_value": "",
            "notes": "Tahap 1",
        },
    )
    plan = AdoptionPlan.objects.get()
    assert response.status_code == 302
    assert plan.value_threshold == Decimal("200000000.00")
    package = assigned_package(scene.officials)
    from django.utils import timezone

    TenderFactory(package=package, status="announced", announced_at=timezone.now())
    detail = client.get(reverse("plans:adoption_detail", args=[plan.pk]))
    assert detail.status_code == 200
    assert detail.context["progress"].tendered_count == 1
    assert client.post(reverse("plans:adoption_propose", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == AdoptionPlanStatus.PROPOSED
    # The agency cannot decide; the LPSE admin can.
    assert (
        client.post(
            reverse("plans:adoption_decide", args=[plan.pk]), {"decision": "agree"}
        ).status_code
        == 403
    )
    sign_in(scene.users["lpse_admin"], mfa=True)
    assert client.get(reverse("plans:adoption_list")).status_code == 200
    response = client.post(
        reverse("plans:adoption_decide", args=[plan.pk]), {"decision": "return", "note": ""}
    )
    assert response.status_code == 400
    assert "Say what the agency should change" in response.content.decode()
    response = client.post(
        reverse("plans:adoption_decide", args=[plan.pk]), {"decision": "agree", "note": ""}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == AdoptionPlanStatus.AGREED
    # A stranger does not see the plan.
    sign_in(scene.users["pa_other_agency"], mfa=True)
    assert client.get(reverse("plans:adoption_detail", args=[plan.pk])).status_code == 404


def test_every_back_office_page_renders_for_its_people(client, scene, sign_in):
    """In the default language (Indonesian): lists, forms, a detail with a change waiting."""
    pa = scene.users["pa"]
    item = announced_rup(agency=scene.agency, code="26000009", **_plain_fields())
    rup_update(actor=pa, item=item, data=rup_fields(code="26000009", pagu=Decimal("900000000")))
    sign_in(pa, mfa=True)
    for url in (
        reverse("plans:rup_list"),
        reverse("plans:rup_create"),
        reverse("plans:rup_update", args=[item.pk]),
        reverse("plans:rup_import"),
        reverse("plans:adoption_list"),
        reverse("plans:adoption_create"),
    ):
        assert client.get(url).status_code == 200, url
    detail = client.get(reverse("plans:rup_detail", args=[item.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Rp 900.000.000,00" in html  # the change waiting for announcement
    assert "Rp 1.500.000.000,00" in html
    plan = AdoptionPlan.objects.create(
        lpse=scene.lpse,
        agency=scene.agency,
        fiscal_year=2026,
        target_count=3,
        created_at=item.created_at,
        updated_at=item.created_at,
    )
    assert client.get(reverse("plans:adoption_update", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:adoption_detail", args=[plan.pk])).status_code == 200
