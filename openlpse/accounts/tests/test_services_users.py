import pytest
from django.urls import reverse
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.models import AccessEvent, AccessLogEntry, User
from openlpse.accounts.services.users import (
    user_change_password,
    user_create,
    user_set_active,
    user_update_profile,
)
from openlpse.accounts.tests.auth_support import (
    NOW,
    english_client,
    official,
    person,
    post_login,
    vendor,
)
from openlpse.accounts.tests.factories import PASSWORD, UserFactory
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import LpseFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "sawah hijau di pinggir jalan"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _counts():
    return User.objects.count(), AuditEvent.objects.count()


def test_user_create_makes_an_account_and_audits_it():
    with clock.frozen(NOW):
        user = user_create(
            username="budi.santoso",
            email="Budi@Example.GO.ID",
            password=GOOD_PASSWORD,
            full_name=" Budi Santoso ",
            actor=None,
        )
    assert (user.username, user.email, user.full_name) == (
        "budi.santoso",
        "Budi@example.go.id",
        "Budi Santoso",
    )
    assert user.check_password(GOOD_PASSWORD)
    assert user.password_changed_at == NOW
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.actor_label) == (
        "user.create",
        str(user.pk),
        "system",
    )
    assert GOOD_PASSWORD not in str(event.changes)


def test_user_create_without_password_makes_an_account_that_cannot_sign_in_yet():
    user = user_create(username="baru", email="baru@example.go.id", actor=None)
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    ("username", "email", "field", "message"),
    [
        (
            "BUDI",
            "lain@example.go.id",
            "username",
            "The user name “BUDI” is already taken. Choose another one.",
        ),
        (
            "lain",
            "BUDI@example.go.id",
            "email",
            "Another account already uses this e-mail address. Use a different address.",
        ),
        (
            "budi@x",
            "x@example.go.id",
            "username",
            "A user name cannot contain “@”. Use letters, digits and . + - _ only.",
        ),
        (
            "budi santoso",
            "y@example.go.id",
            "username",
            "A user name may contain only letters, digits and . + - _ (no spaces).",
        ),
        ("z", "not-an-email", "email", "Enter a valid e-mail address, such as name@example.go.id."),
    ],
)
def test_user_create_refuses_clashes_and_bad_values_with_clear_errors(
    username, email, field, message
):
    UserFactory(username="budi", email="budi@example.go.id")
    before = _counts()
    with pytest.raises(errors.ValidationError) as caught:
        user_create(username=username, email=email, actor=None)
    assert caught.value.fields == {field: [message]}
    assert _counts() == before


def test_user_create_applies_the_password_policy():
    before = _counts()
    with pytest.raises(errors.ValidationError) as caught:
        user_create(username="budi", email="budi@example.go.id", password="lpse123", actor=None)
    assert (
        "This password is too short. It must contain at least 12 characters."
        in caught.value.fields["password"]
    )
    assert _counts() == before


@pytest.mark.parametrize("role", [Role.VENDOR_ADMIN, Role.PPK, Role.AUDITOR])
def test_user_create_is_refused_to_non_administrators(role):
    actor = (
        vendor(username="penyedia")
        if role == Role.VENDOR_ADMIN
        else official(role, username="pejabat")
    )
    before = _counts()
    with pytest.raises(errors.PermissionDenied):
        user_create(username="baru", email="baru@example.go.id", actor=actor)
    assert _counts() == before


def test_lpse_admin_can_create_accounts():
    admin = official(Role.LPSE_ADMIN, username="admin")
    user = user_create(username="baru", email="baru@example.go.id", actor=admin)
    assert AuditEvent.objects.get(action="user.create").actor_id == admin.pk
    assert user.pk is not None


def test_profile_update_records_what_changed():
    user = person(username="budi", full_name="Budi", phone="")
    user_update_profile(
        user=user, actor=user, full_name="Budi Santoso", phone="0812", preferred_language="id"
    )
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.preferred_language) == ("Budi Santoso", "0812", "id")
    event = AuditEvent.objects.get()
    assert event.changes == {
        "full_name": ["Budi", "Budi Santoso"],
        "phone": ["", "0812"],
        "preferred_language": ["en", "id"],
    }


