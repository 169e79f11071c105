"""Plan my day on the rep's phone: today's stops in a planned order with the route's totals,
planned on the device (and saying so) when the server cannot plan, reordered, skipped and locked
by hand with the totals following, kept across a reload, following the check-ins, and Start
handing the next stop to the navigation app. The order and totals are checked against a brute
force over the same straight-line figures, computed here."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from server.core.clock import now_utc
from tests.e2e.conftest import STREET_CORNER, close_context, new_phone
from tests.e2e.sync_steps import local_task_ids, wait_for

# Five shops around the phone fixture's Bucharest street corner (lng, lat), each with a task due
# today. Four decimals, so the app's coordinates in links read the same as here.
SHOPS = {
    "Farmacia Centrală": (26.1031, 44.4279),
    "Librăria Unirii": (26.1200, 44.4400),
    "Brutăria Cotroceni": (26.0800, 44.4350),
    "Florăria Titan": (26.1400, 44.4200),
    "Cafeneaua Tineretului": (26.0900, 44.4100),
}
# The device's straight-line figures (pwa/src/shared/route-plan.js, as the server's geodesic
# provider): haversine on the mean Earth radius, stretched for the roads, driven at 40 km/h.
EARTH_RADIUS_M = 6371008.8
DETOUR = 1.3
SPEED_M_S = 40_000 / 3600
START = (STREET_CORNER["longitude"], STREET_CORNER["latitude"])
LOCAL_NOTE = "Planned on this device: straight-line distances."
PLAN = "wp-plan-day"


def _metres(a: tuple[float, float], b: tuple[float, float]) -> int:
    (lng1, lat1), (lng2, lat2) = a, b
    rad = math.pi / 180
    h = (
        math.sin((lat2 - lat1) * rad / 2) ** 2
        + math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin((lng2 - lng1) * rad / 2) ** 2
    )
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h))) * DETOUR)


def _totals(order: list[str]) -> tuple[int, int]:
    """(metres, seconds) of visiting the shops named in `order` from the street corner."""
    points = [START, *(SHOPS[name] for name in order)]
    legs = [_metres(a, b) for a, b in itertools.pairwise(points)]
    return sum(legs), sum(round(metres / SPEED_M_S) for metres in legs)


def _best_order() -> list[str]:
    return list(min(itertools.permutations(SHOPS), key=lambda order: _totals(list(order))[1]))


def _later_today() -> timedelta:
    """How far ahead a task is still due today in local time: halfway to midnight."""
    now = datetime.now().astimezone()
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now) / 2


def _daytime_zone(now: datetime) -> str:
    """A fixed-offset time zone in which `now` (UTC) falls within the default working hours
    (08:00-18:00) on the same date, and a task due `_later_today()` is still due that day."""
    hour = now.hour
    offset = 0 if 9 <= hour <= 15 else (10 - hour if hour < 9 else 11 - hour)
    # The Etc/GMT zones' signs are POSIX's: Etc/GMT-3 is three hours east of UTC.
    return "Etc/UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


@pytest.fixture
def phone(browser: Any, live_server: Any, app: Any) -> Iterator[Any]:
    """The phone, set to a time zone where it is the working day now: the app asks for its plan
    in the phone's local time, and the server plans within the working hours of that time, so
    every stop fits whatever hour of the day (UTC) the suite runs at."""
    context = new_phone(browser, live_server.url, timezone_id=_daytime_zone(now_utc()))
    yield context
    close_context(context)


@pytest.fixture
def day(org, rep, make_user, make_account, logged_in) -> dict[str, dict[str, Any]]:
    """The rep's day: a task due today at each shop, given by the office through the API;
    {shop name: {"account": id, "task": task}}."""
    office = logged_in(make_user(org, role="admin"))
    due = (now_utc() + _later_today()).isoformat()
    stops = {}
    for name, (lng, lat) in SHOPS.items():
        account = str(make_account(org, lng, lat, owner_id=rep.id, name=name))
        body = {"title": f"Visit {name}", "assignee_id": str(rep.id), "account_id": account}
        response = office.post("/api/v1/tasks", json=body | {"due_at": due})
        assert response.status_code == 201, response.json
        stops[name] = {"account": account, "task": response.json}
    return stops


def _open_plan(page: Any, phone: Any = None) -> None:
    """Open Plan my day from the navigation; offline when given the `phone` context to cut."""
    if phone is not None:
        # Reloaded, the page is the service worker's, whose cache holds the screen's code.
        page.reload()
        controlled = "navigator.serviceWorker.controller !== null"
        wait_for(page, "the service worker to control the page", lambda: page.evaluate(controlled))
    # Near me has a fix (and keeps it) once it lists the shops around: the day starts there.
    expect(page.locator("wp-near li").first).to_be_visible()
    if phone is not None:
        # Near me lists what the server answers; the plan reads the tasks the pull stored.
        wait_for(
            page, "the day's tasks on the device", lambda: len(local_task_ids(page)) >= len(SHOPS)
        )
        phone.set_offline(True)
    page.click("wp-app nav a[href='/plan']")
    expect(page.locator(f"{PLAN} h1")).to_have_text("Plan my day")


def _names(page: Any) -> list[str]:
    return [name.strip() for name in page.locator(f"{PLAN} ol.stops li .name").all_inner_texts()]


def _expect_totals(page: Any, order: list[str]) -> None:
    metres, seconds = _totals(order)
    totals = page.locator(f"{PLAN} .totals")
    expect(totals).to_have_attribute("data-distance", str(metres))
    expect(totals).to_have_attribute("data-duration", str(seconds))


def _expect_order(page: Any, order: list[str]) -> None:
    expect(page.locator(f"{PLAN} ol.stops li .name")).to_have_text(order)
    _expect_totals(page, order)


def test_offline_the_day_is_planned_on_the_device_reordered_skipped_and_kept(phone, day, page):
    """Offline: the best order of the five stops from where the rep stands, with the device's
    note; moving a stop down and skipping one change the totals; the plan survives a reload."""
    _open_plan(page, phone)

    best = _best_order()
    _expect_order(page, best)
    expect(page.locator(f"{PLAN} .source")).to_have_text(LOCAL_NOTE)
    expect(page.locator(f"{PLAN} .from")).to_have_text("From your position")
    expect(page.locator(f"{PLAN} .wp-stop")).to_have_count(len(SHOPS) + 1)  # the start too

    page.locator(f"{PLAN} ol.stops li").first.locator("button.down").click()
    moved = [best[1], best[0], *best[2:]]
    _expect_order(page, moved)
    assert _totals(moved) != _totals(best)

    skipped = moved[2]
    page.get_by_role("button", name=f"Skip {skipped} today").click()
    left = [name for name in moved if name != skipped]
    _expect_order(page, left)
    expect(page.locator(f"{PLAN} ul.skipped li .name")).to_have_text([skipped])

    page.reload()
    page.wait_for_selector("wp-app nav")
    page.click("wp-app nav a[href='/plan']")
    _expect_order(page, left)
    expect(page.locator(f"{PLAN} ul.skipped li .name")).to_have_text([skipped])

    page.get_by_role("button", name=f"Put {skipped} back into the plan").click()
    _expect_order(page, [*left, skipped])


def test_optimise_keeps_a_locked_stop_in_place_and_finds_the_best_order_of_the_others(
    phone, day, page
):
    """The rep puts the best plan's last stop first and locks it there; Optimise orders the
    other four best after it."""
    _open_plan(page, phone)
    best = _best_order()
    _expect_order(page, best)

    # Drag the last stop by its number onto the first place, with the mouse.
    stops = page.locator(f"{PLAN} ol.stops li")
    stops.last.locator(".number").drag_to(stops.first)
    first = best[-1]
    expect(page.locator(f"{PLAN} ol.stops li .name").first).to_have_text(first)
    page.get_by_role("button", name=f"Keep {first} at this place in the order").click()
    expect(page.locator(f"{PLAN} ol.stops li").first).to_have_attribute("data-locked", "true")

    page.click(f"{PLAN} button.optimise")

    others = [name for name in SHOPS if name != first]
    rest = min(itertools.permutations(others), key=lambda order: _totals([first, *order])[1])
    _expect_order(page, [first, *rest])
    expect(page.locator(f"{PLAN} .saved")).to_have_text("Optimised on this device.")


def test_a_finger_drags_a_stop_by_its_number_to_another_place(phone, day, page):
    """On a touch screen the rep presses the third stop's number, slides it onto the first
    stop and lifts: it is first, the others follow in their order, the totals with them."""
    _open_plan(page, phone)
    best = _best_order()
    _expect_order(page, best)
    stops = page.locator(f"{PLAN} ol.stops li")
    # Both on screen: touches land where they are given, nothing scrolls for them.
    stops.first.evaluate("(stop) => stop.scrollIntoView({ block: 'start' })")
    handle = stops.nth(2).locator(".number").bounding_box()
    target = stops.first.bounding_box()
    assert handle is not None and target is not None

    touch = page.context.new_cdp_session(page)
    touch.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    to_y = target["y"] + target["height"] / 2
    touch.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}
    )
    for step in range(1, 6):
        point = {"x": x, "y": y + (to_y - y) * step / 5}
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    _expect_order(page, [best[2], best[0], best[1], *best[3:]])


def test_start_opens_the_navigation_app_for_the_next_stop_and_the_plan_follows_check_ins(
    phone, day, page
):
    """Start's link leads from the rep's position to the first stop, in Google Maps or, once
    chosen, Waze; marking the first stop's task done moves the next stop up and Start with it."""
    _open_plan(page, phone)
    best = _best_order()
    _expect_order(page, best)

    start = page.locator(f"{PLAN} a.start")
    lng, lat = SHOPS[best[0]]
    corner = f"{STREET_CORNER['latitude']},{STREET_CORNER['longitude']}"
    expect(start).to_have_attribute(
        "href",
        "https://www.google.com/maps/dir/?api=1"
        f"&origin={corner}&destination={lat},{lng}&travelmode=driving",
    )
    expect(start).to_have_attribute("target", "_blank")

    page.select_option(f"{PLAN} select[name=app]", "waze")
    expect(start).to_have_attribute("href", f"https://waze.com/ul?ll={lat},{lng}&navigate=yes")

    page.click("wp-app nav a[href='/today']")
    done = day[best[0]]["task"]["id"]
    page.locator(f"wp-today li[data-id='{done}'] button.done").click()
    expect(page.locator(f"wp-today li[data-id='{done}']")).to_have_count(0)
    page.click("wp-app nav a[href='/plan']")

    _expect_order(page, best[1:])
    lng, lat = SHOPS[best[1]]
    expect(page.locator(f"{PLAN} a.start")).to_have_attribute(
        "href", f"https://waze.com/ul?ll={lat},{lng}&navigate=yes"
    )


def test_online_plan_comes_from_the_server_with_its_provider_when_it_answers(day, page):
    """Online, the server plans the day (POST /api/v1/routes/plan, geodesic without a routing
    service): its order, which is the best one, and its provider's note, not the device's."""
    _open_plan(page)

    source = page.locator(f"{PLAN} .source")
    expect(source).to_have_text("Planned by the server: straight-line distances.")
    expect(source).to_have_attribute("data-provider", "geodesic")
    expect(page.locator(f"{PLAN} ol.stops li .name")).to_have_text(_best_order())
