"""Opaque cursors and keyset pagination: {"items": [...], "next_cursor": "..." | null}.

A cursor is base64url JSON plus an HMAC-SHA256 of it under the app's SECRET_KEY, bound to what
the cursor is for (a list page or a sync pull), so a client can neither craft one nor replay one
kind as the other: anything else is a 400 invalid_cursor.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from flask import current_app
from sqlalchemy import ColumnElement, Select, literal, tuple_

from server.core.errors import ApiError
from server.core.validation import storable_text

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# What a cursor is for: its signature holds only for that use.
Purpose = Literal["list", "pull"]
# The largest integer a cursor may carry: a bigint column's, and exact in a float.
MAX_CURSOR_INT = 2**63 - 1
SIGNATURE_BYTES = 32


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and the cursor of the next one, if any."""

    items: list[T]
    next_cursor: str | None


def invalid_cursor() -> ApiError:
    """The 400 for a cursor the server did not make (or made for another use)."""
    return ApiError(400, "invalid_cursor", "the cursor is not valid", {"cursor": "not valid"})


def _signature(purpose: Purpose, payload: bytes) -> bytes:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"cursor:" + purpose.encode() + b":" + payload, hashlib.sha256).digest()


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode())


def encode_cursor(values: Sequence[Any], purpose: Purpose = "list") -> str:
    """Encode the last row's sort key (or any values) so the next request starts after it."""
    payload = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return f"{_b64encode(payload)}.{_b64encode(_signature(purpose, payload))}"


def decode_cursor(cursor: str, length: int, purpose: Purpose = "list") -> list[Any]:
    """The values of a cursor encode_cursor made for `purpose`, or 400 invalid_cursor."""
    payload = _signed_payload(cursor, purpose)
    try:
        values = json.loads(payload, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        values = None
    if not isinstance(values, list) or len(values) != length or not all(map(_storable, values)):
        raise invalid_cursor()
    return values


def _signed_payload(cursor: str, purpose: Purpose) -> bytes:
    """The payload of a cursor whose signature holds, or 400."""
    encoded, _, signature = cursor.partition(".")
    try:
        payload, given = _b64decode(encoded), _b64decode(signature)
    except (binascii.Error, ValueError):
        raise invalid_cursor() from None
    if len(given) != SIGNATURE_BYTES or not hmac.compare_digest(
        given, _signature(purpose, payload)
    ):
        raise invalid_cursor()
    return payload


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a cursor value")


def _storable(value: Any) -> bool:
    """False for values PostgreSQL cannot take: a NUL character or a lone surrogate in a string,
    an integer beyond bigint, a float that is not finite (1e400 reads as infinity)."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return -MAX_CURSOR_INT <= value <= MAX_CURSOR_INT
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and storable_text(value)


def after_cursor(
    keys: Sequence[Any], cursor: str | None, descending: bool = False
) -> ColumnElement[bool] | None:
    """A WHERE clause selecting rows whose sort key comes after the cursor's."""
    if cursor is None:
        return None
    values = decode_cursor(cursor, len(keys))
    bound = [
        literal(_as_key_type(key, value), key.type) for key, value in zip(keys, values, strict=True)
    ]
    if descending:
        return tuple_(*keys) < tuple_(*bound)
    return tuple_(*keys) > tuple_(*bound)


def _as_key_type(key: ColumnElement[Any], value: Any) -> Any:
    """Convert a decoded cursor value back to the key column's Python type, or 400."""
    try:
        python_type = key.type.python_type
    except NotImplementedError:
        return value
    try:
        if isinstance(value, python_type):
            return value
        if python_type is uuid.UUID and isinstance(value, str):
            return uuid.UUID(value)
        if python_type is datetime and isinstance(value, str):
            return datetime.fromisoformat(value)
        if python_type is float and isinstance(value, int):
            return float(value)
    except ValueError:
        pass
    raise invalid_cursor()


def keyset_page(
    query: Select[Any],
    keys: Sequence[Any],
    limit: int,
    cursor: str | None,
    key_of: Any,
    descending: bool = False,
) -> Page[Any]:
    """Run `query` ordered by `keys` after `cursor`; `key_of(row)` gives a row's key values.
    `descending` walks every key from the largest down (newest first, say)."""
    from server.extensions import db

    condition = after_cursor(keys, cursor, descending)
    if condition is not None:
        query = query.where(condition)
    order = [key.desc() for key in keys] if descending else list(keys)
    rows = list(db.session.execute(query.order_by(*order).limit(limit + 1)))
    return page_from_rows(rows, limit, key_of)


def page_from_rows(rows: list[Any], limit: int, key_of: Any) -> Page[Any]:
    """Cut `limit + 1` fetched rows into a page, with a cursor when there was one more."""
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(key_of(rows[-1])) if has_more and rows else None
    return Page(items=rows, next_cursor=next_cursor)
