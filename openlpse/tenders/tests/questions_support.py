"""Scenes for the pemberian penjelasan tests: an announced tender whose explanation stage is
open now, with two joined vendors (A and B) and an outsider vendor that did not join."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core.models import AuditEvent, Notification, StoredFile
from openlpse.tenders.models import ExplanationMinutes, Question, Tender, TenderStage
from openlpse.tenders.tests.factories import announced_tender, join
from openlpse.vendors.models import Vendor
from openlpse.vendors.tests.factories import make_verified_vendor


@dataclass
class Scene:
    tender: Tender
    vendor_a: Vendor
    vendor_b: Vendor
    outsider: Vendor
    chair: Any
    member: Any

    @property
    def user_a(self) -> Any:
        return self.vendor_a.created_by

    @property
    def user_b(self) -> Any:
        return self.vendor_b.created_by

    def stage(self, code: str) -> TenderStage:
        return self.tender.stages.get(code=code)


def build_scene(*, method: str = "pasca_1_file", open_stage: str | None = "penjelasan") -> Scene:
    tender = announced_tender(method=method, open_stage=open_stage)
    vendor_a = make_verified_vendor(lpse=tender.lpse, name="PT Alfa Konstruksi")
    vendor_b = make_verified_vendor(lpse=tender.lpse, name="CV Beta Mandiri")
    outsider = make_verified_vendor(lpse=tender.lpse, name="PT Gamma Luar")
    join(tender, vendor_a)
    join(tender, vendor_b)
    committee = tender.committee  # type: ignore[attr-defined]
    chair = committee.chair
    member = committee.pokja[1]
    return Scene(tender, vendor_a, vendor_b, outsider, chair, member)


def outsiders() -> list[Any]:
    """A signed-in user with no role at all."""
    return [UserFactory()]


def snapshot() -> dict[str, Any]:
    """Everything the Q&A services write."""
    return {
        "questions": sorted(
            Question.objects.values_list(
                "pk", "number", "stage_code", "text", "answer", "answered_by_id", "answered_at"
            )
        ),
        "minutes": sorted(ExplanationMinutes.objects.values_list("pk", "version")),
        "files": StoredFile.objects.filter(kind="tender_minutes").count(),
        "audit": AuditEvent.objects.filter(action__startswith="tender.").count(),
        "notifications": Notification.objects.count(),
    }
