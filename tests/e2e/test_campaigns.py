"""A campaign from the manager's laptop to the rep's phone: the manager draws a polygon over
the map with the mouse (Leaflet-Geoman's draw mode, corner by corner), watches the audience
count, saves the draft, launches it by owner, and the rep's Today, open on a phone at the same
time, shows the new tasks live with the campaign badge and the talking points; the campaign's
progress screen then counts the targets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import text

from server.extensions import db
from tests.e2e.pages import log_in
from tests.e2e.sync_steps import local_account_ids, wait_for
from tests.support.jobs import run_jobs

# Three pharmacies a few hundred metres apart in Bucharest, and a shop 2.5 km away that the
# drawn area leaves out.
INSIDE = {
    "Farmacia Centrală": (26.1031, 44.4279),
    "Farmacia Unirii": (26.0990, 44.4250),
    "Farmacia Lipscani": (26.1050, 44.4265),
}
OUTSIDE = {"Magazin Obor": (26.1250, 44.4400)}
# The polygon the manager draws around the three, corner by corner (lat, lng).
CORNERS = [(44.4220, 26.0940), (44.4220, 26.1080), (44.4320, 26.1080), (44.4320, 26.0940)]
NAME = "Winter pharmacies"
NO_AREA_YET = "Draw an area, or pick a territory or a saved segment."
TALKING_POINTS = "The new winter range\nTen percent off the first order"

# The map's pixel (inside its element) for each (lat, lng), from the builder's Leaflet map.
IDS_JS = "items => items.map((item) => item.dataset.id)"
CONTAINER_POINTS_JS = """(builder, corners) => corners.map(([lat, lng]) => {
  const point = builder.map.latLngToContainerPoint([lat, lng]);
  return [point.x, point.y];
})"""


@pytest.fixture
def manager(org, make_user):
    return make_user(org, role="manager", name="Maria Manager")


@pytest.fixture
def rep(org, make_user, manager):
    """A rep of the manager's team (replaces the plain `rep` fixture in this module)."""
    return make_user(org, name="Radu Rep", manager_id=manager.id)


@pytest.fixture
def accounts(org, rep, make_account) -> dict[str, str]:
    """The rep's four accounts, by name."""
    places = {**INSIDE, **OUTSIDE}
    return {
        name: str(make_account(org, *at, owner_id=rep.id, name=name)) for name, at in places.items()
    }


def _campaign_tasks(app: Flask) -> list[dict[str, Any]]:
    """The tasks the server stored for a campaign: title, assignee, account, notes, campaign."""
    with app.app_context():
        query = text(
            "SELECT title, assignee_id, account_id, notes, campaign_id FROM tasks"
            " WHERE campaign_id IS NOT NULL ORDER BY title, account_id"
        )
        rows = [dict(row) for row in db.session.execute(query).mappings()]
        db.session.remove()
    return rows


def _holds(page: Any, accounts: dict[str, str]) -> bool:
    """Whether the device holds every one of `accounts`."""
    return set(accounts.values()) <= local_account_ids(page)


def _draw_polygon(desk: Any, corners: list[tuple[float, float]]) -> None:
    """Draw mode, then a click on each corner and on the first one again to close the shape."""
    builder = desk.locator("wp-campaign-builder")
    draw = builder.locator("button.draw-polygon")
    draw.click()
    expect(draw).to_have_attribute("aria-pressed", "true")
    builder.locator(".map").scroll_into_view_if_needed()
    box = builder.locator(".map").bounding_box()
    assert box is not None
    points = builder.evaluate(CONTAINER_POINTS_JS, [list(corner) for corner in corners])
    for x, y in points:
        assert 0 < x < box["width"] and 0 < y < box["height"], "a corner is outside the map's view"
    placed = builder.locator(".leaflet-marker-pane .marker-icon:not(.cursor-marker)")
    for number, (x, y) in enumerate(points, start=1):
        desk.mouse.click(box["x"] + x, box["y"] + y)
        expect(placed).to_have_count(number)  # each corner placed before the next click
    desk.mouse.click(box["x"] + points[0][0], box["y"] + points[0][1])
    expect(draw).to_have_attribute("aria-pressed", "false")


