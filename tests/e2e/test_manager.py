"""The manager's desk in the browser: a manager's navigation is not a rep's, a manager lands on
Team and a rep cannot open it, work assigned on one device reaches the rep's Today live with a
notice, Team's counts follow the rep's day live (and show offline as last seen), and a rep's day
shows their visits on a map, where tasks can be reassigned and cancelled."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import text

from server.core.clock import now_utc
from server.extensions import db
from tests.e2e.pages import assign_work, log_in
from tests.e2e.sync_steps import outbox_count, wait_for, wait_until_sent

SHOP = (26.1031, 44.4279)  # about 130 m from the phone fixture's position
KIOSK = (26.0990, 44.4250)
REP_NAV = ["Today", "Plan my day", "Near me", "Map"]
MANAGER_NAV = [
    "Team",
    "Assign work",
    "Campaigns",
    "Territories",
    "Today",
    "Plan my day",
    "Near me",
    "Map",
]

# Chromium has the Badging API, but a page that is not an installed app shows no badge: record
# what the app asks for instead.
RECORD_BADGES_JS = """
window.__badges = [];
Object.defineProperty(Navigator.prototype, "setAppBadge", {
  configurable: true, value(count) { window.__badges.push(count); return Promise.resolve(); } });
Object.defineProperty(Navigator.prototype, "clearAppBadge", {
  configurable: true, value() { window.__badges.push(0); return Promise.resolve(); } });
"""
LAST_BADGE = "window.__badges.at(-1)"


@pytest.fixture
def manager(org, make_user):
    return make_user(org, role="manager", name="Maria Manager")


@pytest.fixture
def rep(org, make_user, manager):
    """A rep of the manager's team (replaces the plain `rep` fixture in this module)."""
    return make_user(org, name="Radu Rep", manager_id=manager.id)


@pytest.fixture
def other_rep(org, make_user, manager):
    return make_user(org, name="Oana Other", manager_id=manager.id)


@pytest.fixture
def shop(org, rep, make_account):
    return str(make_account(org, *SHOP, owner_id=rep.id, name="Farmacia Centrală"))


@pytest.fixture
def kiosk(org, rep, make_account):
    return str(make_account(org, *KIOSK, owner_id=rep.id, name="Chioșc Unirii"))


@pytest.fixture
def desk(laptop, manager):
    """The manager logged in on the laptop, on Team. Rows the test makes in the database
    afterwards reach this device only with its next pull: ask for them first."""
    page = laptop.new_page()
    log_in(page, manager.email, then_wait_for="wp-team")
    return page


@pytest.fixture
def manager_api(manager, logged_in):
    return logged_in(manager)


@pytest.fixture
def give_task(manager_api, rep, shop):
    """POST /api/v1/tasks from the manager for the rep at the shop, due in `due_in`."""

    def give(title: str, due_in: timedelta = timedelta(0), **fields: Any) -> dict[str, Any]:
        body = {
            "title": title,
            "assignee_id": str(rep.id),
            "account_id": shop,
            "due_at": (now_utc() + due_in).isoformat(),
            **fields,
        }
        response = manager_api.post("/api/v1/tasks", json=body)
        assert response.status_code == 201, response.json
        task: dict[str, Any] = response.json
        return task

    return give


def _later_today() -> timedelta:
    """How far ahead a task is still due today in local time (the browser's day): halfway to
    midnight, so the test holds whenever it runs."""
    now = datetime.now().astimezone()
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now) / 2


def _nav(page: Any) -> list[str]:
    links: list[str] = page.locator("wp-app nav a").all_inner_texts()
    return [link.strip() for link in links]


TASK_COLUMNS = "id, title, assignee_id, account_id, status, priority, notes"


def _server_tasks(app: Flask, **where: Any) -> list[dict[str, Any]]:
    """The tasks the server stored, filtered by column values (names from this module only)."""
    conditions = " AND ".join(f"{column} = :{column}" for column in where)
    with app.app_context():
        query = text(f"SELECT {TASK_COLUMNS} FROM tasks WHERE {conditions}")  # noqa: S608
        rows = db.session.execute(query, where).mappings()
        result = [dict(row) for row in rows]
        db.session.remove()
    return result


def _team_row(page: Any, user_id: Any) -> Any:
    return page.locator(f"wp-team li.rep[data-id='{user_id}']")


