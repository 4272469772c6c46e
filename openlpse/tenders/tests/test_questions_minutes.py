"""minutes_generate: the BAPP PDF from the questions and answers of one explanation stage,
anonymous askers, stored with its SHA-256, versioned; committee only, after the stage."""

import datetime as dt
import hashlib

import pytest
from django.utils import translation

from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.core.storage import file_open
from openlpse.core.timezones import local_datetime_label
from openlpse.tenders import errors as tender_errors
from openlpse.tenders.models import ExplanationMinutes
from openlpse.tenders.selectors_questions import alias_label
from openlpse.tenders.services.minutes import minutes_generate
from openlpse.tenders.services.questions import question_answer, question_ask
from openlpse.tenders.tests.questions_support import build_scene, outsiders, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    scene = build_scene()
    q1 = question_ask(actor=scene.user_a, tender=scene.tender, text="Apakah boleh merek lain?")
    question_ask(
        actor=scene.user_b, tender=scene.tender, text="Berapa masa garansi?", subject="BAB IV"
    )
    question_answer(actor=scene.chair, question=q1, answer="Boleh, sepanjang setara.")
    return scene


def after_stage(scene):
    return clock.frozen(scene.stage("penjelasan").ends_at + dt.timedelta(minutes=1))


def stored_bytes(minutes):
    with file_open(stored_file=minutes.file) as stream:
        return stream.read()


def test_the_bapp_is_a_stored_hashed_pdf_of_the_questions_and_answers(scene):
    with after_stage(scene):
        minutes = minutes_generate(actor=scene.member, tender=scene.tender, stage_code="penjelasan")
    assert (minutes.version, minutes.stage_code, minutes.question_count) == (1, "penjelasan", 2)
    assert minutes.generated_by == scene.member
    stored = minutes.file
    data = stored_bytes(minutes)
    assert data.startswith(b"%PDF-")
    assert stored.kind == "tender_minutes"
    assert stored.content_type == "application/pdf"
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert stored.original_name == f"BAPP-{scene.tender.code}-penjelasan-v1.pdf"
    for text in (
        scene.tender.code,
        "Apakah boleh merek lain?",
        "Boleh, sepanjang setara.",
        "Berapa masa garansi?",
        "BAB IV",
        scene.chair.display_name,
        scene.member.display_name,
    ):
        assert text.encode("latin-1") in data, text
    with translation.override("id"):
        assert alias_label(1).encode() in data
        assert alias_label(2).encode() in data
    # Anonymous: no company and no person of a vendor appears in the BAPP.
    for secret in (
        scene.vendor_a.name,
        scene.vendor_b.name,
        scene.user_a.display_name,
        scene.user_b.display_name,
    ):
        assert secret.encode("latin-1") not in data, secret
    event = AuditEvent.objects.get(action="tender.minutes_generate")
    assert event.changes["sha256"] == stored.sha256
    assert event.changes["version"] == 1


def test_generating_again_makes_a_new_version_and_keeps_the_old(scene):
    with after_stage(scene):
        first = minutes_generate(actor=scene.chair, tender=scene.tender, stage_code="penjelasan")
        late = scene.tender.questions.get(number=2)
        question_answer(actor=scene.chair, question=late, answer="Satu tahun.")
        again = minutes_generate(actor=scene.chair, tender=scene.tender, stage_code="penjelasan")
    assert [m.version for m in ExplanationMinutes.objects.order_by("version")] == [1, 2]
    assert first.file_id != again.file_id
    assert b"Satu tahun." in stored_bytes(again)
    assert b"Satu tahun." not in stored_bytes(first)


def test_participants_are_told_of_each_version(scene, django_capture_on_commit_callbacks):
    with after_stage(scene), django_capture_on_commit_callbacks(execute=True):
        minutes_generate(actor=scene.chair, tender=scene.tender, stage_code="penjelasan")
    told = set(
        Notification.objects.filter(topic="tender.minutes").values_list("user_id", flat=True)
    )
    assert told == {scene.user_a.pk, scene.user_b.pk}


def test_the_bapp_waits_for_the_end_of_the_stage(scene):
    stage = scene.stage("penjelasan")
    before = snapshot()
    with (
        clock.frozen(stage.ends_at - dt.timedelta(seconds=1)),
        translation.override("en"),
        pytest.raises(tender_errors.StageClosed) as caught,
    ):
        minutes_generate(actor=scene.chair, tender=scene.tender, stage_code="penjelasan")
    with translation.override("en"):
        end = local_datetime_label(stage.ends_at, scene.tender.lpse.time_zone)
        message = str(caught.value)
    assert caught.value.code == "stage_not_ended"
    assert message == (
        f"The BAPP records the whole stage “Explanation (aanwijzing)”, which ends on {end}. "
        "Generate it after that."
    )
    assert snapshot() == before


def test_a_stage_that_takes_no_questions_is_refused(scene):
    with (
        after_stage(scene),
        translation.override("en"),
        pytest.raises(errors.ValidationError) as caught,
    ):
        minutes_generate(actor=scene.chair, tender=scene.tender, stage_code="upload_penawaran")
    assert caught.value.code == "not_an_explanation_stage"
    assert caught.value.fields == {
        "stage_code": [
            "This tender has no explanation stage “upload_penawaran”. Choose one of its "
            "explanation stages."
        ]
    }
    assert ExplanationMinutes.objects.count() == 0


def test_only_the_committee_makes_the_bapp(scene):
    before = snapshot()
    people = [
        scene.user_a,
        scene.tender.officials.ppk,
        scene.tender.committee.ulp_head,
        *outsiders(),
    ]
    with after_stage(scene):
        for user in people:
            with translation.override("en"), pytest.raises(errors.PermissionDenied) as caught:
                minutes_generate(actor=user, tender=scene.tender, stage_code="penjelasan")
            assert str(caught.value) == (
                "Only the tender's Pokja (or its Pejabat Pengadaan) makes its BAPP."
            )
    assert snapshot() == before


def test_an_empty_stage_still_gets_its_bapp():
    scene = build_scene()
    with after_stage(scene):
        minutes = minutes_generate(actor=scene.chair, tender=scene.tender, stage_code="penjelasan")
    assert minutes.question_count == 0
    assert stored_bytes(minutes).startswith(b"%PDF-")


def test_prakualifikasi_has_one_bapp_per_explanation_stage():
    scene = build_scene(method="pra_2_file", open_stage="penjelasan_kualifikasi")
    question_ask(actor=scene.user_a, tender=scene.tender, text="Apakah SBU wajib?")
    with clock.frozen(scene.stage("penjelasan").ends_at + dt.timedelta(minutes=1)):
        qualification = minutes_generate(
            actor=scene.chair, tender=scene.tender, stage_code="penjelasan_kualifikasi"
        )
        selection = minutes_generate(
            actor=scene.chair, tender=scene.tender, stage_code="penjelasan"
        )
    assert (qualification.version, qualification.question_count) == (1, 1)
    assert (selection.version, selection.question_count) == (1, 0)
