"""Every role that must be refused by the document, addendum, participation and explanation
services is refused with a coded, translated sentence, and nothing changes (conventions:
a permission test runs over every role and asserts that nothing changed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.plans.tests.factories import make_planning_officials
from openlpse.tenders.enums import DocumentKind
from openlpse.tenders.models import (
    Addendum,
    DocumentDownload,
    ExplanationMinutes,
    Participant,
    Question,
    Tender,
    TenderDocument,
)
from openlpse.tenders.services import addenda
from openlpse.tenders.services.addenda import NewDocument
from openlpse.tenders.services.documents import document_download, document_upload
from openlpse.tenders.services.minutes import minutes_generate
from openlpse.tenders.services.participation import tender_join
from openlpse.tenders.services.questions import question_answer, question_ask
from openlpse.tenders.tests.factories import assigned_package, join
from openlpse.tenders.tests.participation_support import (
    PDF_V2,
    tender_with_document,
    upload,
    vendor_for,
)
from openlpse.vendors.tests.factories import make_verifikator

pytestmark = pytest.mark.django_db

ROLES = (
    "participant",  # a person of a vendor that joined the tender
    "vendor_not_joined",
    "official",  # the package's PA: an official with no say over this tender
    "non_committee_pokja",  # a Pokja member of another package
    "other_ppk",
    "lpse_staff",
    "stranger",  # signed in, no role at all
    "anonymous",
)


@dataclass
class Scene:
    tender: Tender
    participant: Any
    question: Question
    document: TenderDocument

    def person(self, role: str) -> Any:
        tender = self.tender
        people: dict[str, Callable[[], Any]] = {
            "participant": lambda: self.participant,
            "vendor_not_joined": lambda: vendor_for(tender).created_by,
            "official": lambda: tender.officials.pa,  # type: ignore[attr-defined]
            "non_committee_pokja": lambda: assigned_package().committee.chair,  # type: ignore[attr-defined]
            "other_ppk": lambda: make_planning_officials(lpse=tender.lpse).ppk,
            "lpse_staff": lambda: make_verifikator(tender.lpse),  # type: ignore[no-untyped-call]
            "stranger": UserFactory,
            "anonymous": AnonymousUser,
        }
        return people[role]()


@pytest.fixture
def scene() -> Scene:
    tender = tender_with_document()
    vendor = vendor_for(tender)
    join(tender, vendor)
    question = question_ask(actor=vendor.created_by, tender=tender, text="Boleh merek setara?")
    document = TenderDocument.objects.get(tender=tender)
    return Scene(tender, vendor.created_by, question, document)


def _draft_addendum(scene: Scene, **flags: Any) -> Addendum:
    return addenda.addendum_create(
        actor=scene.tender.committee.chair,  # type: ignore[attr-defined]
        tender=scene.tender,
        reason="Perubahan volume pekerjaan tanah.",
        documents=[NewDocument(DocumentKind.DOKUMEN_PEMILIHAN, "Adendum 1", upload(PDF_V2))],
        **flags,
    )


def _snapshot() -> dict[str, Any]:
    return {
        "addenda": sorted(
            Addendum.objects.values_list("pk", "status", "ppk_decided_at", "published_at")
        ),
        "documents": sorted(TenderDocument.objects.values_list("pk", "version", "published_at")),
        "files": StoredFile.objects.count(),
        "participants": Participant.objects.count(),
        "questions": sorted(Question.objects.values_list("pk", "answer", "answered_at")),
        "minutes": ExplanationMinutes.objects.count(),
        "downloads": DocumentDownload.objects.count(),
        "tenders": sorted(Tender.objects.values_list("pk", "setup_version", "status")),
        "audit": AuditEvent.objects.count(),
    }


Call = Callable[[Any], object]


def _chair(scene: Scene) -> Any:
    return scene.tender.committee.chair  # type: ignore[attr-defined]


def _upload(scene: Scene) -> Call:
    addendum = _draft_addendum(scene)
    return lambda actor: document_upload(
        actor=actor,
        tender=scene.tender,
        kind=DocumentKind.DOKUMEN_PEMILIHAN,
        title="x",
        upload=upload(PDF_V2),
        addendum=addendum,
    )


def _create(scene: Scene) -> Call:
    return lambda actor: addenda.addendum_create(
        actor=actor, tender=scene.tender, reason="Perubahan spesifikasi."
    )


def _submit(scene: Scene) -> Call:
    addendum = _draft_addendum(scene, changes_hps=True)
    return lambda actor: addenda.addendum_submit(actor=actor, addendum=addendum)


def _decide(scene: Scene) -> Call:
    addendum = addenda.addendum_submit(
        actor=_chair(scene), addendum=_draft_addendum(scene, changes_hps=True)
    )
    return lambda actor: addenda.addendum_decide(actor=actor, addendum=addendum, approve=True)


def _publish(scene: Scene) -> Call:
    addendum = _draft_addendum(scene)
    return lambda actor: addenda.addendum_publish(actor=actor, addendum=addendum)


def _join(scene: Scene) -> Call:
    return lambda actor: tender_join(actor=actor, tender=scene.tender)


def _download(scene: Scene) -> Call:
    return lambda actor: document_download(user=actor, document=scene.document)


def _ask(scene: Scene) -> Call:
    return lambda actor: question_ask(actor=actor, tender=scene.tender, text="Apakah boleh?")


def _answer(scene: Scene) -> Call:
    return lambda actor: question_answer(actor=actor, question=scene.question, answer="Ya.")


def _minutes(scene: Scene) -> Call:
    return lambda actor: minutes_generate(actor=actor, tender=scene.tender, stage_code="penjelasan")


NOT_PARTICIPANT = tuple(r for r in ROLES if r != "participant")
# operation -> (prepare, roles refused, codes of the refusal)
OPERATIONS: dict[str, tuple[Callable[[Scene], Call], tuple[str, ...], set[str]]] = {
    "document_upload": (_upload, ROLES, {"not_committee"}),
    "addendum_create": (_create, ROLES, {"not_committee"}),
    "addendum_submit": (_submit, ROLES, {"not_committee"}),
    "addendum_decide": (_decide, ROLES, {"not_ppk"}),
    "addendum_publish": (_publish, ROLES, {"not_committee"}),
    # The participant already joined (joining again returns its row); a vendor that did not
    # join yet may join.
    "tender_join": (
        _join,
        ("official", "non_committee_pokja", "other_ppk", "lpse_staff", "stranger", "anonymous"),
        {"official_cannot_join", "not_vendor"},
    ),
    "document_download": (_download, NOT_PARTICIPANT, {"not_participant"}),
    "question_ask": (_ask, NOT_PARTICIPANT, {"not_participant"}),
    "question_answer": (_answer, ROLES, {"not_committee"}),
    "minutes_generate": (_minutes, ROLES, {"not_committee"}),
}

CASES = [
    pytest.param(operation, role, id=f"{operation}-{role}")
    for operation, (_prepare, roles, _codes) in OPERATIONS.items()
    for role in roles
]


@pytest.mark.parametrize(("operation", "role"), CASES)
def test_role_is_refused_and_nothing_changes(scene: Scene, operation: str, role: str) -> None:
    prepare, _roles, codes = OPERATIONS[operation]
    call = prepare(scene)  # what the refused call acts on is made by the committee first
    actor = scene.person(role)
    before = _snapshot()

    with translation.override("en"), pytest.raises(errors.PermissionDenied) as refused:
        call(actor)

    assert refused.value.code in codes
    message = str(refused.value)
    assert message.endswith(".")
    assert len(message.split()) >= 6  # a sentence that says what to do, not a bare code
    assert _snapshot() == before
