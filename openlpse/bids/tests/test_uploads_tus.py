"""The tus server (security-reference §4.1; issue 5 item 3): offsets, checksums, resume, a
full disk, authentication."""

from __future__ import annotations

import base64
import errno
import os
import uuid

import pytest
from django.test import Client

from openlpse.bids import receipts
from openlpse.bids.models import Submission, Upload
from openlpse.bids.services import uploads as upload_services
from openlpse.bids.tests.submissions_support import (
    b64sha,
    bearer,
    bid_setup,
    seal_bytes,
    second_vendor,
    sha,
)

pytestmark = pytest.mark.django_db

ROOT = "/api/v1/uploads/"


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _create(client, auth, setup, data, **extra):
    meta = {
        "filename": "penawaran.pdf.lpsebid",
        "tender": setup.tender.code,
        "envelope": "single",
        "sha256": sha(data),
        **extra,
    }
    return client.post(
        ROOT,
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=_meta(**meta),
        HTTP_TUS_RESUMABLE="1.0.0",
        **auth,
    )


def _patch(client, auth, location, data, offset, checksum=None):
    return client.generic(
        "PATCH",
        location,
        data,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
        HTTP_UPLOAD_CHECKSUM=f"sha256 {checksum or b64sha(data)}",
        HTTP_TUS_RESUMABLE="1.0.0",
        **auth,
    )


def _offset(client, auth, location):
    response = client.head(location, **auth)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return int(response["Upload-Offset"])


@pytest.fixture
def ctx(client):
    setup = bid_setup()
    data = seal_bytes(setup, plaintext=b"%PDF-1.4 " + os.urandom(30000))
    auth = bearer(setup.user)
    response = _create(client, auth, setup, data)
    assert response.status_code == 201, response.content
    return setup, data, auth, response["Location"]


def test_options_lists_the_capabilities(client):
    response = client.options(ROOT)
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Extension"] == "creation,checksum,termination"
    assert response["Tus-Checksum-Algorithm"] == "sha256"


def test_create_then_head(client, ctx):
    setup, data, auth, location = ctx
    upload = Upload.objects.get()
    assert location == f"/api/v1/uploads/{upload.pk}"
    assert (upload.length, upload.declared_sha256, upload.vendor) == (
        len(data),
        sha(data),
        setup.vendor,
    )
    assert upload.user_agent == "" or isinstance(upload.user_agent, str)
    assert _offset(client, auth, location) == 0


def test_create_with_the_clients_upload_id_is_idempotent(client):
    setup = bid_setup()
    data = seal_bytes(setup)
    auth = bearer(setup.user)
    upload_id = str(uuid.uuid4())
    one = _create(client, auth, setup, data, upload_id=upload_id)
    two = _create(client, auth, setup, data, upload_id=upload_id)
    assert one.status_code == two.status_code == 201
    assert one["Location"] == two["Location"] == f"/api/v1/uploads/{upload_id}"
    assert Upload.objects.count() == 1


def test_patch_at_a_wrong_offset_is_409(client, ctx):
    _setup, data, auth, location = ctx
    response = _patch(client, auth, location, data[100:200], 100)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "offset_mismatch"
    assert _offset(client, auth, location) == 0


def test_checksum_mismatch_is_460_and_nothing_is_written(client, ctx):
    _setup, data, auth, location = ctx
    response = _patch(client, auth, location, data[:1000], 0, checksum=b64sha(b"other"))
    assert response.status_code == 460
    assert response.json()["error"]["code"] == "checksum_mismatch"
    upload = Upload.objects.get()
    assert upload.offset == 0
    assert os.path.getsize(upload_services.staging_path(upload)) == 0


def test_a_patch_without_checksum_or_with_another_type_is_refused(client, ctx):
    _setup, data, auth, location = ctx
    response = client.generic(
        "PATCH",
        location,
        data[:10],
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0",
        **auth,
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "checksum_required")
    response = client.generic(
        "PATCH",
        location,
        data[:10],
        content_type="application/octet-stream",
        HTTP_UPLOAD_OFFSET="0",
        HTTP_UPLOAD_CHECKSUM=f"sha256 {b64sha(data[:10])}",
        **auth,
    )
    assert response.status_code == 415
    assert Upload.objects.get().offset == 0


def test_an_interrupted_upload_resumes_and_finalizes(client, ctx):
    _setup, data, auth, location = ctx
    half = len(data) // 2
    assert _patch(client, auth, location, data[:half], 0).status_code == 204
    # ... the connection dropped; the client asks where to continue.
    offset = _offset(client, auth, location)
    assert offset == half
    response = _patch(client, auth, location, data[offset:], offset)
    assert response.status_code == 204
    assert response["Upload-Offset"] == str(len(data))
    response = client.post(f"{location}/finalize", **auth)
    assert response.status_code == 200, response.content
    document = response.json()
    assert receipts.verify_document(document).valid
    assert document["receipt"]["ciphertext_sha256"] == sha(data)
    assert response["X-Submission-Id"] == str(Submission.objects.get().pk)
    again = client.post(f"{location}/finalize", **auth)
    assert again.json() == document


def test_a_full_disk_answers_507_keeps_the_upload_and_a_retry_succeeds(client, ctx, monkeypatch):
    _setup, data, auth, location = ctx
    assert _patch(client, auth, location, data[:1000], 0).status_code == 204

    def full(fd, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(upload_services.os, "write", full)
    response = _patch(client, auth, location, data[1000:], 1000)
    assert response.status_code == 507
    error = response.json()["error"]
    assert error["code"] == "storage_full"
    assert "Your upload was kept" in error["message"] and "try again" in error["message"]
    upload = Upload.objects.get()
    assert (upload.status, upload.offset) == ("receiving", 1000)
    assert os.path.getsize(upload_services.staging_path(upload)) == 1000
    monkeypatch.undo()
    assert _patch(client, auth, location, data[1000:], 1000).status_code == 204
    assert client.post(f"{location}/finalize", **auth).status_code == 200


def test_delete_cancels_the_upload(client, ctx):
    _setup, _data, auth, location = ctx
    assert client.delete(location, **auth).status_code == 204
    assert Upload.objects.get().status == "terminated"
    assert client.head(location, **auth).status_code == 404


def test_anonymous_and_other_vendors_get_nothing(client, ctx):
    setup, data, _auth, location = ctx
    assert client.head(location).status_code == 401
    response = _patch(client, {}, location, data[:10], 0)
    assert response.status_code == 401
    rival = second_vendor(setup)
    other = bearer(rival.created_by)
    assert client.head(location, **other).status_code == 404
    assert _patch(client, other, location, data[:10], 0).status_code == 404
    assert client.post(f"{location}/finalize", **other).status_code == 404
    assert client.delete(location, **other).status_code == 404
    assert Upload.objects.get().status == "receiving"


def test_the_browser_session_needs_the_csrf_token(ctx):
    setup, data, _auth, location = ctx
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(setup.user)
    refused = _patch(browser, {}, location, data[:10], 0)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    browser.get("/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value if "csrftoken" in browser.cookies else None
    if token is None:
        from django.middleware.csrf import _get_new_csrf_string

        token = _get_new_csrf_string()
        browser.cookies["csrftoken"] = token
    accepted = _patch(browser, {"HTTP_X_CSRFTOKEN": token}, location, data[:10], 0)
    assert accepted.status_code == 204, accepted.content
