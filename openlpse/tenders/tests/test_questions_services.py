"""question_ask and question_answer: participants only, inside the explanation stage by the
server clock; answers by the committee until the bids are due; edits kept in the audit log."""

import datetime as dt

import pytest
from django.utils import translation

from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.core.timezones import local_datetime_label
from openlpse.tenders import errors as tender_errors
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.models import Question
from openlpse.tenders.services.questions import question_answer, question_ask
from openlpse.tenders.tests.questions_support import build_scene, outsiders, snapshot
from openlpse.vendors.tests.factories import BlacklistEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def ask(scene, user=None, text="Apakah boleh menawarkan merek lain yang setara?", **kw):
    return question_ask(actor=user or scene.user_a, tender=scene.tender, text=text, **kw)


# --- asking ------------------------------------------------------------------------------------


def test_a_participant_asks_inside_the_stage(scene):
    question = ask(scene, text="  Apakah boleh menawarkan merek lain?  ", subject=" BAB III ")
    question.refresh_from_db()
    assert question.number == 1
    assert question.stage_code == "penjelasan"
    assert question.participant.vendor == scene.vendor_a
    assert question.asked_by == scene.user_a
    assert question.text == "Apakah boleh menawarkan merek lain?"
    assert question.subject == "BAB III"
    assert question.answer == ""
    assert question.answered_at is None
    event = AuditEvent.objects.get(action="tender.question_ask")
    assert event.object_id == str(question.pk)
    assert event.changes["number"] == 1
    assert event.changes["stage"] == "penjelasan"
    committee_ids = {u.pk for u in scene.tender.committee.pokja}
    notified = set(
        Notification.objects.filter(topic="tender.question").values_list("user_id", flat=True)
    )
    assert notified == committee_ids


def test_questions_are_numbered_per_tender_across_participants(scene):
    first = ask(scene)
    second = ask(scene, user=scene.user_b, text="Berapa lama masa garansi?")
    third = ask(scene, text="Apakah jaminan penawaran wajib?")
    assert [first.number, second.number, third.number] == [1, 2, 3]
    other = build_scene()
    assert ask(other).number == 1


def test_a_question_at_the_close_is_refused_with_the_stage_and_its_end(scene):
    stage = scene.stage("penjelasan")
    before = snapshot()
    with (
        clock.frozen(stage.ends_at),
        translation.override("en"),
        pytest.raises(tender_errors.StageEnded) as caught,
    ):
        ask(scene)
    with translation.override("en"):
        end = local_datetime_label(stage.ends_at, scene.tender.lpse.time_zone)
    assert str(caught.value) == (
        f"Asking questions closed with the stage “Explanation (aanwijzing)” on {end} by the "
        "server's clock. Nothing was saved."
    )
    assert caught.value.code == "stage_ended"
    assert caught.value.ended_at == stage.ends_at
    assert snapshot() == before


def test_a_question_one_second_before_the_close_is_accepted(scene):
    stage = scene.stage("penjelasan")
    with clock.frozen(stage.ends_at - dt.timedelta(seconds=1)):
        question = ask(scene)
    assert question.asked_at == stage.ends_at - dt.timedelta(seconds=1)


def test_a_question_before_the_stage_opens_is_refused(scene):
    stage = scene.stage("penjelasan")
    before = snapshot()
    with (
        clock.frozen(stage.starts_at - dt.timedelta(minutes=1)),
        translation.override("en"),
        pytest.raises(tender_errors.StageNotStarted) as caught,
    ):
        ask(scene)
    with translation.override("en"):
        start = local_datetime_label(stage.starts_at, scene.tender.lpse.time_zone)
    assert str(caught.value) == (
        f"Asking questions opens with the stage “Explanation (aanwijzing)” on {start}. "
        "Try again then."
    )
    assert snapshot() == before


def test_only_participants_ask(scene):
    before = snapshot()
    people = [
        scene.outsider.created_by,
        scene.chair,
        scene.tender.officials.ppk,
        *outsiders(),
    ]
    for user in people:
        with translation.override("en"), pytest.raises(errors.PermissionDenied) as caught:
            ask(scene, user=user)
        assert caught.value.code == "not_participant"
        assert str(caught.value) == (
            "Only companies that joined this tender can ask questions in its explanation. "
            "Join the tender first (ikut tender) while registration is open."
        )
    assert snapshot() == before


def test_an_empty_question_is_refused_naming_the_field(scene):
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        ask(scene, text="   ")
    assert caught.value.fields == {"text": ["Write your question before sending it."]}
    assert snapshot() == before


def test_a_too_long_question_is_refused(scene):
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        ask(scene, text="x" * 4001)
    assert caught.value.fields == {
        "text": ["This is 4001 characters long; the limit is 4000. Shorten it."]
    }
    assert Question.objects.count() == 0


def test_a_blacklisted_participant_cannot_ask(scene):
    BlacklistEntryFactory(
        vendor=scene.vendor_a, company_name=scene.vendor_a.name, npwp=scene.vendor_a.npwp
    )
    with pytest.raises(errors.DomainError) as caught:
        ask(scene)
    assert caught.value.code == "blacklisted"
    assert Question.objects.count() == 0


def test_a_cancelled_tender_takes_no_question(scene):
    type(scene.tender).objects.filter(pk=scene.tender.pk).update(
        status=TenderStatus.CANCELLED, cancel_reason="Anggaran dibatalkan"
    )
    with pytest.raises(errors.Conflict) as caught:
        ask(scene)
    assert caught.value.code == "tender_not_announced"
    assert Question.objects.count() == 0


