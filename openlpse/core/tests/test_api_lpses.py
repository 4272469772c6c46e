"""GET /api/v1/lpses and /api/v1/lpses/{slug}: the public list of tenants."""

from __future__ import annotations

import pytest

from openlpse.organizations.enums import TimeZone
from openlpse.organizations.tests.factories import LpseFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_list_shows_active_lpses_by_name_with_their_zone(client):
    LpseFactory(
        slug="karangasem",
        name="LPSE Kabupaten Karangasem",
        region="Kabupaten Karangasem",
        time_zone=TimeZone.WITA,
    )
    LpseFactory(
        slug="lampung-timur", name="LPSE Kabupaten Lampung Timur", region="Kabupaten Lampung Timur"
    )
    LpseFactory(slug="closed", name="LPSE Closed", is_active=False)

    response = client.get("/api/v1/lpses")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "slug": "karangasem",
                "name": "LPSE Kabupaten Karangasem",
                "region": "Kabupaten Karangasem",
                "time_zone": "Asia/Makassar",
                "zone": "WITA",
            },
            {
                "slug": "lampung-timur",
                "name": "LPSE Kabupaten Lampung Timur",
                "region": "Kabupaten Lampung Timur",
                "time_zone": "Asia/Jakarta",
                "zone": "WIB",
            },
        ],
        "next_cursor": None,
    }


def test_list_pages_with_a_cursor_in_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    for i in range(5):
        LpseFactory(slug=f"lpse-{i}", name=f"LPSE {i}")
    first = client.get("/api/v1/lpses?limit=2").json()
    assert [x["slug"] for x in first["items"]] == ["lpse-0", "lpse-1"]
    with django_assert_max_num_queries(1):
        second = client.get("/api/v1/lpses", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [x["slug"] for x in second["items"]] == ["lpse-2", "lpse-3"]
    third = client.get("/api/v1/lpses", {"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [x["slug"] for x in third["items"]] == ["lpse-4"]
    assert third["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=0", "limit", "Expected a number of at least 1."),
        ("limit=201", "limit", "Expected a number of at most 200."),
        ("limit=ten", "limit", "Expected a whole number."),
        (
            "cursor=garbage",
            "cursor",
            "This cursor is not valid for this list. Use the next_cursor of the previous page, "
            "or start again without a cursor.",
        ),
    ],
)
def test_bad_paging_parameters_are_400_naming_the_parameter(client, query, field, message):
    response = client.get(f"/api/v1/lpses?{query}", **EN)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["fields"] == {field: [message]}


def test_detail_shows_public_contact_data(client):
    LpseFactory(
        slug="karangasem",
        name="LPSE Kabupaten Karangasem",
        region="Kabupaten Karangasem",
        province="Bali",
        time_zone=TimeZone.WITA,
        address="Jl. Ngurah Rai",
        phone="0363-21000",
        email="lpse@karangasemkab.go.id",
        website="https://lpse.karangasemkab.go.id",
        helpdesk_hours="08:00-15:00",
    )
    response = client.get("/api/v1/lpses/karangasem")
    assert response.status_code == 200
    assert response.json() == {
        "slug": "karangasem",
        "name": "LPSE Kabupaten Karangasem",
        "region": "Kabupaten Karangasem",
        "time_zone": "Asia/Makassar",
        "zone": "WITA",
        "province": "Bali",
        "address": "Jl. Ngurah Rai",
        "phone": "0363-21000",
        "email": "lpse@karangasemkab.go.id",
        "website": "https://lpse.karangasemkab.go.id",
        "helpdesk_hours": "08:00-15:00",
    }


@pytest.mark.parametrize("slug", ["missing", "closed"])
def test_detail_of_a_missing_or_inactive_lpse_is_404(client, slug):
    LpseFactory(slug="closed", is_active=False)
    response = client.get(f"/api/v1/lpses/{slug}", **EN)
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "The item was not found, or you do not have access to it.",
        }
    }
