"""The public tender list: which tenders are public, every filter, sorting, paging, the LPSE's
own list, times in the LPSE zone and a query count that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from openlpse.core import errors
from openlpse.core.timezones import local_datetime_label
from openlpse.plans.enums import ProcurementType
from openlpse.plans.tests.factories import make_planning_officials
from openlpse.tenders import selectors_public
from openlpse.tenders.enums import TenderMethod, TenderStatus
from openlpse.tenders.selectors_public import PublicFilters
from openlpse.tenders.tests.factories import announced_tender
from openlpse.tenders.tests.public_support import cancelled_tender, draft_tender, set_hps

pytestmark = pytest.mark.django_db

LIST = reverse("tenders:public_list")


def codes(queryset) -> set[str]:
    return {t.code for t in queryset}


def listed(response) -> list[str]:
    return [row["tender"].code for row in response.context["rows"]]


@pytest.fixture
def world(lpse_karangasem, lpse_lampung_timur):
    """Tenders at two LPSEs (WITA and WIB) in different methods, stages, values, categories
    and years, plus a draft and a tender cancelled before it was announced."""
    bali = make_planning_officials(lpse=lpse_karangasem)
    lampung = make_planning_officials(lpse=lpse_lampung_timur)
    road = announced_tender(officials=bali, open_stage="penjelasan", name="Jalan Lingkar Amlapura")
    set_hps(road, "900000000.00")
    bridge = announced_tender(
        officials=lampung, method=TenderMethod.PRA_2_FILE, name="Jembatan Sukadana"
    )
    set_hps(bridge, "1200000000.00")
    laptops = announced_tender(
        officials=lampung, method=TenderMethod.PENGADAAN_LANGSUNG, name="Pengadaan Laptop"
    )
    package = laptops.package
    package.procurement_type = ProcurementType.BARANG
    package.fiscal_year = 2025
    package.save(update_fields=["procurement_type", "fiscal_year"])
    failed = announced_tender(officials=bali, name="Gedung Gagal")
    failed.status = TenderStatus.FAILED
    failed.save(update_fields=["status"])
    cancelled = cancelled_tender()
    hidden_draft = draft_tender()
    never_announced = cancelled_tender(announced=False)
    return {
        "bali": bali,
        "lampung": lampung,
        "road": road,
        "bridge": bridge,
        "laptops": laptops,
        "failed": failed,
        "cancelled": cancelled,
        "draft": hidden_draft,
        "never_announced": never_announced,
    }


def public(**filters) -> set[str]:
    return codes(selectors_public.public_tenders(filters=PublicFilters(**filters)))


class TestWhichTendersArePublic:
    def test_announced_cancelled_and_failed_are_public_drafts_are_not(self, world):
        assert public() == {
            world[k].code for k in ("road", "bridge", "laptops", "failed", "cancelled")
        }

    def test_the_page_lists_exactly_the_public_tenders(self, client, world):
        response = client.get(LIST)
        assert response.status_code == 200
        assert set(listed(response)) == public()
        assert response.context["page"].paginator.count == 5
        content = response.content.decode()
        assert world["draft"].code not in content
        assert world["never_announced"].code not in content


class TestFilters:
    def test_by_lpse(self, world):
        assert public(lpse=world["bali"].lpse) == {world["road"].code, world["failed"].code}

    def test_by_agency(self, world):
        agency = world["lampung"].agency
        assert public(agency_id=agency.pk) == {world["bridge"].code, world["laptops"].code}

    def test_by_category(self, world):
        assert public(category=ProcurementType.BARANG) == {world["laptops"].code}

    def test_by_method(self, world):
        assert public(method=TenderMethod.PRA_2_FILE) == {world["bridge"].code}
        assert public(method=TenderMethod.PENGADAAN_LANGSUNG) == {world["laptops"].code}

    def test_by_current_stage_by_the_server_clock(self, world):
        assert public(stage="penjelasan") == {world["road"].code}
        # Two days later the explanation (one day long in the factory layout) is over.
        later = timezone.now() + dt.timedelta(days=2)
        assert public(stage="penjelasan", at=later) == set()

    def test_a_cancelled_or_failed_tender_has_no_current_stage(self, world):
        # Both have a stage laid out "now", but they no longer run.
        first_stage = "pengumuman"
        assert world["failed"].code not in public(stage=first_stage)
        assert world["cancelled"].code not in public(stage=first_stage)

    def test_by_status(self, world):
        assert public(status=TenderStatus.FAILED) == {world["failed"].code}
        assert public(status=TenderStatus.CANCELLED) == {world["cancelled"].code}

    def test_by_year(self, world):
        assert public(year=2025) == {world["laptops"].code}

    def test_by_hps_range_inclusive(self, world):
        assert public(hps_min=Decimal("900000000.00"), hps_max=Decimal("1200000000.00")) == {
            world["road"].code,
            world["bridge"].code,
        }
        assert public(hps_min=Decimal("1000000000")) == {world["bridge"].code}

    def test_an_upside_down_range_is_refused_with_a_sentence(self, world):
        with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
            public(hps_min=Decimal("2"), hps_max=Decimal("1"))
        assert caught.value.code == "hps_range"
        with translation.override("en"):
            message = str(caught.value)
        assert message == (
            "The lowest HPS is above the highest HPS. Enter a lowest value that is not more "
            "than the highest, or leave one of them empty."
        )

    def test_by_text_in_name_code_rup_code_and_agency(self, world):
        road = world["road"]
        assert public(text="lingkar") == {road.code}
        assert public(text=road.code.lower()) == {road.code}
        assert public(text=road.package.rup_item.code) == {road.code}
        assert public(text=road.package.agency.name) == {road.code, world["failed"].code}

    def test_filters_combine(self, world):
        assert public(lpse=world["lampung"].lpse, method=TenderMethod.PRA_2_FILE, year=2026) == {
            world["bridge"].code
        }

    def test_the_page_applies_the_filters_from_the_query(self, client, world):
        response = client.get(LIST, {"method": "pengadaan_langsung", "category": "barang"})
        assert listed(response) == [world["laptops"].code]
        response = client.get(LIST, {"lpse": world["bali"].lpse.slug, "stage": "penjelasan"})
        assert listed(response) == [world["road"].code]
        response = client.get(LIST, {"hps_min": "1000000000", "q": "sukadana"})
        assert listed(response) == [world["bridge"].code]

    def test_the_page_shows_an_upside_down_range_and_keeps_what_was_typed(self, client, world):
        client.cookies["openlpse_language"] = "en"
        response = client.get(LIST, {"hps_min": "5", "hps_max": "1", "q": "lingkar"})
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["hps_max"] == [
            "The lowest HPS is above the highest HPS. Enter a lowest value that is not more "
            "than the highest, or leave one of them empty."
        ]
        assert listed(response) == [world["road"].code]  # the other filters still apply
        content = response.content.decode()
        assert 'value="5"' in content and 'value="1"' in content and 'value="lingkar"' in content

    def test_the_page_reports_a_bad_value_next_to_its_field(self, client, world):
        response = client.get(LIST, {"method": "lelang_cepat", "year": "abc"})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"method", "year"}
        assert len(listed(response)) == 5


class TestSortingAndPaging:
    def test_sort_by_hps_both_ways(self, client, world):
        ascending = listed(client.get(LIST, {"sort": "hps"}))
        hps = {
            t.code: t.package.hps_total
            for t in selectors_public.public_tenders(filters=PublicFilters())
        }
        assert [hps[c] for c in ascending] == sorted(hps.values())
        descending = listed(client.get(LIST, {"sort": "-hps"}))
        assert [hps[c] for c in descending] == sorted(hps.values(), reverse=True)

    def test_sort_by_code_and_default_newest_announcement_first(self, client, world):
        by_code = listed(client.get(LIST, {"sort": "code"}))
        assert by_code == sorted(by_code)
        newest = listed(client.get(LIST))
        tenders = {t.code: t for t in selectors_public.public_tenders(filters=PublicFilters())}
        announced = [tenders[c].announced_at for c in newest]
        assert announced == sorted(announced, reverse=True)

    def test_an_unknown_sort_is_ignored_with_a_message(self, client, world):
        response = client.get(LIST, {"sort": "harga"})
        assert response.status_code == 200
        assert "sort" in response.context["form"].errors
        assert response.context["sort"] == "-announced"

    def test_pages_of_twenty_five(self, client, lpse_lampung_timur):
        officials = make_planning_officials(lpse=lpse_lampung_timur)
        for n in range(27):
            announced_tender(officials=officials, name=f"Paket Halaman {n:02d}")
        first = client.get(LIST, {"sort": "name"})
        assert len(listed(first)) == 25
        assert first.context["page"].paginator.count == 27
        second = client.get(LIST, {"sort": "name", "page": 2})
        names = [row["tender"].name for row in second.context["rows"]]
        assert names == ["Paket Halaman 25", "Paket Halaman 26"]


class TestPage:
    def test_current_stage_and_times_in_the_lpse_zone(self, client, world):
        client.cookies["openlpse_language"] = "en"
        content = client.get(LIST, {"lpse": world["bali"].lpse.slug}).content.decode()
        road = world["road"]
        assert "Pemberian Penjelasan" not in content  # English labels in English
        assert "Explanation (aanwijzing)" in content
        label = local_datetime_label(road.announced_at, "Asia/Makassar")
        assert label.endswith(" WITA")
        with translation.override("en"):
            assert local_datetime_label(road.announced_at, "Asia/Makassar") in content
        assert "Tender failed (Tender Gagal)" in content

    def test_stage_names_in_indonesian_by_default(self, client, world):
        content = client.get(LIST, {"lpse": world["bali"].lpse.slug}).content.decode()
        assert "Pemberian Penjelasan" in content

    def test_the_lpse_own_list(self, client, world):
        url = reverse("tenders:public_lpse_list", args=[world["bali"].lpse.slug])
        response = client.get(url)
        assert response.status_code == 200
        assert set(listed(response)) == {world["road"].code, world["failed"].code}
        assert "lpse" not in response.context["form"].fields
        assert response.context["request"].lpse == world["bali"].lpse
        # The LPSE's list still takes the other filters.
        assert listed(client.get(url, {"status": "failed"})) == [world["failed"].code]

    def test_an_unknown_lpse_list_is_not_found(self, client, world):
        url = reverse("tenders:public_lpse_list", args=["tidak-ada"])
        assert client.get(url).status_code == 404

    def test_only_get(self, client, world):
        assert client.post(LIST).status_code == 405

    def test_the_list_costs_the_same_queries_however_many_rows(
        self, client, lpse_lampung_timur, lpse_karangasem, django_assert_max_num_queries
    ):
        lampung = make_planning_officials(lpse=lpse_lampung_timur)
        bali = make_planning_officials(lpse=lpse_karangasem)
        announced_tender(officials=lampung, open_stage="penjelasan")
        client.get(LIST)  # warm the session
        # The page's own reads are 6 (LPSEs, agencies, stage labels, count, rows, the page's
        # schedules); the rest is the layout (the current LPSE, the menu), which may grow as
        # apps add entries, hence the margin.
        with django_assert_max_num_queries(10) as few:
            assert client.get(LIST).status_code == 200
        methods = list(TenderMethod)
        for n in range(20):
            tender = announced_tender(
                officials=bali if n % 2 else lampung, method=methods[n % len(methods)]
            )
            if n % 3 == 0:
                cancelled = tender
                cancelled.status = TenderStatus.CANCELLED
                cancelled.cancel_reason = "Dibatalkan."
                cancelled.save(update_fields=["status", "cancel_reason"])
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(LIST)
        assert len(listed(response)) == 21
