"""Who sees what of pemberian penjelasan (questions, answers, BAPP), decided in one place
(conventions 10):

- the committee (Pokja members, or the Pejabat Pengadaan) sees every question with the asking
  company and person;
- a participant sees every question and answer, its own marked as "yours", and every other
  asker only as "Peserta N" (anonymous: never the vendor's name or user, domain.md step 6);
- anyone else sees counts only.

"Peserta N" numbers askers by their first question in the tender, not by the order they
joined: the public participant list is in join order, so join-order numbers would unmask them.

Also the answer deadline: the committee may answer after the explanation closes
(spse-reference §2.4, Perlem 12/2021 4.2.4) but not after the bids (or, for the
pre-qualification explanation, the qualification data) are due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _

from openlpse.core import errors
from openlpse.tenders import windows
from openlpse.tenders.enums import StageAction, TenderStatus
from openlpse.tenders.labels import stage_names
from openlpse.tenders.models import ExplanationMinutes, Participant, Question, Tender, TenderStage
from openlpse.tenders.permissions import is_committee_member
from openlpse.tenders.stages import stage_def
from openlpse.vendors.permissions import vendor_ids_of

Audience = Literal["committee", "participant", "public"]

# The actions of the stages in which participants ask, in the order they come in a tender.
QUESTION_ACTIONS = (StageAction.ASK_QUALIFICATION, StageAction.ASK)
# What must still be open for an answer to be useful: the answers bind the bids (or the
# qualification data) that are due at the end of this action's stages.
_ANSWER_UNTIL = {
    StageAction.ASK_QUALIFICATION: StageAction.SUBMIT_QUALIFICATION,
    StageAction.ASK: StageAction.SUBMIT_BID,
}


# --- stages and windows ------------------------------------------------------------------------


def question_action_of(method: str, code: str) -> StageAction | None:
    """ASK or ASK_QUALIFICATION when the stage `code` of `method` takes questions."""
    try:
        definition = stage_def(method, code)
    except LookupError:
        return None
    return next((a for a in QUESTION_ACTIONS if definition.allows(a)), None)


def question_stages(tender: Tender) -> list[TenderStage]:
    """The tender's explanation stages in schedule order."""
    return [s for s in windows.schedule(tender) if question_action_of(tender.method, s.code)]


def ask_action(tender: Tender, at: dt.datetime) -> StageAction:
    """Which kind of explanation a question asked at `at` belongs to: the open one; else the
    pre-qualification explanation while it has not ended; else the explanation of the
    selection document (whose window then explains the refusal)."""
    for action in QUESTION_ACTIONS:
        if windows.open_stage_for(tender, action, at) is not None:
            return action
    qualification = windows.stages_for(tender, StageAction.ASK_QUALIFICATION)
    if qualification and max(s.ends_at for s in qualification) > at:
        return StageAction.ASK_QUALIFICATION
    return StageAction.ASK


def answer_deadline(tender: Tender, stage: TenderStage) -> dt.datetime:
    """Until when the committee may answer the questions of `stage`: the end of the bid upload
    (or of the qualification data submission), never before the stage's own end."""
    action = question_action_of(tender.method, stage.code) or StageAction.ASK
    window = windows.window_for(tender, _ANSWER_UNTIL[action])
    return max(stage.ends_at, window[1]) if window else stage.ends_at


def answer_deadline_action(tender: Tender, stage: TenderStage) -> StageAction:
    action = question_action_of(tender.method, stage.code) or StageAction.ASK
    return _ANSWER_UNTIL[action]


# --- audience ----------------------------------------------------------------------------------


def participant_of(user: Any, tender: Tender) -> Participant | None:
    """The user's vendor's Participant row in `tender` (vendor admin or staff), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    ids = vendor_ids_of(user)
    if not ids:
        return None
    return (
        Participant.objects.filter(tender=tender, vendor_id__in=ids)
        .select_related("vendor")
        .order_by("pk")
        .first()
    )


def audience_of(user: Any, tender: Tender) -> tuple[Audience, Participant | None]:
    if is_committee_member(user, tender):
        return "committee", None
    participant = participant_of(user, tender) if tender.status != TenderStatus.DRAFT else None
    if participant is not None:
        return "participant", participant
    return "public", None


def asker_aliases(tender: Tender) -> dict[int, int]:
    """participant id -> N of "Peserta N", by the number of the participant's first question."""
    firsts = (
        Question.objects.filter(tender=tender)
        .values("participant_id")
        .annotate(first=Min("number"))
        .order_by("first")
    )
    return {row["participant_id"]: index for index, row in enumerate(firsts, start=1)}


