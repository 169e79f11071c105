"""The Territories screen in a real browser: a manager on a laptop draws a territory with the
mouse around two of three accounts, gives it a rep, saves it and sees it listed with its account
count; the territories exported as GeoJSON and imported again make a second territory with the
same shape, whose accounts are then listed as sitting in two territories."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape
from sqlalchemy import text

from server.extensions import db
from tests.e2e.pages import log_in
from tests.e2e.sync_steps import local_account_ids, wait_for

# Two accounts about 900 m apart in central Bucharest, and a third 3 km east of them.
INSIDE_WEST = (26.1000, 44.4300)
INSIDE_EAST = (26.1100, 44.4250)
OUTSIDE = (26.1400, 44.4450)
MARGIN = 40  # px the drawn rectangle leaves around the two accounts' dots


@pytest.fixture
def manager(org, make_user):
    return make_user(org, role="manager", name="Maria Manager")


@pytest.fixture
def rep(org, make_user, manager):
    """A rep of the manager's team (replaces the plain `rep` fixture in this module)."""
    return make_user(org, name="Radu Rep", manager_id=manager.id)


@pytest.fixture
def accounts(org, rep, make_account) -> dict[str, str]:
    """The three accounts, owned by the rep (so the manager's device holds them), by role."""
    return {
        "west": str(make_account(org, *INSIDE_WEST, owner_id=rep.id, name="Farmacia Vest")),
        "east": str(make_account(org, *INSIDE_EAST, owner_id=rep.id, name="Farmacia Est")),
        "outside": str(make_account(org, *OUTSIDE, owner_id=rep.id, name="Depozit Pantelimon")),
    }


@pytest.fixture
def desk(laptop, manager, accounts):
    """The manager on the laptop, on Territories, once the first pull brought the accounts (the
    map opens on them when there is no territory yet)."""
    page = laptop.new_page()
    log_in(page, manager.email, then_wait_for="wp-team")
    wait_for(page, "the team's accounts", lambda: set(accounts.values()) <= local_account_ids(page))
    page.click("wp-app nav a[href='/territories']")
    expect(page.locator("wp-territories .empty")).to_be_visible()
    return page


def _dot(page: Any, account_id: str) -> dict[str, float]:
    """The on-screen box of an account's dot on the Territories map."""
    dot = page.locator(f"wp-territories path.wp-account[data-id='{account_id}']")
    expect(dot).to_have_count(1)
    box = dot.bounding_box()
    assert box is not None
    return box


def _draw_rectangle(page: Any, left: float, top: float, right: float, bottom: float) -> None:
    """Click the four corners, then the first one again, which closes the part."""
    corners = [(left, top), (right, top), (right, bottom), (left, bottom), (left, top)]
    for x, y in corners:
        page.mouse.click(x, y)


