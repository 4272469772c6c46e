"""Every plans service refuses every role that must not use it, with the stable
`permission_denied` code and a full sentence, and changes nothing: no row, no field, no
AuditEvent, no notification (conventions: a permission test runs over every role)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent
from openlpse.plans.enums import AdoptionPlanStatus
from openlpse.plans.services.adoption import (
    adoption_plan_decide,
    adoption_plan_propose,
    adoption_plan_save,
)
from openlpse.plans.services.imports import rup_import, template_csv
from openlpse.plans.services.rup import rup_announce, rup_create, rup_update, rup_withdraw
from openlpse.plans.tests.factories import AdoptionPlanFactory, RupItemFactory, announced_rup
from openlpse.plans.tests.plans_support import build_scene, rup_fields, snapshot
from openlpse.vendors.tests.factories import VendorFactory, grant_vendor_role

pytestmark = pytest.mark.django_db


def _actor(scene: Any, role: str) -> Any:
    if role == "anonymous":
        return AnonymousUser()
    if role == "vendor":
        user = UserFactory()
        grant_vendor_role(user, VendorFactory())
        return user
    return scene.users[role]


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("rup.csv", template_csv().encode(), content_type="text/csv")


def _rup_create(scene: Any, actor: Any) -> None:
    rup_create(actor=actor, agency=scene.agency, work_unit=scene.work_unit, data=rup_fields())


def _rup_update(scene: Any, actor: Any) -> None:
    item = RupItemFactory(agency=scene.agency, work_unit=scene.work_unit, code="26000001")
    scene.before = snapshot()
    rup_update(actor=actor, item=item, data=rup_fields(name="Changed"), work_unit=scene.work_unit)


def _rup_announce(scene: Any, actor: Any) -> None:
    item = RupItemFactory(agency=scene.agency, work_unit=scene.work_unit)
    scene.before = snapshot()
    rup_announce(actor=actor, item=item)


def _rup_withdraw(scene: Any, actor: Any) -> None:
    item = announced_rup(agency=scene.agency, work_unit=scene.work_unit)
    scene.before = snapshot()
    rup_withdraw(actor=actor, item=item, reason="Anggaran dialihkan.")


def _rup_import(scene: Any, actor: Any) -> None:
    rup_import(actor=actor, agency=scene.agency, upload=_upload())


def _plan_save(scene: Any, actor: Any) -> None:
    adoption_plan_save(
        actor=actor,
        agency=scene.agency,
        fiscal_year=2026,
        value_threshold=Decimal("200000000"),
        target_count=5,
        target_value=None,
    )


def _plan_propose(scene: Any, actor: Any) -> None:
    plan = AdoptionPlanFactory(agency=scene.agency)
    scene.before = snapshot()
    adoption_plan_propose(actor=actor, plan=plan)


def _plan_decide(scene: Any, actor: Any) -> None:
    plan = AdoptionPlanFactory(
        agency=scene.agency, status=AdoptionPlanStatus.PROPOSED, proposed_by=scene.users["pa"]
    )
    scene.before = snapshot()
    adoption_plan_decide(actor=actor, plan=plan, agree=False, note="Naikkan target.")


RUP_REFUSED = (
    "ppk",
    "kpa_other_unit",
    "agency_admin",
    "pa_other_agency",
    "lpse_admin",
    "lpse_staff",
    "pa_and_lpse_staff",
    "nobody",
    "vendor",
    "anonymous",
)
PLAN_WRITE_REFUSED = (
    "ppk",
    "kpa",
    "pa_other_agency",
    "lpse_admin",
    "lpse_staff",
    "pa_and_lpse_staff",
    "nobody",
    "vendor",
    "anonymous",
)
PLAN_DECIDE_REFUSED = (
    "pa",
    "kpa",
    "agency_admin",
    "ppk",
    "pa_other_agency",
    "lpse_staff",
    "nobody",
    "vendor",
    "anonymous",
)

CASES: list[tuple[str, Callable[[Any, Any], None], str]] = [
    *[("rup_create", _rup_create, r) for r in RUP_REFUSED],
    *[("rup_update", _rup_update, r) for r in RUP_REFUSED],
    *[("rup_announce", _rup_announce, r) for r in RUP_REFUSED],
    *[("rup_withdraw", _rup_withdraw, r) for r in RUP_REFUSED],
    # A KPA of another work unit of the agency may import (rows of its own unit only).
    *[("rup_import", _rup_import, r) for r in RUP_REFUSED if r != "kpa_other_unit"],
    *[("adoption_plan_save", _plan_save, r) for r in PLAN_WRITE_REFUSED],
    *[("adoption_plan_propose", _plan_propose, r) for r in PLAN_WRITE_REFUSED],
    *[("adoption_plan_decide", _plan_decide, r) for r in PLAN_DECIDE_REFUSED],
]


@pytest.mark.parametrize(("service", "call", "role"), CASES, ids=[f"{s}-{r}" for s, _c, r in CASES])
def test_refused_roles_change_nothing(service: str, call: Any, role: str) -> None:
    scene = build_scene()
    actor = _actor(scene, role)
    scene.before = snapshot()  # type: ignore[attr-defined]
    audit_before = AuditEvent.objects.count()
    with pytest.raises(errors.PermissionDenied) as refused:
        call(scene, actor)
    assert refused.value.code == "permission_denied"
    assert refused.value.http_status == 403
    message = str(refused.value.message)
    assert message.endswith(".") and message != str(errors.PermissionDenied.default_message)
    assert snapshot() == scene.before  # type: ignore[attr-defined]
    assert AuditEvent.objects.count() == audit_before
