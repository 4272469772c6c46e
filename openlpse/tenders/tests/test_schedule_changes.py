"""Schedule changes after the announcement, stage extension, cancellation and the
chronograph's stage notices."""

import datetime as dt

import pytest
from django.utils import translation

from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.ops.models import DueCheck
from openlpse.ops.services import chronograph_run_once
from openlpse.tenders import schedule
from openlpse.tenders.enums import TenderMethod, TenderStatus
from openlpse.tenders.models import ScheduleChange, TenderStage
from openlpse.tenders.services import cancellation, schedule_changes
from openlpse.tenders.services import setup as services
from openlpse.tenders.tests.factories import join
from openlpse.tenders.tests.setup_support import draft, monday_morning, ready
from openlpse.vendors.tests.factories import make_verified_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def announced():
    """A pasca 1 file tender announced on Monday 09:00 WIB; its first stage starts Tuesday
    08:00 WIB; one verified vendor joined."""
    with clock.frozen(monday_morning()):
        prepared = ready(draft())
        tender = services.tender_announce(actor=prepared.chair, tender=prepared)
    tender.officials, tender.committee = prepared.officials, prepared.committee
    vendor = make_verified_vendor(lpse=tender.lpse)
    join(tender, vendor)
    tender.vendor = vendor
    tender.chair = tender.announced_by
    return tender


def stage(tender, code):
    return TenderStage.objects.get(tender=tender, code=code)


def test_a_change_needs_a_reason_and_changes_nothing_without_one(announced):
    rows = schedule.rows_of(announced)
    start, end = rows["kontrak"]
    with clock.frozen(monday_morning()), pytest.raises(errors.ValidationError) as caught:
        schedule_changes.schedule_change(
            actor=announced.chair,
            tender=announced,
            rows={"kontrak": (start, end + dt.timedelta(days=1))},
            reason="  ",
        )
    assert caught.value.code == "reason_required"
    assert schedule.rows_of(announced) == rows
    announced.refresh_from_db()
    assert announced.schedule_change_count == 0


def test_a_change_is_counted_recorded_and_notified(announced, django_capture_on_commit_callbacks):
    rows = schedule.rows_of(announced)
    with clock.frozen(monday_morning()), django_capture_on_commit_callbacks(execute=True):
        changes = schedule_changes.schedule_change(
            actor=announced.chair,
            tender=announced,
            rows={
                "sppbj": (rows["sppbj"][0], rows["sppbj"][1] + dt.timedelta(days=1)),
                "kontrak": (
                    rows["kontrak"][0] + dt.timedelta(days=1),
                    rows["kontrak"][1] + dt.timedelta(days=1),
                ),
                "evaluasi": rows["evaluasi"],  # unchanged: not counted
            },
            reason="Menyesuaikan hari libur nasional",
        )
    assert [(c.stage_code, c.batch) for c in changes] == [("sppbj", 1), ("kontrak", 1)]
    announced.refresh_from_db()
    assert announced.schedule_change_count == 1
    assert (
        stage(announced, "sppbj").change_count,
        stage(announced, "kontrak").change_count,
        stage(announced, "evaluasi").change_count,
    ) == (1, 1, 0)
    assert ScheduleChange.objects.filter(tender=announced).count() == 2
    vendor_users = {u.pk for u in [announced.vendor.created_by]}
    notified = set(
        Notification.objects.filter(topic="tender.schedule_changed").values_list(
            "user_id", flat=True
        )
    )
    assert notified == vendor_users
    body = Notification.objects.get(topic="tender.schedule_changed").body
    assert "Menyesuaikan hari libur nasional" in body
    assert AuditEvent.objects.filter(action="tender.schedule_change").count() == 1


def test_a_stage_that_has_ended_can_never_move(announced):
    pengumuman = stage(announced, "pengumuman")
    with (
        clock.frozen(pengumuman.ends_at + dt.timedelta(hours=1)),
        pytest.raises(errors.ValidationError) as caught,
    ):
        schedule_changes.schedule_change(
            actor=announced.chair,
            tender=announced,
            rows={"pengumuman": (pengumuman.starts_at, pengumuman.ends_at + dt.timedelta(days=1))},
            reason="Diperpanjang",
        )
    assert caught.value.code == "stage_fixed"
    assert list(caught.value.fields) == ["pengumuman.ends_at"]
    assert "can never be moved" in caught.value.message
    assert stage(announced, "pengumuman").ends_at == pengumuman.ends_at


