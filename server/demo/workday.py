"""The demo organisation's work: tasks behind it (done with their visits, overdue, cancelled) and
the work of the day the seed runs, in the demo's time zone, so a rep logging in finds something
due today and a manager sees their team busy.

The day's work is added once per day: its ids derive from the date, so running the seed again
that day adds nothing, and running it on a later day gives that day its own work.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, update

from server.accounts.models import Account
from server.demo.activity import DemoAccount, Rules, visit_row
from server.extensions import db
from server.tasks.models import Task
from server.visits.models import Visit

DEMO_TIMEZONE = ZoneInfo("Europe/Bucharest")

VISIT_TASKS = (
    "Restock visit",
    "Present the spring catalogue",
    "Check the shelf placement",
    "Bring samples of the new range",
    "Collect the signed delivery note",
    "Introduce the loyalty scheme",
    "Follow up on last week's tasting",
    "Agree the promotion calendar",
)
# Each rep's day: tasks due at these local times; the earliest are the first done.
DUE_TODAY = (time(10, 0), time(12, 30), time(15, 0), time(17, 30))
DUE_TOMORROW = time(11, 0)
# Visits today start this long before the seed runs, one after another, none before the
# working day starts.
VISIT_STARTS_AGO = (timedelta(minutes=20), timedelta(minutes=75), timedelta(minutes=130))
WORKDAY_STARTS = time(8, 0)
TASKS_PLANNED_AT = time(7, 30)
# Past work of each rep: (days ago, due at, created by the manager, priority), still open.
OVERDUE = (
    (1, time(16, 0), True, "high"),
    (2, time(11, 0), True, "normal"),
    (4, time(15, 30), False, "normal"),
)
DONE_LATELY = 4
QUIET_DAYS = 30
MANAGER_TASKS = (
    (time(13, 0), "Review today's visits with the team", False),
    (time(16, 30), "Call a key customer about next year's terms", True),
)
ADMIN_TASK = (time(15, 0), "Check the verification radius with the managers")


@dataclass(frozen=True)
class Team:
    """Who works in the demo: the admin, the manager and the reps who report to them."""

    org_id: uuid.UUID
    admin_id: uuid.UUID
    manager_id: uuid.UUID
    rep_ids: tuple[uuid.UUID, ...]


def local_time(day: date, at: time) -> datetime:
    """`at` on `day` in the demo's time zone, as a UTC time."""
    return datetime.combine(day, at, tzinfo=DEMO_TIMEZONE).astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The demo's calendar day at `moment`."""
    return moment.astimezone(DEMO_TIMEZONE).date()


def by_owner(accounts: Iterable[DemoAccount]) -> dict[uuid.UUID, list[DemoAccount]]:
    """Accounts grouped by their owner, each group in id order."""
    grouped: dict[uuid.UUID, list[DemoAccount]] = {}
    for account in accounts:
        if account.owner_id is not None:
            grouped.setdefault(account.owner_id, []).append(account)
    return grouped


def past_work(
    rng: random.Random,
    team: Team,
    accounts: dict[uuid.UUID, list[DemoAccount]],
    visits: list[dict[str, Any]],
    rules: Rules,
) -> list[Task]:
    """Each rep's recent tasks: done ones (linked to the visits that did them), overdue ones at
    accounts nobody visited lately, and a cancelled one. Links are set on `visits`."""
    tasks: list[Task] = []
    for rep_id in team.rep_ids:
        tasks += _done_lately(rng, team, rep_id, visits, rules.now)
        quiet = [
            account
            for account in accounts.get(rep_id, [])
            if account.last_visit_at is None
            or account.last_visit_at < rules.now - timedelta(days=QUIET_DAYS)
        ]
        tasks += _overdue(rng, team, rep_id, quiet, rules.now)
    return tasks


def _done_lately(
    rng: random.Random,
    team: Team,
    rep_id: uuid.UUID,
    visits: list[dict[str, Any]],
    now: datetime,
) -> list[Task]:
    today = local_day(now)
    recent = [
        visit
        for visit in visits
        if visit["user_id"] == rep_id
        and today - timedelta(days=14) <= local_day(visit["started_at"]) < today
    ]
    recent.sort(key=lambda visit: visit["started_at"], reverse=True)
    tasks = []
    for visit in recent[:DONE_LATELY]:
        due = local_time(local_day(visit["started_at"]), time(18, 0))
        task = _task(rng.getrandbits(128), team, rep_id, team.manager_id, visit["account_id"])
        _plan(task, rng.choice(VISIT_TASKS), due, due - timedelta(days=5))
        _finish(task, "done", visit["ended_at"])
        visit["task_id"] = task.id
        tasks.append(task)
    return tasks


def _overdue(
    rng: random.Random, team: Team, rep_id: uuid.UUID, quiet: list[DemoAccount], now: datetime
) -> list[Task]:
    today = local_day(now)
    picks = rng.sample(quiet, len(OVERDUE) + 1)
    tasks = []
    for (days_ago, at, by_manager, priority), account in zip(OVERDUE, picks, strict=False):
        due = local_time(today - timedelta(days=days_ago), at)
        creator = team.manager_id if by_manager else rep_id
        task = _task(rng.getrandbits(128), team, rep_id, creator, account.id, priority)
        _plan(task, rng.choice(VISIT_TASKS), due, due - timedelta(days=3))
        tasks.append(task)
    cancelled = _task(rng.getrandbits(128), team, rep_id, team.manager_id, picks[-1].id)
    due = local_time(today - timedelta(days=3), time(12, 0))
    _plan(cancelled, "Deliver the display stand", due, due - timedelta(days=6))
    _finish(cancelled, "cancelled", due - timedelta(days=1))
    return [*tasks, cancelled]


