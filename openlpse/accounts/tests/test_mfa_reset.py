"""An LPSE administrator resets the second factor of a person who lost phone and codes."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts.enums import Role
from openlpse.accounts.models import AccessEvent
from openlpse.accounts.services.mfa import mfa_reset_by_admin
from openlpse.accounts.tests.auth_support import (
    audit_actions,
    confirmed_device,
    events,
    official,
    sign_in_verified,
)
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import LpseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lpse():
    return LpseFactory()


@pytest.fixture
def ppk(lpse):
    user = official(Role.PPK, lpse=lpse)
    confirmed_device(user)
    StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    return user


def _state(user):
    return (
        TOTPDevice.objects.filter(user=user).count(),
        StaticDevice.objects.filter(user=user).count(),
        AuditEvent.objects.count(),
    )


def test_lpse_admin_of_the_persons_lpse_resets_and_it_is_logged(lpse, ppk):
    admin = official(Role.LPSE_ADMIN, lpse=lpse)

    mfa_reset_by_admin(actor=admin, user=ppk, reason="HP hilang; identitas dicek dengan KTP")

    assert _state(ppk)[:2] == (0, 0)
    assert events(ppk)[-1] == AccessEvent.MFA_DISABLED
    assert audit_actions()[-2:] == ["auth.mfa_disabled", "mfa.reset_by_admin"]
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.actor_id == admin.pk
    assert last.changes == {"reason": "HP hilang; identitas dicek dengan KTP"}


def test_after_the_reset_the_official_must_enrol_again(client, lpse, ppk):
    sign_in_verified(client, ppk)
    mfa_reset_by_admin(actor=UserFactory(is_superuser=True), user=ppk, reason="lost phone")

    response = client.get(reverse("core:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))


@pytest.mark.parametrize(
    "role", [Role.AGENCY_ADMIN, Role.AUDITOR, Role.LPSE_STAFF, Role.PPK, Role.VENDOR_ADMIN]
)
def test_other_roles_are_refused_and_nothing_changes(lpse, ppk, role):
    actor = official(role, lpse=lpse)
    before = _state(ppk)

    with pytest.raises(errors.PermissionDenied):
        mfa_reset_by_admin(actor=actor, user=ppk, reason="x")

    assert _state(ppk) == before


def test_admin_of_another_lpse_is_refused(ppk):
    other_admin = official(Role.LPSE_ADMIN, lpse=LpseFactory())
    before = _state(ppk)

    with pytest.raises(errors.PermissionDenied):
        mfa_reset_by_admin(actor=other_admin, user=ppk, reason="x")

    assert _state(ppk) == before


def test_nobody_resets_their_own_second_factor(lpse):
    admin = official(Role.LPSE_ADMIN, lpse=lpse)
    confirmed_device(admin)
    before = _state(admin)

    with pytest.raises(errors.PermissionDenied):
        mfa_reset_by_admin(actor=admin, user=admin, reason="x")

    assert _state(admin) == before


def test_a_reason_is_required(lpse, ppk):
    admin = official(Role.LPSE_ADMIN, lpse=lpse)
    before = _state(ppk)

    with pytest.raises(errors.ValidationError) as refused:
        mfa_reset_by_admin(actor=admin, user=ppk, reason="  ")

    with translation.override("en"):
        assert refused.value.as_dict()["fields"] == {
            "reason": ["Give the reason for this reset; it is kept in the audit log."]
        }
    assert _state(ppk) == before


def test_reset_without_devices_is_a_conflict(lpse):
    admin = official(Role.LPSE_ADMIN, lpse=lpse)
    ppk = official(Role.PPK, lpse=lpse)

    with pytest.raises(errors.Conflict):
        mfa_reset_by_admin(actor=admin, user=ppk, reason="lost phone")


def test_command_resets_and_refuses_with_a_clear_error(lpse, ppk, capsys):
    admin = official(Role.LPSE_ADMIN, lpse=lpse)

    call_command("mfa_reset", ppk.username, "--by", admin.username, "--reason", "lost phone")

    assert "was reset" in capsys.readouterr().out
    assert _state(ppk)[:2] == (0, 0)
    with pytest.raises(CommandError):
        call_command("mfa_reset", "nobody", "--by", admin.username, "--reason", "x")