def _count(row: Any, name: str) -> Any:
    return row.locator(f"[data-count='{name}'] dd")


def test_managers_navigation_differs_from_a_reps_and_a_rep_cannot_open_team(desk, page):
    """The manager lands on Team with Team, Assign work and Campaigns in the navigation; the
    rep keeps Today, Plan my day, Near me and Map, and /team shows them Near me instead."""
    assert desk.url.endswith("/team")
    expect(desk.locator("wp-app nav a")).to_have_count(len(MANAGER_NAV))
    assert _nav(desk) == MANAGER_NAV
    assert _nav(page) == REP_NAV

    page.goto("/team")

    expect(page.locator("wp-near")).to_be_visible()
    expect(page.locator("wp-team")).to_have_count(0)
    assert page.url.endswith("/near")
    expect(page.locator("wp-app nav a[aria-current=page]")).to_have_text("Near me")


def test_task_assigned_on_the_managers_laptop_shows_live_on_the_reps_today_with_a_notice(
    rep, shop, desk, phone, app
):
    """Assign work on one device; the rep's Today in another shows it without a reload, the
    notice says so (without taking focus) and the app badge counts it."""
    phone.add_init_script(RECORD_BADGES_JS)
    mine = phone.new_page()
    log_in(mine, rep.email)
    mine.click("wp-app nav a[href='/today']")
    expect(mine.locator("wp-today .empty")).to_be_visible()
    focused = mine.evaluate("document.activeElement?.tagName")

    assign_work(
        desk,
        rep.id,
        shop,
        "farmacia centrala",
        "Farmacia Centrală",
        "Bring the new price list",
        priority="high",
        notes="Ask for the pharmacist",
    )

    item = mine.locator("wp-today li", has_text="Bring the new price list")
    expect(item).to_be_visible()
    expect(item.locator(".account")).to_contain_text("Farmacia Centrală")
    notice = mine.locator("wp-task-notice [role=status]")
    expect(notice).to_contain_text("New task for you: Bring the new price list")
    assert mine.evaluate("document.activeElement?.tagName") == focused
    wait_for(mine, "the badge to count the task", lambda: mine.evaluate(LAST_BADGE) == 1)
    [task] = _server_tasks(app, assignee_id=rep.id)
    assert (task["title"], str(task["account_id"]), task["priority"], task["notes"]) == (
        "Bring the new price list",
        shop,
        "high",
        "Ask for the pharmacist",
    )

    mine.click("wp-task-notice button.dismiss")
    expect(notice).to_be_empty()
    item.locator("button.done").click()
    wait_for(mine, "the badge to clear", lambda: mine.evaluate(LAST_BADGE) == 0)


def test_team_shows_the_reps_counts_and_follows_them_live_when_the_rep_completes_a_task(
    desk, page, rep, give_task
):
    """Due, open and done today and overdue from before, and the counts move when the rep
    marks a task done."""
    give_task("Count the stock", _later_today())
    give_task("Late one", timedelta(days=-1))
    desk.reload()
    row = _team_row(desk, rep.id)
    expect(_count(row, "tasks.due")).to_have_text("1")
    expect(_count(row, "tasks.open")).to_have_text("1")
    expect(_count(row, "tasks.done")).to_have_text("0")
    expect(_count(row, "tasks.overdue")).to_have_text("1")
    expect(row).to_have_class(re.compile(r"\boverdue\b"))

    page.reload()
    page.click("wp-app nav a[href='/today']")
    page.locator("wp-today li", has_text="Count the stock").locator("button.done").click()
    wait_until_sent(page)

    expect(_count(row, "tasks.done")).to_have_text("1")
    expect(_count(row, "tasks.open")).to_have_text("0")
    expect(_count(row, "tasks.due")).to_have_text("1")


