"""Running seed-demo and reading the demo organisation back, for the CLI's tests."""

from __future__ import annotations

from datetime import date, datetime, time

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from server.core.clock import now_utc
from server.demo.seed import DEMO_ORG_ID
from server.demo.workday import DEMO_TIMEZONE
from server.extensions import db
from server.tasks.models import Task
from server.users.models import User


def seed_demo(app: Flask) -> Result:
    """Run `flask seed-demo` as an admin would."""
    return app.test_cli_runner().invoke(args=["seed-demo"])


def count_rows(app: Flask, model: type) -> int | None:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def local_time(day: date, hour: int, minute: int = 0) -> datetime:
    """That time of `day` on the demo's clock."""
    return datetime.combine(day, time(hour, minute), tzinfo=DEMO_TIMEZONE)


def demo_today() -> date:
    """Today on the demo's clock."""
    return now_utc().astimezone(DEMO_TIMEZONE).date()


def rep_ids(app: Flask) -> set:
    with app.app_context():
        return set(db.session.scalars(select(User.id).where(User.role == "rep")))


def demo_tasks(app: Flask) -> list:
    columns = (Task.id, Task.assignee_id, Task.created_by, Task.due_at, Task.status)
    with app.app_context():
        return list(db.session.execute(select(*columns).where(Task.org_id == DEMO_ORG_ID)).all())
