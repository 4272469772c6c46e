"""accounts.services.users: deactivation for a decision, reactivation, by reference.

Sessions end at once (Django refuses an inactive user when it loads the session) and API
tokens are revoked, never to work again."""

import datetime as dt

import pytest
from django.urls import reverse

from openlpse.accounts.models import ApiToken
from openlpse.accounts.services.users import (
    user_deactivate,
    user_reactivate,
    users_deactivation_hand_over,
    users_reactivate_by_ref,
)
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent
from openlpse.vendors.tests.blacklist_support import issue_token

pytestmark = pytest.mark.django_db

UNTIL = dt.date(2027, 6, 30)


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_deactivate_sets_the_fields_revokes_every_token_and_is_audited():
    user, actor = UserFactory(), UserFactory()
    first, second = issue_token(user), issue_token(user)
    assert first != second
    user_deactivate(user=user, actor=actor, reason="Dokumen palsu", until=UNTIL, ref="blacklist:7")
    user.refresh_from_db()
    assert (user.is_active, user.deactivation_reason, user.deactivated_until) == (
        False,
        "Dokumen palsu",
        UNTIL,
    )
    assert user.deactivation_ref == "blacklist:7"
    tokens = ApiToken.objects.filter(user=user)
    assert tokens.count() == 2
    assert all(t.revoked_at is not None and t.revoked_by == actor for t in tokens)
    event = AuditEvent.objects.filter(action="user.deactivate").get()
    assert event.actor_id == actor.pk
    assert event.changes["ref"] == "blacklist:7"
    assert event.changes["until"] == "2027-06-30"
    assert event.changes["reason"] == "Dokumen palsu"
    assert sorted(event.changes["tokens_revoked"]) == sorted(t.prefix for t in tokens)


def test_a_signed_in_session_ends_at_its_next_request(client):
    user = UserFactory()
    client.force_login(user)
    profile = reverse("accounts:profile")
    assert client.get(profile).status_code == 200
    user_deactivate(user=user, actor=None, reason="Pelanggaran", ref="violation:1")
    response = client.get(profile)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_token_call_gets_401_after_deactivation_and_stays_refused_after_reactivation(client):
    user = UserFactory()
    secret = issue_token(user)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    user_deactivate(user=user, actor=None, reason="Pelanggaran", ref="violation:1")
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    user_reactivate(user=user, actor=None, reason="Selesai")
    user.refresh_from_db()
    assert user.is_active
    # Tokens never silently revive: the person creates a new one.
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_reactivate_clears_the_fields_and_is_audited():
    user, actor = UserFactory(), UserFactory()
    user_deactivate(user=user, actor=actor, reason="X", until=UNTIL, ref="blacklist:3")
    user_reactivate(user=user, actor=actor, reason="Dicabut")
    user.refresh_from_db()
    assert (user.is_active, user.deactivation_reason, user.deactivated_until) == (True, "", None)
    assert user.deactivation_ref == ""
    event = AuditEvent.objects.filter(action="user.activate").get()
    assert event.changes == {
        "is_active": [False, True],
        "reason": "Dicabut",
        "until": "2027-06-30",
        "ref": "blacklist:3",
    }


def test_reactivating_an_active_user_changes_nothing():
    user = UserFactory()
    before = AuditEvent.objects.count()
    user_reactivate(user=user, actor=None, reason="x")
    assert AuditEvent.objects.count() == before


def test_nobody_deactivates_their_own_account_and_a_reason_is_required():
    user = UserFactory()
    with pytest.raises(errors.PermissionDenied):
        user_deactivate(user=user, actor=user, reason="x", ref="violation:1")
    with pytest.raises(errors.ValidationError) as caught:
        user_deactivate(user=user, actor=None, reason="  ", ref="violation:1")
    assert "reason" in caught.value.fields
    user.refresh_from_db()
    assert user.is_active
    assert not AuditEvent.objects.filter(action="user.deactivate").exists()


def test_the_longer_decision_is_kept_so_a_shorter_one_never_revives_early():
    user = UserFactory()
    user_deactivate(user=user, actor=None, reason="Lama", until=UNTIL, ref="blacklist:1")
    user_deactivate(
        user=user,
        actor=None,
        reason="Pendek",
        until=UNTIL - dt.timedelta(days=30),
        ref="blacklist:2",
    )
    user.refresh_from_db()
    assert (user.deactivation_ref, user.deactivated_until) == ("blacklist:1", UNTIL)
    assert users_reactivate_by_ref(ref="blacklist:2", reason="selesai") == []
    user.refresh_from_db()
    assert not user.is_active
    # An open-ended decision (a violation) outlasts any dated one.
    user_deactivate(user=user, actor=None, reason="Pelanggaran", until=None, ref="violation:9")
    user.refresh_from_db()
    assert (user.deactivation_ref, user.deactivated_until) == ("violation:9", None)
    event = AuditEvent.objects.filter(action="user.deactivate").order_by("-seq").first()
    assert event.changes["replaces_ref"] == "blacklist:1"


def test_an_administrators_deactivation_is_never_replaced_or_lifted_by_a_decision():
    user = UserFactory(is_active=False)
    user_deactivate(user=user, actor=None, reason="Daftar hitam", until=UNTIL, ref="blacklist:4")
    user.refresh_from_db()
    assert (user.is_active, user.deactivation_ref) == (False, "")
    assert users_reactivate_by_ref(ref="blacklist:4", reason="selesai") == []
    user.refresh_from_db()
    assert not user.is_active


def test_an_already_deactivated_users_stray_tokens_are_still_revoked():
    user = UserFactory()
    secret = issue_token(user)
    user.is_active = False
    user.save()
    user_deactivate(user=user, actor=None, reason="Daftar hitam", until=UNTIL, ref="blacklist:5")
    assert ApiToken.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(action="user.tokens_revoke").count() == 1
    assert secret


def test_reactivate_by_ref_reactivates_exactly_the_accounts_of_that_decision():
    a, b, other = UserFactory(), UserFactory(), UserFactory()
    for user in (a, b):
        user_deactivate(user=user, actor=None, reason="X", until=UNTIL, ref="blacklist:8")
    user_deactivate(user=other, actor=None, reason="Y", until=UNTIL, ref="blacklist:9")
    done = users_reactivate_by_ref(ref="blacklist:8", reason="Masa berakhir")
    assert {u.pk for u in done} == {a.pk, b.pk}
    for user in (a, b, other):
        user.refresh_from_db()
    assert a.is_active and b.is_active and not other.is_active
    with pytest.raises(ValueError):
        users_reactivate_by_ref(ref="", reason="x")


def test_hand_over_keeps_the_accounts_stopped_under_the_other_decision():
    user = UserFactory()
    user_deactivate(user=user, actor=None, reason="X", until=UNTIL, ref="blacklist:1")
    handed = users_deactivation_hand_over(
        from_ref="blacklist:1", to_ref="blacklist:2", reason="Y", until=dt.date(2027, 1, 31)
    )
    assert [u.pk for u in handed] == [user.pk]
    user.refresh_from_db()
    assert (user.is_active, user.deactivation_ref, user.deactivated_until) == (
        False,
        "blacklist:2",
        dt.date(2027, 1, 31),
    )
    event = AuditEvent.objects.filter(action="user.deactivate").order_by("-seq").first()
    assert event.changes["ref"] == ["blacklist:1", "blacklist:2"]
