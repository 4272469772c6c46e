"""Pemberian penjelasan in the JSON API (API token): read the questions as the caller may see
them, ask (participants), answer (committee), generate and download the BAPP (committee;
participants download). Same rules and sentences as the pages (tenders.services.questions,
.minutes; visibility in tenders.selectors_questions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Router, Schema, Status

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.user import User
from openlpse.core import errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.storage import file_response
from openlpse.tenders import selectors_questions as selectors
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.models import ExplanationMinutes, Question, Tender
from openlpse.tenders.permissions import is_committee_member
from openlpse.tenders.services import minutes as minutes_services
from openlpse.tenders.services import questions as services

router = Router(tags=["Tender explanation (Q&A)"], auth=token_auth)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _tender(user: User, code: str) -> Tender:
    """An announced (or later) tender, or a draft for its committee; NotFound otherwise."""
    tender = Tender.objects.select_related("lpse", "package").filter(code=code).first()
    if tender is None or (
        tender.status == TenderStatus.DRAFT and not is_committee_member(user, tender)
    ):
        raise errors.NotFound()
    return tender


class QuestionOut(Schema):
    id: int
    number: int
    stage: str = Field(description="Code of the explanation stage the question was asked in.")
    stage_name: str
    subject: str
    text: str
    asked_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    asker: str = Field(description='"Peserta N" (anonymous); the committee also sees the company.')
    is_yours: bool
    asked_by: str | None = Field(None, description="The asking person; committee only.")
    answered_by: str | None = Field(None, description="The answering member; committee only.")

    @staticmethod
    def resolve_stage(obj: Any) -> str:
        return str(obj.stage_code)


class QuestionBoardOut(Schema):
    audience: str = Field(description="committee, participant or public (counts only).")
    total: int
    answered: int
    items: list[QuestionOut]


def _row(user: User, tender: Tender, question: Question) -> selectors.QuestionRow:
    board = selectors.questions_for(user=user, tender=tender)
    return next(r for r in board.rows if r.id == question.pk)


@router.get(
    "/tenders/{code}/questions",
    response={200: QuestionBoardOut, **error_responses(401, 404)},
    summary="The questions and answers of a tender",
)
def qa_list(request: HttpRequest, code: str) -> dict[str, Any]:
    """Every question and answer for the committee and the participants (askers anonymous to
    other participants); counts only for anyone else."""
    user = _user(request)
    tender = _tender(user, code)
    board = selectors.questions_for(user=user, tender=tender)
    return {
        "audience": board.audience,
        "total": board.counts.total,
        "answered": board.counts.answered,
        "items": board.rows,
    }


class QuestionIn(InputSchema):
    subject: str = Field("", max_length=services.SUBJECT_MAX)
    text: str = Field(max_length=services.TEXT_MAX)


@router.post(
    "/tenders/{code}/questions",
    response={201: QuestionOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Ask a question",
)
def qa_ask(request: HttpRequest, code: str, payload: QuestionIn) -> Status[Any]:
    """For a company that joined the tender, while an explanation stage is open by the server
    clock (409 stage_not_started / stage_ended otherwise)."""
    user = _user(request)
    tender = _tender(user, code)
    question = services.question_ask(
        actor=user, tender=tender, text=payload.text, subject=payload.subject
    )
    return Status(201, _row(user, tender, question))


class AnswerIn(InputSchema):
    answer: str = Field(max_length=services.ANSWER_MAX)


@router.post(
    "/tenders/{code}/questions/{number}/answer",
    response={200: QuestionOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Answer a question (or correct the answer)",
)
def qa_answer(request: HttpRequest, code: str, number: int, payload: AnswerIn) -> Any:
    """For the tender's committee, until the bids (or qualification data) are due."""
    user = _user(request)
    tender = _tender(user, code)
    question = Question.objects.filter(tender=tender, number=number).first()
    if question is None:
        raise errors.NotFound()
    question = selectors.access_question(user=user, question_id=question.pk)
    answered = services.question_answer(actor=user, question=question, answer=payload.answer)
    return _row(user, tender, answered)


class MinutesOut(Schema):
    id: int
    stage: str
    version: int
    question_count: int
    generated_at: dt.datetime
    sha256: str
    size: int

    @staticmethod
    def resolve_stage(obj: ExplanationMinutes) -> str:
        return obj.stage_code

    @staticmethod
    def resolve_sha256(obj: ExplanationMinutes) -> str:
        return obj.file.sha256

    @staticmethod
    def resolve_size(obj: ExplanationMinutes) -> int:
        return obj.file.size


def _minutes_audience(user: User, tender: Tender) -> None:
    audience, _participant = selectors.audience_of(user, tender)
    if audience == "public":
        raise errors.NotFound()


@router.get(
    "/tenders/{code}/minutes",
    response={200: list[MinutesOut], **error_responses(401, 404)},
    summary="The BAPP versions of a tender",
)
def qa_minutes_list(request: HttpRequest, code: str) -> list[ExplanationMinutes]:
    """For the committee and the participants."""
    user = _user(request)
    tender = _tender(user, code)
    _minutes_audience(user, tender)
    return list(selectors.minutes_list(tender=tender))


class MinutesIn(InputSchema):
    stage_code: str = Field(description="Code of the explanation stage, e.g. penjelasan.")


@router.post(
    "/tenders/{code}/minutes",
    response={201: MinutesOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Generate the BAPP of an explanation stage",
)
def qa_minutes_generate(request: HttpRequest, code: str, payload: MinutesIn) -> Status[Any]:
    """For the committee, after the stage has ended; each call makes a new version."""
    user = _user(request)
    tender = _tender(user, code)
    minutes = minutes_services.minutes_generate(
        actor=user, tender=tender, stage_code=payload.stage_code
    )
    return Status(201, minutes)


@router.get(
    "/tenders/{code}/minutes/{minutes_id}/pdf",
    response={200: None, **error_responses(401, 404)},
    summary="Download a BAPP",
)
def qa_minutes_download(request: HttpRequest, code: str, minutes_id: int) -> HttpResponseBase:
    """The PDF, for the committee and the participants."""
    user = _user(request)
    tender = _tender(user, code)
    minutes = selectors.access_minutes(user=user, tender=tender, minutes_id=minutes_id)
    return file_response(stored_file=minutes.file)
