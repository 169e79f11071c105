"""The CLI as an admin installing Waypoint uses it: seed-demo run twice or at a given time, and
create-org. What one run of seed-demo leaves is read in test_seeded_demo.py."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from server.accounts.models import Account
from server.campaigns.models import Campaign, CampaignTarget
from server.core.transaction import unit_of_work
from server.demo.seed import seed_demo_organisation
from server.demo.workday import DEMO_TIMEZONE
from server.extensions import db
from server.orgs.models import Organisation
from server.segments.models import Segment
from server.tasks.models import Task
from server.territories.models import Territory
from server.users.models import User
from server.visits.models import Visit
from tests.cli.demo_reads import count_rows, demo_tasks, demo_today, local_time, rep_ids, seed_demo


def _create_org(app, password):
    return app.test_cli_runner().invoke(
        args=[
            "create-org",
            "--name",
            "Acme",
            "--admin-email",
            "boss@acme.example.com",
            "--admin-password",
            password,
        ]
    )


def _rows(app, *columns):
    with app.app_context():
        rows = db.session.execute(select(*columns).order_by(columns[0])).all()
        db.session.remove()
    return rows


def _snapshot(app):
    return (
        _rows(app, Account.id, Account.updated_at, Account.last_visit_at),
        _rows(app, User.id, User.password_hash),
        _rows(app, Task.id, Task.status, Task.version),
        _rows(app, Visit.id),
        _rows(app, Territory.id, Territory.version),
        _rows(app, Segment.id, Segment.version),
        _rows(app, Campaign.id, Campaign.version, Campaign.launch_created),
        _rows(app, CampaignTarget.account_id, CampaignTarget.task_id),
    )


def test_seed_demo_changes_nothing_when_run_twice(app):
    """The second run leaves every user, account, task and visit as the first run wrote it."""
    seed_demo(app)
    before = _snapshot(app)

    result = seed_demo(app)

    assert result.exit_code == 0, result.output
    assert "already present" in result.output
    assert "added" not in result.output
    assert _snapshot(app) == before
    assert count_rows(app, Organisation) == 1


def test_create_org_prints_an_id_whose_admin_can_log_in_when_details_are_valid(app, client):
    """create-org makes an organisation with a working first admin."""
    result = _create_org(app, "a sturdy passphrase")

    assert result.exit_code == 0, result.output
    org_id = uuid.UUID(result.output.strip())
    login = client.login("boss@acme.example.com", "a sturdy passphrase")
    assert login.status_code == 200, login.json
    assert login.json["user"]["org_id"] == str(org_id)
    assert login.json["user"]["role"] == "admin"


def test_create_org_fails_with_a_clear_message_when_the_password_is_common(app):
    """A common password is refused with a message naming the problem, and nothing is created."""
    result = _create_org(app, "password123")

    assert result.exit_code != 0
    assert "too common" in result.output
    assert count_rows(app, Organisation) == 0
    assert count_rows(app, User) == 0


# Visits and tasks at a given time, and on a later day.


def _seed_at(app, now):
    with app.app_context(), unit_of_work():
        seeded = seed_demo_organisation(now)
    return seeded


def test_reps_visited_accounts_today_doing_their_tasks_when_seeded_in_the_afternoon(app):
    """Seeded at two in the afternoon, each rep has made visits today, each of them doing a
    task due today, which is done; the accounts show those visits as their last."""
    now = local_time(demo_today(), 14)
    _seed_at(app, now)

    with app.app_context():
        visits = db.session.execute(
            select(Visit.user_id, Visit.task_id, Visit.started_at, Account.last_visit_at)
            .join(Account, Account.id == Visit.account_id)
            .where(Visit.started_at >= local_time(now.date(), 0))
        ).all()
        done = dict(db.session.execute(select(Task.id, Task.status)).all())

    assert {visit.user_id for visit in visits} == rep_ids(app)
    assert all(visit.started_at < now for visit in visits)
    assert all(done[visit.task_id] == "done" for visit in visits)
    assert all(visit.last_visit_at == visit.started_at for visit in visits)


def test_seed_on_a_later_day_adds_that_days_work_once(app):
    """Run again on the next day, the seed gives every rep work due that day, once."""
    today = demo_today()
    _seed_at(app, local_time(today, 9))

    tomorrow = today + timedelta(days=1)
    added = _seed_at(app, local_time(tomorrow, 10))
    count = len(demo_tasks(app))
    again = _seed_at(app, local_time(tomorrow, 16))

    assert (added.created, added.day_added, again.day_added) == (False, tomorrow, None)
    assert len(demo_tasks(app)) == count
    due_tomorrow = {
        task.assignee_id
        for task in demo_tasks(app)
        if task.due_at.astimezone(DEMO_TIMEZONE).date() == tomorrow
    }
    assert rep_ids(app) <= due_tomorrow
