"""Reading tasks: who sees which, filters, the API shape."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, true

from server.core.auth import Principal
from server.core.errors import not_found
from server.core.pagination import Page, keyset_page
from server.core.tenancy import in_org
from server.core.visibility import load_visible, register, visible
from server.extensions import db
from server.tasks.models import Task
from server.tasks.schemas import TaskListQuery, TaskOut
from server.users.queries import team_member_ids, written_by_seen_users

OUT_FIELDS = tuple(TaskOut.model_fields)


def task_columns() -> list[Any]:
    """The columns a TaskOut is built from."""
    return [getattr(Task, name) for name in OUT_FIELDS]


def to_out(row: Any) -> TaskOut:
    """A TaskOut from a row selected with task_columns() (or a Task)."""
    return TaskOut.model_validate({name: getattr(row, name) for name in OUT_FIELDS})


def may_see(principal: Principal) -> ColumnElement[bool]:
    """The role rule: admins see every task, managers their team's and their own, reps those
    assigned to them."""
    if principal.role == "admin":
        return true()
    if principal.role == "manager":
        team = Task.assignee_id.in_(team_member_ids(principal))
        return or_(Task.assignee_id == principal.id, Task.created_by == principal.id, team)
    assigned: ColumnElement[bool] = Task.assignee_id == principal.id
    return assigned


register(Task, "task", may_see)


def visibility(principal: Principal) -> ColumnElement[bool]:
    """Which tasks the caller may see (core.visibility)."""
    return visible(Task, principal)


def may_have_held(principal: Principal) -> ColumnElement[bool]:
    """Tasks a device of the caller may hold though it may not see them now: those reassigned
    away from the caller (or from their team). A pull sends these, and no other task out of
    sight, as tombstones."""
    was_seen = written_by_seen_users(principal, Task.previous_assignee_id)
    return or_(visible(Task, principal), and_(in_org(Task, principal), was_seen))


def visible_tasks(principal: Principal) -> Select[Any]:
    """SELECT task_columns() of the tasks the caller may see."""
    return select(*task_columns()).where(visibility(principal))


def list_tasks(principal: Principal, filters: TaskListQuery) -> Page[TaskOut]:
    """The caller's visible tasks, narrowed by assignee, status, account and due time."""
    query = visible_tasks(principal)
    if filters.assignee is not None:
        assignee = principal.id if filters.assignee == "me" else uuid.UUID(filters.assignee)
        query = query.where(Task.assignee_id == assignee)
    if filters.status is not None:
        query = query.where(Task.status == filters.status)
    if filters.account_id is not None:
        query = query.where(Task.account_id == filters.account_id)
    if filters.due_from is not None:
        query = query.where(Task.due_at >= filters.due_from)
    if filters.due_to is not None:
        query = query.where(Task.due_at < filters.due_to)
    page = keyset_page(
        query,
        [Task.created_at, Task.id],
        filters.limit,
        filters.cursor,
        lambda row: [row.created_at.isoformat(), str(row.id)],
    )
    return Page([to_out(row) for row in page.items], page.next_cursor)


def get_task(principal: Principal, task_id: uuid.UUID) -> TaskOut:
    """One visible task, or 404."""
    row = db.session.execute(visible_tasks(principal).where(Task.id == task_id)).first()
    if row is None:
        raise not_found("task")
    return to_out(row)


def load_task_for_update(principal: Principal, task_id: uuid.UUID) -> Task:
    """The task entity, row-locked, if the caller may see it; else 404."""
    task: Task = load_visible(Task, principal, task_id, for_update=True)
    return task


def untouched_planned_tasks(principal: Principal, start: datetime, end: datetime) -> list[Task]:
    """The caller's open tasks due in [start, end) that the week planner made and nobody has
    changed since (row-locked, by due time)."""
    query = (
        select(Task)
        .where(
            visibility(principal),
            Task.assignee_id == principal.id,
            Task.status == "open",
            Task.planned_version == Task.version,
            Task.due_at >= start,
            Task.due_at < end,
        )
        .order_by(Task.due_at, Task.id)
        .with_for_update()
    )
    return list(db.session.scalars(query))
