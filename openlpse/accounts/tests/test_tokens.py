"""API token services: create, revoke, authenticate; and `manage.py token_create`."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from openlpse.accounts.models import ApiToken
from openlpse.accounts.services import tokens
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def _counts() -> tuple[int, int]:
    return ApiToken.objects.count(), AuditEvent.objects.count()


class TestTokenCreate:
    def test_stores_only_the_hash_and_a_prefix_and_expires_after_the_configured_days(
        self, settings
    ):
        settings.API_TOKEN_DAYS = 30
        user = UserFactory()
        with clock.frozen(T0):
            issued = tokens.token_create(user=user, name="  SIRUP bridge  ", actor=user)
        token = ApiToken.objects.get()
        assert issued.secret.startswith("olp_")
        assert len(issued.secret) == 4 + 43
        assert token.token_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
        assert issued.secret not in {token.token_hash, token.prefix, token.name}
        assert token.prefix == issued.secret[:12]
        assert token.name == "SIRUP bridge"
        assert token.user == user
        assert token.created_by == user
        assert token.created_at == T0
        assert token.expires_at == T0 + dt.timedelta(days=30)
        assert token.last_used_at is None
        assert token.revoked_at is None

    def test_writes_an_audit_event_without_the_secret(self):
        user = UserFactory(username="integrator")
        issued = tokens.token_create(user=user, name="bridge", actor=user)
        event = AuditEvent.objects.get()
        assert event.action == "api_token.create"
        assert event.actor_id == user.pk
        assert event.object_type == "accounts.apitoken"
        assert event.object_id == str(issued.token.pk)
        assert event.changes["user"] == "integrator"
        assert event.changes["prefix"] == issued.token.prefix
        assert issued.secret not in bytes(event.canon).decode()

    def test_two_tokens_never_share_a_secret(self):
        user = UserFactory()
        first = tokens.token_create(user=user, name="a", actor=user)
        second = tokens.token_create(user=user, name="a", actor=user)
        assert first.secret != second.secret
        assert ApiToken.objects.filter(user=user).count() == 2

    def test_operator_on_the_command_line_may_create_for_anyone(self):
        user = UserFactory()
        issued = tokens.token_create(user=user, name="bridge", actor=None)
        assert issued.token.created_by is None
        assert AuditEvent.objects.get().actor_label == "system"

    def test_someone_else_may_not_create_a_token_for_a_user(self):
        owner, other = UserFactory(), UserFactory()
        with pytest.raises(errors.PermissionDenied):
            tokens.token_create(user=owner, name="sneaky", actor=other)
        assert _counts() == (0, 0)

    def test_a_deactivated_account_cannot_get_a_token(self):
        user = UserFactory(is_active=False)
        with pytest.raises(errors.ValidationError):
            tokens.token_create(user=user, name="x", actor=None)
        assert _counts() == (0, 0)

    @pytest.mark.parametrize("name", ["", "   ", "x" * 101])
    def test_name_must_be_given_and_short(self, name):
        user = UserFactory()
        with pytest.raises(errors.ValidationError) as caught:
            tokens.token_create(user=user, name=name, actor=user)
        assert set(caught.value.fields) == {"name"}
        assert _counts() == (0, 0)


class TestTokenRevoke:
    def test_revoke_marks_the_token_and_audits_once(self):
        user = UserFactory()
        issued = tokens.token_create(user=user, name="a", actor=user)
        with clock.frozen(T0):
            revoked = tokens.token_revoke(token=issued.token, actor=user)
        assert revoked.revoked_at == T0
        assert revoked.revoked_by == user
        assert list(AuditEvent.objects.values_list("action", flat=True)) == [
            "api_token.create",
            "api_token.revoke",
        ]

    def test_revoking_again_changes_nothing(self):
        user = UserFactory()
        issued = tokens.token_create(user=user, name="a", actor=user)
        with clock.frozen(T0):
            tokens.token_revoke(token=issued.token, actor=user)
        with clock.frozen(T0 + dt.timedelta(hours=1)):
            again = tokens.token_revoke(token=issued.token, actor=user)
        assert again.revoked_at == T0
        assert AuditEvent.objects.count() == 2

    def test_someone_else_may_not_revoke(self):
        owner, other = UserFactory(), UserFactory()
        issued = tokens.token_create(user=owner, name="a", actor=owner)
        before = _counts()
        with pytest.raises(errors.PermissionDenied):
            tokens.token_revoke(token=issued.token, actor=other)
        issued.token.refresh_from_db()
        assert issued.token.revoked_at is None
        assert _counts() == before

    def test_access_token_hides_other_peoples_tokens(self):
        owner, other = UserFactory(), UserFactory()
        issued = tokens.token_create(user=owner, name="a", actor=owner)
        assert tokens.access_token(user=owner, token_id=issued.token.pk) == issued.token
        with pytest.raises(errors.NotFound):
            tokens.access_token(user=other, token_id=issued.token.pk)
        with pytest.raises(errors.NotFound):
            tokens.access_token(user=owner, token_id=issued.token.pk + 1000)


class TestTokenAuthenticate:
    def test_a_good_token_gives_its_token_and_user(self):
        user = UserFactory()
        issued = tokens.token_create(user=user, name="a", actor=user)
        assert tokens.token_authenticate(secret=issued.secret) == issued.token
        assert tokens.token_authenticate(secret=issued.secret).user == user

    @pytest.mark.parametrize(
        "secret", ["", "olp_unknown", "Bearer olp_x", "x" * 500, "olp_" + "a" * 300]
    )
    def test_unknown_tokens_are_invalid(self, secret):
        tokens.token_create(user=UserFactory(), name="a", actor=None)
        with pytest.raises(tokens.TokenRefused) as caught:
            tokens.token_authenticate(secret=secret)
        assert caught.value.reason == "invalid"

    def test_a_revoked_token_is_invalid(self):
        user = UserFactory()
        issued = tokens.token_create(user=user, name="a", actor=user)
        tokens.token_revoke(token=issued.token, actor=user)
        with pytest.raises(tokens.TokenRefused) as caught:
            tokens.token_authenticate(secret=issued.secret)
        assert caught.value.reason == "invalid"

    def test_a_token_of_a_deactivated_user_is_invalid(self):
        user = UserFactory()
        issued = tokens.token_create(user=user, name="a", actor=user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        with pytest.raises(tokens.TokenRefused) as caught:
            tokens.token_authenticate(secret=issued.secret)
        assert caught.value.reason == "invalid"

    def test_a_token_expires_at_its_expiry_time(self, settings):
        settings.API_TOKEN_DAYS = 1
        user = UserFactory()
        with clock.frozen(T0):
            issued = tokens.token_create(user=user, name="a", actor=user)
        with clock.frozen(T0 + dt.timedelta(days=1) - dt.timedelta(microseconds=1)):
            assert tokens.token_authenticate(secret=issued.secret) == issued.token
        with clock.frozen(T0 + dt.timedelta(days=1)), pytest.raises(tokens.TokenRefused) as caught:
            tokens.token_authenticate(secret=issued.secret)
        assert caught.value.reason == "expired"

    def test_last_used_is_written_at_most_once_a_minute(self):
        user = UserFactory()
        with clock.frozen(T0):
            issued = tokens.token_create(user=user, name="a", actor=user)
            tokens.token_authenticate(secret=issued.secret)
            clock.advance(dt.timedelta(seconds=59))
            tokens.token_authenticate(secret=issued.secret)
            issued.token.refresh_from_db()
            assert issued.token.last_used_at == T0
            clock.advance(dt.timedelta(seconds=1))
            tokens.token_authenticate(secret=issued.secret)
            issued.token.refresh_from_db()
            assert issued.token.last_used_at == T0 + dt.timedelta(minutes=1)

    def test_authentication_writes_no_audit_event(self):
        issued = tokens.token_create(user=UserFactory(), name="a", actor=None)
        tokens.token_authenticate(secret=issued.secret)
        assert AuditEvent.objects.count() == 1


class TestTokenCreateCommand:
    def test_prints_the_token_once_on_stdout(self):
        user = UserFactory(username="sirup")
        out, err = StringIO(), StringIO()
        call_command("token_create", "SIRUP", "--name", "SIRUP bridge", stdout=out, stderr=err)
        secret = out.getvalue().strip()
        token = ApiToken.objects.get()
        assert token.user == user
        assert token.name == "SIRUP bridge"
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert token.prefix in err.getvalue()
        assert secret not in err.getvalue()

    def test_accepts_an_email_address(self):
        user = UserFactory(email="ops@example.go.id")
        call_command(
            "token_create", "OPS@example.go.id", "--name", "x", stdout=StringIO(), stderr=StringIO()
        )
        assert ApiToken.objects.get().user == user

    def test_unknown_user_is_an_error_and_creates_nothing(self):
        with pytest.raises(CommandError, match="No user named 'ghost'"):
            call_command(
                "token_create", "ghost", "--name", "x", stdout=StringIO(), stderr=StringIO()
            )
        assert _counts() == (0, 0)

    def test_empty_name_is_an_error(self):
        UserFactory(username="sirup")
        with translation.override("en"), pytest.raises(CommandError, match="Give the token a name"):
            call_command(
                "token_create", "sirup", "--name", " ", stdout=StringIO(), stderr=StringIO()
            )
        assert _counts() == (0, 0)