def day_is_planned(team: Team, day: date) -> bool:
    """Whether the work of `day` is in the database already."""
    return db.session.get(Task, _day_id(team, day, team.manager_id, 0)) is not None


def plan_day(
    team: Team, accounts: dict[uuid.UUID, list[DemoAccount]], rules: Rules, seed: int
) -> None:
    """The work of the day `rules.now` falls on: every rep's tasks due today (the first done by
    a visit made earlier today) and one due tomorrow, the manager's and admin's own tasks; the
    accounts visited move their `last_visit_at`."""
    day = local_day(rules.now)
    rng = random.Random(f"{seed}:{day.isoformat()}")
    tasks: list[Task] = []
    visits: list[dict[str, Any]] = []
    for rep_id in team.rep_ids:
        rep_tasks, rep_visits = _rep_day(rng, team, rep_id, accounts[rep_id], rules)
        tasks += rep_tasks
        visits += rep_visits
    tasks += _desk_day(team, day, rules.now, accounts)
    db.session.add_all(tasks)
    db.session.flush()
    if visits:
        db.session.execute(insert(Visit), visits)
        follow_on_accounts(visits)


def _rep_day(
    rng: random.Random,
    team: Team,
    rep_id: uuid.UUID,
    accounts: list[DemoAccount],
    rules: Rules,
) -> tuple[list[Task], list[dict[str, Any]]]:
    day = local_day(rules.now)
    picks = rng.sample(accounts, len(DUE_TODAY) + 1)
    planned_at = min(rules.now, local_time(day, TASKS_PLANNED_AT))
    tasks = []
    for number, (at, account) in enumerate(zip(DUE_TODAY, picks, strict=False)):
        creator = rep_id if number == len(DUE_TODAY) - 1 else team.manager_id
        priority = "high" if number == 1 else "normal"
        task = _task(
            _day_id(team, day, rep_id, number), team, rep_id, creator, account.id, priority
        )
        _plan(task, rng.choice(VISIT_TASKS), local_time(day, at), planned_at)
        tasks.append(task)
    tomorrow = _task(
        _day_id(team, day, rep_id, len(DUE_TODAY)), team, rep_id, team.manager_id, picks[-1].id
    )
    _plan(
        tomorrow,
        rng.choice(VISIT_TASKS),
        local_time(day + timedelta(days=1), DUE_TOMORROW),
        planned_at,
    )
    visits = []
    for task, account, started_at in zip(tasks, picks, _visit_starts(rules.now), strict=False):
        outcome = "order" if account.kind == "customer" else "met"
        visit = visit_row(rng, account, rep_id, started_at, rules, outcome, task.id)
        _finish(task, "done", visit["ended_at"])
        visits.append(visit)
    return [*tasks, tomorrow], visits


def _visit_starts(now: datetime) -> list[datetime]:
    """When today's visits started, earliest first: only those within today's working day."""
    opens = local_time(local_day(now), WORKDAY_STARTS)
    starts = [now - ago for ago in VISIT_STARTS_AGO]
    return sorted(start.replace(second=0, microsecond=0) for start in starts if start >= opens)


def _desk_day(
    team: Team, day: date, now: datetime, accounts: dict[uuid.UUID, list[DemoAccount]]
) -> list[Task]:
    """The manager's and the admin's own tasks of the day."""
    planned_at = min(now, local_time(day, TASKS_PLANNED_AT))
    customer = next(a.id for a in accounts[team.rep_ids[0]] if a.kind == "customer")
    tasks = []
    for number, (at, title, at_account) in enumerate(MANAGER_TASKS):
        task = _task(
            _day_id(team, day, team.manager_id, number),
            team,
            team.manager_id,
            team.manager_id,
            customer if at_account else None,
        )
        _plan(task, title, local_time(day, at), planned_at)
        tasks.append(task)
    at, title = ADMIN_TASK
    task = _task(_day_id(team, day, team.admin_id, 0), team, team.admin_id, team.admin_id, None)
    _plan(task, title, local_time(day, at), planned_at)
    return [*tasks, task]


def _day_id(team: Team, day: date, user_id: uuid.UUID, number: int) -> uuid.UUID:
    return uuid.uuid5(team.org_id, f"task:{day.isoformat()}:{user_id}:{number}")


def _task(
    task_id: int | uuid.UUID,
    team: Team,
    assignee_id: uuid.UUID,
    creator_id: uuid.UUID,
    account_id: uuid.UUID | None,
    priority: str = "normal",
) -> Task:
    return Task(
        id=task_id if isinstance(task_id, uuid.UUID) else uuid.UUID(int=task_id, version=4),
        org_id=team.org_id,
        notes="",
        account_id=account_id,
        assignee_id=assignee_id,
        status="open",
        priority=priority,
        created_by=creator_id,
        version=1,
    )


def _plan(task: Task, title: str, due_at: datetime, created_at: datetime) -> None:
    task.title = title
    task.due_at = due_at
    task.created_at = task.updated_at = created_at


def _finish(task: Task, status: str, at: datetime) -> None:
    task.status = status
    task.updated_at = at
    task.version = 2


def follow_on_accounts(visits: list[dict[str, Any]]) -> None:
    """Each visited account's last_visit_at moves to its latest visit, as the server does."""
    for visit in visits:
        db.session.execute(
            update(Account)
            .where(Account.id == visit["account_id"])
            .values(
                last_visit_at=func.greatest(
                    func.coalesce(Account.last_visit_at, visit["started_at"]), visit["started_at"]
                )
            )
            .execution_options(synchronize_session=False)
        )
