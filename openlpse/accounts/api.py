"""Account endpoints of the JSON API: who am I, and my API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from openlpse.accounts import permissions
from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.tokens import ApiToken
from openlpse.accounts.models.user import User
from openlpse.accounts.services import tokens
from openlpse.core import clock
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.pagination import CursorPage, PageParams, paginate

router = Router(auth=token_auth, tags=["Accounts"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


# --- me ----------------------------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    role_label: str
    scope_kind: str
    lpse: str | None = Field(description="Slug of the LPSE; null for platform-wide (vendor) roles.")
    agency: str | None
    work_unit: str | None
    scope_ref: str
    starts_on: dt.date
    ends_on: dt.date | None

    @staticmethod
    def resolve_role_label(obj: RoleAssignment) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_lpse(obj: RoleAssignment) -> str | None:
        return obj.lpse.slug if obj.lpse is not None else None

    @staticmethod
    def resolve_agency(obj: RoleAssignment) -> str | None:
        return obj.agency.name if obj.agency is not None else None

    @staticmethod
    def resolve_work_unit(obj: RoleAssignment) -> str | None:
        return obj.work_unit.name if obj.work_unit is not None else None


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[RoleOut] = Field(description="Role assignments in force today.")


@router.get("/me", response={200: MeOut, **error_responses(401)}, summary="The signed-in user")
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "roles": list(permissions.active_assignments(user)),
    }


# --- tokens ------------------------------------------------------------------------------------


class TokenIn(InputSchema):
    name: str = Field(
        min_length=1, max_length=tokens.NAME_MAX_LENGTH, description="What the token is for."
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="First characters of the token, to tell tokens apart.")
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    is_active: bool

    @staticmethod
    def resolve_is_active(obj: ApiToken) -> bool:
        return obj.is_usable_at(clock.now())


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown only in this answer: store it now.")


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **error_responses(400, 401, 403, 413)},
    summary="Create an API token for yourself",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    user = _user(request)
    issued = tokens.token_create(user=user, name=payload.name, actor=user)
    created = issued.token
    created.token = issued.secret  # type: ignore[attr-defined]  # shown in this answer only
    return Status(201, created)


@router.get(
    "/tokens",
    response={200: CursorPage[TokenOut], **error_responses(400, 401)},
    summary="List your API tokens",
)
def token_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Newest first, revoked and expired ones included."""
    page = paginate(
        tokens.token_list_own(user=_user(request)),
        order_by="-created_at",
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **error_responses(401, 404)},
    summary="Revoke one of your API tokens",
)
def token_revoke(request: HttpRequest, token_id: int) -> Status[Any]:
    user = _user(request)
    token = tokens.access_token(user=user, token_id=token_id)
    tokens.token_revoke(token=token, actor=user)
    return Status(204, None)
