"""What a week's plan starts from: the caller's accounts due a visit, and their appointments.

An account is due on the day its last visit plus its frequency falls on (never visited: due
already). An appointment is the caller's open task with an account, due at a set time within
a planned day's working hours. Tasks the week planner made and nobody touched since are not
appointments: planning their days again replaces them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from server.accounts.models import Account
from server.accounts.queries import visibility as accounts_visible
from server.core.auth import Principal
from server.extensions import db
from server.geo import queries as geo
from server.planning.matrix import LngLat
from server.tasks.models import UNFINISHED, Task
from server.tasks.queries import visibility as tasks_visible

# The most accounts one plan weighs (the most overdue first): a rep's week holds far fewer.
MAX_DUE_ACCOUNTS = 200


@dataclass(frozen=True)
class DueAccount:
    """An account due a visit on `due_on` (None: never visited)."""

    id: uuid.UUID
    name: str
    point: LngLat
    due_on: date | None


@dataclass(frozen=True)
class Appointment:
    """An open task of the caller's at a set time, at an account with a location."""

    task_id: uuid.UUID
    account_id: uuid.UUID
    name: str
    point: LngLat
    due_at: datetime


def _point(row: Any) -> LngLat:
    return (float(row.lng), float(row.lat))


def due_accounts(principal: Principal, due_by: datetime, zone: Any) -> list[DueAccount]:
    """The live, located accounts the caller may see with a visit frequency whose next visit
    is due before `due_by`, the most overdue first (at most MAX_DUE_ACCOUNTS)."""
    next_visit = Account.last_visit_at + func.make_interval(0, 0, 0, Account.visit_every_days)
    query = (
        select(
            Account.id,
            Account.name,
            Account.last_visit_at,
            Account.visit_every_days,
            geo.longitude(Account.location).label("lng"),
            geo.latitude(Account.location).label("lat"),
        )
        .where(
            accounts_visible(principal),
            Account.location.is_not(None),
            Account.visit_every_days.is_not(None),
            or_(Account.last_visit_at.is_(None), next_visit < due_by),
        )
        .order_by(next_visit.asc().nulls_first(), Account.id)
        .limit(MAX_DUE_ACCOUNTS)
    )
    return [
        DueAccount(row.id, row.name, _point(row), _due_on(row, zone))
        for row in db.session.execute(query)
    ]


def _due_on(row: Any, zone: Any) -> date | None:
    if row.last_visit_at is None:
        return None
    due: date = row.last_visit_at.astimezone(zone).date() + timedelta(days=row.visit_every_days)
    return due


def booked_tasks(principal: Principal, start: datetime, end: datetime) -> list[Any]:
    """The caller's open tasks with an account due in [start, end) that are not the planner's
    untouched ones, with the account's location (None when it has none)."""
    query = (
        select(
            Task.id,
            Task.account_id,
            Task.due_at,
            Account.name,
            geo.longitude(Account.location).label("lng"),
            geo.latitude(Account.location).label("lat"),
        )
        .join(Account, Account.id == Task.account_id)
        .where(
            tasks_visible(principal),
            Task.assignee_id == principal.id,
            Task.status.in_(UNFINISHED),
            Task.due_at >= start,
            Task.due_at < end,
            or_(Task.planned_version.is_(None), Task.planned_version != Task.version),
            accounts_visible(principal),
        )
        .order_by(Task.due_at, Task.id)
    )
    return list(db.session.execute(query))


def appointment_of(row: Any) -> Appointment | None:
    """A booked task as an appointment, when its account has a location."""
    if row.lng is None:
        return None
    return Appointment(row.id, row.account_id, row.name, _point(row), row.due_at)
