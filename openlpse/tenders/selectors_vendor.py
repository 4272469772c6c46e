"""The vendors' side of tenders: the open tenders a vendor may join, the tenders it joined,
and a tender's page as a vendor sees it.

A tender is open for a vendor when it is announced, a stage allowing "join" is open now by
the server clock, the vendor holds every licence kind its qualification requirements name
(valid today, and mentioning the classification/KBLI when one is given), its business
qualification (kecil / non-kecil) fits the package's, and, for pengadaan langsung, the vendor
is the one invited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from openlpse.accounts.permissions import today
from openlpse.core import clock, errors
from openlpse.tenders.enums import (
    PUBLIC_TENDER_STATUSES,
    BusinessQualification,
    RequirementKind,
    StageAction,
    TenderMethod,
    TenderStatus,
)
from openlpse.tenders.models import Participant, QualificationRequirement, Tender, TenderStage
from openlpse.tenders.stages import stages_with
from openlpse.vendors.enums import BusinessForm, BusinessScale
from openlpse.vendors.models import BusinessLicence, Vendor

SORTS = {
    "closes": ("join_closes", "pk"),
    "-closes": ("-join_closes", "-pk"),
    "hps": ("package__hps_total", "pk"),
    "-hps": ("-package__hps_total", "-pk"),
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "announced": ("announced_at", "pk"),
    "-announced": ("-announced_at", "-pk"),
}
DEFAULT_SORT = "closes"


def allowed_qualifications(vendor: Vendor) -> set[str]:
    """The package business qualifications this vendor may bid for (Perpres 16/2018 Pasal 65:
    packages for small businesses are reserved for them; a non-small business takes the
    non-small packages)."""
    allowed = {str(BusinessQualification.SEMUA)}
    if vendor.business_scale == BusinessScale.KECIL:
        allowed.add(str(BusinessQualification.KECIL))
    elif vendor.business_scale == BusinessScale.NON_KECIL:
        allowed.add(str(BusinessQualification.NON_KECIL))
    if vendor.business_form == BusinessForm.PERORANGAN:
        allowed.add(str(BusinessQualification.PERORANGAN))
    return allowed


def join_stage_q(at: dt.datetime) -> Q:
    """Tenders with a stage allowing "join" open at `at` (each method has its own stages)."""
    q = Q()
    for method in TenderMethod.values:
        codes = [s.code for s in stages_with(method, StageAction.JOIN)]
        if codes:
            open_join = TenderStage.objects.filter(
                tender=OuterRef("pk"), code__in=codes, starts_at__lte=at, ends_at__gt=at
            )
            q |= Q(Q(method=method), Exists(open_join))
    return q


def _join_closes(at: dt.datetime) -> Any:
    """The end of the join stage open now (for sorting and the "closes" column)."""
    from django.db.models import Subquery

    rows = TenderStage.objects.filter(tender=OuterRef("pk"), starts_at__lte=at, ends_at__gt=at)
    q = Q()
    for method in TenderMethod.values:
        codes = [s.code for s in stages_with(method, StageAction.JOIN)]
        q |= Q(tender__method=method, code__in=codes)
    return Subquery(rows.filter(q).order_by("-ends_at").values("ends_at")[:1])


def unmet_licence_requirements(vendor: Vendor, on: dt.date) -> QuerySet[QualificationRequirement]:
    """Licence requirements (of any tender: filter by tender) the vendor's licences do not
    meet: no licence of that kind valid on `on`, or none mentioning the classification."""
    matching = BusinessLicence.objects.filter(
        vendor=vendor,
        kind=OuterRef("licence_kind"),
        classification__icontains=OuterRef("classification"),
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    return QualificationRequirement.objects.filter(kind=RequirementKind.LICENCE).exclude(
        Exists(matching)
    )


def open_tenders_for_vendor(
    *,
    vendor: Vendor,
    query: str = "",
    lpse: Any = None,
    method: str = "",
    procurement_type: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[Tender]:
    """Announced tenders whose join window is open now and whose licence and business
    qualification requirements the vendor meets. Annotated with `join_closes` and `joined`."""
    now = clock.now()
    unmet = unmet_licence_requirements(vendor, today()).filter(tender=OuterRef("pk"))
    rows = (
        Tender.objects.filter(status=TenderStatus.ANNOUNCED)
        .filter(join_stage_q(now))
        .filter(package__business_qualification__in=allowed_qualifications(vendor))
        .exclude(Exists(unmet))
        .filter(Q(~Q(method=TenderMethod.PENGADAAN_LANGSUNG)) | Q(invited_vendor=vendor))
        .annotate(
            join_closes=_join_closes(now),
            joined=Exists(Participant.objects.filter(tender=OuterRef("pk"), vendor=vendor)),
        )
        .select_related("lpse", "package", "package__agency")
    )
    if query:
        rows = rows.filter(
            Q(name__icontains=query)
            | Q(code__iexact=query)
            | Q(package__agency__name__icontains=query)
        )
    if lpse is not None:
        rows = rows.filter(lpse=lpse)
    if method:
        rows = rows.filter(method=method)
    if procurement_type:
        rows = rows.filter(package__procurement_type=procurement_type)
    return rows.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def my_tenders(*, vendor: Vendor) -> QuerySet[Participant]:
    """The tenders the vendor joined, newest first."""
    return (
        Participant.objects.filter(vendor=vendor)
        .select_related("tender", "tender__lpse", "tender__package", "tender__package__agency")
        .order_by("-joined_at", "-pk")
    )


def access_tender_for_vendor(*, user: Any, tender_id: int) -> Tender:
    """A public tender (announced or later) for a signed-in vendor; NotFound otherwise."""
    tender = (
        Tender.objects.filter(
            pk=tender_id, status__in=PUBLIC_TENDER_STATUSES, announced_at__isnull=False
        )
        .select_related("lpse", "package", "package__agency", "invited_vendor")
        .prefetch_related("stages", "requirements")
        .first()
    )
    if tender is None or not getattr(user, "is_authenticated", False):
        raise errors.NotFound()
    return tender


def participant_of(*, vendor: Vendor | None, tender: Tender) -> Participant | None:
    if vendor is None:
        return None
    return Participant.objects.filter(vendor=vendor, tender=tender).first()


def eligibility_problems(*, vendor: Vendor, tender: Tender) -> list[str]:
    """Why the vendor does not meet the tender's licence requirements (shown on the tender's
    page; the committee checks qualification in evaluation)."""
    from django.utils.translation import gettext as _

    on = today()
    problems = []
    unmet = unmet_licence_requirements(vendor, on).filter(tender=tender).order_by("position")
    for requirement in unmet:
        if requirement.classification:
            problems.append(
                _("No licence “%(licence)s” valid today that mentions “%(classification)s”.")
                % {
                    "licence": requirement.get_licence_kind_display(),
                    "classification": requirement.classification,
                }
            )
        else:
            problems.append(
                _("No licence “%(licence)s” valid today.")
                % {"licence": requirement.get_licence_kind_display()}
            )
    return problems