def test_prakualifikasi_questions_go_to_the_qualification_explanation():
    scene = build_scene(method="pra_2_file", open_stage="penjelasan_kualifikasi")
    question = ask(scene)
    assert question.stage_code == "penjelasan_kualifikasi"
    closed = scene.stage("penjelasan_kualifikasi").ends_at
    with (
        clock.frozen(closed + dt.timedelta(hours=1)),
        translation.override("en"),
        pytest.raises(tender_errors.StageNotStarted) as caught,
    ):
        ask(scene)
    # Between the two explanations, the refusal points at the next one.
    assert str(caught.value).startswith(
        "Asking questions opens with the stage “Explanation (aanwijzing)” on "
    )
    with clock.frozen(scene.stage("penjelasan").starts_at + dt.timedelta(minutes=5)):
        later = ask(scene)
    assert (later.number, later.stage_code) == (2, "penjelasan")


def test_pengadaan_langsung_has_no_explanation():
    scene = build_scene(method="pengadaan_langsung", open_stage="upload_penawaran")
    with translation.override("en"), pytest.raises(tender_errors.StageClosed) as caught:
        ask(scene)
    assert str(caught.value) == "Asking questions is not part of this tender's method."
    assert Question.objects.count() == 0


# --- answering ---------------------------------------------------------------------------------


def test_a_committee_member_answers_and_the_asker_is_told(scene):
    question = ask(scene)
    answered = question_answer(
        actor=scene.member, question=question, answer=" Boleh, sepanjang setara. "
    )
    answered.refresh_from_db()
    assert answered.answer == "Boleh, sepanjang setara."
    assert answered.answered_by == scene.member
    assert answered.answered_at is not None
    event = AuditEvent.objects.get(action="tender.question_answer")
    assert event.changes["answer"] == ["", "Boleh, sepanjang setara."]
    assert list(
        Notification.objects.filter(topic="tender.answer").values_list("user_id", flat=True)
    ) == [scene.user_a.pk]


def test_answers_are_accepted_after_the_stage_until_the_bids_are_due(scene):
    question = ask(scene)
    upload = scene.stage("upload_penawaran")
    with clock.frozen(upload.ends_at - dt.timedelta(seconds=1)):
        question_answer(actor=scene.chair, question=question, answer="Ya.")
    question.refresh_from_db()
    assert question.answer == "Ya."


def test_an_answer_after_the_bids_are_due_is_refused(scene):
    question = ask(scene)
    upload = scene.stage("upload_penawaran")
    before = snapshot()
    with (
        clock.frozen(upload.ends_at),
        translation.override("en"),
        pytest.raises(tender_errors.StageEnded) as caught,
    ):
        question_answer(actor=scene.chair, question=question, answer="Terlambat.")
    with translation.override("en"):
        end = local_datetime_label(upload.ends_at, scene.tender.lpse.time_zone)
    assert str(caught.value) == (
        f"Answers to the questions of “Explanation (aanwijzing)” could be given until {end} by "
        "the server's clock, when the bids became due. Nothing was saved; record any needed "
        "change of the documents in an addendum."
    )
    assert caught.value.ended_at == upload.ends_at
    assert snapshot() == before


def test_editing_an_answer_keeps_both_texts_in_the_audit_log(scene):
    question = ask(scene)
    question_answer(actor=scene.chair, question=question, answer="Tidak boleh.")
    question_answer(actor=scene.member, question=question, answer="Boleh, jika setara.")
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Boleh, jika setara.", scene.member)
    edit = AuditEvent.objects.get(action="tender.question_answer_edit")
    assert edit.changes["answer"] == ["Tidak boleh.", "Boleh, jika setara."]
    assert AuditEvent.objects.filter(action__startswith="tender.question_answer").count() == 2


def test_the_same_answer_twice_changes_nothing(scene):
    question = ask(scene)
    question_answer(actor=scene.chair, question=question, answer="Ya.")
    before = snapshot()
    question_answer(actor=scene.chair, question=question, answer="Ya.")
    assert snapshot() == before


def test_an_empty_answer_is_refused(scene):
    question = ask(scene)
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        question_answer(actor=scene.chair, question=question, answer="  ")
    assert caught.value.fields == {"answer": ["Write the answer before saving it."]}
    question.refresh_from_db()
    assert question.answered_at is None


def test_only_the_committee_answers(scene):
    question = ask(scene)
    before = snapshot()
    people = [
        scene.user_a,
        scene.user_b,
        scene.tender.officials.ppk,
        scene.tender.committee.ulp_head,
        *outsiders(),
    ]
    for user in people:
        with translation.override("en"), pytest.raises(errors.PermissionDenied) as caught:
            question_answer(actor=user, question=question, answer="Ya.")
        assert caught.value.code == "not_committee"
        assert str(caught.value) == (
            "Only the tender's Pokja (or its Pejabat Pengadaan) answers its questions."
        )
    assert snapshot() == before


def test_a_removed_pokja_member_no_longer_answers(scene):
    question = ask(scene)
    scene.tender.package.pokja_members.filter(user=scene.member).update(
        removed_at=clock.now(), removal_reason="Mutasi"
    )
    with pytest.raises(errors.PermissionDenied):
        question_answer(actor=scene.member, question=question, answer="Ya.")


def test_a_cancelled_tender_takes_no_answer(scene):
    question = ask(scene)
    type(scene.tender).objects.filter(pk=scene.tender.pk).update(
        status=TenderStatus.CANCELLED, cancel_reason="Anggaran dibatalkan"
    )
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        question_answer(actor=scene.chair, question=question, answer="Ya.")
    assert caught.value.code == "tender_not_running"
    assert str(caught.value) == (
        "The tender is “Tender cancelled (batal)”; its questions can no longer be answered."
    )
