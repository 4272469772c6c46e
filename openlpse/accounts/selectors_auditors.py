"""Reads of auditor requests, for those who decide them: the verifikators and administrators
of the request's LPSE (`permissions_registrations`). Anything else is NotFound."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from openlpse.accounts import permissions, permissions_registrations
from openlpse.accounts.models.registrations import AuditorRegistration, AuditorRegistrationStatus
from openlpse.core.errors import NotFound

if TYPE_CHECKING:
    from openlpse.organizations.models import Lpse

STATUSES = ("pending", "decided", "all")


def deciding_lpses(*, user: Any) -> list[Lpse]:
    """Active LPSEs whose auditor requests the user decides, by name."""
    from openlpse.organizations.models import Lpse

    ids = (
        permissions.active_assignments(user)
        .filter(permissions_registrations.auditor_deciders_q())
        .values_list("lpse_id", flat=True)
    )
    return list(Lpse.objects.filter(pk__in=list(ids), is_active=True).order_by("name"))


def auditor_request_list(
    *, user: Any, lpse: Lpse | None = None, status: str = "pending"
) -> QuerySet[AuditorRegistration]:
    """Requests of the LPSEs the user decides (or of one of them): waiting ones oldest first,
    decided ones newest first."""
    lpse_ids = [item.pk for item in deciding_lpses(user=user)]
    if lpse is not None:
        lpse_ids = [pk for pk in lpse_ids if pk == lpse.pk]
    qs = AuditorRegistration.objects.filter(lpse_id__in=lpse_ids).select_related(
        "lpse", "decided_by", "user"
    )
    if status == "pending":
        return qs.filter(status=AuditorRegistrationStatus.PENDING).order_by("created_at", "pk")
    if status == "decided":
        qs = qs.exclude(status=AuditorRegistrationStatus.PENDING)
    return qs.order_by("-created_at", "-pk")


def access_auditor_request(*, user: Any, registration_id: int) -> AuditorRegistration:
    registration = (
        AuditorRegistration.objects.filter(pk=registration_id)
        .select_related("lpse", "letter_file", "decided_by", "user", "role_assignment")
        .first()
    )
    if registration is None or not permissions_registrations.can_decide_auditor_requests(
        user, registration.lpse
    ):
        raise NotFound()
    return registration
