"""Reading a team's day: which reps the caller oversees, and per rep the counts of their tasks
and visits and their last sync, for one page of reps at a time (a query per kind of count).

Everything is read through core.visibility: the reps are users the caller may see, the tasks
and visits rows the caller may see, so a rule of another area is never restated here.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from server.core.auth import Principal
from server.core.clock import now_utc
from server.core.pagination import Page, keyset_page
from server.core.visibility import visible
from server.extensions import db
from server.sync.models import SyncClient
from server.tasks.models import UNFINISHED, Task
from server.team.schemas import (
    Member,
    MemberDay,
    TaskCounts,
    TeamDayQuery,
    VisitCounts,
)
from server.users.models import User
from server.users.queries import team_member_ids
from server.visits.models import Visit

VERIFICATIONS = ("verified", "out_of_range", "unverifiable")


def team_reps(principal: Principal) -> Select[Any]:
    """The active reps the caller oversees: a manager those who report to them, an admin every
    rep of the organisation (anyone else: none)."""
    columns: list[Any] = [User.id, User.name, User.email]
    query = select(*columns).where(
        visible(User, principal), User.is_active.is_(True), User.role == "rep"
    )
    if principal.role == "admin":
        return query
    if principal.role == "manager":
        return query.where(User.id.in_(team_member_ids(principal)))
    return query.where(User.id.is_(None))


def team_day(principal: Principal, window: TeamDayQuery) -> Page[MemberDay]:
    """A page of the caller's reps by name, each with their day in [from, to) and what they
    still owe as of now."""
    page = keyset_page(
        team_reps(principal),
        [User.name, User.id],
        window.limit,
        window.cursor,
        lambda row: [row.name, str(row.id)],
    )
    ids = [row.id for row in page.items]
    tasks = _task_counts(principal, ids, window.from_, window.to, now_utc())
    visits = _visit_counts(principal, ids, window.from_, window.to)
    synced = _last_syncs(ids)
    items = [
        MemberDay(
            user=Member(id=row.id, name=row.name, email=row.email),
            tasks=tasks.get(row.id, TaskCounts(due=0, open=0, done=0, overdue=0)),
            visits=visits.get(row.id, VisitCounts(verified=0, out_of_range=0, unverifiable=0)),
            last_sync_at=synced.get(row.id),
        )
        for row in page.items
    ]
    return Page(items, page.next_cursor)


def _count_where(condition: ColumnElement[bool]) -> Any:
    return func.count().filter(condition)


def _task_counts(
    principal: Principal, ids: list[uuid.UUID], start: datetime, end: datetime, now: datetime
) -> dict[uuid.UUID, TaskCounts]:
    if not ids:
        return {}
    in_window = (Task.due_at >= start) & (Task.due_at < end)
    due = in_window & (Task.status != "cancelled")
    unfinished = Task.status.in_(UNFINISHED)
    overdue = unfinished & (Task.due_at < now)
    query = (
        select(
            Task.assignee_id,
            _count_where(due).label("due"),
            _count_where(due & unfinished).label("open"),
            _count_where(due & (Task.status == "done")).label("done"),
            _count_where(overdue).label("overdue"),
        )
        .where(visible(Task, principal), Task.assignee_id.in_(ids), in_window | overdue)
        .group_by(Task.assignee_id)
    )
    return {
        row.assignee_id: TaskCounts(due=row.due, open=row.open, done=row.done, overdue=row.overdue)
        for row in db.session.execute(query)
    }


def _visit_counts(
    principal: Principal, ids: list[uuid.UUID], start: datetime, end: datetime
) -> dict[uuid.UUID, VisitCounts]:
    if not ids:
        return {}
    query = (
        select(
            Visit.user_id,
            *(_count_where(Visit.verification == name).label(name) for name in VERIFICATIONS),
        )
        .where(
            visible(Visit, principal),
            Visit.user_id.in_(ids),
            Visit.started_at >= start,
            Visit.started_at < end,
        )
        .group_by(Visit.user_id)
    )
    return {
        row.user_id: VisitCounts(
            verified=row.verified, out_of_range=row.out_of_range, unverifiable=row.unverifiable
        )
        for row in db.session.execute(query)
    }


def _last_syncs(ids: list[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    """When any device of each of these users (already resolved as visible) last synced."""
    if not ids:
        return {}
    query = (
        select(SyncClient.user_id, func.max(SyncClient.last_synced_at).label("at"))
        .where(SyncClient.user_id.in_(ids), SyncClient.last_synced_at.is_not(None))
        .group_by(SyncClient.user_id)
    )
    return {row.user_id: row.at for row in db.session.execute(query)}
