"""The explanation pages: the participant's (ask while open, refusal after the close with the
typed text kept, anonymity) and the committee's (askers, answers, BAPP, downloads)."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from openlpse.core import clock
from openlpse.tenders.models import ExplanationMinutes, Question
from openlpse.tenders.services.questions import question_answer, question_ask
from openlpse.tenders.tests.questions_support import build_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def vendor_url(scene):
    return reverse("tenders:qa_vendor", args=[scene.tender.pk])


def committee_url(scene):
    return reverse("tenders:qa_committee", args=[scene.tender.pk])


def test_a_participant_asks_through_the_page(client, sign_in, scene):
    sign_in(scene.user_a)
    page = client.get(vendor_url(scene))
    assert page.status_code == 200
    assert page.context["asking_open"] is True
    response = client.post(
        vendor_url(scene), {"subject": "BAB III", "text": "Apakah boleh merek lain?"}
    )
    assert response.status_code == 302
    assert response["Location"] == vendor_url(scene)
    question = Question.objects.get()
    assert (question.number, question.subject, question.text) == (
        1,
        "BAB III",
        "Apakah boleh merek lain?",
    )


def test_a_question_after_the_close_is_refused_and_the_text_is_kept(client, sign_in, scene):
    english(client)
    sign_in(scene.user_a)
    with clock.frozen(scene.stage("penjelasan").ends_at + dt.timedelta(minutes=1)):
        response = client.post(
            vendor_url(scene), {"subject": "BAB III", "text": "Pertanyaan terlambat saya"}
        )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Asking questions closed with the stage" in html
    assert "Nothing was saved." in html
    assert "Pertanyaan terlambat saya" in html
    assert 'value="BAB III"' in html
    assert Question.objects.count() == 0


def test_the_page_never_shows_another_askers_company(client, sign_in, scene):
    english(client)
    question_ask(actor=scene.user_b, tender=scene.tender, text="Berapa masa garansi?")
    question_ask(actor=scene.user_a, tender=scene.tender, text="Apakah boleh merek lain?")
    sign_in(scene.user_a)
    html = client.get(vendor_url(scene)).content.decode()
    assert "Berapa masa garansi?" in html
    assert "Participant 1" in html
    assert "Yours" in html
    assert scene.vendor_b.name not in html
    assert scene.user_b.display_name not in html
    assert scene.user_b.username not in html


def test_vendors_that_did_not_join_and_officials_get_not_found(client, sign_in, scene):
    sign_in(scene.outsider.created_by)
    assert client.get(vendor_url(scene)).status_code == 404
    assert client.post(vendor_url(scene), {"text": "Halo"}).status_code == 404
    sign_in(scene.user_a)
    assert client.get(committee_url(scene)).status_code == 404
    assert Question.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, scene):
    response = client.get(vendor_url(scene))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={vendor_url(scene)}"


def test_the_committee_sees_askers_and_answers(client, sign_in, scene):
    english(client)
    question = question_ask(actor=scene.user_b, tender=scene.tender, text="Berapa masa garansi?")
    sign_in(scene.member, mfa=True)
    page = client.get(committee_url(scene))
    assert page.status_code == 200
    html = page.content.decode()
    assert scene.vendor_b.name in html
    assert "Berapa masa garansi?" in html
    answer_url = reverse("tenders:qa_answer", args=[scene.tender.pk, question.pk])
    response = client.post(answer_url, {"answer": "Satu tahun."})
    assert response.status_code == 302
    assert response["Location"] == f"{committee_url(scene)}#q-1"
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Satu tahun.", scene.member)


def test_an_empty_answer_re_renders_with_the_sentence(client, sign_in, scene):
    english(client)
    question = question_ask(actor=scene.user_b, tender=scene.tender, text="Berapa masa garansi?")
    sign_in(scene.member, mfa=True)
    answer_url = reverse("tenders:qa_answer", args=[scene.tender.pk, question.pk])
    response = client.post(answer_url, {"answer": "   "})
    assert response.status_code == 400
    assert "Write the answer before saving it." in response.content.decode()
    question.refresh_from_db()
    assert question.answered_at is None


def test_the_committee_generates_and_downloads_the_bapp_and_participants_download_it(
    client, sign_in, scene
):
    english(client)
    question = question_ask(actor=scene.user_a, tender=scene.tender, text="Apakah boleh?")
    question_answer(actor=scene.chair, question=question, answer="Boleh.")
    sign_in(scene.chair, mfa=True)
    with clock.frozen(scene.stage("penjelasan").ends_at + dt.timedelta(minutes=1)):
        page = client.get(committee_url(scene))
        assert page.context["minutes_form"] is not None
        response = client.post(
            reverse("tenders:qa_minutes_generate", args=[scene.tender.pk]),
            {"stage_code": "penjelasan"},
        )
    assert response.status_code == 302
    minutes = ExplanationMinutes.objects.get()
    html = client.get(committee_url(scene)).content.decode()
    assert minutes.file.sha256 in html
    download = client.get(
        reverse("tenders:qa_minutes_download", args=[scene.tender.pk, minutes.pk])
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    sign_in(scene.user_b)
    vendor_download = client.get(
        reverse("tenders:qa_vendor_minutes_download", args=[scene.tender.pk, minutes.pk])
    )
    assert vendor_download.status_code == 200
    sign_in(scene.outsider.created_by)
    assert (
        client.get(
            reverse("tenders:qa_vendor_minutes_download", args=[scene.tender.pk, minutes.pk])
        ).status_code
        == 404
    )


def test_a_bapp_before_the_end_is_refused_with_a_message(client, sign_in, scene):
    english(client)
    sign_in(scene.chair, mfa=True)
    response = client.post(
        reverse("tenders:qa_minutes_generate", args=[scene.tender.pk]),
        {"stage_code": "penjelasan"},
        follow=True,
    )
    assert "The BAPP records the whole stage" in response.content.decode()
    assert ExplanationMinutes.objects.count() == 0


def test_committee_bapp_generation_is_not_found_for_others(client, sign_in, scene):
    sign_in(scene.user_a)
    with clock.frozen(scene.stage("penjelasan").ends_at + dt.timedelta(minutes=1)):
        response = client.post(
            reverse("tenders:qa_minutes_generate", args=[scene.tender.pk]),
            {"stage_code": "penjelasan"},
        )
    assert response.status_code == 404
    assert ExplanationMinutes.objects.count() == 0
