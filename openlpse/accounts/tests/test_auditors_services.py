"""Auditor requests on a surat tugas: submit, approve (verifikator or LPSE admin), reject."""

import datetime as dt

import pytest

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models import (
    AuditorRegistration,
    AuditorRegistrationStatus,
    OfficialProfile,
    User,
)
from openlpse.accounts.permissions import auditor_package_codes
from openlpse.accounts.services.auditors import (
    auditor_request_approve,
    auditor_request_reject,
    auditor_request_submit,
    clean_package_codes,
)
from openlpse.accounts.tests.factories import UserFactory
from openlpse.accounts.tests.registrations_support import (
    NIP,
    audit_actions,
    counts,
    days,
    exe,
    in_english,  # noqa: F401  (fixture)
    pdf,
)
from openlpse.core import clock, errors, request_context
from openlpse.core.models import AuditEvent, Notification
from openlpse.organizations.tests.world import build_world, give

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def world():
    return build_world()


def submit(lpse, **overrides):
    data = {
        "actor": None,
        "lpse": lpse,
        "full_name": "Agus Pemeriksa",
        "email": "agus@inspektorat.lampungtimurkab.go.id",
        "institution": "apip",
        "institution_name": "Inspektorat Kabupaten Lampung Timur",
        "letter_number": "700/45/ST/ITKAB/2026",
        "letter_date": days(-2),
        "letter_upload": pdf("surat-tugas.pdf"),
        "starts_on": days(0),
        "ends_on": days(60),
        "package_codes": "10234567, 10234568",
        "nip": NIP,
    }
    data.update(overrides)
    return auditor_request_submit(**data)


def test_anyone_submits_a_request_and_the_deciders_are_told(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = submit(world.lpse)
    assert registration.status == AuditorRegistrationStatus.PENDING
    assert registration.package_codes == "10234567,10234568"
    assert registration.nip == NIP
    assert (registration.letter_file.kind, registration.letter_file.lpse) == (
        "appointment_letter",
        world.lpse,
    )
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"lt.admin", "lt.verifikator"}
    assert "/akun/auditor/permohonan/" in Notification.objects.first().url
    receipts = [m for m in mailoutbox if m.to == ["agus@inspektorat.lampungtimurkab.go.id"]]
    assert len(receipts) == 1
    assert "700/45/ST/ITKAB/2026" in receipts[0].body
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_id, event.actor_label, event.lpse_id) == (
        "auditor_registration.submit",
        None,
        "anonymous",
        world.lpse.pk,
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"letter_upload": None}, "letter_file"),
        ({"ends_on": None}, "ends_on"),
        ({"starts_on": days(10), "ends_on": days(1)}, "ends_on"),
        ({"package_codes": "10234567, <script>"}, "package_codes"),
        ({"package_codes": ",".join(str(10**7 + n) for n in range(30))}, "package_codes"),
        ({"institution": "kpk"}, "institution"),
        ({"institution_name": ""}, "institution_name"),
        ({"email": "agus"}, "email"),
        ({"nip": "1980"}, "nip"),
        ({"letter_date": days(1)}, "letter_date"),
        ({"full_name": " "}, "full_name"),
    ],
)
def test_bad_requests_are_refused_on_their_field_and_nothing_is_written(world, overrides, field):
    before = counts()
    with pytest.raises(errors.ValidationError) as exc:
        submit(world.lpse, **overrides)
    assert field in exc.value.fields
    assert counts() == before


def test_a_wrong_file_type_is_refused(world):
    before = counts()
    with pytest.raises(errors.UnsupportedMediaType) as exc:
        submit(world.lpse, letter_upload=exe("st.pdf"))
    assert "Windows program" in str(exc.value.fields["letter_file"][0])
    assert counts() == before


def test_a_second_waiting_request_for_the_same_address_is_refused(world):
    submit(world.lpse)
    before = counts()
    with pytest.raises(errors.Conflict) as exc:
        submit(world.lpse, email="AGUS@inspektorat.lampungtimurkab.go.id")
    assert exc.value.code == "auditor_request_pending"
    assert counts() == before
    # At another LPSE the same person may ask.
    submit(world.other_lpse)


