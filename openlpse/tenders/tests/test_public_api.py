"""The public tenders API: /api/v1/tenders (filters, cursor paging, constant queries) and
/api/v1/tenders/{code} (method values, current stages, schedule with changes, documents with
SHA-256, status), drafts answering like missing codes."""

from __future__ import annotations

import datetime as dt

import pytest

from openlpse.plans.tests.factories import make_planning_officials
from openlpse.tenders.enums import AddendumStatus, TenderMethod, TenderStatus
from openlpse.tenders.stages import template_for
from openlpse.tenders.tests.factories import announced_tender, join
from openlpse.tenders.tests.public_support import (
    addendum,
    cancelled_tender,
    change_schedule,
    document,
    draft_tender,
    set_hps,
)
from openlpse.vendors.tests.factories import make_verified_vendor

pytestmark = pytest.mark.django_db

LIST = "/api/v1/tenders"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
def bali(lpse_karangasem):
    return make_planning_officials(lpse=lpse_karangasem)


@pytest.fixture
def lampung(lpse_lampung_timur):
    return make_planning_officials(lpse=lpse_lampung_timur)


class TestList:
    def test_every_method_value_and_only_public_tenders(self, client, bali):
        tenders = {m: announced_tender(officials=bali, method=m) for m in TenderMethod}
        cancelled = cancelled_tender()
        draft_tender()
        cancelled_tender(announced=False)
        response = client.get(LIST)
        items = {item["code"]: item for item in response.json()["items"]}
        assert set(items) == {t.code for t in tenders.values()} | {cancelled.code}
        assert {items[t.code]["method"] for t in tenders.values()} == {
            "pasca_1_file",
            "pasca_2_file",
            "pra_1_file",
            "pra_2_file",
            "pengadaan_langsung",
        }
        assert items[cancelled.code]["status"] == "cancelled"
        assert items[cancelled.code]["current_stages"] == []
        assert items[cancelled.code]["stage_state"] == "cancelled"

    def test_an_item_in_the_lpse_zone(self, client, bali):
        tender = announced_tender(officials=bali, open_stage="penjelasan")
        item = client.get(LIST, **EN).json()["items"][0]
        stage = tender.stages.get(code="penjelasan")
        assert item["code"] == tender.code
        assert item["url"] == f"/tender/{tender.code}/pengumuman/"
        assert item["lpse"] == {
            "slug": "karangasem",
            "name": "LPSE Kabupaten Karangasem",
            "time_zone": "Asia/Makassar",
            "zone": "WITA",
        }
        assert item["agency"] == {"id": bali.agency.pk, "name": bali.agency.name}
        assert item["work_unit"] == bali.work_unit.name
        assert item["category"] == "konstruksi"
        assert item["status"] == "announced"
        assert item["stage_state"] == "current"
        assert item["hps"] == "600000000.00"
        assert item["pagu"] == "1500000000.00"
        assert item["fiscal_year"] == 2026
        assert item["participant_count"] == 0
        [current] = item["current_stages"]
        assert current["code"] == "penjelasan"
        assert current["name"] == "Explanation (aanwijzing)"
        starts = dt.datetime.fromisoformat(current["starts_at"])
        assert abs(starts - stage.starts_at) < dt.timedelta(milliseconds=1)  # JSON keeps ms
        assert starts.utcoffset() == dt.timedelta(hours=8)

    def test_filters(self, client, bali, lampung):
        road = announced_tender(officials=bali, open_stage="penjelasan", name="Jalan Lingkar")
        set_hps(road, "900000000")
        bridge = announced_tender(officials=lampung, method=TenderMethod.PRA_2_FILE)
        set_hps(bridge, "1200000000")
        failed = announced_tender(officials=lampung)
        failed.status = TenderStatus.FAILED
        failed.save(update_fields=["status"])
        assert codes(client.get(LIST, {"lpse": "karangasem"})) == [road.code]
        assert codes(client.get(LIST, {"agency": lampung.agency.pk, "sort": "oldest"})) == [
            bridge.code,
            failed.code,
        ]
        assert codes(client.get(LIST, {"method": "pra_2_file"})) == [bridge.code]
        assert codes(client.get(LIST, {"stage": "penjelasan"})) == [road.code]
        assert codes(client.get(LIST, {"status": "failed"})) == [failed.code]
        assert codes(client.get(LIST, {"hps_min": "1000000000"})) == [bridge.code]
        assert codes(client.get(LIST, {"hps_max": "1000000000", "year": 2026})) == [
            failed.code,
            road.code,
        ]
        assert codes(client.get(LIST, {"q": "lingkar"})) == [road.code]
        assert codes(client.get(LIST, {"category": "barang"})) == []

    def test_bad_filters_are_refused_with_sentences(self, client, bali):
        announced_tender(officials=bali)
        unknown_lpse = client.get(LIST, {"lpse": "atlantis"}, **EN)
        assert unknown_lpse.status_code == 400
        assert unknown_lpse.json()["error"]["fields"] == {
            "lpse": ["No LPSE of this portal has this slug. See /api/v1/lpses."]
        }
        unknown_stage = client.get(LIST, {"stage": "lelang"}, **EN)
        assert unknown_stage.status_code == 400
        assert unknown_stage.json()["error"]["fields"]["stage"] == [
            "No method has a stage with this code. Use a `code` of a tender's `schedule`."
        ]
        upside_down = client.get(LIST, {"hps_min": "5", "hps_max": "1"}, **EN)
        assert upside_down.status_code == 400
        assert upside_down.json()["error"]["code"] == "hps_range"
        assert client.get(LIST, {"method": "lelang_cepat"}).status_code == 400

    def test_cursor_pages_serve_each_tender_once_newest_first(self, client, bali):
        tenders = [announced_tender(officials=bali) for _ in range(5)]
        seen: list[str] = []
        cursor = None
        for _ in range(3):
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            body = client.get(LIST, params).json()
            seen += [item["code"] for item in body["items"]]
            cursor = body["next_cursor"]
        assert cursor is None
        assert seen == [t.code for t in reversed(tenders)]
        by_code = client.get(LIST, {"sort": "code", "limit": 3}).json()
        assert [i["code"] for i in by_code["items"]] == sorted(t.code for t in tenders)[:3]
        bad = client.get(LIST, {"cursor": "bm9wZQ"})
        assert bad.status_code == 400

    def test_the_list_costs_the_same_queries_however_many_rows(
        self, client, bali, lampung, django_assert_max_num_queries
    ):
        announced_tender(officials=bali, open_stage="penjelasan")
        # rows, the page's schedules, stage labels; and the LPSE of the filter.
        with django_assert_max_num_queries(4) as few:
            assert len(codes(client.get(LIST, {"lpse": "karangasem"}))) == 1
        methods = list(TenderMethod)
        for n in range(15):
            tender = announced_tender(officials=bali, method=methods[n % len(methods)])
            join(tender, make_verified_vendor())
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(LIST, {"lpse": "karangasem"})
        assert len(codes(response)) == 16
        assert {i["participant_count"] for i in response.json()["items"]} == {0, 1}