def test_a_running_stage_keeps_its_start(announced):
    penjelasan = stage(announced, "penjelasan")
    with (
        clock.frozen(penjelasan.starts_at + dt.timedelta(hours=1)),
        pytest.raises(errors.ValidationError) as caught,
    ):
        schedule_changes.schedule_change(
            actor=announced.chair,
            tender=announced,
            rows={"penjelasan": (penjelasan.starts_at + dt.timedelta(hours=2), penjelasan.ends_at)},
            reason="Geser",
        )
    assert list(caught.value.fields) == ["penjelasan.starts_at"]


def test_a_change_into_the_past_or_out_of_order_is_refused_with_the_problems(announced):
    rows = schedule.rows_of(announced)
    with clock.frozen(monday_morning()), pytest.raises(schedule.ScheduleInvalid) as caught:
        schedule_changes.schedule_change(
            actor=announced.chair,
            tender=announced,
            rows={"kontrak": (rows["sppbj"][0], rows["kontrak"][1])},
            reason="Dipercepat",
        )
    assert [p.key for p in caught.value.problems] == ["kontrak.starts_at"]
    announced.refresh_from_db()
    assert announced.schedule_change_count == 0


def test_extending_the_running_penjelasan(announced):
    penjelasan = stage(announced, "penjelasan")
    week = dt.timedelta(days=7)
    with clock.frozen(penjelasan.starts_at + dt.timedelta(hours=1)):
        # The bid upload starts when the explanation ends: extending alone breaks the order.
        with pytest.raises(schedule.ScheduleInvalid) as caught:
            schedule_changes.stage_extend(
                actor=announced.chair,
                tender=announced,
                code="penjelasan",
                new_end=penjelasan.ends_at + week,
                reason="Banyak pertanyaan",
            )
        assert [p.key for p in caught.value.problems] == ["upload_penawaran.starts_at"]
        # Move every later stage a week on, then extend.
        later = {
            s.code: (s.starts_at + week, s.ends_at + week)
            for s in announced.stages.all()
            if s.starts_at >= penjelasan.ends_at
        }
        download = stage(announced, "download_dokumen")
        later["download_dokumen"] = (download.starts_at, download.ends_at + week)
        schedule_changes.schedule_change(
            actor=announced.chair,
            tender=announced,
            rows=later,
            reason="Memberi waktu pemberian penjelasan",
        )
        schedule_changes.stage_extend(
            actor=announced.chair,
            tender=announced,
            code="penjelasan",
            new_end=penjelasan.ends_at + week,
            reason="Banyak pertanyaan",
        )
        with pytest.raises(errors.Conflict) as caught:
            schedule_changes.stage_extend(
                actor=announced.chair,
                tender=announced,
                code="kontrak",
                new_end=stage(announced, "kontrak").ends_at + week,
                reason="x",
            )
        assert caught.value.code == "stage_not_running"
        with pytest.raises(errors.ValidationError) as caught:
            schedule_changes.stage_extend(
                actor=announced.chair,
                tender=announced,
                code="penjelasan",
                new_end=penjelasan.ends_at,
                reason="x",
            )
        assert caught.value.code == "not_later"
    announced.refresh_from_db()
    assert announced.schedule_change_count == 2
    assert stage(announced, "penjelasan").change_count == 1
    assert stage(announced, "upload_penawaran").change_count == 1
    assert stage(announced, "penjelasan").ends_at == penjelasan.ends_at + week
    assert list(
        ScheduleChange.objects.filter(tender=announced, stage_code="penjelasan").values_list(
            "batch", "reason"
        )
    ) == [(2, "Banyak pertanyaan")]