def test_a_reps_day_shows_todays_visits_as_markers_and_no_track(
    rep, rep_api, shop, kiosk, give_task, desk
):
    """Two visits with positions, one without: two markers, no line between them."""
    give_task("Count the stock", _later_today())
    started = now_utc()  # today wherever the day starts
    for account, location in ((shop, SHOP), (kiosk, KIOSK), (shop, None)):
        body = {
            "id": str(uuid.uuid4()),
            "account_id": account,
            "started_at": started.isoformat(),
            "outcome": "met",
            "notes": "",
            "location": {"type": "Point", "coordinates": list(location)} if location else None,
            "accuracy_m": 10 if location else None,
        }
        response = rep_api.post("/api/v1/visits", json=body)
        assert response.status_code == 201, response.json

    desk.click(f"wp-team li.rep[data-id='{rep.id}'] a.name")

    day = desk.locator("wp-rep-day")
    expect(day.locator("h1")).to_have_text("Radu Rep — today")
    expect(day.locator("li.task .title")).to_have_text(["Count the stock"])
    expect(day.locator("ul.visits li")).to_have_count(3)
    expect(day.locator(".leaflet-marker-pane .wp-visit")).to_have_count(2)
    expect(day.locator(".leaflet-marker-pane .wp-visit.verified")).to_have_count(2)
    expect(day.locator(".leaflet-overlay-pane path")).to_have_count(0)


def test_reassigning_and_cancelling_from_a_reps_day_go_through_the_outbox(
    desk, rep, other_rep, give_task, app
):
    """Each shows at once and reaches the server as one task.update."""
    moved = give_task("Visit the new shop", _later_today())
    dropped = give_task("Old errand", _later_today())
    desk.goto("/team")  # the Team answer names the team's reps for the drill-down
    expect(_team_row(desk, other_rep.id)).to_be_visible()
    desk.click(f"wp-team li.rep[data-id='{rep.id}'] a.name")
    day = desk.locator("wp-rep-day")

    task = day.locator(f"li.task[data-id='{moved['id']}']")
    task.locator("select.reassign-to").select_option(str(other_rep.id))
    task.locator("button.reassign").click()
    expect(task).to_have_count(0)
    cancelled = day.locator(f"li.task[data-id='{dropped['id']}']")
    cancelled.locator("button.cancel").click()
    expect(cancelled).to_have_attribute("data-status", "cancelled")
    wait_until_sent(desk)

    [after_move] = _server_tasks(app, id=uuid.UUID(moved["id"]))
    [after_cancel] = _server_tasks(app, id=uuid.UUID(dropped["id"]))
    assert after_move["assignee_id"] == other_rep.id
    assert after_cancel["status"] == "cancelled"


def test_work_assigned_offline_waits_in_the_outbox_and_reaches_the_server_once_online(
    rep, shop, desk, laptop, app
):
    """From a rep's day, Assign work with the rep preselected and the account picked on the
    map: the task shows at once, waiting, and is created once the laptop is back online."""
    desk.click(f"wp-team li.rep[data-id='{rep.id}'] a.name")
    desk.click("wp-rep-day a.assign")
    expect(desk.locator("wp-assign select[name=assignee]")).to_have_value(str(rep.id))
    laptop.set_offline(True)

    desk.click("wp-assign button.pick-on-map")
    desk.click("wp-assign .map .wp-pin")
    expect(desk.locator("wp-assign .chosen")).to_have_text("Farmacia Centrală")
    desk.fill("wp-assign input[name=title]", "Check the shelf")
    desk.click("wp-assign button[type=submit]")
    expect(desk.locator("wp-assign .saved")).to_be_visible()
    assert outbox_count(desk) == 1
    desk.click("wp-assign .saved a")
    pending = desk.locator("wp-rep-day li.task", has_text="Check the shelf")
    expect(pending).to_have_attribute("data-pending", "true")
    assert _server_tasks(app, assignee_id=rep.id) == []

    laptop.set_offline(False)
    wait_until_sent(desk)

    [task] = _server_tasks(app, assignee_id=rep.id)
    assert task["title"] == "Check the shelf"
    expect(pending).to_have_attribute("data-pending", "false")


def test_team_offline_says_so_and_shows_the_last_answer_it_kept(rep, give_task, desk, laptop):
    """A reload with the network gone: the rows seen last, and a note of when they were seen."""
    give_task("Count the stock", _later_today())
    desk.reload()
    expect(_count(_team_row(desk, rep.id), "tasks.open")).to_have_text("1")
    desk.evaluate("navigator.serviceWorker.ready.then(() => true)")

    laptop.set_offline(True)
    desk.reload()

    expect(desk.locator("wp-team .offline")).to_contain_text("Offline: showing the team as of")
    expect(_count(_team_row(desk, rep.id), "tasks.open")).to_have_text("1")
