"""The explanation in the JSON API: read as the caller may see, ask, answer, BAPP."""

import datetime as dt

import pytest

from openlpse.accounts.services.tokens import token_create
from openlpse.core import clock
from openlpse.tenders.models import ExplanationMinutes, Question
from openlpse.tenders.services.questions import question_answer, question_ask
from openlpse.tenders.tests.factories import TenderFactory
from openlpse.tenders.tests.questions_support import build_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def bearer(user):
    secret = token_create(user=user, name="integrasi", actor=user).secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def url(scene, suffix="questions"):
    return f"/api/v1/tenders/{scene.tender.code}/{suffix}"


def test_a_participant_asks_and_reads_with_other_askers_anonymous(client, scene):
    question_ask(actor=scene.user_b, tender=scene.tender, text="Berapa masa garansi?")
    response = client.post(
        url(scene),
        {"subject": "BAB III", "text": "Apakah boleh merek lain?"},
        content_type="application/json",
        **bearer(scene.user_a),
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["stage"], body["asker"], body["is_yours"]) == (
        2,
        "penjelasan",
        "Participant 2",
        True,
    )
    assert body["asked_by"] is None
    listing = client.get(url(scene), **bearer(scene.user_a)).json()
    assert (listing["audience"], listing["total"], listing["answered"]) == ("participant", 2, 0)
    assert [(i["number"], i["asker"]) for i in listing["items"]] == [
        (1, "Participant 1"),
        (2, "Participant 2"),
    ]
    assert scene.vendor_b.name not in str(listing)


def test_asking_after_the_close_is_a_409_with_the_sentence(client, scene):
    with clock.frozen(scene.stage("penjelasan").ends_at):
        response = client.post(
            url(scene),
            {"text": "Terlambat"},
            content_type="application/json",
            **bearer(scene.user_a),
        )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "stage_ended"
    assert error["message"].startswith("Asking questions closed with the stage")
    assert Question.objects.count() == 0


def test_unknown_fields_are_refused(client, scene):
    response = client.post(
        url(scene),
        {"text": "Halo", "vendor": "x"},
        content_type="application/json",
        **bearer(scene.user_a),
    )
    assert response.status_code == 400
    assert Question.objects.count() == 0


def test_a_non_participant_gets_counts_only_and_cannot_ask(client, scene):
    question_ask(actor=scene.user_b, tender=scene.tender, text="Berapa masa garansi?")
    headers = bearer(scene.outsider.created_by)
    listing = client.get(url(scene), **headers).json()
    assert listing == {"audience": "public", "total": 1, "answered": 0, "items": []}
    response = client.post(url(scene), {"text": "Halo"}, content_type="application/json", **headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_participant"
    assert Question.objects.count() == 1


def test_the_committee_answers_and_sees_the_company(client, scene):
    question_ask(actor=scene.user_b, tender=scene.tender, text="Berapa masa garansi?")
    response = client.post(
        url(scene, "questions/1/answer"),
        {"answer": "Satu tahun."},
        content_type="application/json",
        **bearer(scene.member),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["answer"] == "Satu tahun."
    assert body["asker"] == f"{scene.vendor_b.name} (Participant 1)"
    assert body["answered_by"] == scene.member.display_name
    refused = client.post(
        url(scene, "questions/1/answer"),
        {"answer": "Dua tahun."},
        content_type="application/json",
        **bearer(scene.user_a),
    )
    assert refused.status_code == 404
    assert Question.objects.get().answer == "Satu tahun."


def test_a_draft_tender_is_not_found(client, scene):
    draft = TenderFactory()
    response = client.get(f"/api/v1/tenders/{draft.code}/questions", **bearer(scene.user_a))
    assert response.status_code == 404
    assert client.get("/api/v1/tenders/NOPE/questions", **bearer(scene.user_a)).status_code == 404


def test_the_bapp_is_generated_listed_and_downloaded(client, scene):
    question = question_ask(actor=scene.user_a, tender=scene.tender, text="Apakah boleh?")
    question_answer(actor=scene.chair, question=question, answer="Boleh.")
    with clock.frozen(scene.stage("penjelasan").ends_at + dt.timedelta(minutes=1)):
        created = client.post(
            url(scene, "minutes"),
            {"stage_code": "penjelasan"},
            content_type="application/json",
            **bearer(scene.chair),
        )
    assert created.status_code == 201
    body = created.json()
    minutes = ExplanationMinutes.objects.get()
    assert body["id"] == minutes.pk
    assert (body["stage"], body["version"], body["question_count"]) == ("penjelasan", 1, 1)
    assert body["sha256"] == minutes.file.sha256
    listed = client.get(url(scene, "minutes"), **bearer(scene.user_b)).json()
    assert [m["version"] for m in listed] == [1]
    pdf = client.get(url(scene, f"minutes/{minutes.pk}/pdf"), **bearer(scene.user_b))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    outsider = bearer(scene.outsider.created_by)
    assert client.get(url(scene, "minutes"), **outsider).status_code == 404
    assert client.get(url(scene, f"minutes/{minutes.pk}/pdf"), **outsider).status_code == 404


def test_a_bapp_before_the_end_is_a_409(client, scene):
    response = client.post(
        url(scene, "minutes"),
        {"stage_code": "penjelasan"},
        content_type="application/json",
        **bearer(scene.chair),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stage_not_ended"
    assert ExplanationMinutes.objects.count() == 0
