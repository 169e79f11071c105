"""Opaque cursors and keyset pagination: {"items": [...], "next_cursor": "..." | null}."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, literal, tuple_

from server.core.errors import ApiError

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and the cursor of the next one, if any."""

    items: list[T]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    """Encode the last row's sort key so the next page starts after it."""
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    """Decode a cursor made by encode_cursor, or fail with 400 when it was tampered with."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != length or not all(map(_storable, values)):
        raise ApiError(400, "invalid_cursor", "the cursor is not valid", {"cursor": "not valid"})
    return values


def _storable(value: Any) -> bool:
    """False for strings PostgreSQL cannot take: a NUL character or a lone surrogate."""
    if not isinstance(value, str):
        return True
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


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
    raise ApiError(400, "invalid_cursor", "the cursor is not valid", {"cursor": "not valid"})


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