def test_a_manager_draws_an_area_launches_it_by_owner_and_the_reps_today_shows_the_tasks_live(
    rep, accounts, laptop, manager, phone, app
):
    """Polygon drawn with the mouse, the count of the three accounts inside, saved, launched by
    owner; the rep's Today gets three campaign tasks without a reload."""
    mine = phone.new_page()
    log_in(mine, rep.email)
    mine.click("wp-app nav a[href='/today']")
    expect(mine.locator("wp-today .empty")).to_be_visible()

    desk = laptop.new_page()
    log_in(desk, manager.email, then_wait_for="wp-team")
    # The builder's map opens over the accounts this device holds: the team's, once pulled.
    wait_for(desk, "the team's accounts on the laptop", lambda: _holds(desk, accounts))
    desk.click("wp-app nav a[href='/campaigns']")
    expect(desk.locator("wp-campaigns .empty")).to_be_visible()
    desk.click("wp-campaigns a.new")
    builder = desk.locator("wp-campaign-builder")
    expect(builder.locator(".audience-count")).to_have_text(NO_AREA_YET)

    builder.locator("input[name=name]").fill(NAME)
    builder.locator("textarea[name=talking_points]").fill(TALKING_POINTS)
    _draw_polygon(desk, CORNERS)

    count = builder.locator(".audience-count")
    expect(count).to_have_text("Accounts in the audience: 3")
    expect(count).to_have_attribute("aria-live", "polite")
    expect(builder.locator("ul.accounts li")).to_have_count(3)
    listed = set(builder.locator("ul.accounts li").evaluate_all(IDS_JS))
    assert listed == {accounts[name] for name in INSIDE}

    builder.locator("button.save").click()
    expect(builder.locator(".message")).to_have_text("Draft saved.")
    expect(desk).to_have_url(re.compile(r"/campaigns/[0-9a-f-]{36}$"))
    campaign_id = desk.url.rsplit("/", 1)[1]

    builder.locator("input[name=assignment][value=owner]").check()
    builder.locator("button.launch").click()
    confirm = builder.locator(".confirm")
    expect(confirm).to_contain_text(f"Launch “{NAME}”: one visit task for each of the 3 accounts")
    expect(confirm).to_be_focused()
    confirm.locator("button.confirm-launch").click()
    progress = desk.locator("wp-campaign-progress")
    expect(progress.locator("h1")).to_have_text(NAME)

    run_jobs(app)

    tasks = mine.locator("wp-today li.task", has_text=NAME)
    expect(tasks).to_have_count(3)
    expect(tasks.locator(".badge.campaign")).to_have_text(["Campaign"] * 3)
    expect(tasks.first.locator(".notes")).to_contain_text("Ten percent off the first order")
    stored = _campaign_tasks(app)
    assert [(task["title"], task["assignee_id"], str(task["campaign_id"])) for task in stored] == [
        (NAME, rep.id, campaign_id)
    ] * 3
    assert {str(task["account_id"]) for task in stored} == {accounts[name] for name in INSIDE}
    assert all(TALKING_POINTS in (task["notes"] or "") for task in stored)

    expect(progress.locator(".launch-state")).to_have_text("Launched: tasks created: 3.")
    expect(progress.locator("[data-count=targets]")).to_have_text("3")
    expect(progress.locator("ul.legend li[data-state=to_visit] strong")).to_have_text("3")
    expect(progress.locator("table.reps tbody tr")).to_have_count(1)
    expect(progress.locator(f"table.reps tbody tr[data-id='{rep.id}'] th")).to_have_text("Radu Rep")
    expect(progress.locator(".leaflet-marker-pane .wp-target")).to_have_count(3)


# One more target than the progress map draws as markers (MARKERS_UP_TO in campaign-progress.js).
MANY_TARGETS = 401
COUNT_DOTS_JS = """(progress) => {
  let dots = 0;
  progress.targetLayer.eachLayer((layer) => {
    if (typeof layer.getRadius === "function") dots += 1;
  });
  return dots;
}"""


def test_a_campaign_of_hundreds_of_targets_is_drawn_as_dots_on_one_canvas(
    org, rep, manager, laptop, app, make_account, logged_in
):
    """Past a few hundred targets the progress map draws dots on a canvas instead of one
    element per target, every target still on it and counted in the legend."""
    for number in range(MANY_TARGETS):
        lng, lat = 26.0945 + (number % 21) * 0.0006, 44.4225 + (number // 21) * 0.0004
        make_account(org, lng, lat, owner_id=rep.id)
    ring = [[lng, lat] for lat, lng in [*CORNERS, CORNERS[0]]]
    api = logged_in(manager)
    made = api.post(
        "/api/v1/campaigns", json={"name": NAME, "area": {"type": "Polygon", "coordinates": [ring]}}
    )
    assert made.status_code == 201, made.json
    campaign_id = made.json["id"]
    launched = api.post(f"/api/v1/campaigns/{campaign_id}/launch", json={"assignment": "owner"})
    assert launched.status_code == 202, launched.json
    run_jobs(app)

    desk = laptop.new_page()
    log_in(desk, manager.email, then_wait_for="wp-team")
    origin = re.match(r"https?://[^/]+", desk.url)
    assert origin is not None
    desk.goto(f"{origin.group(0)}/campaigns/{campaign_id}")
    progress = desk.locator("wp-campaign-progress")
    expect(progress.locator("[data-count=targets]")).to_have_text(str(MANY_TARGETS))
    expect(progress.locator("ul.legend li[data-state=to_visit] strong")).to_have_text(
        str(MANY_TARGETS)
    )
    expect(progress.locator(".leaflet-overlay-pane canvas")).to_have_count(1)
    wait_for(desk, "every target drawn", lambda: progress.evaluate(COUNT_DOTS_JS) == MANY_TARGETS)
    expect(progress.locator(".leaflet-marker-pane .wp-target")).to_have_count(0)
