"""Cursor pagination for API lists: `{"items": [...], "next_cursor": "..."}`.

The cursor is opaque to clients: base64url of a small JSON object holding the sort key and the
primary key of the last item served, and the ordering it belongs to. The next page is a keyset
query, `(key, pk) > (last_key, last_pk)`, never an OFFSET, so:

* rows inserted or deleted while a client pages through never shift the pages: no item that
  exists throughout is served twice or skipped (a row inserted behind the cursor is simply
  not seen; one inserted ahead of it is);
* every page costs the same, however deep (an index on (key, pk) serves it).

The sort key must be a non-null concrete field of the model.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field as SchemaField
from ninja import Schema

from openlpse.core import errors

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_LENGTH = 1024

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class PageParams(Schema):
    """Query parameters of every paginated list: `?limit=50&cursor=...`."""

    cursor: str | None = SchemaField(
        None, description="next_cursor of the previous page; omit for the first page."
    )
    limit: int = SchemaField(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page, 1 to 200."
    )


class CursorPage(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = SchemaField(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


def _invalid_cursor() -> errors.ValidationError:
    return errors.ValidationError(
        fields={
            "cursor": [
                _(
                    "This cursor is not valid for this list. Use the next_cursor of the previous "
                    "page, or start again without a cursor."
                )
            ]
        }
    )


def _plain(value: Any) -> Any:
    """A JSON-safe form of a key value; Field.to_python() turns it back."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(*, order_by: str, key: Any, pk: Any) -> str:
    payload = {"o": order_by, "k": _plain(key), "i": _plain(pk)}
    return _b64encode(
        json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    )


def decode_cursor(
    cursor: str, *, order_by: str, key_field: Field[Any, Any], pk_field: Field[Any, Any]
) -> tuple[Any, Any]:
    """(key, pk) from a cursor made by `encode_cursor` for the same ordering, else invalid."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise _invalid_cursor()
    try:
        payload = json.loads(_b64decode(cursor).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _invalid_cursor() from exc
    if not isinstance(payload, dict) or set(payload) != {"o", "k", "i"} or payload["o"] != order_by:
        raise _invalid_cursor()
    if payload["k"] is None or payload["i"] is None:
        raise _invalid_cursor()
    if not all(
        isinstance(payload[k], str | int | float) and not isinstance(payload[k], bool)
        for k in ("k", "i")
    ):
        raise _invalid_cursor()
    try:
        return key_field.to_python(payload["k"]), pk_field.to_python(payload["i"])
    except (DjangoValidationError, ValueError, TypeError, OverflowError) as exc:
        raise _invalid_cursor() from exc


def _key_field(model: type[Model], name: str) -> Field[Any, Any]:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist as exc:
        raise ImproperlyConfigured(
            f"cannot paginate {model.__name__} by unknown field {name!r}"
        ) from exc
    if not isinstance(field, Field) or not field.concrete or field.is_relation or field.null:
        raise ImproperlyConfigured(
            f"cannot paginate {model.__name__} by {name!r}: use a non-null plain field"
        )
    return field


def paginate(queryset: QuerySet[M], *, order_by: str, cursor: str | None, limit: int) -> Page[M]:
    """One page of `queryset` ordered by `order_by` ("name", or "-created_at" for descending)
    then by primary key, starting after `cursor`."""
    if not 1 <= limit <= MAX_LIMIT:
        raise errors.ValidationError(
            fields={"limit": [_("Expected a number from 1 to %(max)d.") % {"max": MAX_LIMIT}]}
        )
    descending = order_by.startswith("-")
    name = order_by.lstrip("-")
    model = queryset.model
    key_field = _key_field(model, name)
    pk_field = model._meta.pk
    assert pk_field is not None
    direction = "lt" if descending else "gt"
    ordered = queryset.order_by(f"-{name}" if descending else name, "-pk" if descending else "pk")
    if cursor:
        key, pk = decode_cursor(cursor, order_by=order_by, key_field=key_field, pk_field=pk_field)
        ordered = ordered.filter(
            Q(**{f"{name}__{direction}": key}) | Q(**{name: key, f"pk__{direction}": pk})
        )
    rows = list(ordered[: limit + 1])
    items: Sequence[M] = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(
            order_by=order_by, key=getattr(last, key_field.attname), pk=last.pk
        )
    return Page(items=list(items), next_cursor=next_cursor)
