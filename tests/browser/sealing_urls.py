"""Test-only URLs for tests/browser/test_sealing_module.py: the project's URLs plus a page that
loads the sealing modules, pages that include the widget partials, and a minimal in-memory tus
server with a finalize that answers like the real one. Never part of the product's URLs."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config import urls as project_urls

PAGE = """{% load static %}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sealing test</title>
<link rel="icon" href="{% static 'openlpse/img/favicon.svg' %}" type="image/svg+xml">
{% if importmap %}{% include "bids/widgets/_importmap.html" %}{% endif %}
</head><body><main id="main">
{% if widget %}{% include template with config=config %}{% endif %}
{% if modules %}<script type="module" nonce="{{ request.csp_nonce }}">
import * as seal from "{% static 'openlpse/js/sealing/seal.mjs' %}";
import * as format from "{% static 'openlpse/js/sealing/format.mjs' %}";
import { buildCeremony } from "{% static 'openlpse/js/sealing/key-ceremony.mjs' %}";
window.sealTest = async (opts) => {
  const buf = new Uint8Array(opts.size);
  for (let i = 0; i < opts.size; i++) buf[i] = (i * 31 + (i >>> 8)) & 255;
  const name = "sealing-test-" + Date.now() + ".sealed";
  const sink = await seal.openSink(name);
  const progress = [];
  const result = await seal.sealBlob(new Blob([buf]), { ...opts, sink,
    onProgress: (done, total) => progress.push(done) });
  const bytes = new Uint8Array(await result.blob.arrayBuffer());
  await seal.removeOpfsFile(name);
  return { sealed: format.b64(bytes), kind: sink.kind, size: result.size, chunks: result.chunks,
           ciphertextSha256: result.ciphertextSha256, plaintextSha256: result.plaintextSha256,
           steps: progress.length };
};
window.sealLargeTest = async (opts) => {
  // A large file made of repeated 1 MiB parts (the Blob holds it; the page never reads it
  // whole), sealed into OPFS while the JS heap is sampled at every chunk.
  const part = new Uint8Array(1024 * 1024);
  for (let i = 0; i < part.length; i++) part[i] = (i * 7) & 255;
  const blob = new Blob(Array.from({ length: opts.mib }, () => part));
  const name = "sealing-large-" + Date.now() + ".sealed";
  const sink = await seal.openSink(name);
  const heap = () => (performance.memory ? performance.memory.usedJSHeapSize : 0);
  const before = heap();
  let peak = before;
  const result = await seal.sealBlob(blob, { ...opts, sink,
    onProgress: () => { peak = Math.max(peak, heap()); } });
  const size = result.blob.size;
  await seal.removeOpfsFile(name);
  return { kind: sink.kind, size, expected: result.size, chunks: result.chunks,
           plainSize: blob.size, heapBefore: before, heapPeak: peak };
};
window.ceremonyTest = async (material) => (await buildCeremony(material)).payload;
window.sealingReady = true;
</script>{% endif %}
</main></body></html>"""

# The in-memory tus server's uploads and the bodies posted to the widgets' endpoints.
UPLOADS: dict[str, dict[str, Any]] = {}
POSTED: list[dict[str, Any]] = []
FAIL_ONCE: set[str] = set()  # upload ids whose second PATCH gets one 503 (to test the retry)


def reset() -> None:
    UPLOADS.clear()
    POSTED.clear()
    FAIL_ONCE.clear()


CONFIGS: dict[str, dict[str, Any]] = {}


def page(request: HttpRequest, widget: str = "") -> HttpResponse:
    config = dict(CONFIGS.get(widget, {}))
    if config:
        config["csrf_token"] = get_token(request)
    context = {
        "widget": widget,
        "template": f"bids/widgets/{widget}.html",
        "config": config,
        "modules": not widget,
        "importmap": not widget,
    }
    return HttpResponse(engines["django"].from_string(PAGE).render(context, request))


@csrf_exempt
def posted(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    POSTED.append(body)
    answer: dict[str, Any] = {"ok": True}
    if "public_key" in body and len(body) == 1:
        answer["fingerprint"] = hashlib.sha256(base64.b64decode(body["public_key"])).hexdigest()
    return JsonResponse(answer)


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = "1.0.0"
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def tus_create(request: HttpRequest) -> HttpResponse:
    meta = {}
    for item in request.headers.get("Upload-Metadata", "").split(","):
        key, _, value = item.strip().partition(" ")
        meta[key] = base64.b64decode(value).decode() if value else ""
    upload_id = str(uuid.uuid4())
    UPLOADS[upload_id] = {
        "length": int(request.headers["Upload-Length"]),
        "data": bytearray(),
        "meta": meta,
        "patches": 0,
    }
    if meta.get("filename", "").startswith("retry"):
        FAIL_ONCE.add(upload_id)
    response = HttpResponse(status=201)
    response["Location"] = f"/_test/tus/{upload_id}"
    return _tus(response)


@csrf_exempt
def tus_upload(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = UPLOADS.get(upload_id)
    if upload is None:
        return _tus(HttpResponse(status=404))
    if request.method == "HEAD":
        response = HttpResponse(status=200)
        response["Upload-Offset"] = str(len(upload["data"]))
        response["Upload-Length"] = str(upload["length"])
        return _tus(response)
    if request.method != "PATCH":
        return _tus(HttpResponse(status=405))
    upload["patches"] += 1
    if upload_id in FAIL_ONCE and upload["patches"] == 2:
        FAIL_ONCE.discard(upload_id)
        return _tus(HttpResponse(status=503))
    if int(request.headers["Upload-Offset"]) != len(upload["data"]):
        return _tus(HttpResponse(status=409))
    algorithm, _, digest = request.headers["Upload-Checksum"].partition(" ")
    body = request.body
    if algorithm != "sha256" or base64.b64decode(digest) != hashlib.sha256(body).digest():
        return _tus(HttpResponse(status=460))
    upload["data"] += body
    response = HttpResponse(status=204)
    response["Upload-Offset"] = str(len(upload["data"]))
    return _tus(response)


@csrf_exempt
def tus_finalize(request: HttpRequest, upload_id: str) -> JsonResponse:
    upload = UPLOADS[upload_id]
    data = bytes(upload["data"])
    if (
        len(data) != upload["length"]
        or hashlib.sha256(data).hexdigest() != upload["meta"]["sha256"]
    ):
        return JsonResponse(
            {"detail": "The upload is incomplete or its SHA-256 differs."}, status=400
        )
    receipt = {
        "receipt_number": "R-TEST-0001",
        "received_at": "2026-01-01T00:00:00.000Z",
        "file_name": upload["meta"]["filename"],
        "size": len(data),
        "ciphertext_sha256": hashlib.sha256(data).hexdigest(),
        "upload_id": upload_id,
    }
    return JsonResponse({"format": "openlpse-receipt", "v": 1, "receipt": receipt})


urlpatterns = [
    path("_test/sealing/", page),
    path("_test/sealing/<str:widget>/", page),
    path("_test/posted/", posted),
    path("_test/tus/", tus_create),
    path("_test/tus/<str:upload_id>", tus_upload),
    path("_test/tus/<str:upload_id>/finalize", tus_finalize),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
