"""questions_for and the access selectors: the committee sees askers; a participant sees every
question and answer, its own marked, the others as "Participant N"; anyone else counts only;
hidden = not found."""

import pytest
from django.utils import translation

from openlpse.core import errors
from openlpse.tenders.selectors_questions import (
    access_question,
    access_tender_for_qa_committee,
    access_tender_for_qa_participant,
    questions_for,
)
from openlpse.tenders.services.questions import question_answer, question_ask
from openlpse.tenders.tests.factories import TenderFactory
from openlpse.tenders.tests.questions_support import build_scene, outsiders

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    scene = build_scene()
    tender = scene.tender
    # B asks first, so B is "Participant 1" although A joined first.
    q1 = question_ask(actor=scene.user_b, tender=tender, text="Berapa masa garansi?")
    question_ask(actor=scene.user_a, tender=tender, text="Apakah boleh merek lain?")
    question_ask(actor=scene.user_b, tender=tender, text="Apakah jaminan wajib?")
    question_answer(actor=scene.chair, question=q1, answer="Satu tahun.")
    return scene


def test_a_participant_sees_everything_but_the_other_askers(scene):
    with translation.override("en"):
        board = questions_for(user=scene.user_a, tender=scene.tender)
    assert board.audience == "participant"
    assert board.participant.vendor == scene.vendor_a
    assert [(r.number, r.asker, r.is_yours) for r in board.rows] == [
        (1, "Participant 1", False),
        (2, "Participant 2", True),
        (3, "Participant 1", False),
    ]
    assert [r.text for r in board.rows] == [
        "Berapa masa garansi?",
        "Apakah boleh merek lain?",
        "Apakah jaminan wajib?",
    ]
    assert board.rows[0].answer == "Satu tahun."
    assert {r.asked_by for r in board.rows} == {None}
    assert {r.answered_by for r in board.rows} == {None}
    shown = repr(board.rows)
    for secret in (scene.vendor_b.name, scene.user_b.username, scene.user_b.display_name):
        assert secret not in shown
    assert (board.counts.total, board.counts.answered) == (3, 1)


def test_the_committee_sees_the_companies_and_people(scene):
    with translation.override("en"):
        board = questions_for(user=scene.member, tender=scene.tender)
    assert board.audience == "committee"
    assert [r.asker for r in board.rows] == [
        f"{scene.vendor_b.name} (Participant 1)",
        f"{scene.vendor_a.name} (Participant 2)",
        f"{scene.vendor_b.name} (Participant 1)",
    ]
    assert board.rows[0].asked_by == scene.user_b.display_name
    assert board.rows[0].answered_by == scene.chair.display_name
    unanswered = questions_for(user=scene.member, tender=scene.tender, unanswered=True)
    assert [r.number for r in unanswered.rows] == [2, 3]


def test_everyone_else_sees_counts_only(scene):
    for user in [scene.outsider.created_by, scene.tender.officials.ppk, *outsiders()]:
        board = questions_for(user=user, tender=scene.tender)
        assert board.audience == "public"
        assert board.rows == []
        assert (board.counts.total, board.counts.answered, board.counts.unanswered) == (3, 1, 2)


def test_access_hides_missing_and_foreign_alike(scene):
    tender = scene.tender
    assert access_tender_for_qa_committee(user=scene.chair, tender_id=tender.pk) == tender
    got, participant = access_tender_for_qa_participant(user=scene.user_a, tender_id=tender.pk)
    assert (got, participant.vendor) == (tender, scene.vendor_a)
    question = tender.questions.get(number=1)
    assert access_question(user=scene.member, question_id=question.pk) == question
    for call in (
        lambda: access_tender_for_qa_committee(user=scene.user_a, tender_id=tender.pk),
        lambda: access_tender_for_qa_committee(user=scene.chair, tender_id=999999),
        lambda: access_tender_for_qa_participant(
            user=scene.outsider.created_by, tender_id=tender.pk
        ),
        lambda: access_tender_for_qa_participant(user=scene.chair, tender_id=tender.pk),
        lambda: access_tender_for_qa_participant(user=scene.user_a, tender_id=999999),
        lambda: access_question(user=scene.user_a, question_id=question.pk),
        lambda: access_question(user=scene.member, question_id=999999),
    ):
        with translation.override("en"):
            with pytest.raises(errors.NotFound) as caught:
                call()
            assert str(caught.value) == "The item was not found, or you do not have access to it."


def test_a_draft_tender_is_not_found_for_vendors():
    scene = build_scene()
    draft = TenderFactory()
    with pytest.raises(errors.NotFound):
        access_tender_for_qa_participant(user=scene.user_a, tender_id=draft.pk)