def test_profile_update_of_someone_else_is_refused():
    user, other = person(username="budi"), person(username="sari")
    with pytest.raises(errors.PermissionDenied):
        user_update_profile(
            user=user, actor=other, full_name="X", phone="", preferred_language="id"
        )
    assert AuditEvent.objects.count() == 0


def test_profile_page_saves_and_switches_the_language():
    vendor(username="budi")
    client = english_client()
    post_login(client, "budi")
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Budi S", "phone": "0812 000", "preferred_language": "id"},
    )
    assert response["Location"] == reverse("accounts:profile")
    assert response.cookies["openlpse_language"].value == "id"
    assert User.objects.get(username="budi").full_name == "Budi S"


def test_profile_page_refuses_an_unknown_language_and_keeps_the_input():
    vendor(username="budi")
    client = english_client()
    post_login(client, "budi")
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Budi S", "phone": "", "preferred_language": "fr"},
    )
    assert response.status_code == 400
    assert 'value="Budi S"' in response.content.decode()


def test_change_password_service_refuses_a_wrong_current_password():
    user = person(username="budi")
    with pytest.raises(errors.ValidationError) as caught:
        user_change_password(
            user=user, actor=user, current_password="nope", new_password=GOOD_PASSWORD
        )
    assert caught.value.fields == {
        "current_password": ["Your current password is not correct. Enter it again."]
    }
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_refuses_the_same_password():
    user = person(username="budi")
    with pytest.raises(errors.ValidationError) as caught:
        user_change_password(
            user=user, actor=user, current_password=PASSWORD, new_password=PASSWORD
        )
    assert caught.value.fields == {
        "new_password1": ["The new password must be different from the current one."]
    }


def test_change_password_for_someone_else_is_refused():
    user, other = person(username="budi"), person(username="sari")
    with pytest.raises(errors.PermissionDenied):
        user_change_password(
            user=user, actor=other, current_password=PASSWORD, new_password=GOOD_PASSWORD
        )
    assert AccessLogEntry.objects.count() == 0


def test_lpse_admin_deactivates_a_user_of_their_lpse_and_the_session_ends():
    lpse = LpseFactory()
    admin = official(Role.LPSE_ADMIN, lpse, username="admin")
    target = official(Role.PPK, lpse, username="ppk")
    client = english_client()
    client.force_login(target)
    user_set_active(user=target, is_active=False, actor=admin, reason="Pensiun")
    target.refresh_from_db()
    assert target.is_active is False
    assert AuditEvent.objects.get().changes == {"is_active": [True, False], "reason": "Pensiun"}
    response = client.get(reverse("accounts:profile"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert response.wsgi_request.user.is_anonymous


@pytest.mark.parametrize("actor_role", [Role.LPSE_ADMIN, Role.AUDITOR, Role.PPK])
def test_deactivation_is_refused_outside_ones_own_lpse_or_without_admin_role(actor_role):
    target = official(Role.PPK, LpseFactory(), username="ppk")
    actor = official(actor_role, LpseFactory(), username="lain")
    with pytest.raises(errors.PermissionDenied):
        user_set_active(user=target, is_active=False, actor=actor, reason="Coba")
    target.refresh_from_db()
    assert target.is_active is True
    assert AuditEvent.objects.count() == 0


def test_deactivating_oneself_is_refused_and_a_reason_is_required():
    root = UserFactory(username="root", is_superuser=True)
    target = person(username="budi")
    with pytest.raises(errors.PermissionDenied):
        user_set_active(user=root, is_active=False, actor=root, reason="x")
    with pytest.raises(errors.ValidationError) as caught:
        user_set_active(user=target, is_active=False, actor=root, reason="  ")
    assert list(caught.value.fields) == ["reason"]
    assert AuditEvent.objects.count() == 0


def test_access_log_rows_are_append_only():
    user = person(username="budi")
    client = english_client()
    post_login(client, "budi")
    entry = AccessLogEntry.objects.get(user=user)
    assert entry.event == AccessEvent.LOGIN
    entry.detail = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