class TestDetail:
    def test_method_schedule_changes_documents_and_counts(self, client, bali):
        tender = announced_tender(officials=bali, open_stage="penjelasan")
        change_schedule(tender, codes=["penjelasan"], reason="Banyak pertanyaan.")
        change_schedule(tender, codes=["penjelasan", "upload_penawaran"], reason="Gangguan.")
        old = document(tender, version=1, content=b"satu", superseded=True)
        new = document(tender, version=2, addendum=addendum(tender), content=b"dua")
        document(
            tender,
            version=3,
            content=b"tiga",
            addendum=addendum(tender, number=2, status=AddendumStatus.AWAITING_PPK),
        )
        join(tender, make_verified_vendor(name="CV Maju Jaya"))
        body = client.get(f"{LIST}/{tender.code}", **EN).json()
        assert body["method"] == "pasca_1_file"
        assert body["status"] == "announced"
        assert [s["code"] for s in body["current_stages"]] == ["penjelasan"]
        assert [s["code"] for s in body["schedule"]] == [
            s.code for s in template_for("pasca_1_file")
        ]
        changes = {s["code"]: s["change_count"] for s in body["schedule"]}
        assert changes["penjelasan"] == 2 and changes["upload_penawaran"] == 1
        assert changes["pengumuman"] == 0
        assert body["schedule_change_count"] == 2
        assert [(c["batch"], c["stage_code"], c["reason"]) for c in body["schedule_changes"]] == [
            (1, "penjelasan", "Banyak pertanyaan."),
            (2, "penjelasan", "Gangguan."),
            (2, "upload_penawaran", "Gangguan."),
        ]
        moved = body["schedule_changes"][0]
        assert dt.datetime.fromisoformat(moved["new_ends_at"]) - dt.datetime.fromisoformat(
            moved["old_ends_at"]
        ) == dt.timedelta(hours=2)
        assert moved["new_ends_at"].endswith("+08:00")
        assert [(d["version"], d["sha256"], d["addendum"]) for d in body["documents"]] == [
            (2, new.file.sha256, 1),
            (1, old.file.sha256, None),
        ]
        assert body["documents"][1]["superseded_at"] is not None
        assert [a["number"] for a in body["addenda"]] == [1]
        assert body["participants"] == ["CV Maju Jaya"]
        assert body["participant_count"] == 1
        assert body["questions"] == {"asked": 0, "answered": 0}
        assert body["rup"]["code"] == tender.package.rup_item.code
        assert body["rup"]["funding_source"] == "apbd"
        assert body["hps"] == "600000000.00"
        assert body["cancellation"] is None

    def test_a_cancelled_tender_carries_its_public_reason(self, client):
        cancelled = cancelled_tender(reason="Anggaran dialihkan.")
        body = client.get(f"{LIST}/{cancelled.code}").json()
        assert body["status"] == "cancelled"
        assert body["cancellation"]["reason"] == "Anggaran dialihkan."
        assert body["current_stages"] == []

    def test_a_draft_answers_exactly_like_a_missing_code(self, client):
        draft = draft_tender()
        hidden = client.get(f"{LIST}/{draft.code}")
        missing = client.get(f"{LIST}/T0000000")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        never = cancelled_tender(announced=False)
        assert client.get(f"{LIST}/{never.code}").json() == missing.json()

    def test_the_endpoints_are_in_the_openapi_document(self, client):
        paths = client.get("/api/v1/openapi.json").json()["paths"]
        assert "get" in paths["/api/v1/tenders"]
        assert "get" in paths["/api/v1/tenders/{code}"]
