"""Pemberian penjelasan (aanwijzing): participants ask, the committee answers (issue 4 item 9;
spse-reference §2.4, Perlem 12/2021 4.2.4).

- A question is accepted only from a vendor that joined the tender, only while a stage that
  takes questions (StageAction.ASK, or ASK_QUALIFICATION in prakualifikasi) is open by the
  server clock, checked inside the transaction after the tender row is locked (architecture
  §4). After the close it is refused with the stage and its end in the LPSE's zone.
- The committee answers every question, during the stage and after it, until the bids (or the
  qualification data) are due: an answer later than that could no longer shape a bid.
- Editing an answer is allowed in the same window; the audit log keeps the old and new text.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from openlpse.accounts.models import User
from openlpse.core import audit, clock, errors
from openlpse.core.notifications import Message, notify
from openlpse.core.timezones import local_datetime_label
from openlpse.tenders import errors as tender_errors
from openlpse.tenders import selectors_questions as selectors
from openlpse.tenders import windows
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.labels import stage_name
from openlpse.tenders.models import Question, Tender
from openlpse.tenders.permissions import active_pokja_user_ids, is_committee_member
from openlpse.tenders.services.common import lock_tender, touch_public
from openlpse.vendors.services.participation import vendor_assert_may_participate

TEXT_MAX = 4000
SUBJECT_MAX = 200
ANSWER_MAX = 8000


def _committee_users(tender: Tender) -> list[User]:
    package = tender.package
    ids = set(active_pokja_user_ids(package))
    if package.pejabat_pengadaan_id:
        ids.add(package.pejabat_pengadaan_id)
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _check_text(
    value: str, field: str, limit: int, empty: Any, problems: dict[str, list[Any]]
) -> str:
    value = (value or "").strip()
    if field != "subject" and not value:
        problems[field] = [empty]
    elif len(value) > limit:
        problems[field] = [
            _("This is %(length)d characters long; the limit is %(limit)d. Shorten it.")
            % {"length": len(value), "limit": limit}
        ]
    return value


def question_ask(*, actor: User, tender: Tender, text: str, subject: str = "") -> Question:
    """Post a question in the open explanation stage, for the actor's company, which must have
    joined the tender. Numbered 1, 2, ... per tender. The committee is notified."""
    with transaction.atomic():
        participant = selectors.participant_of(actor, tender)
        if participant is None or not getattr(actor, "is_active", False):
            raise errors.PermissionDenied(
                _(
                    "Only companies that joined this tender can ask questions in its "
                    "explanation. Join the tender first (ikut tender) while registration is open."
                ),
                code="not_participant",
            )
        locked = lock_tender(tender)
        now = clock.now()
        action = selectors.ask_action(locked, now)
        stage = windows.assert_open(locked, action, what=_("Asking questions"), at=now)
        vendor_assert_may_participate(vendor=participant.vendor, lpse=locked.lpse)
        problems: dict[str, list[Any]] = {}
        text = _check_text(
            text, "text", TEXT_MAX, _("Write your question before sending it."), problems
        )
        subject = _check_text(subject, "subject", SUBJECT_MAX, "", problems)
        if problems:
            first = next(iter(problems.values()))[0]
            raise errors.ValidationError(first, fields=problems)
        last = Question.objects.filter(tender=locked).aggregate(last=Max("number"))["last"]
        question = Question.objects.create(
            tender=locked,
            stage_code=stage.code,
            number=(last or 0) + 1,
            participant=participant,
            asked_by=actor,
            subject=subject,
            text=text,
            asked_at=now,
        )
        touch_public(locked)
        _notify_committee(locked, question)
        audit.record(
            actor=actor,
            action="tender.question_ask",
            obj=question,
            changes={
                "tender": locked.code,
                "number": question.number,
                "stage": stage.code,
                "participant": participant.pk,
            },
            lpse_id=locked.lpse_id,
        )
    return question


def question_answer(*, actor: User, question: Question, answer: str) -> Question:
    """Answer (or correct the answer to) a question, as a member of the tender's committee,
    until the bids (or qualification data) are due. The asking company is notified."""
    with transaction.atomic():
        if not is_committee_member(actor, question.tender):
            raise errors.PermissionDenied(
                _("Only the tender's Pokja (or its Pejabat Pengadaan) answers its questions."),
                code="not_committee",
            )
        tender = lock_tender(question.tender_id)
        if tender.status != TenderStatus.ANNOUNCED:
            raise errors.Conflict(
                _("The tender is “%(status)s”; its questions can no longer be answered.")
                % {"status": tender.get_status_display()},
                code="tender_not_running",
            )
        locked = Question.objects.select_for_update().get(pk=question.pk)
        stage = next(s for s in windows.schedule(tender) if s.code == locked.stage_code)
        deadline = selectors.answer_deadline(tender, stage)
        now = clock.now()
        if now >= deadline:
            raise tender_errors.StageEnded(
                _(
                    "Answers to the questions of “%(stage)s” could be given until %(end)s by "
                    "the server's clock, when the bids became due. Nothing was saved; record "
                    "any needed change of the documents in an addendum."
                )
                % {
                    "stage": stage_name(tender.method, stage.code, lpse=tender.lpse),
                    "end": local_datetime_label(deadline, tender.lpse.time_zone),
                },
                ended_at=deadline,
            )
        problems: dict[str, list[Any]] = {}
        answer = _check_text(
            answer, "answer", ANSWER_MAX, _("Write the answer before saving it."), problems
        )
        if problems:
            raise errors.ValidationError(problems["answer"][0], fields=problems)
        if answer == locked.answer:
            return locked  # the same text again (a second click): nothing changes
        previous = locked.answer
        locked.answer, locked.answered_by, locked.answered_at = answer, actor, now
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        touch_public(tender)
        _notify_asker(tender, locked, edited=bool(previous))
        audit.record(
            actor=actor,
            action="tender.question_answer_edit" if previous else "tender.question_answer",
            obj=locked,
            changes={"tender": tender.code, "number": locked.number, "answer": [previous, answer]},
            lpse_id=tender.lpse_id,
        )
    return locked


# --- notifications -----------------------------------------------------------------------------


def _notify_committee(tender: Tender, question: Question) -> None:
    url = reverse("tenders:qa_committee", args=[tender.pk])
    code, number = tender.code, question.number

    notify(
        users=_committee_users(tender),
        message=Message(
            "tender.question",
            subject=lambda: (
                _("Tender %(code)s: new question %(number)d") % {"code": code, "number": number}
            ),
            body=lambda: (
                _(
                    "A participant asked question %(number)d in the explanation of tender "
                    "%(code)s. Answer it before the bids are due."
                )
                % {"code": code, "number": number}
            ),
            url=url,
        ),
        lpse=tender.lpse,
    )


def _notify_asker(tender: Tender, question: Question, *, edited: bool) -> None:
    url = reverse("tenders:qa_vendor", args=[tender.pk])
    code, number = tender.code, question.number
    asker = question.asked_by

    def subject() -> str:
        if edited:
            return _("Tender %(code)s: the answer to question %(number)d changed") % {
                "code": code,
                "number": number,
            }
        return _("Tender %(code)s: question %(number)d was answered") % {
            "code": code,
            "number": number,
        }

    def body() -> str:
        return _(
            "The Pokja answered question %(number)d of tender %(code)s. Every participant can "
            "read the answer on the explanation page."
        ) % {"code": code, "number": number}

    if asker.is_active:
        notify(
            users=[asker],
            message=Message("tender.answer", subject=subject, body=body, url=url),
            lpse=tender.lpse,
        )
