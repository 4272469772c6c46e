"""Blacklist requests, decisions and lifting: every transition and every refusal."""

import datetime as dt

import pytest
from django.core import mail

from openlpse.accounts.enums import Role
from openlpse.accounts.models import ApiToken
from openlpse.accounts.permissions import today
from openlpse.core import errors
from openlpse.core.models import AuditEvent, Notification, StoredFile
from openlpse.ops.models import DueCheck
from openlpse.vendors.enums import BlacklistRequestStatus, VendorStatus
from openlpse.vendors.errors import Blacklisted
from openlpse.vendors.models import BlacklistEntry, BlacklistRequest
from openlpse.vendors.services import blacklist as services
from openlpse.vendors.services.participation import vendor_assert_may_participate
from openlpse.vendors.tests.blacklist_support import (
    approve,
    blacklist,
    build_scene,
    evidence,
    file_request,
    issue_token,
    refresh,
    snapshot,
)
from openlpse.vendors.tests.factories import VendorFactory, grant_vendor_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def _create(scene, **overrides):
    start = today()
    values = {
        "actor": scene.ppk,
        "vendor": scene.vendor,
        "lpse": scene.world.lpse,
        "reason": "Memalsukan jaminan",
        "legal_basis": "Peraturan LKPP 17/2018",
        "starts_on": start,
        "ends_on": start + dt.timedelta(days=364),
        "evidence": [evidence()],
    }
    values.update(overrides)
    return services.blacklist_request_create(**values)


# --- create ------------------------------------------------------------------------------------


def test_request_records_role_agency_evidence_notifies_verifikators_and_is_audited(
    scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = _create(scene)
    assert request.status == BlacklistRequestStatus.PENDING
    assert request.requested_by == scene.ppk
    assert request.requester_role == Role.PPK
    assert request.agency == scene.world.agency
    assert request.lpse == scene.world.lpse
    files = list(request.evidence.all())
    assert len(files) == 1
    assert files[0].kind == "blacklist_evidence"
    assert files[0].lpse == scene.world.lpse
    inbox = Notification.objects.filter(topic="blacklist.requested")
    assert [n.user for n in inbox] == [scene.verifikator]
    assert [m.to for m in mail.outbox] == [[scene.verifikator.email]]
    event = AuditEvent.objects.filter(action="blacklist_request.create").get()
    assert event.actor_id == scene.ppk.pk
    assert event.lpse_id == scene.world.lpse.pk
    assert event.changes["requester_role"] == "ppk"
    assert event.changes["evidence"] == [files[0].sha256]


def test_several_evidence_files_are_kept(scene):
    request = _create(scene, evidence=[evidence("a.pdf"), evidence("b.pdf")])
    assert sorted(request.evidence.values_list("original_name", flat=True)) == ["a.pdf", "b.pdf"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"legal_basis": "x" * 301}, "legal_basis"),
        ({"evidence": []}, "evidence"),
        ({"starts_on": None}, "starts_on"),
        ({"ends_on": None}, "ends_on"),
        ({"starts_on": today() - dt.timedelta(days=2)}, "starts_on"),
        ({"ends_on": today() - dt.timedelta(days=1)}, "ends_on"),
        ({"ends_on": today() + dt.timedelta(days=services.MAX_PERIOD_DAYS)}, "ends_on"),
    ],
)
def test_invalid_request_is_refused_and_stores_nothing(scene, overrides, field):
    before = snapshot()
    files = StoredFile.objects.count()
    with pytest.raises(errors.ValidationError) as caught:
        _create(scene, **overrides)
    assert field in caught.value.fields
    assert snapshot() == before
    assert StoredFile.objects.count() == files


def test_period_may_start_yesterday_and_last_exactly_the_maximum(scene):
    start = today() - dt.timedelta(days=1)
    request = _create(
        scene, starts_on=start, ends_on=start + dt.timedelta(days=services.MAX_PERIOD_DAYS - 1)
    )
    assert request.status == BlacklistRequestStatus.PENDING


def test_evidence_of_a_refused_type_is_refused(scene):
    from django.core.files.uploadedfile import SimpleUploadedFile

    script = SimpleUploadedFile(
        "bukti.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf"
    )
    before = snapshot()
    with pytest.raises(errors.UnsupportedMediaType):
        _create(scene, evidence=[script])
    assert snapshot() == before


def test_a_draft_vendor_cannot_be_requested(scene):
    draft = VendorFactory(status=VendorStatus.DRAFT)
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        _create(scene, vendor=draft)
    assert "vendor" in caught.value.fields
    assert snapshot() == before


def test_a_submitted_vendor_can_be_requested(scene):
    submitted = VendorFactory(status=VendorStatus.SUBMITTED)
    assert _create(scene, vendor=submitted).vendor == submitted


def test_a_second_pending_request_for_the_same_company_is_a_conflict(scene):
    first = _create(scene)
    before = snapshot()
    with pytest.raises(errors.Conflict) as caught:
        _create(scene)
    assert caught.value.code == "blacklist_request_pending"
    assert str(first.pk) in str(caught.value)
    assert snapshot() == before
    # Another requester may still file their own.
    assert _create(scene, actor=scene.world.users["pa"]).requester_role == Role.PA


