"""API tokens: create, list, revoke, and authenticate (`Authorization: Bearer <token>`).

A token is `olp_` followed by 43 random URL-safe characters (256 bits). Only its SHA-256 is
stored; a request's token is hashed and looked up by that hash, so no comparison of secrets
depends on how many leading characters match. Creation and revocation are audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.models.tokens import ApiToken
from openlpse.accounts.models.user import User
from openlpse.core import audit, clock, errors

TOKEN_PREFIX = "olp_"  # noqa: S105  (the public marker of every token, not a secret)
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
NAME_MAX_LENGTH = 100
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret. The secret exists only here: it is never stored."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _can_manage(actor: User | None, owner_id: int) -> bool:
    """People manage their own tokens; `actor=None` is an operator on the command line."""
    return actor is None or (actor.is_active and actor.pk == owner_id)


def token_create(*, user: User, name: str, actor: User | None) -> IssuedToken:
    """Create a token for `user`, valid for settings.API_TOKEN_DAYS days."""
    if not _can_manage(actor, user.pk):
        raise errors.PermissionDenied(_("You can create API tokens only for your own account."))
    if not user.is_active:
        raise errors.ValidationError(
            _("This account is deactivated, so it cannot have API tokens. Reactivate it first.")
        )
    name = (name or "").strip()
    if not name:
        raise errors.ValidationError(
            fields={"name": [_("Give the token a name, for example the system that will use it.")]}
        )
    if len(name) > NAME_MAX_LENGTH:
        raise errors.ValidationError(
            fields={
                "name": [
                    _("Use at most %(max)d characters for the name.") % {"max": NAME_MAX_LENGTH}
                ]
            }
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            token_hash=hash_secret(secret),
            created_at=now,
            created_by=actor,
            expires_at=now + dt.timedelta(days=settings.API_TOKEN_DAYS),
        )
        audit.record(
            actor=actor,
            action="api_token.create",
            obj=token,
            changes={
                "user": user.username,
                "name": name,
                "prefix": token.prefix,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return IssuedToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken, actor: User | None) -> ApiToken:
    """Revoke a token at once. Revoking a revoked token changes nothing."""
    if not _can_manage(actor, token.user_id):
        raise errors.PermissionDenied(_("You can revoke only your own API tokens."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = clock.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor=actor,
            action="api_token.revoke",
            obj=locked,
            changes={"user": locked.user.username, "name": locked.name, "prefix": locked.prefix},
        )
    return locked


# --- reads -------------------------------------------------------------------------------------


def token_list_own(*, user: Any) -> QuerySet[ApiToken]:
    """The user's tokens, all of them (revoked and expired ones too, to show their history)."""
    return ApiToken.objects.filter(user_id=user.pk)


def access_token(*, user: Any, token_id: int) -> ApiToken:
    """One of the user's tokens; another person's token is "not found", like a missing one."""
    token = ApiToken.objects.filter(pk=token_id, user_id=user.pk).first()
    if token is None:
        raise errors.NotFound(_("No API token of yours has this id."))
    return token


# --- authentication ----------------------------------------------------------------------------


class TokenRefused(Exception):
    """Why a presented token was refused: "invalid" (unknown, revoked, inactive user) or "expired"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def token_authenticate(*, secret: str) -> ApiToken:
    """The usable token for `secret` (its user loaded), or TokenRefused.

    Marks the token used, writing `last_used_at` at most once a minute.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise TokenRefused("invalid")
    digest = hash_secret(secret)
    token = ApiToken.objects.select_related("user").filter(token_hash=digest).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        raise TokenRefused("invalid")
    if token.revoked_at is not None or not token.user.is_active:
        raise TokenRefused("invalid")
    now = clock.now()
    if now >= token.expires_at:
        raise TokenRefused("expired")
    _mark_used(token=token, now=now)
    return token


def _mark_used(*, token: ApiToken, now: dt.datetime) -> None:
    # No write at all while the loaded value is recent (most requests); otherwise one
    # conditional UPDATE, so concurrent requests never write more than once a minute.
    if token.last_used_at is not None and token.last_used_at > now - LAST_USED_PRECISION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
    if ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now):
        token.last_used_at = now
