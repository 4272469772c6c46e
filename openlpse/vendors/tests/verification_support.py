"""Shared set-up for the verification tests: a snapshot of everything the verification and
slot services write, to assert that nothing changed after a refusal."""

from __future__ import annotations

from openlpse.accounts.models import RoleAssignment
from openlpse.core.models import AuditEvent, Notification
from openlpse.vendors.models import (
    DocumentReview,
    Vendor,
    VerificationAppointment,
    VerificationRequest,
    VerificationSlot,
)


def snapshot() -> dict[str, object]:
    return {
        "requests": sorted(
            VerificationRequest.objects.values_list("pk", "status", "decided_by_id", "data")
        ),
        "reviews": DocumentReview.objects.count(),
        "vendors": sorted(
            Vendor.objects.values_list(
                "pk", "status", "name", "npwp", "nib", "email", "verified_lpse_id", "verified_at"
            )
        ),
        "roles": RoleAssignment.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "slots": sorted(VerificationSlot.objects.values_list("pk", "cancelled_at")),
        "appointments": sorted(VerificationAppointment.objects.values_list("pk", "cancelled_at")),
    }


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
