"""/api/v1/me and /api/v1/tokens over Bearer-token authentication."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import ApiToken
from openlpse.accounts.services import tokens
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core import clock
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import AgencyFactory, LpseFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", **EN}


@pytest.fixture
def owner():
    return UserFactory(username="budi", full_name="Budi Santoso")


@pytest.fixture
def secret(owner):
    return tokens.token_create(user=owner, name="first", actor=None).secret


def _counts() -> tuple[int, int, int]:
    return (
        ApiToken.objects.count(),
        ApiToken.objects.filter(revoked_at__isnull=False).count(),
        AuditEvent.objects.count(),
    )


class TestMe:
    def test_me_shows_the_user_and_roles_in_force_today(self, client, owner, secret):
        lpse = LpseFactory(slug="lampung-timur")
        agency = AgencyFactory(lpse=lpse, name="Dinas PUPR")
        RoleAssignmentFactory(
            user=owner, role=Role.LPSE_ADMIN, lpse=lpse, starts_on=dt.date(2025, 1, 1)
        )
        RoleAssignmentFactory(
            user=owner,
            role=Role.PPK,
            scope_kind=ScopeKind.AGENCY,
            lpse=lpse,
            agency=agency,
            starts_on=dt.date(2026, 1, 1),
            ends_on=None,
        )
        # Ended and future assignments are not shown.
        RoleAssignmentFactory(
            user=owner,
            role=Role.AUDITOR,
            lpse=lpse,
            starts_on=dt.date(2020, 1, 1),
            ends_on=dt.date(2020, 12, 31),
        )
        RoleAssignmentFactory(
            user=owner,
            role=Role.KPA,
            scope_kind=ScopeKind.AGENCY,
            lpse=lpse,
            agency=agency,
            starts_on=dt.date(2099, 1, 1),
        )

        with clock.frozen(dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)):
            response = client.get("/api/v1/me", **bearer(secret))

        assert response.status_code == 200
        body = response.json()
        assert body["username"] == "budi"
        assert body["full_name"] == "Budi Santoso"
        assert sorted(
            (r["role"], r["scope_kind"], r["lpse"], r["agency"]) for r in body["roles"]
        ) == [
            ("lpse_admin", "lpse", "lampung-timur", None),
            ("ppk", "agency", "lampung-timur", "Dinas PUPR"),
        ]
        ppk = next(r for r in body["roles"] if r["role"] == "ppk")
        assert ppk["role_label"] == "Commitment official (PPK)"
        assert ppk["starts_on"] == "2026-01-01"
        assert ppk["ends_on"] is None

    def test_me_answers_no_store_to_caches(self, client, secret):
        response = client.get("/api/v1/me", **bearer(secret))
        assert response["Cache-Control"] == "no-store"

    def test_revoked_token_is_refused(self, client, owner, secret):
        tokens.token_revoke(token=ApiToken.objects.get(), actor=owner)
        response = client.get("/api/v1/me", **bearer(secret))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"

    def test_expired_token_is_refused_with_its_own_code(self, client, owner, settings):
        settings.API_TOKEN_DAYS = 1
        t0 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
        with clock.frozen(t0):
            issued = tokens.token_create(user=owner, name="short", actor=None)
        with clock.frozen(t0 + dt.timedelta(days=2)):
            response = client.get("/api/v1/me", **bearer(issued.secret))
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="OpenLPSE", error="invalid_token"'
        assert response.json() == {
            "error": {
                "code": "token_expired",
                "message": "This API token has expired. Create a new token and try again.",
            }
        }

    def test_token_of_deactivated_user_is_refused(self, client, owner, secret):
        owner.is_active = False
        owner.save(update_fields=["is_active"])
        response = client.get("/api/v1/me", **bearer(secret))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"

    def test_use_updates_last_used_at(self, client, secret):
        at = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
        with clock.frozen(at):
            client.get("/api/v1/me", **bearer(secret))
        assert ApiToken.objects.get().last_used_at == at


class TestTokensEndpoint:
    def test_create_shows_the_token_once_and_stores_its_hash(self, client, owner, secret, settings):
        settings.API_TOKEN_DAYS = 90
        at = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
        with clock.frozen(at):
            response = client.post(
                "/api/v1/tokens",
                data={"name": "SIRUP bridge"},
                content_type="application/json",
                **bearer(secret),
            )
        assert response.status_code == 201
        body = response.json()
        new = ApiToken.objects.get(pk=body["id"])
        assert new.user == owner
        assert new.created_by == owner
        assert new.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
        assert body == {
            "id": new.pk,
            "name": "SIRUP bridge",
            "prefix": body["token"][:12],
            "created_at": "2026-06-01T03:00:00Z",
            "expires_at": "2026-08-30T03:00:00Z",
            "last_used_at": None,
            "revoked_at": None,
            "is_active": True,
            "token": body["token"],
        }
        assert AuditEvent.objects.filter(action="api_token.create", actor_id=owner.pk).count() == 1
        # The list never shows the token again.
        listed = client.get("/api/v1/tokens", **bearer(secret)).json()
        assert all("token" not in item for item in listed["items"])

    @pytest.mark.parametrize(
        ("payload", "fields"),
        [
            ({}, {"name": ["This field is required."]}),
            ({"name": ""}, {"name": ["Use at least 1 characters."]}),
            ({"name": "x" * 101}, {"name": ["Use at most 100 characters."]}),
            ({"name": 7}, {"name": ["Expected text (a JSON string)."]}),
            (
                {"name": "ok", "user": "someone-else"},
                {"user": ["This field is not accepted here. Remove it."]},
            ),
        ],
    )
    def test_create_refuses_bad_input_and_creates_nothing(self, client, secret, payload, fields):
        before = _counts()
        response = client.post(
            "/api/v1/tokens", data=payload, content_type="application/json", **bearer(secret)
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid"
        assert response.json()["error"]["fields"] == fields
        assert _counts() == before

    def test_create_refuses_a_blank_name_with_the_service_message(self, client, secret):
        before = _counts()
        response = client.post(
            "/api/v1/tokens",
            data={"name": "   "},
            content_type="application/json",
            **bearer(secret),
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "name": ["Give the token a name, for example the system that will use it."]
        }
        assert _counts() == before

    def test_create_without_a_token_is_401_and_creates_nothing(self, client, secret):
        before = _counts()
        response = client.post(
            "/api/v1/tokens", data={"name": "x"}, content_type="application/json", **EN
        )
        assert response.status_code == 401
        assert _counts() == before

    def test_list_shows_only_my_tokens_newest_first(self, client, owner, secret):
        other = UserFactory()
        tokens.token_create(user=other, name="not mine", actor=None)
        with clock.frozen(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)):
            tokens.token_create(user=owner, name="second", actor=owner)
        response = client.get("/api/v1/tokens", **bearer(secret))
        assert response.status_code == 200
        assert [item["name"] for item in response.json()["items"]] == ["second", "first"]
        assert response.json()["next_cursor"] is None

    def test_list_is_cursor_paginated(self, client, owner, secret):
        for i in range(3):
            tokens.token_create(user=owner, name=f"extra {i}", actor=owner)
        first = client.get("/api/v1/tokens?limit=3", **bearer(secret)).json()
        rest = client.get(
            "/api/v1/tokens", {"limit": 3, "cursor": first["next_cursor"]}, **bearer(secret)
        ).json()
        names = [i["name"] for i in first["items"] + rest["items"]]
        assert sorted(names) == ["extra 0", "extra 1", "extra 2", "first"]
        assert rest["next_cursor"] is None

    def test_revoke_my_token(self, client, owner, secret):
        issued = tokens.token_create(user=owner, name="to revoke", actor=owner)
        response = client.delete(f"/api/v1/tokens/{issued.token.pk}", **bearer(secret))
        assert response.status_code == 204
        assert response.content == b""
        issued.token.refresh_from_db()
        assert issued.token.revoked_at is not None
        assert AuditEvent.objects.filter(action="api_token.revoke", actor_id=owner.pk).count() == 1
        assert client.get("/api/v1/me", **bearer(issued.secret)).status_code == 401

    def test_revoking_the_token_in_use_ends_it_at_once(self, client, secret):
        token = ApiToken.objects.get()
        assert client.delete(f"/api/v1/tokens/{token.pk}", **bearer(secret)).status_code == 204
        assert client.get("/api/v1/me", **bearer(secret)).status_code == 401

    @pytest.mark.parametrize("whose", ["other", "missing"])
    def test_revoking_someone_elses_or_a_missing_token_is_404_and_changes_nothing(
        self, client, secret, whose
    ):
        other_token = tokens.token_create(user=UserFactory(), name="theirs", actor=None).token
        token_id = other_token.pk if whose == "other" else other_token.pk + 999
        before = _counts()
        response = client.delete(f"/api/v1/tokens/{token_id}", **bearer(secret))
        assert response.status_code == 404
        assert response.json() == {
            "error": {"code": "not_found", "message": "No API token of yours has this id."}
        }
        assert _counts() == before

    @pytest.mark.parametrize("token_id", ["abc", "99999999999999999999999"])
    def test_malformed_token_id_is_refused_cleanly(self, client, secret, token_id):
        response = client.delete(f"/api/v1/tokens/{token_id}", **bearer(secret))
        assert response.status_code in {400, 404}
        assert response.json()["error"]["code"] in {"invalid", "not_found"}
