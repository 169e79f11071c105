"""Writing tasks: create (idempotent by a client-chosen id), update (with version), the follow-up
a visit's next step asks for. Each change is announced after commit: task.created / task.updated
to those who may GET it (the assignee and the previous one on reassignment, their managers, its
creator, the organisation's admins), plus a sync.poke."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import DateTime, Integer, Text, Uuid, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, insert

from server.accounts.models import Account
from server.core.auth import Principal
from server.core.clock import new_id, now_utc
from server.core.errors import ApiError, conflict, invalid, not_found
from server.core.events import Audience, Event, queue_event, sync_poke
from server.core.inserts import insert_once
from server.core.visibility import require_visible, visible_ids
from server.extensions import db
from server.tasks import queries
from server.tasks.models import Task
from server.tasks.schemas import TaskCreate, TaskPatch
from server.users.models import User
from server.users.queries import active_user, managers_of, team_member_ids

# A follow-up "due on" a day is due by the end of that day (UTC: the server knows no zone).
END_OF_DAY = time(23, 59, 59, tzinfo=UTC)
FOLLOW_UP_NAMESPACE = uuid.UUID("6c1f4e0a-52a5-4f7e-9a0e-6f1d8f1b2a10")


def create_task(principal: Principal, data: TaskCreate) -> tuple[Task, bool]:
    """Add a task; reps create them for themselves, managers for their team, admins for all.
    (task, True) when new; a client-chosen id sent again by its creator with the same content
    gives (the stored task, False), with other content a 409."""
    if data.id is not None:
        stored = db.session.get(Task, data.id)
        if stored is not None:
            return _repeat(principal, data, stored), False
    assignee = data.assignee_id or principal.id
    _check_assignee(principal, assignee)
    _check_account(principal, data.account_id)
    now = now_utc()
    row = {
        "id": data.id or new_id(),
        "org_id": principal.org_id,
        "title": data.title.strip(),
        "notes": data.notes,
        "account_id": data.account_id,
        "assignee_id": assignee,
        "due_at": data.due_at,
        "status": data.status,
        "priority": data.priority,
        "created_by": principal.id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    task, earlier = insert_once(Task, row)
    if task is None:
        return _repeat(principal, data, earlier), False
    _announce("task.created", task)
    return task, True


def _repeat(principal: Principal, data: TaskCreate, stored: Task | None) -> Task:
    """A task id seen before: its creator sending what it holds is the same task; anything
    else (other content, or someone else's id) is a 409 that shows nothing of it."""
    if stored is not None and _same_task(stored, principal, data):
        return stored
    raise conflict("a task with this id exists with other content", {"id": "already in use"})


def _same_task(stored: Task, principal: Principal, data: TaskCreate) -> bool:
    """True when `data` is what the task holds now and the caller created it (a retried
    send). A task changed since no longer matches its first send: that is a conflict."""
    return (
        stored.created_by == principal.id
        and stored.title == data.title.strip()
        and stored.notes == data.notes
        and stored.account_id == data.account_id
        and stored.assignee_id == (data.assignee_id or principal.id)
        and stored.due_at == data.due_at
        and stored.status == data.status
        and stored.priority == data.priority
    )


def update_task(principal: Principal, task_id: uuid.UUID, patch: TaskPatch) -> Task:
    """Change the fields sent; 409 when `version` is stale; only managers and admins reassign."""
    task = queries.load_task_for_update(principal, task_id)
    if patch.version is not None and patch.version != task.version:
        raise conflict(
            "the task changed since you read it", {"version": f"current is {task.version}"}
        )
    changes = patch.model_dump(exclude_unset=True, exclude={"version"})
    previous = task.assignee_id
    if "assignee_id" in changes and changes["assignee_id"] != previous:
        _check_assignee(principal, changes["assignee_id"])
    if "account_id" in changes:
        _check_account(principal, changes["account_id"])
    for name, value in changes.items():
        setattr(task, name, value)
    task.updated_at = now_utc()
    task.version += 1
    db.session.flush()
    _announce("task.updated", task, previous)
    return task


def follow_up_for_visit(
    principal: Principal,
    visit_id: uuid.UUID,
    account_id: uuid.UUID,
    title: str,
    due_on: date | None,
) -> Task:
    """The task a visit's next step asks for, assigned to the rep. Its id comes from the visit's,
    so a device can show it before the server answers and no retry can make two."""
    due_at = datetime.combine(due_on, END_OF_DAY) if due_on else None
    data = TaskCreate(
        id=uuid.uuid5(FOLLOW_UP_NAMESPACE, str(visit_id)),
        title=title,
        account_id=account_id,
        due_at=due_at,
    )
    task, _created = create_task(principal, data)
    return task


@dataclass(frozen=True)
class PlannedTask:
    """One task of a batch made for the caller's purpose (a campaign's target, say); its id is
    chosen by the caller, so making the batch again makes nothing new."""

    id: uuid.UUID
    title: str
    notes: str
    account_id: uuid.UUID
    assignee_id: uuid.UUID
    due_at: datetime | None
    campaign_id: uuid.UUID | None = None
    # The week planner's tasks carry the version it wrote (see Task.planned_version).
    planned_version: int | None = None


def create_planned_tasks(principal: Principal, planned: Sequence[PlannedTask]) -> list[Any]:
    """Add many open tasks of normal priority in one statement, by the same rules as
    create_task: each assignee and account checked once for the whole batch (404 for one the
    caller may not see, 422 / 403 for one they may not assign). Ids already taken are skipped;
    each task made is announced as `task.created` after commit, and one sync.poke goes to all
    the assignees. Returns the tasks made, as rows of TaskOut's columns."""
    if not planned:
        return []
    _check_assignees(principal, {item.assignee_id for item in planned})
    accounts = {item.account_id for item in planned}
    if visible_ids(Account, principal, accounts) != accounts:
        raise not_found("account")
    # One INSERT ... SELECT FROM unnest(...) of column arrays: its text and plan are the same
    # whatever the batch's size, where a VALUES row per task cost more to build than to run.
    columns = (
        func.unnest(
            _array([item.id for item in planned], Uuid()),
            _array([item.title.strip()[:200] for item in planned], Text()),
            _array([item.notes for item in planned], Text()),
            _array([item.account_id for item in planned], Uuid()),
            _array([item.assignee_id for item in planned], Uuid()),
            _array([item.due_at for item in planned], DateTime(timezone=True)),
            _array([item.campaign_id for item in planned], Uuid()),
            _array([item.planned_version for item in planned], Integer()),
        )
        .table_valued(
            "id",
            "title",
            "notes",
            "account_id",
            "assignee_id",
            "due_at",
            "campaign_id",
            "planned_version",
        )
        .render_derived()
    )
    now = now_utc()
    constant = {
        "org_id": literal(principal.org_id, Uuid()),
        "status": literal("open"),
        "priority": literal("normal"),
        "created_by": literal(principal.id, Uuid()),
        "created_at": literal(now, DateTime(timezone=True)),
        "updated_at": literal(now, DateTime(timezone=True)),
        "version": literal(1),
    }
    names = [*columns.c.keys(), *constant]
    source = select(*columns.c, *constant.values())
    table = Task.__table__
    statement = (
        insert(table)
        .from_select(names, source)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(*(table.c[name] for name in queries.OUT_FIELDS))
    )
    made = list(db.session.execute(statement))
    assignees = {task.assignee_id for task in made}
    managers = _managers_by_user(assignees)
    for task in made:
        users = frozenset({task.assignee_id})
        audience = users | managers.get(task.assignee_id, frozenset()) | {principal.id}
        payload = {"task": queries.to_out(task).model_dump(mode="json")}
        event = Event(
            "task.created", Audience(principal.org_id, audience, frozenset({"admin"})), payload
        )
        queue_event(db.session(), event)
    if made:
        queue_event(db.session(), sync_poke(principal.org_id, *assignees))
    return made


def replan_tasks(
    principal: Principal, start: datetime, end: datetime, planned: Sequence[PlannedTask]
) -> int:
    """Make `planned` (the caller's own visits, due in [start, end)) the planner's tasks of
    that time: a task of the planner's still untouched there for the same account is moved to
    its new time, the other untouched ones are cancelled, and the visits left are created.
    Done and touched tasks, and everyone else's, stay as they are. Call lock_plans first.
    Each change is announced like any task's; returns how many tasks were created."""
    earlier: dict[uuid.UUID | None, Task] = {}
    for task in queries.untouched_planned_tasks(principal, start, end):
        if task.account_id in earlier:
            _replace(task, None)
        else:
            earlier[task.account_id] = task
    created: list[PlannedTask] = []
    for item in planned:
        found = earlier.pop(item.account_id, None)
        if found is None:
            created.append(item)
        elif found.due_at != item.due_at:
            _replace(found, item.due_at)
    for task in earlier.values():
        _replace(task, None)
    made = create_planned_tasks(principal, [replace(item, planned_version=1) for item in created])
    return len(made)


def _replace(task: Task, due_at: datetime | None) -> None:
    """Move one of the planner's untouched tasks to `due_at`, or cancel it (None); it stays
    the planner's untouched task only when moved."""
    if due_at is None:
        task.status = "cancelled"
    else:
        task.due_at = due_at
    task.updated_at = now_utc()
    task.version += 1
    task.planned_version = task.version if due_at is not None else None
    db.session.flush()
    _announce("task.updated", task)


def lock_plans(principal: Principal) -> None:
    """Hold the caller's planning until the transaction ends: two plans of the same days at
    once would each see none of the other's tasks."""
    db.session.execute(select(User.id).where(User.id == principal.id).with_for_update())


def _array(values: list[Any], item_type: Any) -> Any:
    return bindparam(None, values, type_=ARRAY(item_type))


def _managers_by_user(user_ids: set[uuid.UUID]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    """Each user's manager (as a set: empty when none), in one query."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.manager_id).where(User.id.in_(user_ids), User.manager_id.is_not(None))
    )
    return {user_id: frozenset({manager_id}) for user_id, manager_id in rows if manager_id}


def _check_assignees(principal: Principal, assignee_ids: set[uuid.UUID]) -> None:
    """_check_assignee for a whole batch, in two queries."""
    others = assignee_ids - {principal.id}
    if not others:
        return
    if visible_ids(User, principal, others) != others:
        raise not_found("user")
    if principal.role == "rep":
        raise invalid({"assignee_id": "reps can only assign tasks to themselves"})
    if visible_ids(User, principal, others, User.is_active.is_(True)) != others:
        raise invalid({"assignee_id": "no such active user in this organisation"})
    if principal.role == "manager":
        team = set(db.session.scalars(team_member_ids(principal).where(User.id.in_(others))))
        if team != others:
            raise ApiError(403, "forbidden", "managers assign tasks within their team")


def _check_assignee(principal: Principal, assignee_id: uuid.UUID) -> None:
    if assignee_id == principal.id:
        return
    # Resolved first: a user the caller may not see is not found, whatever else is wrong.
    active = active_user(principal, assignee_id)
    if principal.role == "rep":
        raise invalid({"assignee_id": "reps can only assign tasks to themselves"})
    if not active:
        raise invalid({"assignee_id": "no such active user in this organisation"})
    if principal.role == "manager" and not _in_team(principal, assignee_id):
        raise ApiError(403, "forbidden", "managers assign tasks within their team")


def _in_team(principal: Principal, user_id: uuid.UUID) -> bool:
    member = team_member_ids(principal).where(User.id == user_id)
    return db.session.scalar(member) is not None


def _check_account(principal: Principal, account_id: uuid.UUID | None) -> None:
    if account_id is not None:
        require_visible(Account, principal, account_id)


def _announce(name: str, task: Task, previous_assignee: uuid.UUID | None = None) -> None:
    """task.<what> with the task, and a sync.poke, for everyone whose working set changed."""
    users = frozenset(u for u in (task.assignee_id, previous_assignee) if u is not None)
    audience = Audience(task.org_id, _may_get(task, users), frozenset({"admin"}))
    payload = {"task": queries.to_out(task).model_dump(mode="json")}
    queue_event(db.session(), Event(name, audience, payload))
    queue_event(db.session(), sync_poke(task.org_id, *users))


def _may_get(task: Task, assignees: frozenset[uuid.UUID]) -> frozenset[uuid.UUID]:
    """Who may GET the task besides the admins: its assignees (now and before), their managers,
    and whoever created it; never another team's manager."""
    return assignees | managers_of(assignees) | {task.created_by}
