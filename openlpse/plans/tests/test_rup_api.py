"""The RUP in the JSON API: the public list and detail (drafts are not found), and the PA/KPA's
write endpoints with an API token."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openlpse.plans.enums import RupStatus
from openlpse.plans.models import RupImport, RupItem
from openlpse.plans.services.imports import COLUMNS
from openlpse.plans.tests.factories import RupItemFactory, announced_rup
from openlpse.plans.tests.plans_support import build_scene, snapshot
from openlpse.vendors.tests.blacklist_support import issue_token

pytestmark = pytest.mark.django_db

LIST = "/api/v1/rup"


@pytest.fixture
def scene():
    return build_scene()


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user)}", "HTTP_ACCEPT_LANGUAGE": "en"}


def payload(scene, **overrides):
    data = {
        "agency_id": scene.agency.pk,
        "work_unit_id": None,
        "code": "26000001",
        "name": "Pembangunan Jalan",
        "fiscal_year": 2026,
        "pagu": "1500000000",
        "funding_source": "apbd",
        "procurement_type": "konstruksi",
        "planned_method": "tender",
        "selection_start_month": 2,
        "selection_end_month": 4,
        "contract_start_month": 5,
        "contract_end_month": 11,
        "location": "Sukadana",
        "description": "",
    }
    data.update(overrides)
    return data


def test_public_list_and_detail(client, scene, django_assert_max_num_queries):
    item = announced_rup(agency=scene.agency, work_unit=scene.work_unit)
    RupItemFactory(agency=scene.agency)  # a draft: never listed
    for n in range(5):
        announced_rup(agency=scene.other_agency, code=f"O{n}")
    with django_assert_max_num_queries(3):
        response = client.get(LIST, {"agency_id": scene.agency.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    [row] = body["items"]
    assert row["id"] == item.pk
    assert row["code"] == item.code
    assert row["pagu"] == "1500000000.00"
    assert row["lpse"] == {"slug": scene.lpse.slug, "name": scene.lpse.name}
    assert row["agency"] == {
        "id": scene.agency.pk,
        "code": scene.agency.code,
        "name": scene.agency.name,
    }
    assert row["work_unit"]["id"] == scene.work_unit.pk
    assert row["status"] == "announced"
    assert row["revision"] == 1
    assert "pending_changes" not in row
    page = client.get(LIST, {"limit": 4}).json()
    assert len(page["items"]) == 4
    rest = client.get(LIST, {"limit": 4, "cursor": page["next_cursor"]}).json()
    assert len(rest["items"]) == 2
    assert client.get(LIST, {"procurement_type": "barang"}).json()["items"] == []
    assert client.get(LIST, {"lpse": "nope"}).status_code == 400

    detail = client.get(f"{LIST}/{item.pk}").json()
    assert [h["number"] for h in detail["history"]] == [1]
    assert detail["history"][0]["reason"] == ""


def test_draft_is_not_found_like_a_missing_id(client, scene):
    draft = RupItemFactory(agency=scene.agency)
    hidden = client.get(f"{LIST}/{draft.pk}")
    missing = client.get(f"{LIST}/{draft.pk + 999}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_pa_writes_through_the_api(client, scene):
    headers = bearer(scene.users["pa"])
    response = client.post(LIST, payload(scene), content_type="application/json", **headers)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "draft"
    item_id = created["id"]
    url = f"{LIST}/{item_id}"
    announce = client.post(f"{url}/announce", {}, content_type="application/json", **headers)
    assert announce.status_code == 200
    assert announce.json()["revision"] == 1
    patched = client.patch(url, {"pagu": "1200000000"}, content_type="application/json", **headers)
    assert patched.status_code == 200
    assert patched.json()["pending_changes"] == {"pagu": "1200000000.00"}
    assert patched.json()["pagu"] == "1500000000.00"
    refused = client.post(
        f"{url}/announce", {"reason": ""}, content_type="application/json", **headers
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "rup_reason_required"
    done = client.post(
        f"{url}/announce", {"reason": "Efisiensi"}, content_type="application/json", **headers
    )
    assert done.json()["pagu"] == "1200000000.00"
    public = client.get(url).json()
    assert [(h["number"], h["reason"]) for h in public["history"]] == [(1, ""), (2, "Efisiensi")]
    withdrawn = client.post(
        f"{url}/withdraw", {"reason": "Batal"}, content_type="application/json", **headers
    )
    assert withdrawn.json()["status"] == "withdrawn"


def test_duplicate_code_and_bad_months_over_the_api(client, scene):
    existing = announced_rup(agency=scene.agency, code="26000001", name="Jalan Lama")
    headers = bearer(scene.users["pa"])
    response = client.post(LIST, payload(scene), content_type="application/json", **headers)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "rup_code_taken"
    assert "“Jalan Lama”" in error["message"]
    response = client.post(
        LIST,
        payload(scene, code="X", selection_start_month=5, pagu="-1"),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {
        "pagu",
        "selection_end_month",
    }
    assert list(RupItem.objects.values_list("pk", flat=True)) == [existing.pk]


@pytest.mark.parametrize("role", ["ppk", "agency_admin", "lpse_admin", "pa_other_agency"])
def test_others_cannot_write(client, scene, role):
    item = RupItemFactory(agency=scene.agency)
    headers = bearer(scene.users[role])
    before = snapshot()
    create = client.post(LIST, payload(scene), content_type="application/json", **headers)
    assert create.status_code == 403
    patch = client.patch(
        f"{LIST}/{item.pk}", {"name": "x"}, content_type="application/json", **headers
    )
    assert patch.status_code == 404
    announce = client.post(
        f"{LIST}/{item.pk}/announce", {}, content_type="application/json", **headers
    )
    assert announce.status_code == 404
    assert client.post(LIST, payload(scene), content_type="application/json").status_code == 401
    # Token issuance writes its own audit event; the plans rows are unchanged.
    after = snapshot()
    before.pop("audit"), after.pop("audit")
    assert after == before


def test_import_over_the_api(client, scene):
    headers = bearer(scene.users["pa"])
    header = ",".join(COLUMNS)
    text = f"{header}\nI1,Paket,,2026,1000000,apbd,barang,tender,1,2,3,4,Sukadana,\n"
    response = client.post(
        f"{LIST}/import",
        {
            "agency_id": str(scene.agency.pk),
            "check_only": "true",
            "file": SimpleUploadedFile("rup.csv", text.encode()),
        },
        **headers,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "checked"
    assert body["report"] == [{"row": 2, "code": "I1", "errors": []}]
    assert RupItem.objects.count() == 0
    response = client.post(
        f"{LIST}/import",
        {"agency_id": str(scene.agency.pk), "file": SimpleUploadedFile("rup.csv", text.encode())},
        **headers,
    )
    assert response.json()["status"] == "imported"
    assert RupItem.objects.get().status == RupStatus.DRAFT
    assert RupImport.objects.count() == 2
    assert RupItem.objects.get().pagu == Decimal("1000000.00")
