"""Change stamps: every row a device syncs carries the id of the transaction that last wrote it.

A trigger (see the migrations) sets `change_xid` to pg_current_xact_id() on every insert and
update, so no writer can forget it. Pull cursors hold PostgreSQL snapshots, and a row belongs to
a pull when its stamp is visible in the new snapshot but was not in the previous one: a
transaction that commits late is still seen, because it was in progress (invisible) before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Computed, Text, cast, func, literal, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import UserDefinedType

STAMP_DEFAULT = text("(pg_current_xact_id()::text)::bigint")


class _PgType(UserDefinedType[Any]):
    """A PostgreSQL type SQLAlchemy has no class for, by name, for casts."""

    cache_ok = True

    def __init__(self, name: str) -> None:
        self.name = name

    def get_col_spec(self, **_: Any) -> str:
        return self.name


XID8 = _PgType("xid8")
PG_SNAPSHOT = _PgType("pg_snapshot")


def change_stamp_column() -> Mapped[int]:
    """The `change_xid` column of a synced table (set by the stamp trigger)."""
    return mapped_column(BigInteger, server_default=STAMP_DEFAULT)


def version_digest_sql(version: str) -> str:
    """The SQL of a row's version digest: the first 8 bytes of sha256("<id>:<version>") (ASCII)
    read as a signed big-endian bigint. `version` is SQL text: "version::text", or "'1'" for
    rows that never change."""
    text_of_row = f"(id::text || ':' || {version})::bytea"
    return f"('x' || encode(substr(sha256({text_of_row}), 1, 8), 'hex'))::bit(64)::bigint"


def version_digest_column(version: str = "version::text") -> Mapped[int]:
    """A synced table's `version_digest`: stored, recomputed by PostgreSQL on every write. The
    sync checksum of a set of rows is the sum of their digests (mod 2^64): a plain aggregate,
    with no sort and no hashing when it is asked for. Deferred: nothing else reads it."""
    return mapped_column(
        BigInteger, Computed(version_digest_sql(version), persisted=True), deferred=True
    )


def current_snapshot() -> ColumnElement[str]:
    """The transaction's snapshot as text (fixed for a REPEATABLE READ transaction)."""
    return cast(func.pg_current_snapshot(), Text)


def snapshot_xmin(snapshot: str) -> ColumnElement[int]:
    """The oldest transaction still running in `snapshot`: no older stamp can be invisible."""
    xmin = func.pg_snapshot_xmin(cast(literal(snapshot, Text), PG_SNAPSHOT))
    return cast(cast(xmin, Text), BigInteger)


def visible_in(stamp: Any, snapshot: str) -> ColumnElement[bool]:
    """True where a row's stamp was committed as seen by `snapshot` (pg_snapshot text)."""
    condition: ColumnElement[bool] = func.pg_visible_in_snapshot(
        cast(cast(stamp, Text), XID8), cast(literal(snapshot, Text), PG_SNAPSHOT)
    )
    return condition
