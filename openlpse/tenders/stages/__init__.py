"""Stage templates: every selection method as data (architecture §4; conventions 6).

A template is an ordered tuple of `StageDef`: the stage's code, its name as SPSE shows it
(Indonesian) and in English, who acts in it, what may be done inside it, a default duration
and its ordering rules. One module per method (`pasca_1_file.py`, ...) declares it; code asks
`template_for(method)` and "is a stage with action X open now?", never a method's order.

Names that the research could not verify against a live SPSE (spse-reference §2.2 B and D)
carry `verified=False`; a deployment or an LPSE renames them with `StageLabel` rows.

`TEMPLATE_VERSION` is stored on each tender: a later change of a template never rewrites the
schedule of a tender already set up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openlpse.tenders.enums import StageAction, StageActor, TenderMethod

TEMPLATE_VERSION = "2026.1"


@dataclass(frozen=True)
class StageDef:
    code: str
    name_id: str
    name_en: str
    actor: StageActor
    actions: frozenset[StageAction]
    default_days: int = 1
    # Ordering rules, checked by the schedule validator and used to lay out a default schedule:
    starts_after_end_of: tuple[str, ...] = ()  # start >= each one's end
    starts_with: tuple[str, ...] = ()  # start >= each one's start
    ends_with: str | None = None  # default end = that stage's end; end <= that stage's end
    offset_days: int = 0  # default start this many calendar days after the reference point
    ends_in_working_hours: bool = True  # the deadline ends on a working day within hours
    min_days: int = 0  # at least this many calendar days long (e.g. masa sanggah: 5)
    verified: bool = True  # the name was seen on a live SPSE
    notes: str = field(default="", compare=False)

    def allows(self, action: StageAction | str) -> bool:
        return action in self.actions


def stage(
    code: str,
    name_id: str,
    name_en: str,
    actor: StageActor,
    *actions: StageAction,
    **options: object,
) -> StageDef:
    return StageDef(code, name_id, name_en, actor, frozenset(actions), **options)  # type: ignore[arg-type]


def _load() -> dict[str, tuple[StageDef, ...]]:
    from openlpse.tenders.stages import (
        pasca_1_file,
        pasca_2_file,
        pengadaan_langsung,
        pra_1_file,
        pra_2_file,
    )

    return {
        TenderMethod.PASCA_1_FILE: pasca_1_file.STAGES,
        TenderMethod.PASCA_2_FILE: pasca_2_file.STAGES,
        TenderMethod.PRA_1_FILE: pra_1_file.STAGES,
        TenderMethod.PRA_2_FILE: pra_2_file.STAGES,
        TenderMethod.PENGADAAN_LANGSUNG: pengadaan_langsung.STAGES,
    }


_TEMPLATES: dict[str, tuple[StageDef, ...]] | None = None


def templates() -> dict[str, tuple[StageDef, ...]]:
    global _TEMPLATES  # filled once at first use; never changes afterwards
    if _TEMPLATES is None:
        _TEMPLATES = _load()
    return _TEMPLATES


def template_for(method: str) -> tuple[StageDef, ...]:
    try:
        return templates()[method]
    except KeyError:
        raise LookupError(f"no stage template for method {method!r}") from None


def stage_def(method: str, code: str) -> StageDef:
    for item in template_for(method):
        if item.code == code:
            return item
    raise LookupError(f"method {method!r} has no stage {code!r}")


def stages_with(method: str, action: StageAction | str) -> tuple[StageDef, ...]:
    return tuple(s for s in template_for(method) if s.allows(action))
