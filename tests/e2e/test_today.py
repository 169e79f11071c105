"""Tasks on the phone: Today lists them from the sync pull, status changes go through the outbox
(offline too) and reach the server once, a stale change waits in the inbox, a visit's next step
comes back as a follow-up task, and a visit checked in from a task is linked to it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import text

from server.core.clock import now_utc
from server.extensions import db
from tests.e2e.sync_steps import (
    open_account,
    open_inbox,
    server_ledger,
    sync_state,
    wait_until_sent,
)

SHOP = (26.1031, 44.4279)  # about 130 m from the phone fixture's position


@pytest.fixture
def admin_api(org, make_user, logged_in):
    """Someone in the office, giving the rep tasks through the API."""
    return logged_in(make_user(org, role="admin"))


@pytest.fixture
def shop(org, rep, make_account):
    return str(make_account(org, *SHOP, owner_id=rep.id, name="Farmacia Centrală"))


@pytest.fixture
def give_task(admin_api, rep, shop):
    """POST /api/v1/tasks for the rep at the shop, due in `due_in` (today by default)."""

    def give(title: str, due_in: timedelta = timedelta(0), **fields: Any) -> dict[str, Any]:
        body = {
            "title": title,
            "assignee_id": str(rep.id),
            "account_id": shop,
            "due_at": (now_utc() + due_in).isoformat(),
            **fields,
        }
        response = admin_api.post("/api/v1/tasks", json=body)
        assert response.status_code == 201, response.json
        task: dict[str, Any] = response.json
        return task

    return give


def _today(page):
    page.click("wp-app nav a[href='/today']")
    page.wait_for_selector("wp-today h1")


def _task_row(app: Flask, task_id: str) -> dict[str, Any]:
    with app.app_context():
        row = db.session.execute(
            text("SELECT status, title, version FROM tasks WHERE id = :id"),
            {"id": uuid.UUID(task_id)},
        ).mappings()
        result = dict(row.one())
        db.session.remove()
    return result


def test_task_given_on_the_server_appears_on_today_with_its_account_when_poked(
    page, give_task, shop
):
    """The office gives the rep a task while Today is open: the event makes the app pull."""
    _today(page)
    expect(page.locator("wp-today .empty")).to_be_visible()

    task = give_task("Bring the new price list")

    item = page.locator(f"wp-today ul.now li[data-id='{task['id']}']")
    expect(item.locator(".title")).to_have_text("Bring the new price list")
    expect(item.locator(".account")).to_contain_text("Farmacia Centrală")
    expect(item.locator(".account")).to_contain_text("m away")


def test_today_lists_overdue_and_todays_tasks_before_upcoming_ones(page, give_task):
    """Overdue first, then today's, then the upcoming list."""
    give_task("Next week", timedelta(days=7))
    give_task("Yesterday", timedelta(days=-1))
    give_task("Due now")
    page.reload()  # the pull on start brings all three
    _today(page)

    expect(page.locator("wp-today ul.now li .title")).to_have_text(["Yesterday", "Due now"])
    expect(page.locator("wp-today ul.upcoming li .title")).to_have_text(["Next week"])
    expect(page.locator("wp-today ul.now li").first).to_contain_text("Overdue")


def test_task_marked_done_offline_is_done_once_on_the_server_when_back_online(
    phone, page, app, give_task
):
    """Done with no network: gone from Today at once, one task.update applied once online."""
    task = give_task("Check the shelf")
    page.reload()
    _today(page)
    item = page.locator(f"wp-today li[data-id='{task['id']}']")
    expect(item).to_be_visible()

    phone.set_offline(True)
    item.locator("button.done").click()
    expect(page.locator("wp-today .saved")).to_be_visible()
    expect(item).to_have_count(0)
    expect(page.locator("wp-sync-status .badge")).to_have_text("1 waiting")
    phone.set_offline(False)
    wait_until_sent(page)

    assert _task_row(app, task["id"]) == {
        "status": "done",
        "title": "Check the shelf",
        "version": 2,
    }
    ledger = server_ledger(app, sync_state(page)["client_id"])
    assert [(entry["op"], entry["status"]) for entry in ledger] == [("task.update", "applied")]
    page.goto("/diagnostics")
    page.click("wp-diagnostics button.compare")
    expect(page.locator("wp-diagnostics dd[data-entity=task]")).to_have_class("same")
    expect(page.locator("wp-diagnostics dl.checksums")).to_have_attribute("data-same", "true")


