"""An account's territory follows its location: on create, on a move, on geocoding, and when a
territory is made, edited or deleted, in the request or (for many accounts) in a background job.
Every expectation is checked against shapely on the same coordinates, with the oldest covering
territory winning."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape
from sqlalchemy import select

from server.accounts.models import Account
from server.extensions import db
from server.jobs.tasks import assign_territory
from tests.support.fixtures import SHOP, ApiClient
from tests.support.jobs import jobs_of, run_jobs

TERRITORIES = "/api/v1/territories"
ACCOUNTS = "/api/v1/accounts"
LNG, LAT = SHOP


def box(min_lng: float, min_lat: float, max_lng: float, max_lat: float) -> dict[str, Any]:
    ring = [
        [min_lng, min_lat],
        [max_lng, min_lat],
        [max_lng, max_lat],
        [min_lng, max_lat],
        [min_lng, min_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


WEST = box(LNG - 0.02, LAT - 0.01, LNG, LAT + 0.01)
EAST = box(LNG, LAT - 0.01, LNG + 0.02, LAT + 0.01)
MIDDLE = box(LNG - 0.01, LAT - 0.01, LNG + 0.01, LAT + 0.01)


@pytest.fixture
def manager_api(org, make_user, logged_in):
    return logged_in(make_user(org, role="manager"))


def create(api: Any, name: str, area: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = api.post(TERRITORIES, json={"name": name, "area": area} | fields)
    assert response.status_code == 201, response.json
    return dict(response.json)


def territory_of(app: Any, account_id: Any) -> str | None:
    with app.app_context():
        found = db.session.scalar(select(Account.territory_id).where(Account.id == account_id))
        db.session.rollback()
    return str(found) if found else None


def expected(point: tuple[float, float], territories: list[dict[str, Any]]) -> str | None:
    """The oldest territory (the list is in creation order) whose area covers the point."""
    for territory in territories:
        if shape(territory["area"]).covers(ShapelyPoint(point)):
            return str(territory["id"])
    return None


def test_a_new_territory_takes_the_accounts_it_covers(app, org, make_account, manager_api):
    points = [(LNG - 0.015, LAT), (LNG - 0.001, LAT + 0.009), (LNG + 0.015, LAT), (LNG, LAT + 0.5)]
    accounts = [make_account(org, *point) for point in points]

    west = create(manager_api, "West", WEST)

    assert [territory_of(app, a) for a in accounts] == [expected(p, [west]) for p in points]
    assert [territory_of(app, a) for a in accounts] == [west["id"], west["id"], None, None]


def test_an_account_created_or_moved_follows_its_location(app, rep_api, manager_api):
    west = create(manager_api, "West", WEST)
    east = create(manager_api, "East", EAST)
    made = rep_api.post(
        ACCOUNTS,
        json={
            "kind": "customer",
            "name": "Shop",
            "location": {"type": "Point", "coordinates": [LNG - 0.01, LAT]},
        },
    ).json
    path = f"{ACCOUNTS}/{made['id']}"

    assert made["territory_id"] == west["id"]
    moved = rep_api.patch(
        path, json={"location": {"type": "Point", "coordinates": [LNG + 0.01, LAT]}}
    )
    assert moved.json["territory_id"] == east["id"]
    away = rep_api.patch(path, json={"location": {"type": "Point", "coordinates": [LNG + 1, LAT]}})
    assert away.json["territory_id"] is None
    renamed = rep_api.patch(path, json={"name": "Still away"})
    assert renamed.json["territory_id"] is None
    assert territory_of(app, made["id"]) is None


def test_a_geocoded_address_finds_its_territory(app, fake_geocoder, rep_api, manager_api):
    west = create(manager_api, "West", WEST)
    fake_geocoder.add("Strada Lipscani 1, Bucuresti", LNG - 0.01, LAT)

    made = rep_api.post(
        ACCOUNTS,
        json={"kind": "prospect", "name": "Corner", "address": "Strada Lipscani 1, Bucuresti"},
    ).json
    run_jobs(app)

    assert made["territory_id"] is None
    assert rep_api.get(f"{ACCOUNTS}/{made['id']}").json["territory_id"] == west["id"]


def test_the_oldest_of_overlapping_territories_holds_the_account(
    app, org, make_account, manager_api
):
    shared = make_account(org, LNG - 0.005, LAT)
    east_only = make_account(org, LNG + 0.005, LAT)
    west = create(manager_api, "West", WEST)
    middle = create(manager_api, "Middle", MIDDLE)

    assert territory_of(app, shared) == west["id"] == expected((LNG - 0.005, LAT), [west, middle])
    assert territory_of(app, east_only) == middle["id"]

    manager_api.delete(f"{TERRITORIES}/{west['id']}")

    assert territory_of(app, shared) == middle["id"]


def test_a_point_on_the_boundary_is_covered(app, org, make_account, manager_api):
    # On the western edge (a meridian, so the edge is the same on the sphere and the plane)
    # and on a corner.
    edge = make_account(org, LNG - 0.02, LAT)
    corner = make_account(org, LNG - 0.02, LAT - 0.01)

    west = create(manager_api, "West", WEST)

    assert territory_of(app, edge) == west["id"]
    assert territory_of(app, corner) == west["id"]


def test_editing_an_area_moves_accounts_in_and_out(app, org, make_account, manager_api):
    left = make_account(org, LNG - 0.015, LAT)
    right = make_account(org, LNG + 0.015, LAT)
    west = create(manager_api, "West", WEST)
    east = create(manager_api, "East", EAST)

    # West grows over everything: it is older, so it takes East's account too.
    grown = manager_api.patch(
        f"{TERRITORIES}/{west['id']}",
        json={"area": box(LNG - 0.02, LAT - 0.01, LNG + 0.02, LAT + 0.01)},
    )
    assert grown.status_code == 200
    assert grown.json["account_count"] == 2
    assert grown.json["assignment"]["state"] == "done"
    assert (territory_of(app, left), territory_of(app, right)) == (west["id"], west["id"])

    # Then shrinks away: its accounts go to East where East covers them, else to none.
    manager_api.patch(
        f"{TERRITORIES}/{west['id']}", json={"area": box(LNG + 1, LAT, LNG + 1.01, LAT + 0.01)}
    )
    assert (territory_of(app, left), territory_of(app, right)) == (None, east["id"])


def test_a_big_change_is_a_background_job_with_progress(
    app, app_with, org, make_account, logged_in, make_user
):
    few = app_with(territory_assign_in_request_max=2)
    manager = make_user(org, role="manager")
    api = logged_in(manager)
    points = [(LNG - 0.015 + 0.001 * n, LAT) for n in range(5)]
    accounts = [make_account(org, *point) for point in points]
    west = create(api, "West", box(LNG + 1, LAT, LNG + 1.01, LAT + 0.01))
    jobbed = ApiClient(few.test_client())
    assert jobbed.login(manager.email).status_code == 200

    changed = jobbed.patch(f"{TERRITORIES}/{west['id']}", json={"area": WEST})

    assert changed.status_code == 200
    assert changed.json["assignment"] == {"state": "queued", "done": 0, "total": 0}
    assert changed.json["account_count"] == 0
    assert [job["status"] for job in jobs_of(few, "assign-territory")] == ["todo"]
    run_jobs(few)
    after = jobbed.get(f"{TERRITORIES}/{west['id']}").json
    assert after["assignment"] == {"state": "done", "done": 5, "total": 5}
    assert after["account_count"] == 5
    assert {territory_of(app, a) for a in accounts} == {west["id"]}


def test_changes_made_while_a_job_waits_converge(app, app_with, org, make_account, make_user):
    """Each big change queues a job; a job finding its work done by a later change (in the
    request, or by the job before it) does nothing more, and the last area decides."""
    few = app_with(territory_assign_in_request_max=0)
    manager = make_user(org, role="manager")
    api = ApiClient(few.test_client())
    assert api.login(manager.email).status_code == 200
    left = make_account(org, LNG - 0.015, LAT)
    right = make_account(org, LNG + 0.015, LAT)
    made = create(api, "Away", box(LNG + 1, LAT, LNG + 1.01, LAT + 0.01))
    path = f"{TERRITORIES}/{made['id']}"

    states = [
        api.patch(path, json={"area": area}).json["assignment"]["state"] for area in (WEST, EAST)
    ]
    run_jobs(few)

    assert states == ["queued", "queued"]
    assert [job["status"] for job in jobs_of(few, "assign-territory")] == ["succeeded"] * 2
    assert (territory_of(app, left), territory_of(app, right)) == (None, made["id"])
    assert api.get(path).json["assignment"] == {"state": "done", "done": 1, "total": 1}


def test_random_points_agree_with_shapely(app, org, make_account, manager_api):
    generator = random.Random(11)
    points = [
        (LNG - 0.03 + 0.06 * generator.random(), LAT - 0.02 + 0.04 * generator.random())
        for _ in range(60)
    ]
    accounts = [make_account(org, *point) for point in points]
    territories = [
        create(manager_api, "West", WEST),
        create(manager_api, "Middle", MIDDLE),
        create(
            manager_api,
            "Holed",
            {
                "type": "Polygon",
                "coordinates": [
                    box(LNG - 0.03, LAT - 0.02, LNG + 0.03, LAT + 0.02)["coordinates"][0],
                    box(LNG - 0.005, LAT - 0.005, LNG + 0.005, LAT + 0.005)["coordinates"][0][::-1],
                ],
            },
        ),
    ]

    assert [territory_of(app, a) for a in accounts] == [expected(p, territories) for p in points]


def test_unknown_job_territory_is_a_no_op(app):
    with app.app_context():
        assert assign_territory(str(uuid.uuid4())) == 0
