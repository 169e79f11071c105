"""Rows a client names by its own id (an offline create, a retried request): stored once,
however often and however concurrently they are sent."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.dialects.postgresql import insert

from server.extensions import db

Row = TypeVar("Row")


def insert_once(model: type[Row], row: dict[str, Any]) -> tuple[Row | None, Row | None]:
    """Insert `row` unless a row of its id exists: (the row inserted, None), or (None, the row
    stored before under that id, or None if it has gone since) for the caller to judge as a
    repeat."""
    statement = insert(model).values(row).on_conflict_do_nothing(index_elements=["id"])
    inserted: Row | None = db.session.scalar(statement.returning(model))
    if inserted is not None:
        return inserted, None
    # Sent twice at once: the other request stored it first.
    return None, db.session.get(model, row["id"], populate_existing=True)