def alias_label(number: int) -> str:
    return _("Participant %(number)d") % {"number": number}


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRow:
    id: int
    number: int
    stage_code: str
    stage_name: str
    subject: str
    text: str
    asked_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    asker: str  # "Peserta N" for participants; the company for the committee
    is_yours: bool
    asked_by: str | None  # committee only
    answered_by: str | None  # committee only


@dataclass(frozen=True)
class QuestionCounts:
    total: int
    answered: int

    @property
    def unanswered(self) -> int:
        return self.total - self.answered


@dataclass(frozen=True)
class QuestionBoard:
    audience: Audience
    participant: Participant | None
    rows: list[QuestionRow]
    counts: QuestionCounts


def question_counts(tender: Tender) -> QuestionCounts:
    """What anyone may know: how many questions, how many answered."""
    rows = Question.objects.filter(tender=tender)
    return QuestionCounts(
        total=rows.count(), answered=rows.filter(answered_at__isnull=False).count()
    )


def questions_for(
    *, user: Any, tender: Tender, stage_code: str | None = None, unanswered: bool = False
) -> QuestionBoard:
    """The questions of `tender` as `user` may see them (see the module's docstring)."""
    audience, participant = audience_of(user, tender)
    counts = question_counts(tender)
    if audience == "public":
        return QuestionBoard(audience, None, [], counts)
    queryset = Question.objects.filter(tender=tender).order_by("number")
    if stage_code:
        queryset = queryset.filter(stage_code=stage_code)
    if unanswered:
        queryset = queryset.filter(answered_at__isnull=True)
    if audience == "committee":
        queryset = queryset.select_related("participant__vendor", "asked_by", "answered_by")
    aliases = asker_aliases(tender)
    names = stage_names(tender.method, lpse=tender.lpse)
    rows = []
    for question in queryset:
        mine = participant is not None and question.participant_id == participant.pk
        if audience == "committee":
            asker = f"{question.participant.vendor.name} ({alias_label(aliases[question.participant_id])})"
        else:
            asker = alias_label(aliases[question.participant_id])
        rows.append(
            QuestionRow(
                id=question.pk,
                number=question.number,
                stage_code=question.stage_code,
                stage_name=names.get(question.stage_code, question.stage_code),
                subject=question.subject,
                text=question.text,
                asked_at=question.asked_at,
                answer=question.answer,
                answered_at=question.answered_at,
                asker=asker,
                is_yours=mine,
                asked_by=question.asked_by.display_name if audience == "committee" else None,
                answered_by=(
                    question.answered_by.display_name
                    if audience == "committee" and question.answered_by
                    else None
                ),
            )
        )
    return QuestionBoard(audience, participant, rows, counts)


# --- access ------------------------------------------------------------------------------------


def access_tender_for_qa_committee(*, user: Any, tender_id: int) -> Tender:
    """The tender for its committee; NotFound for a missing tender and for anyone else."""
    tender = Tender.objects.select_related("lpse", "package").filter(pk=tender_id).first()
    if tender is None or not is_committee_member(user, tender):
        raise errors.NotFound()
    return tender


def access_tender_for_qa_participant(*, user: Any, tender_id: int) -> tuple[Tender, Participant]:
    """An announced (or later) tender and the user's Participant row; NotFound otherwise."""
    tender = (
        Tender.objects.select_related("lpse", "package")
        .filter(pk=tender_id)
        .exclude(status=TenderStatus.DRAFT)
        .first()
    )
    participant = participant_of(user, tender) if tender is not None else None
    if tender is None or participant is None:
        raise errors.NotFound()
    return tender, participant


def access_question(*, user: Any, question_id: int) -> Question:
    """A question for the committee of its tender; NotFound otherwise."""
    question = (
        Question.objects.select_related("tender__lpse", "tender__package")
        .filter(pk=question_id)
        .first()
    )
    if question is None or not is_committee_member(user, question.tender):
        raise errors.NotFound()
    return question


def minutes_list(*, tender: Tender) -> QuerySet[ExplanationMinutes]:
    return (
        ExplanationMinutes.objects.filter(tender=tender)
        .select_related("file")
        .order_by("stage_code", "-version")
    )


def access_minutes(*, user: Any, tender: Tender, minutes_id: int) -> ExplanationMinutes:
    """A BAPP for the committee and the participants of its tender; NotFound otherwise."""
    audience, _participant = audience_of(user, tender)
    minutes = minutes_list(tender=tender).filter(pk=minutes_id).first()
    if minutes is None or audience == "public":
        raise errors.NotFound()
    return minutes