def _territories(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session.execute(
            text("SELECT id, name, version FROM territories ORDER BY name")
        ).mappings()
        result = [dict(row) for row in rows]
        db.session.remove()
    return result


def _reps_of(app: Flask, territory_id: Any) -> set[str]:
    with app.app_context():
        rows = db.session.execute(
            text("SELECT user_id FROM territory_reps WHERE territory_id = :id"),
            {"id": territory_id},
        ).scalars()
        result = {str(user_id) for user_id in rows}
        db.session.remove()
    return result


def _territory_of(app: Flask, account_id: str) -> str | None:
    with app.app_context():
        value = db.session.execute(
            text("SELECT territory_id FROM accounts WHERE id = :id"), {"id": account_id}
        ).scalar()
        db.session.remove()
    return None if value is None else str(value)


def test_a_manager_draws_a_territory_with_the_mouse_assigns_a_rep_and_sees_its_accounts(
    desk, app, accounts, rep, tmp_path
):
    """Drawn around two accounts, named, given a rep and saved: listed with two accounts, the
    two accounts (not the third) in it on the server. Exported and imported back: a second
    territory of the same shape, and both accounts listed as sitting in two territories."""
    west, east, outside = (_dot(desk, accounts[name]) for name in ("west", "east", "outside"))
    left = min(west["x"], east["x"]) - MARGIN
    right = max(west["x"] + west["width"], east["x"] + east["width"]) + MARGIN
    top = min(west["y"], east["y"]) - MARGIN
    bottom = max(west["y"] + west["height"], east["y"] + east["height"]) + MARGIN
    far_x, far_y = outside["x"] + outside["width"] / 2, outside["y"] + outside["height"] / 2
    assert not (left <= far_x <= right and top <= far_y <= bottom), "the third account is inside"
    map_box = desk.locator("wp-territories .map").bounding_box()
    assert map_box is not None
    assert map_box["x"] < left and right < map_box["x"] + map_box["width"]
    assert map_box["y"] < top and bottom < map_box["y"] + map_box["height"]

    desk.click("wp-territories button.new")
    expect(desk.locator("wp-territories .hint")).to_be_visible()
    _draw_rectangle(desk, left, top, right, bottom)
    expect(desk.locator("wp-territories .parts")).to_have_text("Parts: 1")
    desk.fill("wp-territories input[name=name]", "Centru")
    desk.check(f"wp-territories input[name=rep_ids][value='{rep.id}']")
    desk.click("wp-territories button.save")

    expect(desk.locator("wp-territories .message.saved")).to_contain_text("Saved “Centru”.")
    item = desk.locator("wp-territories li.territory", has_text="Centru")
    expect(item).to_have_count(1)
    expect(item.locator(".reps")).to_have_text("Radu Rep")
    expect(item.locator(".account-count")).to_have_text("Accounts: 2")
    [territory] = _territories(app)
    assert territory["name"] == "Centru"
    assert _reps_of(app, territory["id"]) == {str(rep.id)}
    assert _territory_of(app, accounts["west"]) == str(territory["id"])
    assert _territory_of(app, accounts["east"]) == str(territory["id"])
    assert _territory_of(app, accounts["outside"]) is None

    with desk.expect_download() as download:
        desk.click("wp-territories a.export")
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["type"] == "FeatureCollection"
    [feature] = exported["features"]
    assert feature["properties"]["name"] == "Centru"
    assert feature["properties"]["rep_ids"] == [str(rep.id)]
    drawn = shape(feature["geometry"])
    assert drawn.contains(ShapelyPoint(*INSIDE_WEST))
    assert drawn.contains(ShapelyPoint(*INSIDE_EAST))
    assert not drawn.contains(ShapelyPoint(*OUTSIDE))

    feature["properties"]["name"] = "Centru (copie)"
    file = tmp_path / "territories.geojson"
    file.write_text(json.dumps(exported), encoding="utf-8")
    desk.set_input_files("wp-territories input.import", str(file))

    expect(desk.locator("wp-territories .imported")).to_have_text("Territories imported: 1")
    expect(desk.locator("wp-territories li.territory")).to_have_count(2)
    copy = desk.locator("wp-territories li.territory", has_text="Centru (copie)")
    expect(copy.locator(".reps")).to_have_text("Radu Rep")
    overlaps = desk.locator("wp-territories ul.overlaps li")
    expect(overlaps).to_have_count(2)
    for name in ("west", "east"):
        row = desk.locator(f"wp-territories ul.overlaps li[data-id='{accounts[name]}']")
        expect(row).to_contain_text("Centru and Centru (copie)")
        expect(row.locator("a")).to_have_attribute("href", f"/accounts/{accounts[name]}")
    names = [row["name"] for row in _territories(app)]
    assert names == ["Centru", "Centru (copie)"]
    imported = next(row for row in _territories(app) if row["name"] == "Centru (copie)")
    assert _reps_of(app, imported["id"]) == {str(rep.id)}