def test_requester_at_another_lpse_is_refused(scene):
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        _create(scene, lpse=scene.world.other_lpse)
    assert snapshot() == before


# --- withdraw ----------------------------------------------------------------------------------


def test_requester_withdraws_a_pending_request(scene):
    request = file_request(scene)
    services.blacklist_request_withdraw(actor=scene.ppk, request=request)
    request.refresh_from_db()
    assert request.status == BlacklistRequestStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="blacklist_request.withdraw").count() == 1
    assert Notification.objects.filter(topic="blacklist.withdrawn").count() == 1


def test_only_the_requester_withdraws_and_only_while_pending(scene):
    request = file_request(scene)
    before = snapshot()
    for other in (scene.verifikator, scene.world.users["pa"]):
        with pytest.raises(errors.PermissionDenied):
            services.blacklist_request_withdraw(actor=other, request=request)
    assert snapshot() == before
    approve(scene, request)
    before = snapshot()
    with pytest.raises(errors.Conflict):
        services.blacklist_request_withdraw(actor=scene.ppk, request=request)
    assert snapshot() == before


# --- decide ------------------------------------------------------------------------------------


def test_approval_creates_the_entry_deactivates_the_vendors_people_and_notifies(
    scene, django_capture_on_commit_callbacks
):
    secret = issue_token(scene.admin)
    request = file_request(scene)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.blacklist_request_decide(
            actor=scene.verifikator, request=request, approve=True, note="Terbukti"
        )
    request.refresh_from_db()
    assert request.status == BlacklistRequestStatus.APPROVED
    assert (request.decided_by, request.decision_note) == (scene.verifikator, "Terbukti")
    entry = BlacklistEntry.objects.get()
    assert (entry.vendor, entry.request, entry.lpse) == (scene.vendor, request, scene.world.lpse)
    assert (entry.company_name, entry.npwp, entry.nib) == (
        scene.vendor.name,
        scene.vendor.npwp,
        scene.vendor.nib,
    )
    assert entry.agency_name == scene.world.agency.name
    assert (entry.starts_on, entry.ends_on) == (request.starts_on, request.ends_on)
    refresh(*scene.people)
    for person in scene.people:
        assert not person.is_active
        assert person.deactivation_ref == f"blacklist:{entry.pk}"
        assert person.deactivated_until == entry.ends_on
        assert person.deactivation_reason == entry.reason
    assert ApiToken.objects.get(user=scene.admin).revoked_at is not None
    assert secret
    topics = {(n.topic, n.user_id) for n in Notification.objects.all()}
    assert ("blacklist.approved", scene.ppk.pk) in topics
    assert ("blacklist.listed", scene.admin.pk) in topics
    assert ("blacklist.listed", scene.staff.pk) in topics
    recipients = {address for m in mail.outbox for address in m.to}
    assert {scene.ppk.email, scene.admin.email, scene.staff.email} <= recipients
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["blacklist_entry.create", "blacklist_request.approve"]
    assert actions.count("user.deactivate") == 2
    # The chronograph will close the entry the day after its last day.
    check = DueCheck.objects.get(kind=services.PERIODS_CHECK)
    assert check.due_at == services.next_run_at(entry.ends_on + dt.timedelta(days=1))


def test_a_blacklisted_vendor_may_not_participate(scene):
    entry = blacklist(scene)
    with pytest.raises(Blacklisted) as caught:
        vendor_assert_may_participate(vendor=scene.vendor, lpse=scene.world.other_lpse)
    assert caught.value.entry == entry


def test_approval_of_a_future_period_deactivates_nobody_yet(scene):
    start = today() + dt.timedelta(days=10)
    entry = blacklist(scene, starts_on=start)
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)
    vendor_assert_may_participate(vendor=scene.vendor, lpse=scene.world.lpse)
    check = DueCheck.objects.get(kind=services.PERIODS_CHECK)
    assert check.due_at == services.next_run_at(start)
    assert entry.starts_on == start


def test_rejection_needs_a_note_and_then_notifies_the_requester(scene):
    request = file_request(scene)
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        services.blacklist_request_decide(
            actor=scene.verifikator, request=request, approve=False, note=" "
        )
    assert "note" in caught.value.fields
    assert snapshot() == before
    services.blacklist_request_decide(
        actor=scene.verifikator, request=request, approve=False, note="Bukti kurang"
    )
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (
        BlacklistRequestStatus.REJECTED,
        "Bukti kurang",
    )
    assert not BlacklistEntry.objects.exists()
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)
    note = Notification.objects.get(topic="blacklist.rejected")
    assert note.user == scene.ppk
    assert "Bukti kurang" in note.body
    assert AuditEvent.objects.filter(action="blacklist_request.reject").count() == 1


