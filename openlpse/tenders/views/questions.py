"""Pemberian penjelasan pages. Thin: visibility in tenders.selectors_questions, rules in
tenders.services.questions and .minutes.

- Committee (`tender/kelola/<id>/penjelasan/`): every question with its asker, an answer form
  per question, the stages' windows and answer deadlines, a link to extend a running stage
  (helper 3's `setup_stage_extend`), and the BAPP versions with their SHA-256.
- Participant (`penyedia/tender/<id>/penjelasan/`): the ask form while a stage is open, every
  question and answer (the others' askers anonymous, its own marked), the BAPP.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.accounts.models.user import User
from openlpse.core import clock, errors
from openlpse.core.forms import form_refused
from openlpse.core.pages import acting_user, backoffice, posted
from openlpse.core.storage import file_response
from openlpse.tenders import selectors_questions as selectors
from openlpse.tenders import windows
from openlpse.tenders.forms_questions import (
    AnswerForm,
    MinutesForm,
    QuestionFilterForm,
    QuestionForm,
)
from openlpse.tenders.labels import stage_names
from openlpse.tenders.models import Tender
from openlpse.tenders.permissions import can_run
from openlpse.tenders.services import minutes as minutes_services
from openlpse.tenders.services import questions as services


def _extend_url(tender: Tender, code: str) -> str | None:
    """Helper 3's page to extend a running stage, when it is installed."""
    try:
        return reverse("tenders:setup_stage_extend", kwargs={"tender_id": tender.pk, "code": code})
    except NoReverseMatch:
        return None


def _stage_rows(tender: Tender, *, committee: bool) -> list[dict[str, Any]]:
    now = clock.now()
    names = stage_names(tender.method, lpse=tender.lpse)
    rows = []
    for stage in selectors.question_stages(tender):
        is_open = windows.is_open(stage, now)
        rows.append(
            {
                "stage": stage,
                "name": names.get(stage.code, stage.code),
                "open": is_open,
                "upcoming": stage.starts_at > now,
                "ended": stage.ends_at <= now,
                "answer_until": selectors.answer_deadline(tender, stage),
                "extend_url": (_extend_url(tender, stage.code) if committee and is_open else None),
            }
        )
    return rows


# --- committee ---------------------------------------------------------------------------------


def _committee_context(request: HttpRequest, tender: Tender, user: User) -> dict[str, Any]:
    filters = QuestionFilterForm(request.GET or None)
    unanswered = filters.is_valid() and filters.cleaned_data["show"] == "unanswered"
    board = selectors.questions_for(user=user, tender=tender, unanswered=unanswered)
    stages = _stage_rows(tender, committee=True)
    ended = [(row["stage"].code, row["name"]) for row in stages if row["ended"]]
    return {
        "tender": tender,
        "board": board,
        "stages": stages,
        "filters": filters,
        "can_answer": can_run(user, tender),
        "minutes": list(selectors.minutes_list(tender=tender)),
        "minutes_form": MinutesForm(stages=ended) if ended else None,
        "stage_names": stage_names(tender.method, lpse=tender.lpse),
    }


@backoffice
@require_http_methods(["GET"])
def qa_committee(request: HttpRequest, tender_id: int) -> HttpResponse:
    user = acting_user(request)
    tender = selectors.access_tender_for_qa_committee(user=user, tender_id=tender_id)
    request.lpse = tender.lpse  # type: ignore[attr-defined]
    context = _committee_context(request, tender, user)
    return render(request, "tenders/questions/committee.html", context)


@backoffice
@require_http_methods(["GET", "POST"])
def qa_answer(request: HttpRequest, tender_id: int, question_id: int) -> HttpResponse:
    user = acting_user(request)
    question = selectors.access_question(user=user, question_id=question_id)
    if question.tender_id != tender_id:
        raise Http404()
    tender = question.tender
    request.lpse = tender.lpse  # type: ignore[attr-defined]
    form = AnswerForm(posted(request), initial={"answer": question.answer})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.question_answer(
                    actor=user, question=question, answer=form.cleaned_data["answer"]
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _("The answer to question %(number)d was saved.") % {"number": question.number},
                )
                url = reverse("tenders:qa_committee", args=[tender.pk])
                return redirect(f"{url}#q-{question.number}")
    board = selectors.questions_for(user=user, tender=tender)
    row = next(r for r in board.rows if r.id == question.pk)
    context = {"tender": tender, "row": row, "form": form}
    return render(request, "tenders/questions/answer.html", context, status=status)


@backoffice
@require_POST
def qa_minutes_generate(request: HttpRequest, tender_id: int) -> HttpResponse:
    user = acting_user(request)
    tender = selectors.access_tender_for_qa_committee(user=user, tender_id=tender_id)
    try:
        minutes = minutes_services.minutes_generate(
            actor=user, tender=tender, stage_code=request.POST.get("stage_code", "")
        )
    except errors.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The BAPP, version %(version)d, was generated and the participants were told.")
            % {"version": minutes.version},
        )
    return redirect("tenders:qa_committee", tender_id=tender.pk)


@backoffice
@require_http_methods(["GET"])
def qa_minutes_download(request: HttpRequest, tender_id: int, minutes_id: int) -> HttpResponseBase:
    tender = selectors.access_tender_for_qa_committee(user=request.user, tender_id=tender_id)
    minutes = selectors.access_minutes(user=request.user, tender=tender, minutes_id=minutes_id)
    return file_response(stored_file=minutes.file)


# --- participant -------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET", "POST"])
def qa_vendor(request: HttpRequest, tender_id: int) -> HttpResponse:
    user = acting_user(request)
    tender, _participant = selectors.access_tender_for_qa_participant(
        user=user, tender_id=tender_id
    )
    request.lpse = tender.lpse  # type: ignore[attr-defined]
    form = QuestionForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                question = services.question_ask(
                    actor=user,
                    tender=tender,
                    text=form.cleaned_data["text"],
                    subject=form.cleaned_data["subject"],
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _("Your question was sent as question %(number)d. The Pokja will answer it.")
                    % {"number": question.number},
                )
                return redirect("tenders:qa_vendor", tender_id=tender.pk)
    stages = _stage_rows(tender, committee=False)
    context = {
        "tender": tender,
        "board": selectors.questions_for(user=user, tender=tender),
        "stages": stages,
        "form": form,
        "asking_open": any(row["open"] for row in stages),
        "minutes": list(selectors.minutes_list(tender=tender)),
        "stage_names": stage_names(tender.method, lpse=tender.lpse),
    }
    return render(request, "tenders/questions/vendor.html", context, status=status)


@backoffice
@require_http_methods(["GET"])
def qa_vendor_minutes_download(
    request: HttpRequest, tender_id: int, minutes_id: int
) -> HttpResponseBase:
    tender, _participant = selectors.access_tender_for_qa_participant(
        user=request.user, tender_id=tender_id
    )
    minutes = selectors.access_minutes(user=request.user, tender=tender, minutes_id=minutes_id)
    return file_response(stored_file=minutes.file)
