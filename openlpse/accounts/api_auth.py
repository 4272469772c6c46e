"""Bearer-token authentication for the JSON API: `Authorization: Bearer <token>`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from openlpse.accounts.models.user import User
from openlpse.accounts.services.auth import appointment_refusal
from openlpse.accounts.services.tokens import TokenRefused, token_authenticate
from openlpse.core.api_errors import InvalidToken, TokenExpired


class TokenAuth(HttpBearer):
    """Resolves the token to its user (also set as `request.user`) or answers 401.

    A missing header lets django-ninja answer `not_authenticated`; a token that is unknown,
    revoked, expired or belongs to a deactivated account is refused with `invalid_token` or
    `token_expired` (and `WWW-Authenticate: Bearer ..., error="invalid_token"`); one whose
    owner's appointment has ended or not started with 403 `term_ended` or
    `appointment_not_started`.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User:
        try:
            api_token = token_authenticate(secret=token.strip())
        except TokenRefused as refused:
            raise (TokenExpired() if refused.reason == "expired" else InvalidToken()) from None
        # An official whose term has ended (or not started) may not use their tokens either.
        refusal = appointment_refusal(user=api_token.user)
        if refusal is not None:
            raise refusal
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


token_auth = TokenAuth()
