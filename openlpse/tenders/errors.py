"""Errors of the tenders app, with the stable codes the API returns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from openlpse.core import errors

if TYPE_CHECKING:
    import datetime as dt


class StageClosed(errors.Conflict):
    """The action's stage is not open by the server clock (architecture §4). The message names
    the stage and its window in the LPSE's zone, or says that no such stage remains."""

    code = "stage_closed"


class StageNotStarted(StageClosed):
    code = "stage_not_started"


class StageEnded(StageClosed):
    code = "stage_ended"

    def __init__(self, message: str, *, ended_at: dt.datetime | None = None) -> None:
        self.ended_at = ended_at
        super().__init__(message)


def not_announced() -> errors.Conflict:
    return errors.Conflict(
        _("The tender is not announced. Nothing can be done in it until the Pokja announces it."),
        code="tender_not_announced",
    )