def test_a_request_is_decided_once(scene):
    request = file_request(scene)
    approve(scene, request)
    before = snapshot()
    for decision in (True, False):
        with pytest.raises(errors.Conflict) as caught:
            services.blacklist_request_decide(
                actor=scene.verifikator, request=request, approve=decision, note="lagi"
            )
        assert caught.value.code == "blacklist_request_decided"
    assert snapshot() == before
    assert BlacklistEntry.objects.count() == 1


def test_withdrawn_request_cannot_be_decided(scene):
    request = file_request(scene)
    services.blacklist_request_withdraw(actor=scene.ppk, request=request)
    with pytest.raises(errors.Conflict):
        services.blacklist_request_decide(
            actor=scene.verifikator, request=request, approve=True, note=""
        )


def test_a_verifikator_does_not_decide_their_own_request(scene):
    # A verifikator who also holds a requester role at the LPSE.
    from openlpse.organizations.tests.world import give

    give(scene.verifikator, Role.PPK, agency=scene.world.agency2)
    request = file_request(scene, actor=scene.verifikator)
    before = snapshot()
    with pytest.raises(errors.SeparationOfDuties):
        approve(scene, request)
    assert snapshot() == before


def test_a_verifikator_who_acts_for_the_company_does_not_decide(scene):
    grant_vendor_role(scene.verifikator, scene.vendor, Role.VENDOR_STAFF)
    request = file_request(scene)
    before = snapshot()
    with pytest.raises(errors.SeparationOfDuties):
        approve(scene, request)
    assert snapshot() == before


def test_a_period_that_ended_while_waiting_cannot_be_approved(scene):
    from openlpse.core import clock

    start = today()
    request = file_request(scene, starts_on=start, ends_on=start + dt.timedelta(days=5))
    later = clock.now() + dt.timedelta(days=10)
    with clock.frozen(later):
        before = snapshot()
        with pytest.raises(errors.ValidationError) as caught:
            approve(scene, request)
        assert "decision" in caught.value.fields
        assert snapshot() == before


def test_a_period_that_started_while_waiting_applies_at_once(scene):
    from openlpse.core import clock

    start = today() + dt.timedelta(days=2)
    request = file_request(scene, starts_on=start)
    with clock.frozen(clock.now() + dt.timedelta(days=5)):
        entry = approve(scene, request)
        refresh(*scene.people)
        assert not any(p.is_active for p in scene.people)
        assert entry.starts_on == start


# --- lift --------------------------------------------------------------------------------------


def test_lift_ends_the_entry_reactivates_the_accounts_and_notifies(scene):
    entry = blacklist(scene)
    services.blacklist_entry_lift(actor=scene.verifikator, entry=entry, reason="Putusan PTUN")
    entry.refresh_from_db()
    assert (entry.lifted_by, entry.lift_reason) == (scene.verifikator, "Putusan PTUN")
    assert entry.ended_at is not None
    refresh(*scene.people)
    for person in scene.people:
        assert person.is_active
        assert (person.deactivation_ref, person.deactivated_until) == ("", None)
    vendor_assert_may_participate(vendor=scene.vendor, lpse=scene.world.lpse)
    event = AuditEvent.objects.filter(action="blacklist_entry.lift").get()
    assert event.changes["reason"] == "Putusan PTUN"
    assert sorted(event.changes["reactivated"]) == sorted(p.username for p in scene.people)
    lifted = Notification.objects.filter(topic="blacklist.lifted")
    assert {n.user_id for n in lifted} == {scene.ppk.pk, scene.admin.pk, scene.staff.pk}


def test_lift_needs_a_reason_and_happens_once(scene):
    entry = blacklist(scene)
    before = snapshot()
    with pytest.raises(errors.ValidationError):
        services.blacklist_entry_lift(actor=scene.verifikator, entry=entry, reason="")
    assert snapshot() == before
    services.blacklist_entry_lift(actor=scene.verifikator, entry=entry, reason="Putusan PTUN")
    before = snapshot()
    with pytest.raises(errors.Conflict):
        services.blacklist_entry_lift(actor=scene.verifikator, entry=entry, reason="lagi")
    assert snapshot() == before


def test_lifting_one_of_two_entries_keeps_the_accounts_stopped_by_the_other(scene):
    first = blacklist(scene)
    second = blacklist(
        scene, actor=scene.world.users["pa"], ends_on=today() + dt.timedelta(days=100)
    )
    refresh(*scene.people)
    # The longer one (the first) holds the accounts.
    assert scene.admin.deactivation_ref == f"blacklist:{first.pk}"
    services.blacklist_entry_lift(actor=scene.verifikator, entry=first, reason="Salah orang")
    refresh(*scene.people)
    for person in scene.people:
        assert not person.is_active
        assert person.deactivation_ref == f"blacklist:{second.pk}"
        assert person.deactivated_until == second.ends_on
    services.blacklist_entry_lift(actor=scene.verifikator, entry=second, reason="Salah orang")
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)


def test_request_status_is_unchanged_by_a_lift(scene):
    entry = blacklist(scene)
    services.blacklist_entry_lift(actor=scene.verifikator, entry=entry, reason="x")
    assert BlacklistRequest.objects.get().status == BlacklistRequestStatus.APPROVED