def test_too_many_requests_from_one_address_are_throttled(world):
    with request_context.bound(request_context.RequestMeta(ip="198.51.100.9")):
        for n in range(5):
            submit(world.lpse, email=f"auditor{n}@bpk.go.id")
        with pytest.raises(errors.Throttled) as exc:
            submit(world.lpse, email="auditor9@bpk.go.id")
    assert exc.value.retry_after > 0
    with request_context.bound(request_context.RequestMeta(ip="198.51.100.10")):
        submit(world.lpse, email="auditor9@bpk.go.id")


def test_a_deactivated_lpse_takes_no_requests(world):
    world.lpse.is_active = False
    world.lpse.save()
    with pytest.raises(errors.ValidationError):
        submit(world.lpse)


def test_package_codes_are_cleaned():
    assert clean_package_codes(" A-1/2026 ;b.2\n A-1/2026,, c_3 ") == "A-1/2026,b.2,c_3"
    assert clean_package_codes("") == ""


# --- decisions ------------------------------------------------------------------------------


@pytest.mark.parametrize("decider", ["lpse_staff", "lpse_admin"])
def test_verifikator_or_lpse_admin_approves_a_new_auditor_who_is_invited(
    world, decider, mailoutbox, django_capture_on_commit_callbacks
):
    registration = submit(world.lpse)
    mailoutbox.clear()
    actor = world.users[decider]
    with django_capture_on_commit_callbacks(execute=True):
        decided = auditor_request_approve(actor=actor, registration=registration, note="Sesuai")

    assert (decided.status, decided.decided_by, decided.decision_note) == (
        AuditorRegistrationStatus.APPROVED,
        actor,
        "Sesuai",
    )
    user = decided.user
    assert (user.username, user.email, user.full_name, user.has_usable_password()) == (
        "agus",
        "agus@inspektorat.lampungtimurkab.go.id",
        "Agus Pemeriksa",
        False,
    )
    assert OfficialProfile.objects.get(user=user).nip == NIP
    a = decided.role_assignment
    assert (a.role, a.scope_kind, a.lpse, a.scope_ref, a.starts_on, a.ends_on) == (
        Role.AUDITOR,
        ScopeKind.PACKAGES,
        world.lpse,
        "10234567,10234568",
        days(0),
        days(60),
    )
    assert (a.letter_kind, a.letter_number, a.letter_file, a.granted_by) == (
        LetterKind.SURAT_TUGAS,
        "700/45/ST/ITKAB/2026",
        registration.letter_file,
        None,
    )
    assert audit_actions()[-3:] == ["user.create", "role.grant", "auditor_registration.approve"]
    assert AuditEvent.objects.order_by("-seq").first().actor_id == actor.pk
    assert len(mailoutbox) == 1
    assert "/akun/atur-ulang/" in mailoutbox[0].body
    assert "10234567, 10234568" in mailoutbox[0].body
    assert auditor_package_codes(user, world.lpse) == frozenset({"10234567", "10234568"})


def test_a_request_without_package_codes_covers_the_whole_lpse(world):
    registration = submit(world.lpse, package_codes="")
    decided = auditor_request_approve(actor=world.users["lpse_staff"], registration=registration)
    assert decided.role_assignment.scope_kind == ScopeKind.LPSE
    assert auditor_package_codes(decided.user, world.lpse) is None


def test_an_existing_account_gets_the_auditor_role_and_a_notice(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="agus@inspektorat.lampungtimurkab.go.id")
    registration = submit(world.lpse)
    mailoutbox.clear()
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        decided = auditor_request_approve(
            actor=world.users["lpse_staff"], registration=registration
        )
    assert decided.user == existing
    assert User.objects.count() == users_before
    assert len(mailoutbox) == 1 and "atur-ulang" not in mailoutbox[0].body
    assert Notification.objects.filter(user=existing, topic="auditor.approved").exists()


def test_a_vendor_cannot_become_an_auditor(world):
    registration = submit(world.lpse, email=world.users["vendor_admin"].email)
    before = counts()
    with pytest.raises(errors.SeparationOfDuties):
        auditor_request_approve(actor=world.users["lpse_staff"], registration=registration)
    assert counts() == before
    registration.refresh_from_db()
    assert registration.status == AuditorRegistrationStatus.PENDING


