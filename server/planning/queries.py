"""Reading the stops of a plan: the accounts a request names, or the caller's work of the day."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from server.accounts.models import Account
from server.core.auth import Principal
from server.core.errors import invalid, not_found
from server.core.visibility import visible, visible_ids
from server.extensions import db
from server.geo import queries as geo
from server.tasks.models import UNFINISHED, Task


@dataclass(frozen=True)
class StopRow:
    """An account to visit: where it is, and the task that brought it (with "today")."""

    id: uuid.UUID
    name: str
    lng: float
    lat: float
    task_id: uuid.UUID | None = None


def named_stops(principal: Principal, account_ids: Sequence[uuid.UUID]) -> list[StopRow]:
    """The accounts `account_ids` name, in that order: 404 when the caller may not see one
    (or it is archived), 422 naming each one that has no location (`stops.<index>`)."""
    seen = visible_ids(Account, principal, account_ids, Account.archived_at.is_(None))
    if len(seen) != len(set(account_ids)):
        raise not_found("account")
    query = select(
        Account.id,
        Account.name,
        geo.longitude(Account.location).label("lng"),
        geo.latitude(Account.location).label("lat"),
    ).where(Account.id.in_(account_ids))
    rows = {row.id: row for row in db.session.execute(query)}
    unlocated = {
        f"stops.{index}": "the account has no location"
        for index, account_id in enumerate(account_ids)
        if rows[account_id].lng is None
    }
    if unlocated:
        raise invalid(unlocated, "some stops have no location")
    return [
        StopRow(account_id, rows[account_id].name, rows[account_id].lng, rows[account_id].lat)
        for account_id in account_ids
    ]


def todays_stops(principal: Principal, day_ends: datetime) -> list[StopRow]:
    """The accounts of the caller's open tasks due before `day_ends` (overdue ones too), each
    account once with its earliest task, soonest due first; tasks without an account, or
    whose account the caller may not see or has no location, are not stops."""
    query = (
        select(
            Task.id.label("task_id"),
            Account.id,
            Account.name,
            geo.longitude(Account.location).label("lng"),
            geo.latitude(Account.location).label("lat"),
        )
        .join(Account, Account.id == Task.account_id)
        .where(
            visible(Task, principal),
            Task.assignee_id == principal.id,
            Task.status.in_(UNFINISHED),
            Task.due_at < day_ends,
            visible(Account, principal),
            Account.archived_at.is_(None),
            Account.location.is_not(None),
        )
        .order_by(Task.due_at, Task.id)
    )
    stops: dict[uuid.UUID, StopRow] = {}
    for row in db.session.execute(query):
        if row.id not in stops:
            stops[row.id] = StopRow(row.id, row.name, row.lng, row.lat, row.task_id)
    return list(stops.values())
