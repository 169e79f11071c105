"""The change feed of each synced entity: which of its rows changed between two snapshots, in
(change_xid, id) order, and how each looks to the caller (upsert) or that it left them (delete)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Uuid,
    and_,
    case,
    literal,
    or_,
    select,
    tuple_,
)

from server.accounts import queries as accounts
from server.accounts.models import Account
from server.contacts import queries as contacts
from server.contacts.models import Contact
from server.core.auth import Principal
from server.core.changes import snapshot_xmin, visible_in
from server.core.tenancy import in_org
from server.extensions import db
from server.notes import queries as notes
from server.notes.models import Note
from server.tasks import queries as tasks
from server.tasks.models import Task
from server.visits import queries as visits
from server.visits.models import Visit

# (change_xid, id) of the last row a page returned.
Key = tuple[int, str]


@dataclass(frozen=True)
class Window:
    """Rows whose stamp is visible in `target` but was not in `since` (None: a full snapshot),
    after `after` in feed order."""

    since: str | None
    target: str
    after: Key | None


@dataclass(frozen=True)
class Feed:
    """One synced entity: its table, who may see which rows, which rows out of sight a device
    may still hold (a tombstone goes to those only), and their API shape."""

    entity: str
    model: Any
    columns: Callable[[], list[Any]]
    visibility: Callable[[Principal], ColumnElement[bool]]
    may_have_held: Callable[[Principal], ColumnElement[bool]]
    shape: Callable[[Principal, Any], dict[str, Any]]

    def changed(self, principal: Principal, window: Window, limit: int) -> list[Any]:
        """Up to `limit` changed rows, each with `change_xid` and `visible` (False: a tombstone)."""
        query = self._window_query(principal, window)
        if window.after is not None:
            stamp, row_id = window.after
            after = tuple_(literal(stamp, BigInteger), literal(uuid.UUID(row_id), Uuid()))
            query = query.where(tuple_(self.model.change_xid, self.model.id) > after)
        query = query.order_by(self.model.change_xid, self.model.id).limit(limit)
        return list(db.session.execute(query))

    def _window_query(self, principal: Principal, window: Window) -> Select[Any]:
        stamp = self.model.change_xid
        in_target = visible_in(stamp, window.target)
        if window.since is None:
            # A full snapshot: what the caller sees now, no tombstones needed.
            return select(*self.columns(), stamp, literal(True).label("visible")).where(
                self.visibility(principal), in_target
            )
        # A row out of sight is a tombstone only if the caller's device may hold it: a pull
        # never names a row the caller could never see.
        visible = case((self.visibility(principal), True), else_=False).label("visible")
        return select(*self.columns(), stamp, visible).where(
            in_org(self.model, principal),
            or_(self.visibility(principal), self.may_have_held(principal)),
            and_(stamp >= snapshot_xmin(window.since), ~visible_in(stamp, window.since)),
            in_target,
        )


def _account_shape(_: Principal, row: Any) -> dict[str, Any]:
    return accounts.to_out(row).model_dump(mode="json")


def _visit_shape(principal: Principal, row: Any) -> dict[str, Any]:
    # Raw coordinates travel only to their own rep's devices: nobody else's pull needs them,
    # and every read of them by someone else would be an audited event.
    own = row.user_id == principal.id
    return visits.to_out(row, with_location=own).model_dump(mode="json")


def _task_shape(_: Principal, row: Any) -> dict[str, Any]:
    return tasks.to_out(row).model_dump(mode="json")


def _note_shape(_: Principal, row: Any) -> dict[str, Any]:
    return notes.to_out(row).model_dump(mode="json")


def _contact_shape(_: Principal, row: Any) -> dict[str, Any]:
    return contacts.to_out(row).model_dump(mode="json")


FEEDS = (
    Feed(
        "account",
        Account,
        accounts.account_columns,
        accounts.visibility,
        accounts.may_have_held,
        _account_shape,
    ),
    Feed(
        "visit", Visit, visits.visit_columns, visits.visibility, visits.may_have_held, _visit_shape
    ),
    Feed("task", Task, tasks.task_columns, tasks.visibility, tasks.may_have_held, _task_shape),
    Feed("note", Note, notes.note_columns, notes.visibility, notes.may_have_held, _note_shape),
    Feed(
        "contact",
        Contact,
        contacts.contact_columns,
        contacts.visibility,
        contacts.may_have_held,
        _contact_shape,
    ),
)