def test_a_request_whose_period_is_over_cannot_be_approved(world):
    registration = submit(world.lpse, starts_on=days(0), ends_on=days(3))
    with (
        clock.frozen(clock.now() + dt.timedelta(days=10)),
        pytest.raises(errors.ValidationError) as exc,
    ):
        auditor_request_approve(actor=world.users["lpse_staff"], registration=registration)
    assert "ends_on" in exc.value.fields


def test_verifikator_rejects_with_a_reason_which_the_requester_receives(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    registration = submit(world.lpse)
    mailoutbox.clear()
    before_users = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        decided = auditor_request_reject(
            actor=world.users["lpse_staff"],
            registration=registration,
            reason="Surat tugas belum ditandatangani.",
        )
    assert (decided.status, decided.decision_note, decided.user) == (
        AuditorRegistrationStatus.REJECTED,
        "Surat tugas belum ditandatangani.",
        None,
    )
    assert User.objects.count() == before_users
    assert mailoutbox[0].to == ["agus@inspektorat.lampungtimurkab.go.id"]
    assert "Surat tugas belum ditandatangani." in mailoutbox[0].body
    assert audit_actions()[-1] == "auditor_registration.reject"
    # The person may now send a corrected request.
    submit(world.lpse, letter_upload=pdf("st-baru.pdf"))


def test_rejection_needs_a_reason(world):
    registration = submit(world.lpse)
    before = counts()
    with pytest.raises(errors.ValidationError):
        auditor_request_reject(
            actor=world.users["lpse_staff"], registration=registration, reason=""
        )
    assert counts() == before


@pytest.mark.parametrize(
    "who",
    [
        "other_lpse_admin",
        "agency_admin",
        "ppk",
        "pa",
        "auditor",
        "vendor_admin",
        "nobody",
    ],
)
def test_others_cannot_decide(world, who):
    registration = submit(world.lpse)
    before = counts()
    for decide in (
        lambda: auditor_request_approve(actor=world.users[who], registration=registration),
        lambda: auditor_request_reject(
            actor=world.users[who], registration=registration, reason="x"
        ),
    ):
        with pytest.raises(errors.PermissionDenied):
            decide()
    assert counts() == before


def test_staff_of_another_unit_cannot_decide(world):
    helpdesk = UserFactory()
    give(helpdesk, Role.LPSE_STAFF, lpse=world.lpse, lpse_unit=world.units["layanan_dukungan"])
    registration = submit(world.lpse)
    with pytest.raises(errors.PermissionDenied):
        auditor_request_approve(actor=helpdesk, registration=registration)


def test_verifikator_of_another_lpse_cannot_decide(world):
    other = UserFactory()
    give(
        other,
        Role.LPSE_STAFF,
        lpse=world.other_lpse,
        lpse_unit=world.other_units["registrasi_verifikasi"],
    )
    registration = submit(world.lpse)
    with pytest.raises(errors.PermissionDenied):
        auditor_request_approve(actor=other, registration=registration)


def test_nobody_decides_their_own_request(world):
    staff = world.users["lpse_staff"]
    registration = submit(world.lpse, email=staff.email)
    with pytest.raises(errors.PermissionDenied, match="your own request"):
        auditor_request_approve(actor=staff, registration=registration)


def test_a_decided_request_cannot_be_decided_again(world):
    registration = submit(world.lpse)
    auditor_request_reject(actor=world.users["lpse_staff"], registration=registration, reason="x")
    with pytest.raises(errors.Conflict):
        auditor_request_approve(actor=world.users["lpse_admin"], registration=registration)
    assert AuditorRegistration.objects.get().status == AuditorRegistrationStatus.REJECTED


def test_the_auditor_account_stops_when_the_period_ends(world, client):
    registration = submit(world.lpse, starts_on=days(0), ends_on=days(5))
    decided = auditor_request_approve(actor=world.users["lpse_staff"], registration=registration)
    user = decided.user
    user.set_password("kata sandi auditor 2026")
    user.save()
    client.cookies["openlpse_language"] = "en"
    data = {"identifier": user.username, "password": "kata sandi auditor 2026"}
    assert client.post("/akun/masuk/", data).status_code == 302
    client.logout()
    client.cookies["openlpse_language"] = "en"  # logout() drops every cookie
    with clock.frozen(clock.now() + dt.timedelta(days=7)):
        response = client.post("/akun/masuk/", data)
    assert response.status_code == 403
    assert "Your auditor access ended on" in response.content.decode()