def test_schedule_changes_need_the_committee_of_an_announced_tender(announced):
    rows = schedule.rows_of(announced)
    start, end = rows["kontrak"]
    for outsider in (
        announced.officials.ppk,
        announced.committee.ulp_head,
        announced.vendor.created_by,
        announced.officials.pa,
    ):
        with clock.frozen(monday_morning()), pytest.raises(errors.PermissionDenied):
            schedule_changes.schedule_change(
                actor=outsider,
                tender=announced,
                rows={"kontrak": (start, end + dt.timedelta(days=1))},
                reason="x",
            )
    assert schedule.rows_of(announced) == rows
    with clock.frozen(monday_morning()):
        draft_tender = draft()
        with pytest.raises(errors.PermissionDenied):
            schedule_changes.schedule_change(
                actor=draft_tender.chair, tender=draft_tender, rows={}, reason="x"
            )


# --- cancellation -----------------------------------------------------------------------------


def test_the_pa_cancels_an_announced_tender_with_a_public_reason(
    announced, django_capture_on_commit_callbacks
):
    with clock.frozen(monday_morning()), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(errors.ValidationError):
            cancellation.tender_cancel(actor=announced.officials.pa, tender=announced, reason="")
        cancelled = cancellation.tender_cancel(
            actor=announced.officials.pa, tender=announced, reason="Anggaran direalokasi"
        )
    assert (cancelled.status, cancelled.cancel_reason, cancelled.cancelled_by) == (
        TenderStatus.CANCELLED,
        "Anggaran direalokasi",
        announced.officials.pa,
    )
    users = set(
        Notification.objects.filter(topic="tender.cancelled").values_list("user_id", flat=True)
    )
    assert users == {announced.vendor.created_by.pk, *(u.pk for u in announced.committee.pokja)}
    with clock.frozen(monday_morning()), pytest.raises(errors.PermissionDenied):
        cancellation.tender_cancel(actor=announced.officials.pa, tender=cancelled, reason="lagi")


def test_who_may_cancel(announced):
    refused = [
        announced.committee.pokja[1],
        announced.officials.ppk,
        announced.committee.ulp_head,
        announced.vendor.created_by,
    ]
    for user in refused:
        with clock.frozen(monday_morning()), pytest.raises(errors.PermissionDenied):
            cancellation.tender_cancel(actor=user, tender=announced, reason="Batal")
    announced.refresh_from_db()
    assert announced.status == TenderStatus.ANNOUNCED
    with clock.frozen(monday_morning()):
        cancellation.tender_cancel(actor=announced.officials.kpa, tender=announced, reason="Batal")
        other = draft()
        cancellation.tender_cancel(actor=other.chair, tender=other, reason="Salah metode")
        # The package can then get a new tender.
        again = services.tender_create(
            actor=other.chair, package=other.package, method=TenderMethod.PASCA_2_FILE
        )
    assert again.code.endswith("-2")


# --- chronograph -------------------------------------------------------------------------------


def test_stage_notices_are_sent_once_at_each_start_and_end(announced):
    first = stage(announced, "pengumuman")
    check = DueCheck.objects.get(kind=services.STAGE_NOTICES, done_at__isnull=True)
    assert check.due_at == first.starts_at
    with clock.frozen(first.starts_at + dt.timedelta(minutes=1)):
        chronograph_run_once(runner_id="test")
        chronograph_run_once(runner_id="test")  # nothing new the second time
    started = Notification.objects.filter(topic="tender.stage_started")
    # pengumuman (Pokja) and download_dokumen (vendor) start together.
    assert sorted(started.values_list("user_id", flat=True)) == sorted(
        [u.pk for u in announced.committee.pokja] * 2 + [announced.vendor.created_by.pk]
    )
    pending = DueCheck.objects.get(kind=services.STAGE_NOTICES, done_at__isnull=True)
    assert pending.due_at == stage(announced, "penjelasan").starts_at
    assert stage(announced, "pengumuman").start_notice_at is not None


def test_a_cancelled_tender_gets_no_more_notices(announced):
    with clock.frozen(monday_morning()):
        cancellation.tender_cancel(actor=announced.chair, tender=announced, reason="Batal")
    with clock.frozen(stage(announced, "pengumuman").starts_at + dt.timedelta(minutes=1)):
        chronograph_run_once(runner_id="test")
    assert not Notification.objects.filter(topic__startswith="tender.stage_").exists()
    assert not DueCheck.objects.filter(kind=services.STAGE_NOTICES, done_at__isnull=True).exists()
