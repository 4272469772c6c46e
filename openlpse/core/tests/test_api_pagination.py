"""Cursor pagination: every row served once, in order, even while rows are inserted."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from openlpse.core import errors
from openlpse.core.pagination import MAX_LIMIT, decode_cursor, encode_cursor, paginate
from openlpse.organizations.models import Lpse
from openlpse.organizations.tests.factories import LpseFactory

NAMES = st.sampled_from(["Aceh", "Bali", "Bali", "Jambi", "Papua", "Riau"])  # duplicates on purpose


def _walk(order_by: str, limit: int, inserts: list[list[str]], counter: list[int]) -> list[Lpse]:
    """Page through all LPSEs; before fetching page n, insert the LPSEs named in inserts[n]."""
    served: list[Lpse] = []
    cursor = None
    page_no = 0
    while True:
        for name in inserts[page_no] if page_no < len(inserts) else []:
            counter[0] += 1
            Lpse.objects.create(slug=f"new-{counter[0]}", name=name, region="x")
        page = paginate(Lpse.objects.all(), order_by=order_by, cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        served.extend(page.items)
        page_no += 1
        assert page_no < 200, "pagination does not advance"
        if page.next_cursor is None:
            return served
        assert len(page.items) == limit
        cursor = page.next_cursor


def _key(lpse: Lpse) -> tuple[str, int]:
    return (lpse.name, lpse.pk)


class PaginationPropertyTests(TestCase):
    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        initial=st.lists(NAMES, max_size=12),
        limit=st.integers(min_value=1, max_value=5),
        inserts=st.lists(st.lists(NAMES, max_size=3), max_size=6),
        descending=st.booleans(),
    )
    def test_rows_present_throughout_are_served_exactly_once_in_order(
        self, initial, limit, inserts, descending
    ):
        for i, name in enumerate(initial):
            Lpse.objects.create(slug=f"old-{i}", name=name, region="x")
        before = set(Lpse.objects.values_list("pk", flat=True))
        order_by = "-name" if descending else "name"

        served = _walk(order_by, limit, inserts, counter=[0])

        served_pks = [lpse.pk for lpse in served]
        assert len(served_pks) == len(set(served_pks)), "a row was served twice"
        assert before <= set(served_pks), "a row that existed throughout was skipped"
        keys = [_key(lpse) for lpse in served]
        assert keys == sorted(keys, reverse=descending), "rows are out of order"


@pytest.mark.django_db
class TestPaginate:
    def test_pages_cover_everything_and_the_last_page_has_no_cursor(self):
        for i in range(5):
            LpseFactory(name=f"LPSE {i}")
        first = paginate(Lpse.objects.all(), order_by="name", cursor=None, limit=2)
        second = paginate(Lpse.objects.all(), order_by="name", cursor=first.next_cursor, limit=2)
        third = paginate(Lpse.objects.all(), order_by="name", cursor=second.next_cursor, limit=2)
        assert [x.name for x in first.items + second.items + third.items] == [
            f"LPSE {i}" for i in range(5)
        ]
        assert third.next_cursor is None

    def test_exactly_one_full_page_has_no_next_cursor(self):
        LpseFactory.create_batch(2)
        page = paginate(Lpse.objects.all(), order_by="name", cursor=None, limit=2)
        assert len(page.items) == 2
        assert page.next_cursor is None

    def test_datetime_keys_round_trip(self):
        lpses = LpseFactory.create_batch(3)
        first = paginate(Lpse.objects.all(), order_by="-created_at", cursor=None, limit=1)
        rest = paginate(
            Lpse.objects.all(), order_by="-created_at", cursor=first.next_cursor, limit=10
        )
        assert len(first.items) + len(rest.items) == len(lpses)
        assert {x.pk for x in first.items + rest.items} == {x.pk for x in lpses}

    @pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
    def test_limit_out_of_bounds_is_refused(self, limit):
        with pytest.raises(errors.ValidationError) as caught:
            paginate(Lpse.objects.all(), order_by="name", cursor=None, limit=limit)
        assert set(caught.value.fields) == {"limit"}

    @pytest.mark.parametrize(
        "cursor",
        [
            "not base64 !!",
            base64.urlsafe_b64encode(b"not json").decode(),
            base64.urlsafe_b64encode(b"[1, 2]").decode(),
            base64.urlsafe_b64encode(json.dumps({"o": "name", "k": "a"}).encode()).decode(),
            base64.urlsafe_b64encode(
                json.dumps({"o": "name", "k": None, "i": 1}).encode()
            ).decode(),
            base64.urlsafe_b64encode(
                json.dumps({"o": "name", "k": "a", "i": "x"}).encode()
            ).decode(),
            base64.urlsafe_b64encode(
                json.dumps({"o": "name", "k": "a", "i": [1]}).encode()
            ).decode(),
            encode_cursor(order_by="-name", key="a", pk=1),  # cursor of another ordering
            "A" * 2000,
        ],
    )
    def test_forged_cursors_are_refused_as_invalid(self, cursor):
        with pytest.raises(errors.ValidationError) as caught:
            paginate(Lpse.objects.all(), order_by="name", cursor=cursor, limit=10)
        assert set(caught.value.fields) == {"cursor"}

    def test_cursor_for_datetime_with_a_malformed_value_is_invalid(self):
        cursor = encode_cursor(order_by="created_at", key="yesterday", pk=1)
        with pytest.raises(errors.ValidationError):
            paginate(Lpse.objects.all(), order_by="created_at", cursor=cursor, limit=10)

    def test_cursor_round_trip(self):
        field = Lpse._meta.get_field("name")
        cursor = encode_cursor(order_by="name", key="Bali", pk=7)
        assert "=" not in cursor
        assert decode_cursor(cursor, order_by="name", key_field=field, pk_field=Lpse._meta.pk) == (
            "Bali",
            7,
        )

    @pytest.mark.parametrize("order_by", ["logo", "nonexistent", "website__x"])
    def test_only_plain_non_null_fields_can_be_sort_keys(self, order_by):
        with pytest.raises(ImproperlyConfigured):
            paginate(Lpse.objects.all(), order_by=order_by, cursor=None, limit=10)

    def test_a_page_costs_one_query(self, django_assert_num_queries):
        LpseFactory.create_batch(5)
        first = paginate(Lpse.objects.all(), order_by="name", cursor=None, limit=2)
        with django_assert_num_queries(1):
            paginate(Lpse.objects.all(), order_by="name", cursor=first.next_cursor, limit=2)
