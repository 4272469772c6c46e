"""Stage labels: the deployment's (or an LPSE's) own names for the stage names the research
could not verify (ADR 9). Only platform operators set them, in the Django admin."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.accounts.permissions import is_platform_operator
from openlpse.core import audit, errors
from openlpse.tenders.models import StageLabel
from openlpse.tenders.stages import stage_def


def _check(actor: Any, label: StageLabel) -> None:
    if not is_platform_operator(actor):
        raise errors.PermissionDenied(
            _("Only the platform's operators rename stages. Ask them to change the label."),
            code="not_operator",
        )
    try:
        definition = stage_def(label.method, label.code)
    except LookupError:
        raise errors.field_error(
            "code",
            _("The method has no stage “%(code)s”. Choose one of its stages.")
            % {"code": label.code},
            code="unknown_stage",
        ) from None
    if definition.verified:
        raise errors.field_error(
            "code",
            _(
                "“%(name)s” is the name SPSE shows, so it cannot be renamed. Only stages whose "
                "name was not verified can be."
            )
            % {"name": definition.name_id},
            code="stage_name_verified",
        )


def stage_label_save(*, actor: Any, label: StageLabel) -> StageLabel:
    _check(actor, label)
    with transaction.atomic():
        label.save()
        audit.record(
            actor=actor,
            action="tender.stage_label_set",
            obj=label,
            changes={
                "method": label.method,
                "code": label.code,
                "name_id": label.name_id,
                "name_en": label.name_en,
            },
            lpse_id=label.lpse_id,
        )
    return label


def stage_label_delete(*, actor: Any, label: StageLabel) -> None:
    if not is_platform_operator(actor):
        raise errors.PermissionDenied(
            _("Only the platform's operators rename stages. Ask them to change the label."),
            code="not_operator",
        )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="tender.stage_label_delete",
            obj=label,
            changes={"method": label.method, "code": label.code},
            lpse_id=label.lpse_id,
        )
        label.delete()