def test_task_changed_in_the_office_meanwhile_puts_the_offline_change_in_the_inbox(
    phone, page, app, give_task, admin_api
):
    """A stale task.update is a conflict: the inbox shows both, "keep mine" sends it again."""
    task = give_task("Check the shelf")
    page.reload()
    _today(page)
    phone.set_offline(True)
    page.locator(f"wp-today li[data-id='{task['id']}'] button.start").click()
    expect(page.locator("wp-sync-status .badge")).to_have_text("1 waiting")
    changed = admin_api.patch(
        f"/api/v1/tasks/{task['id']}", json={"status": "cancelled", "version": 1}
    )
    assert changed.status_code == 200, changed.json

    phone.set_offline(False)
    open_inbox(page)
    conflict = page.locator("wp-inbox li.conflict[data-entity=task]")
    expect(conflict.locator("tr[data-field=status] td.theirs")).to_have_text("Cancelled")
    expect(conflict.locator("tr[data-field=status] td.mine")).to_have_text("In progress")
    page.click("wp-inbox button.keep-mine")
    expect(page.locator("wp-inbox li")).to_have_count(0)
    wait_until_sent(page)

    assert _task_row(app, task["id"])["status"] == "in_progress"
    assert _task_row(app, task["id"])["version"] == 3


def test_visit_with_a_next_step_brings_a_follow_up_task_to_today(page, app, rep, shop):
    """Check out with a next step due today: the server's follow-up task arrives by pull."""
    open_account(page, shop)
    page.click("wp-visit-flow button.check-in")
    page.check("wp-visit-flow input[value=follow_up]")
    page.fill("wp-visit-flow input[name=next_title]", "Send the catalogue")
    page.fill("wp-visit-flow input[name=next_due]", now_utc().date().isoformat())
    page.click("wp-visit-flow button.check-out")
    page.wait_for_selector("wp-visit-flow .saved")
    wait_until_sent(page)

    _today(page)
    item = page.locator("wp-today li", has_text="Send the catalogue")
    expect(item).to_have_count(1)
    expect(item.locator(".account")).to_contain_text("Farmacia Centrală")


def test_check_in_from_a_task_links_the_visit_and_marks_the_task_done(page, app, rep, give_task):
    """Today -> Check in -> the visit carries the task's id; "Mark the task done" closes it."""
    task = give_task("Count the stock")
    page.reload()
    _today(page)

    page.locator(f"wp-today li[data-id='{task['id']}'] a.check-in").click()
    expect(page.locator("wp-visit-flow .for-task")).to_contain_text("Count the stock")
    page.click("wp-visit-flow button.check-in")
    page.check("wp-visit-flow input[value=met]")
    expect(page.locator("wp-visit-flow input[name=task_done]")).to_be_checked()
    page.click("wp-visit-flow button.check-out")
    page.wait_for_selector("wp-visit-flow .saved")
    wait_until_sent(page)

    with app.app_context():
        linked = db.session.execute(
            text("SELECT task_id FROM visits WHERE user_id = :u"), {"u": rep.id}
        ).scalar_one()
        db.session.remove()
    assert str(linked) == task["id"]
    assert _task_row(app, task["id"])["status"] == "done"
    _today(page)
    expect(page.locator(f"wp-today li[data-id='{task['id']}']")).to_have_count(0)
