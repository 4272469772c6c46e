"""The API's one error format, for every kind of failure, in the request's language.

This module is also a URLconf (`pytest.mark.urls`): a small API built with the same handlers
raises each kind of exception on purpose.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.urls import path
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthorizationError
from ninja.errors import Throttled as NinjaThrottled

from openlpse.accounts.models import ApiToken
from openlpse.accounts.services import tokens
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import JsonParser, install

# --- a throw-away API that raises on purpose -------------------------------------------------

probe = NinjaAPI(urls_namespace="probe_api", parser=JsonParser(), docs_url=None)
install(probe)


class ProbeIn(InputSchema):
    name: str
    count: int


@probe.post("/echo")
def echo(request: HttpRequest, payload: ProbeIn) -> dict[str, object]:
    return {"name": payload.name, "count": payload.count}


@probe.get("/conflict")
def conflict(request: HttpRequest) -> None:
    raise errors.Conflict()


@probe.get("/throttled")
def throttled(request: HttpRequest) -> None:
    raise errors.Throttled(retry_after=42)


@probe.get("/ninja-throttled")
def ninja_throttled(request: HttpRequest) -> None:
    raise NinjaThrottled(wait=7)


@probe.get("/forbidden")
def forbidden(request: HttpRequest) -> None:
    raise DjangoPermissionDenied


@probe.get("/ninja-forbidden")
def ninja_forbidden(request: HttpRequest) -> None:
    raise AuthorizationError()


@probe.get("/missing")
def missing(request: HttpRequest) -> None:
    raise Http404("secret detail")


@probe.get("/model-invalid")
def model_invalid(request: HttpRequest) -> None:
    raise DjangoValidationError({"email": ["Enter a valid e-mail address."]})


@probe.get("/boom")
def boom(request: HttpRequest) -> None:
    raise RuntimeError("database password is hunter2")


urlpatterns = [path("api/probe/", probe.urls)]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _error(response) -> dict:
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


# --- mapping of exceptions (probe API) -------------------------------------------------------


@pytest.mark.urls(__name__)
class TestExceptionMapping:
    def test_domain_error_uses_its_status_code_and_message(self, client):
        response = client.get("/api/probe/conflict", **EN)
        assert response.status_code == 409
        assert _error(response) == {
            "code": "conflict",
            "message": "This conflicts with the current state. Reload the page and try again.",
        }

    def test_throttled_domain_error_is_429_with_retry_after(self, client):
        response = client.get("/api/probe/throttled", **EN)
        assert response.status_code == 429
        assert response["Retry-After"] == "42"
        assert _error(response)["code"] == "throttled"

    def test_ninja_throttle_is_mapped_to_the_same_429(self, client):
        response = client.get("/api/probe/ninja-throttled", **EN)
        assert response.status_code == 429
        assert response["Retry-After"] == "7"
        assert _error(response)["code"] == "throttled"

    @pytest.mark.parametrize("url", ["/api/probe/forbidden", "/api/probe/ninja-forbidden"])
    def test_permission_errors_are_403(self, client, url):
        response = client.get(url, **EN)
        assert response.status_code == 403
        assert _error(response) == {
            "code": "permission_denied",
            "message": "You do not have permission to do this.",
        }

    def test_http404_is_404_without_its_detail(self, client):
        response = client.get("/api/probe/missing", **EN)
        assert response.status_code == 404
        assert _error(response) == {
            "code": "not_found",
            "message": "The item was not found, or you do not have access to it.",
        }

    def test_django_validation_error_names_the_field(self, client):
        response = client.get("/api/probe/model-invalid", **EN)
        assert response.status_code == 400
        assert _error(response)["fields"] == {"email": ["Enter a valid e-mail address."]}

    def test_unexpected_exception_is_a_logged_500_without_traceback(self, client, caplog):
        with caplog.at_level(logging.ERROR, logger="openlpse.api"):
            response = client.get("/api/probe/boom", **EN)
        assert response.status_code == 500
        assert _error(response) == {
            "code": "server_error",
            "message": "Something went wrong on the server. The error was logged; please try again later.",
        }
        assert b"hunter2" not in response.content
        assert b"Traceback" not in response.content
        assert any(
            record.exc_info and "hunter2" in str(record.exc_info[1]) for record in caplog.records
        )


@pytest.mark.urls(__name__)
class TestBodyValidation:
    def post(self, client, body, **extra):
        return client.post(
            "/api/probe/echo", data=body, content_type="application/json", **{**EN, **extra}
        )

    def test_valid_body_is_accepted(self, client):
        response = self.post(client, json.dumps({"name": "a", "count": 2}))
        assert response.status_code == 200
        assert response.json() == {"name": "a", "count": 2}

    @pytest.mark.parametrize(
        "body", ["{bad", '{"name": "a",}', "", "\xff", '{"name": "a", "count": NaN}']
    )
    def test_malformed_json_is_400_malformed_json(self, client, body):
        response = self.post(client, body.encode("latin-1") if body == "\xff" else body)
        if body == "":
            # An empty body is a missing body, reported on "body".
            assert response.status_code == 400
            assert _error(response)["fields"] == {"body": ["This field is required."]}
            return
        assert response.status_code == 400
        assert _error(response) == {
            "code": "malformed_json",
            "message": "The request body is not valid JSON. Send a JSON object and set Content-Type: application/json.",
        }

    def test_wrong_types_name_each_field_and_what_is_expected(self, client):
        response = self.post(client, json.dumps({"name": 5, "count": "many"}))
        assert response.status_code == 400
        error = _error(response)
        assert error["code"] == "invalid"
        assert (
            error["message"]
            == "Some of the data is not valid. Correct the marked fields and try again."
        )
        assert error["fields"] == {
            "name": ["Expected text (a JSON string)."],
            "count": ["Expected a whole number."],
        }

    def test_unknown_fields_are_refused(self, client):
        response = self.post(client, json.dumps({"name": "a", "count": 1, "is_admin": True}))
        assert response.status_code == 400
        assert _error(response)["fields"] == {
            "is_admin": ["This field is not accepted here. Remove it."]
        }

    def test_missing_fields_are_listed(self, client):
        response = self.post(client, json.dumps({}))
        assert response.status_code == 400
        assert _error(response)["fields"] == {
            "name": ["This field is required."],
            "count": ["This field is required."],
        }

    def test_a_body_that_is_not_an_object_is_reported_on_body(self, client):
        response = self.post(client, json.dumps([1, 2]))
        assert response.status_code == 400
        assert _error(response)["fields"] == {"body": ["Expected a JSON object."]}

    def test_oversized_body_is_413(self, client, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
        response = self.post(client, json.dumps({"name": "x" * 200, "count": 1}))
        assert response.status_code == 413
        assert _error(response) == {
            "code": "too_large",
            "message": "The request body is too large. Send at most 100 bytes.",
        }


# --- the real API: paths, methods, authentication, language -----------------------------------


@pytest.mark.django_db
class TestRealApi:
    @pytest.mark.parametrize(
        "url", ["/api/v1/no-such-thing", "/api/v1/lpses/", "/api/v2/lpses", "/api/"]
    )
    def test_unknown_paths_under_api_are_json_404(self, client, url):
        response = client.get(url, **EN)
        assert response.status_code == 404
        assert _error(response) == {
            "code": "not_found",
            "message": "There is no API endpoint at this address. See /api/v1/openapi.json.",
        }

    def test_wrong_method_is_json_405_with_allow(self, client):
        response = client.put("/api/v1/lpses", **EN)
        assert response.status_code == 405
        assert response["Allow"] == "GET"
        assert _error(response) == {
            "code": "method_not_allowed",
            "message": "This address does not accept the PUT method. Allowed: GET.",
        }

    def test_missing_token_is_401_with_www_authenticate(self, client):
        response = client.get("/api/v1/me", **EN)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="OpenLPSE"'
        assert _error(response) == {
            "code": "not_authenticated",
            "message": "Sign in first: send your API token in the header Authorization: Bearer <token>.",
        }

    def test_other_authorization_scheme_is_not_authenticated(self, client):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz", **EN)
        assert response.status_code == 401
        assert _error(response)["code"] == "not_authenticated"

    def test_unknown_token_is_401_invalid_token(self, client):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer olp_not-a-real-token", **EN)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="OpenLPSE", error="invalid_token"'
        assert _error(response)["code"] == "invalid_token"

    def test_malformed_json_on_a_real_endpoint(self, client):
        issued = tokens.token_create(user=UserFactory(), name="ci", actor=None)
        response = client.post(
            "/api/v1/tokens",
            data="{",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {issued.secret}",
            **EN,
        )
        assert response.status_code == 400
        assert _error(response)["code"] == "malformed_json"
        assert ApiToken.objects.count() == 1

    def test_messages_default_to_indonesian(self, client):
        response = client.get("/api/v1/no-such-thing")
        assert response["Content-Language"] == "id"
        with translation.override("id"):
            expected = str(
                translation.gettext(
                    "There is no API endpoint at this address. See /api/v1/openapi.json."
                )
            )
        assert _error(response)["message"] == expected

    def test_messages_follow_accept_language(self, client):
        en = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
        indonesian = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="id")
        assert en["Content-Language"] == "en"
        assert indonesian["Content-Language"] == "id"
        with translation.override("id"):
            expected = translation.gettext(
                "Sign in first: send your API token in the header Authorization: Bearer <token>."
            )
        assert _error(indonesian)["message"] == expected

    def test_openapi_document_is_served(self, client):
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        document = response.json()
        assert document["info"]["title"] == "OpenLPSE API"
        assert {
            "/api/v1/lpses",
            "/api/v1/lpses/{slug}",
            "/api/v1/me",
            "/api/v1/tokens",
            "/api/v1/tokens/{token_id}",
        } <= set(document["paths"])
        assert "ErrorOut" in document["components"]["schemas"]
