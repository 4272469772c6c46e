"""Helpers for the sign-in tests: people with roles, TOTP codes, signing in through the pages."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import AccessLogEntry, User
from openlpse.accounts.tests.factories import PASSWORD, RoleAssignmentFactory, UserFactory
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import LpseFactory, LpseUnitFactory

IP = "198.51.100.7"
OTHER_IP = "203.0.113.9"
# A fixed instant near the real date, so that role periods made by the factories are in force.
NOW = timezone.now().replace(microsecond=0)


def english_client() -> Client:
    client = Client(HTTP_USER_AGENT="pytest-browser/1.0", REMOTE_ADDR=IP)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def with_role(user: User, role: str, lpse=None) -> User:
    if role in (Role.VENDOR_ADMIN, Role.VENDOR_STAFF):
        RoleAssignmentFactory(
            user=user, role=role, scope_kind=ScopeKind.VENDOR, lpse=None, scope_ref="VENDOR-1"
        )
    elif role == Role.LPSE_STAFF:
        lpse = lpse or LpseFactory()
        RoleAssignmentFactory(user=user, role=role, lpse=lpse, lpse_unit=LpseUnitFactory(lpse=lpse))
    else:
        RoleAssignmentFactory(user=user, role=role, lpse=lpse or LpseFactory())
    return user


def person(**kwargs) -> User:
    # Signing in sets the language cookie to the preferred language; tests read English.
    kwargs.setdefault("preferred_language", "en")
    return UserFactory(**kwargs)


def vendor(**kwargs) -> User:
    return with_role(person(**kwargs), Role.VENDOR_ADMIN)


def official(role: str = Role.PPK, lpse=None, **kwargs) -> User:
    return with_role(person(**kwargs), role, lpse)


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app shows now (django-otp checks TOTP against the real time)."""
    device.refresh_from_db()
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{code:0{device.digits}d}"


def post_login(client: Client, identifier: str, password: str = PASSWORD, ip: str = IP, **extra):
    return client.post(
        reverse("accounts:login"),
        {"identifier": identifier, "password": password, **extra},
        REMOTE_ADDR=ip,
    )


def sign_in_verified(client: Client, user: User) -> TOTPDevice:
    """A session that has given its second factor (for pages behind the MFA requirement)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def events(user: User | None = None, **filters) -> list[str]:
    entries = AccessLogEntry.objects.order_by("id")
    if user is not None:
        entries = entries.filter(user=user)
    return list(entries.filter(**filters).values_list("event", flat=True))


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
