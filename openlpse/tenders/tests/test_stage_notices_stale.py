"""The chronograph does not send notices about stages that ended long ago (a runner that was
down, or a tender whose past was loaded): only the running stage's start is announced."""

import pytest
from django.utils import timezone

from openlpse.core import clock
from openlpse.core.models import Notification
from openlpse.tenders.chronograph_handlers import stage_notices_run
from openlpse.tenders.models import TenderStage
from openlpse.tenders.tests.factories import announced_tender

pytestmark = pytest.mark.django_db


def test_only_the_running_stage_is_announced_when_the_past_is_long_gone():
    # Real time: the factories' roles are in force from 30 days before the real today.
    at = timezone.now().replace(microsecond=0)
    tender = announced_tender(open_stage="evaluasi", at=at)  # stages 1-5 ended >= 12 h ago
    with clock.frozen(at):
        come_back = stage_notices_run(tender, at)

    notices = Notification.objects.filter(topic__startswith="tender")
    committee = {u.pk for u in tender.committee.pokja}
    assert {n.user_id for n in notices} == committee
    assert notices.count() == len(committee)  # one start notice each, no end notices
    assert all("Evaluasi" in n.subject for n in notices)
    stages = TenderStage.objects.filter(tender=tender)
    ended = stages.filter(ends_at__lte=at)
    assert ended.count() == 5
    assert not ended.filter(end_notice_at__isnull=True).exists()  # marked done, not sent
    assert come_back == stages.get(code="evaluasi").ends_at
