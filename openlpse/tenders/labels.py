"""Stage names in the user's language, with the deployment's and the LPSE's own labels
(`StageLabel`) for the names the research could not verify."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import translation

from openlpse.tenders.stages import stage_def


def _language() -> str:
    return (translation.get_language() or "id").split("-")[0]


def stage_name(method: str, code: str, *, lpse: Any = None, language: str | None = None) -> str:
    from openlpse.tenders.models import StageLabel

    language = language or _language()
    definition = stage_def(method, code)
    if not definition.verified:
        rows = list(
            StageLabel.objects.filter(method=method, code=code, lpse__in=[lpse] if lpse else [])
        ) + list(StageLabel.objects.filter(method=method, code=code, lpse__isnull=True))
        if rows:
            label = rows[0]
            return label.name_en if language == "en" else label.name_id
    return definition.name_en if language == "en" else definition.name_id


def stage_names(method: str, *, lpse: Any = None, language: str | None = None) -> dict[str, str]:
    """Every stage name of a method at once (one query for the overrides)."""
    from openlpse.tenders.models import StageLabel
    from openlpse.tenders.stages import template_for

    language = language or _language()
    overrides: dict[str, str] = {}
    rows = StageLabel.objects.filter(method=method).filter(lpse__isnull=True)
    if lpse is not None:
        rows = StageLabel.objects.filter(method=method, lpse__in=[lpse]) | rows
    # The deployment's labels (no LPSE) first, so that the LPSE's own label wins; NULLs sort
    # last on PostgreSQL and first on SQLite unless said.
    for row in rows.order_by(F("lpse_id").asc(nulls_first=True)):
        overrides[row.code] = row.name_en if language == "en" else row.name_id
    names = {}
    for definition in template_for(method):
        default = definition.name_en if language == "en" else definition.name_id
        names[definition.code] = (
            overrides.get(definition.code, default) if not definition.verified else default
        )
    return names
