"""official_register and official_end_term: who may, what is checked, what is written."""

import pytest

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models import OfficialProfile, RoleAssignment, User
from openlpse.accounts.services.officials import official_end_term, official_register
from openlpse.accounts.tests.factories import UserFactory
from openlpse.accounts.tests.registrations_support import (
    NIK,
    NIP,
    audit_actions,
    counts,
    days,
    exe,
    in_english,  # noqa: F401  (fixture)
    pdf,
)
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.organizations.tests.world import build_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def world():
    return build_world()


def register(actor, agency, **overrides):
    data = {
        "role": Role.PPK,
        "full_name": "Rina Marlina, S.T.",
        "email": "rina@lampungtimurkab.go.id",
        "username": "rina.ppk",
        "nip": "19800101 200501 1 001",
        "nik": NIK,
        "letter_number": "800/123/SK/DPUPR/2026",
        "letter_date": days(-3),
        "letter_upload": pdf(),
        "starts_on": days(0),
        "ends_on": days(365),
    }
    data.update(overrides)
    return official_register(actor=actor, agency=agency, **data)


def test_agency_admin_registers_a_new_official_who_is_invited_to_choose_a_password(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    admin = world.users["agency_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        result = register(admin, world.agency)

    user = User.objects.get(username="rina.ppk")
    assert result.new_account is True and result.user == user
    assert (user.email, user.full_name, user.nik, user.has_usable_password()) == (
        "rina@lampungtimurkab.go.id",
        "Rina Marlina, S.T.",
        NIK,
        False,
    )
    assert OfficialProfile.objects.get(user=user).nip == NIP
    a = result.assignment
    assert (a.role, a.scope_kind, a.agency, a.lpse, a.work_unit) == (
        Role.PPK,
        ScopeKind.AGENCY,
        world.agency,
        world.lpse,
        None,
    )
    assert (a.letter_kind, a.letter_number, a.starts_on, a.ends_on, a.granted_by) == (
        LetterKind.SK,
        "800/123/SK/DPUPR/2026",
        days(0),
        days(365),
        admin,
    )
    assert (a.letter_file.kind, a.letter_file.lpse, a.letter_file.detected_type) == (
        "appointment_letter",
        world.lpse,
        "pdf",
    )
    assert audit_actions()[-4:] == ["user.create", "file.store", "role.grant", "official.register"]
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.actor_id, event.lpse_id, event.changes["new_account"], event.changes["nip"]) == (
        admin.pk,
        world.lpse.pk,
        True,
        NIP,
    )
    # The password link goes by e-mail only, never into the inbox.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["rina@lampungtimurkab.go.id"]
    assert "/akun/atur-ulang/" in mail.body
    assert "rina.ppk" in mail.body
    inbox = Notification.objects.get(user=user)
    assert inbox.url == "" and "atur-ulang" not in inbox.body
    assert "800/123/SK/DPUPR/2026" in inbox.body


def test_the_invitation_link_lets_the_official_choose_a_password(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(world.users["agency_admin"], world.agency)
    link = next(line for line in mailoutbox[0].body.splitlines() if "/akun/atur-ulang/" in line)
    path = link[link.index("/akun/") :]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "kuda lari kencang 2026", "new_password2": "kuda lari kencang 2026"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="rina.ppk").check_password("kuda lari kencang 2026")


def test_an_existing_account_with_that_e_mail_gets_the_appointment_and_a_notice(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    existing = UserFactory(username="rina", email="Rina@LampungTimurKab.go.id", full_name="Rina")
    before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = register(world.users["agency_admin"], world.agency, username="", nik="")

    assert result.new_account is False and result.user == existing
    assert User.objects.count() == before
    assert result.assignment.user == existing
    assert len(mailoutbox) == 1
    assert "atur-ulang" not in mailoutbox[0].body
    assert Notification.objects.get(user=existing).emailed is True


def test_an_official_of_a_work_unit(world):
    result = register(world.users["agency_admin"], world.agency, work_unit=world.work_unit)
    assert (result.assignment.scope_kind, result.assignment.work_unit) == (
        ScopeKind.WORK_UNIT,
        world.work_unit,
    )


@pytest.mark.parametrize(
    "who",
    ["agency2_admin", "other_agency_admin", "lpse_admin", "ppk", "pa", "vendor_admin", "nobody"],
)
def test_only_the_agency_admin_registers_its_officials(world, who):
    before = counts()
    with pytest.raises(errors.PermissionDenied, match="Only the administrator of"):
        register(world.users[who], world.agency)
    assert counts() == before


def test_the_operator_does_not_register_officials(world):
    before = counts()
    with pytest.raises(errors.PermissionDenied):
        register(world.operator, world.agency)
    assert counts() == before


def test_a_work_unit_of_another_agency_is_refused(world):
    with pytest.raises(errors.ValidationError) as exc:
        register(world.users["agency_admin"], world.agency, work_unit=world.work_unit2)
    assert "work_unit" in exc.value.fields


def test_the_sk_file_is_required(world):
    before = counts()
    with pytest.raises(errors.ValidationError) as exc:
        register(world.users["agency_admin"], world.agency, letter_upload=None)
    assert [str(m) for m in exc.value.fields["letter_file"]] == [
        "Upload the appointment letter (SK) as a PDF, JPEG or PNG file."
    ]
    assert counts() == before


def test_a_file_of_the_wrong_type_is_refused_on_the_file_field(world):
    before = counts()
    with pytest.raises(errors.UnsupportedMediaType) as exc:
        register(world.users["agency_admin"], world.agency, letter_upload=exe("sk.pdf"))
    message = str(exc.value.fields["letter_file"][0])
    assert "“sk.pdf” is a Windows program (EXE), not one of the accepted types" in message
    assert "PDF" in message
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": None}, "ends_on"),
        ({"starts_on": days(10), "ends_on": days(5)}, "ends_on"),
        ({"starts_on": days(-30), "ends_on": days(-1)}, "ends_on"),
        ({"letter_date": days(2)}, "letter_date"),
        ({"letter_number": " "}, "letter_number"),
        ({"nip": "12345"}, "nip"),
        ({"nip": "198013012005011001"}, "nip"),
        ({"nik": "123"}, "nik"),
        ({"email": "bukan-email"}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"username": ""}, "username"),
        ({"role": Role.AUDITOR}, "role"),
        ({"role": Role.AGENCY_ADMIN}, "role"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(world, overrides, field):
    before = counts()
    with pytest.raises(errors.ValidationError) as exc:
        register(world.users["agency_admin"], world.agency, **overrides)
    assert field in exc.value.fields
    assert counts() == before


def test_a_vendor_cannot_be_registered_as_an_official(world):
    vendor = world.users["vendor_admin"]
    before = counts()
    with pytest.raises(errors.SeparationOfDuties) as exc:
        register(world.users["agency_admin"], world.agency, email=vendor.email, username="")
    assert "officials may not act for a vendor" in str(exc.value)
    assert exc.value.code == "separation_of_duties.official_not_vendor"
    assert counts() == before


def test_lpse_staff_cannot_be_registered_as_ppk(world):
    staff = world.users["lpse_staff"]
    with pytest.raises(errors.SeparationOfDuties) as exc:
        register(world.users["agency_admin"], world.agency, email=staff.email, username="")
    assert exc.value.code == "separation_of_duties.lpse_staff_not_official"


def test_a_nip_already_on_another_account_is_refused(world):
    OfficialProfile.objects.create(user=world.users["pa"], nip=NIP, updated_at=clock.now())
    before = counts()
    with pytest.raises(errors.ValidationError) as exc:
        register(world.users["agency_admin"], world.agency)
    assert "Another account already has this NIP" in str(exc.value.fields["nip"][0])
    assert counts() == before


def test_a_different_nik_on_the_existing_account_is_refused(world):
    UserFactory(email="rina@lampungtimurkab.go.id", nik="1807010101900002")
    with pytest.raises(errors.ValidationError) as exc:
        register(world.users["agency_admin"], world.agency, username="")
    assert "has another NIK" in str(exc.value.fields["nik"][0])


def test_a_deactivated_existing_account_is_refused(world):
    UserFactory(email="rina@lampungtimurkab.go.id", is_active=False)
    with pytest.raises(errors.ValidationError, match="deactivated"):
        register(world.users["agency_admin"], world.agency, username="")


def test_an_overlapping_second_sk_for_the_same_role_is_refused_and_a_later_one_accepted(world):
    admin = world.users["agency_admin"]
    register(admin, world.agency)
    with pytest.raises(errors.Conflict):
        register(admin, world.agency, username="", letter_upload=pdf())
    renewal = register(
        admin,
        world.agency,
        username="",
        letter_upload=pdf(),
        letter_number="800/999/SK/2027",
        starts_on=days(366),
        ends_on=days(730),
    )
    assert renewal.assignment.starts_on == days(366)
    assert RoleAssignment.objects.filter(user=renewal.user, role=Role.PPK).count() == 2


def test_the_agency_admin_cannot_register_themselves(world):
    admin = world.users["agency_admin"]
    with pytest.raises(errors.PermissionDenied, match="yourself"):
        register(admin, world.agency, email=admin.email, username="")


# --- ending a term ------------------------------------------------------------------------------


def test_agency_admin_ends_a_term_and_the_official_is_told(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    ppk = world.users["ppk"]
    assignment = ppk.role_assignments.get()
    with django_capture_on_commit_callbacks(execute=True):
        ended = official_end_term(
            actor=world.users["agency_admin"], assignment=assignment, reason="Diganti SK baru"
        )
    assert ended.revoked_at is not None and ended.revoke_reason == "Diganti SK baru"
    assert audit_actions()[-2:] == ["role.revoke", "official.end_term"]
    note = Notification.objects.get(user=ppk)
    assert "Diganti SK baru" in note.body
    assert mailoutbox[0].to == [ppk.email]


@pytest.mark.parametrize("who", ["agency2_admin", "lpse_admin", "ppk", "vendor_admin"])
def test_others_cannot_end_a_term(world, who):
    assignment = world.users["pa"].role_assignments.get()
    before = counts()
    with pytest.raises(errors.PermissionDenied):
        official_end_term(actor=world.users[who], assignment=assignment, reason="Coba")
    assert counts() == before


def test_end_term_needs_a_reason_and_is_not_for_other_roles(world):
    assignment = world.users["pa"].role_assignments.get()
    with pytest.raises(errors.ValidationError):
        official_end_term(actor=world.users["agency_admin"], assignment=assignment, reason=" ")
    staff = world.users["lpse_staff"].role_assignments.get()
    with pytest.raises(errors.NotFound):
        official_end_term(actor=world.users["lpse_admin"], assignment=staff, reason="x")


def test_ended_term_stops_the_sign_in(world, client):
    ppk = world.users["ppk"]
    official_end_term(
        actor=world.users["agency_admin"], assignment=ppk.role_assignments.get(), reason="Mutasi"
    )
    client.cookies["openlpse_language"] = "en"
    response = client.post(
        "/akun/masuk/", {"identifier": ppk.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 403
    assert "Your appointment ended on" in response.content.decode()
