"""A schedule change after the announcement that moves an envelope's opening stage moves the
key service's opening time too (local transport); other changes leave it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from openlpse.bids import keyclient
from openlpse.bids.models import EnvelopeKeys
from openlpse.bids.services import committee
from openlpse.core import clock
from openlpse.core.models import AuditEvent
from openlpse.tenders import schedule
from openlpse.tenders.enums import StageAction
from openlpse.tenders.services import schedule_changes
from openlpse.tenders.services import setup as setup_services
from openlpse.tenders.stages import template_for
from openlpse.tenders.tests.setup_support import draft, monday_morning, ready

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _en():
    with translation.override("en"):
        yield


@pytest.fixture
def announced():  # type: ignore[no-untyped-def]
    with clock.frozen(monday_morning()):
        prepared = ready(draft())
        tender = setup_services.tender_announce(actor=prepared.chair, tender=prepared)
    tender.chair = prepared.chair
    return tender


def _service_opening(row: EnvelopeKeys) -> dt.datetime:
    value = keyclient.describe(kid=row.system_kid)["opening_at"]
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def test_moving_the_opening_stage_moves_the_key_service_opening_time(announced):
    row = EnvelopeKeys.objects.get(tender=announced, envelope="single")
    opening_code = committee.opening_stage_code(announced, "single")
    assert opening_code is not None
    before = committee.opening_at(announced, "single")
    assert _service_opening(row) == before
    # Shift the upload stage's end and every later stage by a week.
    template = template_for(announced.method)
    upload = next(i for i, item in enumerate(template) if item.allows(StageAction.SUBMIT_BID))
    later = {item.code for item in template[upload:]}
    rows = schedule.rows_of(announced)
    week = dt.timedelta(days=7)
    moved = {
        code: ((start + week if code != template[upload].code else start), end + week)
        for code, (start, end) in rows.items()
        if code in later
    }
    with clock.frozen(monday_morning()):
        schedule_changes.schedule_change(
            actor=announced.chair, tender=announced, rows=moved, reason="Hari libur nasional"
        )
    after = committee.opening_at(announced, "single")
    assert after == before + week
    assert _service_opening(row) == after
    event = AuditEvent.objects.get(action="tender.schedule_change")
    assert event.changes["system_key_opening"] == {"single": after.isoformat()}


def test_a_change_elsewhere_leaves_the_opening_time(announced):
    row = EnvelopeKeys.objects.get(tender=announced, envelope="single")
    before = _service_opening(row)
    rows = schedule.rows_of(announced)
    start, end = rows["kontrak"]
    with clock.frozen(monday_morning()):
        schedule_changes.schedule_change(
            actor=announced.chair,
            tender=announced,
            rows={"kontrak": (start, end + dt.timedelta(days=1))},
            reason="Menyesuaikan",
        )
    assert _service_opening(row) == before
    event = AuditEvent.objects.get(action="tender.schedule_change")
    assert "system_key_opening" not in event.changes
