"""Plan my week on the rep's phone: the accounts due a visit spread over the next five working
days, each day's stops and totals shown, "Add to my tasks" making them the rep's tasks, which
reach Today through sync; offline the screen says it needs a connection."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import text

from server.extensions import db
from tests.e2e.sync_steps import wait_for

# Three shops near the phone fixture's street corner, each due a visit every week and never
# visited: due now.
SHOPS = {
    "Farmacia Centrală": (26.1031, 44.4279),
    "Librăria Unirii": (26.1200, 44.4400),
    "Brutăria Cotroceni": (26.0800, 44.4350),
}
WEEK = "wp-plan-week"


@pytest.fixture
def due(org, rep, make_account) -> dict[str, str]:
    """{shop name: account id} of the rep's accounts due a visit."""
    return {
        name: str(make_account(org, lng, lat, owner_id=rep.id, name=name, visit_every_days=7))
        for name, (lng, lat) in SHOPS.items()
    }


def _open_week(page: Any) -> None:
    """Plan my day from the navigation, then its link to the week. Near me has a fix (and keeps
    it) once it lists the shops around: the week starts there."""
    expect(page.locator("wp-near li").first).to_be_visible()
    page.click("wp-app nav a[href='/plan']")
    page.click("wp-plan-day a.week")
    expect(page.locator(f"{WEEK} h1")).to_have_text("Plan my week")


def _tasks_of(app: Flask, rep: Any) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT id, title, account_id, due_at FROM tasks"
                " WHERE assignee_id = :rep AND status = 'open' ORDER BY due_at"
            ),
            {"rep": rep.id},
        ).mappings()
        result = [dict(row) for row in rows]
        db.session.remove()
    return result


def test_rep_plans_the_week_and_adds_the_visits_to_today(due, page, app, rep):
    """The next five working days are listed, the three due shops planned among them with
    times and totals; adding them makes three tasks, listed on Today as upcoming."""
    _open_week(page)

    days = page.locator(f"{WEEK} li.day")
    expect(days).to_have_count(5)
    shown = days.evaluate_all("els => els.map(e => e.dataset.date)")
    dates = [date.fromisoformat(value) for value in shown]
    assert all(day.weekday() < 5 for day in dates) and dates == sorted(dates)
    stops = page.locator(f"{WEEK} li.day ol.stops li")
    expect(stops).to_have_count(3)
    assert sorted(stops.locator(".name").all_inner_texts()) == sorted(SHOPS)
    assert set(stops.evaluate_all("els => els.map(e => e.dataset.id)")) == set(due.values())
    planned = page.locator(f"{WEEK} li.day:has(ol.stops)")
    expect(planned.locator(".totals").first).to_contain_text("Visits:")
    route = planned.first.locator("ul.links a").first.get_attribute("href") or ""
    assert route.startswith("https://www.google.com/maps/dir/?api=1&origin=44.426800%2C26.102500")
    assert _tasks_of(app, rep) == []  # looking at the plan writes nothing

    page.click(f"{WEEK} button.add")

    expect(page.locator(f"{WEEK} .added")).to_have_attribute("data-count", "3")
    tasks = _tasks_of(app, rep)
    assert sorted(str(task["account_id"]) for task in tasks) == sorted(due.values())
    assert {task["due_at"].date() for task in tasks} <= set(dates)
    page.click("wp-app nav a[href='/today']")
    upcoming = page.locator("wp-today ul.upcoming li")
    expect(upcoming).to_have_count(3)
    expect(upcoming.locator(".title")).to_have_text([task["title"] for task in tasks])
    for task in tasks:
        expect(page.locator(f"wp-today li[data-id='{task['id']}']")).to_be_visible()


def test_offline_the_week_says_it_needs_a_connection(due, phone, page):
    """Offline, the screen (from the service worker's cache) plans nothing and says why."""
    page.reload()
    controlled = "navigator.serviceWorker.controller !== null"
    wait_for(page, "the service worker to control the page", lambda: page.evaluate(controlled))
    expect(page.locator("wp-near li").first).to_be_visible()
    phone.set_offline(True)
    page.click("wp-app nav a[href='/plan']")
    page.click("wp-plan-day a.week")

    expect(page.locator(f"{WEEK} .offline")).to_contain_text("needs a connection")
    expect(page.locator(f"{WEEK} li.day")).to_have_count(0)
    expect(page.locator(f"{WEEK} button.add")).to_have_count(0)
