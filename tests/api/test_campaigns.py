"""Campaigns: drafts, the audience (accounts_in_area as the caller sees it), the launch job and
its assignment, the refresh, stats, the CSV export and signed deliveries."""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import uuid
from collections import Counter
from datetime import datetime, timedelta

import pytest
from geographiclib.geodesic import Geodesic
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape
from sqlalchemy import func, select

from server.accounts.models import Account
from server.campaigns.models import CampaignTarget
from server.core.clock import now_utc
from server.core.transaction import unit_of_work
from server.extensions import db
from server.geo.geojson import Point
from server.geo.queries import point_to_store
from server.jobs import tasks as jobs
from server.tasks.models import Task
from server.territories.models import Territory, TerritoryRep
from server.visits.models import Visit
from tests.support.devices import wait_for
from tests.support.jobs import run_jobs
from tests.support.webhook_receiver import WebhookReceiver, signed_by

CAMPAIGNS = "/api/v1/campaigns"
# A square of about 2 x 2 km in Bucharest, and a grid of accounts around it.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[26.09, 44.42], [26.11, 44.42], [26.11, 44.44], [26.09, 44.44], [26.09, 44.42]]
    ],
}
WORLD_BBOX = "-180,-90,180,90"


@pytest.fixture
def team(org, make_user):
    """A manager and three reps with home bases west, centre and east of the square."""
    manager = make_user(org, role="manager")
    homes = [(26.05, 44.43), (26.10, 44.43), (26.15, 44.43)]
    reps = [
        make_user(org, manager_id=manager.id, home_location=point_to_store(Point.at(lng, lat)))
        for lng, lat in homes
    ]
    return manager, reps


@pytest.fixture
def manager_api(team, logged_in):
    return logged_in(team[0])


def _grid(make_account, org, owner_ids, **fields):
    """A 5 x 5 grid of accounts over the square's inner part, owners taken in turn."""
    made = []
    for i in range(5):
        for j in range(5):
            owner = owner_ids[(i * 5 + j) % len(owner_ids)] if owner_ids else None
            made.append(
                make_account(org, 26.092 + i * 0.004, 44.422 + j * 0.004, owner_id=owner, **fields)
            )
    return made


def _campaign(api, **fields):
    body = {"name": "Spring pharmacies", "area": SQUARE} | fields
    response = api.post(CAMPAIGNS, json=body)
    assert response.status_code == 201, response.json
    return response.json


def _all_audience(api, campaign_id):
    ids, cursor = [], None
    while True:
        query = {"limit": 7} | ({"cursor": cursor} if cursor else {})
        page = api.get(f"{CAMPAIGNS}/{campaign_id}/audience", query_string=query).json
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return page["count"], ids


def _launch(app, api, campaign_id, assignment="owner"):
    response = api.post(f"{CAMPAIGNS}/{campaign_id}/launch", json={"assignment": assignment})
    assert response.status_code == 202, response.json
    run_jobs(app)
    return response.json


def _targets(app, campaign_id):
    with app.app_context():
        rows = db.session.execute(
            select(
                CampaignTarget.account_id, CampaignTarget.assignee_id, CampaignTarget.task_id
            ).where(CampaignTarget.campaign_id == campaign_id)
        ).all()
        db.session.rollback()
    return {str(a): (str(u), str(t)) for a, u, t in rows}


def _count(app, model):
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(model))
        db.session.rollback()
    return count


# Drafts and roles.


def test_manager_creates_reads_lists_and_changes_a_draft(manager_api):
    created = _campaign(
        manager_api,
        filters={"kind": "customer", "tags": ["chain"]},
        starts_on="2026-12-01",
        ends_on="2026-12-31",
        talking_points="New catalogue",
        task_template={"title": "Show the catalogue", "due_in_days": 3},
    )

    assert created["status"] == "draft"
    assert created["launch"] is None and created["assignment"] is None
    given = {name: value for name, value in created["filters"].items() if value is not None}
    assert given == {"kind": "customer", "tags": ["chain"]}
    assert created["task_template"] == {
        "title": "Show the catalogue",
        "notes": "",
        "due_in_days": 3,
    }
    assert manager_api.get(f"{CAMPAIGNS}/{created['id']}").json == created
    assert [c["id"] for c in manager_api.get(CAMPAIGNS).json["items"]] == [created["id"]]

    changed = manager_api.patch(
        f"{CAMPAIGNS}/{created['id']}", json={"name": "Renamed", "version": 1}
    )
    stale = manager_api.patch(f"{CAMPAIGNS}/{created['id']}", json={"name": "X", "version": 1})

    assert (changed.status_code, changed.json["name"], changed.json["version"]) == (
        200,
        "Renamed",
        2,
    )
    assert stale.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Nowhere"},
        {"name": "Both", "area": SQUARE, "segment_id": str(uuid.uuid4())},
        {"name": "Dates", "area": SQUARE, "starts_on": "2026-12-02", "ends_on": "2026-12-01"},
        {"name": "Bad", "area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}},
    ],
)
def test_a_campaign_needs_one_valid_area_or_segment(manager_api, body):
    response = manager_api.post(CAMPAIGNS, json=body)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"


def test_reps_may_not_write_and_see_only_campaigns_with_their_targets(
    app, org, team, manager_api, make_account, logged_in
):
    _, (rep_a, rep_b, _rep_c) = team
    account = make_account(org, 26.1, 44.43, owner_id=rep_a.id)
    campaign = _campaign(manager_api)
    rep_a_api, rep_b_api = logged_in(rep_a), logged_in(rep_b)

    assert rep_a_api.post(CAMPAIGNS, json={"name": "Mine", "area": SQUARE}).status_code == 403
    assert rep_a_api.patch(f"{CAMPAIGNS}/{campaign['id']}", json={"name": "Z"}).status_code == 403
    launch = rep_a_api.post(f"{CAMPAIGNS}/{campaign['id']}/launch", json={"assignment": "owner"})
    assert launch.status_code == 403
    assert rep_a_api.get(f"{CAMPAIGNS}/{campaign['id']}/stats").status_code == 403
    assert rep_a_api.get(CAMPAIGNS).json["items"] == []
    assert rep_a_api.get(f"{CAMPAIGNS}/{campaign['id']}").status_code == 404

    _launch(app, manager_api, campaign["id"])

    assert _targets(app, campaign["id"])[str(account)][0] == str(rep_a.id)
    assert [c["id"] for c in rep_a_api.get(CAMPAIGNS).json["items"]] == [campaign["id"]]
    assert rep_a_api.get(f"{CAMPAIGNS}/{campaign['id']}").status_code == 200
    assert rep_b_api.get(f"{CAMPAIGNS}/{campaign['id']}").status_code == 404


def test_another_organisations_campaign_is_not_found(
    org, make_org, make_user, logged_in, manager_api
):
    other_api = logged_in(make_user(make_org(), role="admin"))
    theirs = _campaign(other_api)

    for method, path in (
        ("get", ""),
        ("get", "/audience"),
        ("get", "/stats"),
        ("get", "/targets"),
        ("get", "/refresh"),
        ("get", "/audience.csv"),
    ):
        assert getattr(manager_api, method)(f"{CAMPAIGNS}/{theirs['id']}{path}").status_code == 404
    assert manager_api.patch(f"{CAMPAIGNS}/{theirs['id']}", json={"name": "Z"}).status_code == 404
    assert manager_api.get(CAMPAIGNS).json["items"] == []


# The audience.


def test_the_audience_is_the_area_and_filters_as_shapely_selects_them(
    app, org, team, make_user, manager_api, make_account
):
    _, reps = team
    owners = [rep.id for rep in reps]
    grid = _grid(make_account, org, owners, kind="customer")
    prospects = _grid(make_account, org, owners, kind="prospect")
    outside = make_account(org, 26.2, 44.5, owner_id=reps[0].id, kind="customer")
    elsewhere = make_account(org, 26.1, 44.43, owner_id=make_user(org).id, kind="customer")
    unowned = make_account(org, 26.1, 44.43, kind="customer")
    campaign = _campaign(manager_api, filters={"kind": "customer"})

    count, ids = _all_audience(manager_api, campaign["id"])

    polygon = shape(SQUARE)
    with app.app_context():
        rows = db.session.execute(
            select(
                Account.id,
                func.ST_X(func.geometry(Account.location)),
                func.ST_Y(func.geometry(Account.location)),
            ).where(Account.id.in_([*grid, outside, unowned]))
        ).all()
        db.session.rollback()
    expected = {str(i) for i, x, y in rows if polygon.covers(ShapelyPoint(x, y))}
    assert set(ids) == expected and count == len(expected) == 26
    assert not {str(elsewhere), str(outside)} & set(ids)
    assert not {str(p) for p in prospects} & set(ids)

    preview = manager_api.post(
        f"{CAMPAIGNS}/audience-preview",
        json={"area": SQUARE, "filters": {"kind": "customer"}, "bbox": WORLD_BBOX, "zoom": 3},
    ).json
    assert preview["count"] == 26 and preview["count_capped"] is False
    assert sum(cluster["count"] for cluster in preview["clusters"]) == 26
    names = [item["name"] for item in preview["items"]]
    assert names == sorted(names)


def test_the_audience_preview_takes_a_circle_and_refuses_a_bad_bbox(
    org, team, manager_api, make_account
):
    _, reps = team
    near = make_account(org, 26.1, 44.43, owner_id=reps[0].id)
    make_account(org, 26.2, 44.43, owner_id=reps[0].id)
    circle = {"center": {"type": "Point", "coordinates": [26.1, 44.43]}, "radius_m": 1_000}

    preview = manager_api.post(f"{CAMPAIGNS}/audience-preview", json={"area": circle})
    bad = manager_api.post(f"{CAMPAIGNS}/audience-preview", json={"area": circle, "bbox": "x"})

    assert [item["id"] for item in preview.json["items"]] == [str(near)]
    assert preview.json["clusters"] == []
    assert bad.status_code == 422


# The launch.


def test_launch_makes_one_task_per_target_and_launching_twice_makes_nothing_new(
    app, org, team, manager_api, make_account
):
    _, reps = team
    grid = _grid(make_account, org, [rep.id for rep in reps])
    campaign = _campaign(
        manager_api,
        talking_points="Ask about the spring order",
        task_template={"notes": "Bring samples", "due_in_days": 5},
    )

    answer = _launch(app, manager_api, campaign["id"])
    first = _targets(app, campaign["id"])
    again = manager_api.post(f"{CAMPAIGNS}/{campaign['id']}/launch", json={"assignment": "owner"})
    run_jobs(app)
    with app.app_context():
        made_again = jobs.launch_campaign(campaign["id"], str(team[0].id))

    assert answer["campaign"]["status"] == "launched" and answer["job"]["state"] == "queued"
    assert set(first) == {str(a) for a in grid}
    assert again.status_code == 202 and made_again == 0
    assert _targets(app, campaign["id"]) == first
    assert _count(app, Task) == 25
    after = manager_api.get(f"{CAMPAIGNS}/{campaign['id']}").json
    assert after["launch"] == {"state": "done", "created": 0, "total": 0}
    with app.app_context():
        tasks = db.session.scalars(select(Task)).all()
        db.session.expunge_all()
        db.session.rollback()
    for task in tasks:
        assert str(task.campaign_id) == campaign["id"]
        assert task.title == "Spring pharmacies"
        assert task.notes == "Bring samples\n\nAsk about the spring order"
        assert first[str(task.account_id)] == (str(task.assignee_id), str(task.id))
        assert timedelta(days=4.9) < task.due_at - task.created_at < timedelta(days=5.1)


def test_a_launched_campaign_only_ends(app, org, team, manager_api, make_account):
    make_account(org, 26.1, 44.43, owner_id=team[1][0].id)
    campaign = _campaign(manager_api)
    _launch(app, manager_api, campaign["id"])

    renamed = manager_api.patch(f"{CAMPAIGNS}/{campaign['id']}", json={"name": "Z"})
    done = manager_api.patch(f"{CAMPAIGNS}/{campaign['id']}", json={"status": "done"})
    relaunch = manager_api.post(
        f"{CAMPAIGNS}/{campaign['id']}/launch", json={"assignment": "owner"}
    )

    assert renamed.status_code == 409
    assert done.json["status"] == "done"
    assert relaunch.status_code == 409


def test_owner_assignment_gives_unowned_accounts_to_the_nearest_rep(
    app, org, team, manager_api, make_account
):
    _, (west, centre, _east) = team
    owned = make_account(org, 26.1, 44.43, owner_id=west.id)
    unowned = make_account(org, 26.103, 44.43)
    campaign = _campaign(manager_api)

    _launch(app, manager_api, campaign["id"])

    targets = _targets(app, campaign["id"])
    assert targets[str(owned)][0] == str(west.id)
    # Home bases: west 26.05, centre 26.10, east 26.15.
    assert targets[str(unowned)][0] == str(centre.id)


def _territory(app, org, *reps):
    """A territory over the square (and far around it) with these reps, by id."""
    territory_id = uuid.uuid4()
    now = now_utc()
    with app.app_context(), unit_of_work():
        db.session.add(
            Territory(
                id=territory_id,
                org_id=org.id,
                name="Centre",
                area="SRID=4326;MULTIPOLYGON(((26 44,27 44,27 45,26 45,26 44)))",
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
        db.session.flush()
        db.session.add_all([TerritoryRep(territory_id=territory_id, user_id=u.id) for u in reps])
    return territory_id


def test_owner_assignment_gives_another_teams_accounts_to_the_nearest_rep(
    app, org, team, make_user, manager_api, make_account
):
    """The manager sees an account owned by another team's rep through a territory of their
    team: the launch does not give its task to that owner (a manager assigns within their
    team) but to the nearest rep of the team."""
    _, (west, centre, _east) = team
    territory_id = _territory(app, org, west)
    stranger = make_user(org, manager_id=make_user(org, role="manager").id)
    theirs = make_account(org, 26.1, 44.43, owner_id=stranger.id, territory_id=territory_id)
    ours = make_account(org, 26.101, 44.43, owner_id=west.id, territory_id=territory_id)
    campaign = _campaign(manager_api)

    _launch(app, manager_api, campaign["id"])

    targets = _targets(app, campaign["id"])
    assert targets[str(theirs)][0] == str(centre.id)
    assert targets[str(ours)][0] == str(west.id)
    assert manager_api.get(f"{CAMPAIGNS}/{campaign['id']}").json["launch"]["state"] == "done"


def test_territory_assignment_spreads_over_the_territorys_reps(
    app, org, team, manager_api, make_account
):
    _, (west, centre, east) = team
    territory_id = _territory(app, org, west, east)
    inside = [
        make_account(org, 26.1 + n * 0.001, 44.43, territory_id=territory_id) for n in range(6)
    ]
    without = make_account(org, 26.1, 44.425)
    campaign = _campaign(manager_api)

    _launch(app, manager_api, campaign["id"], "territory")

    targets = _targets(app, campaign["id"])
    loads = Counter(targets[str(a)][0] for a in inside)
    assert loads == {str(west.id): 3, str(east.id): 3}
    assert targets[str(without)][0] == str(centre.id)


def test_nearest_rep_is_balanced_and_otherwise_nearest(app, org, team, manager_api, make_account):
    """30 accounts in a cluster by the centre rep's home: the centre rep gets
    ceil(30 / 3 * 1.1) = 11, and every account went to its nearest rep that was not full."""
    _, reps = team
    accounts = [
        make_account(org, 26.095 + (n % 6) * 0.002, 44.425 + (n // 6) * 0.002) for n in range(30)
    ]
    campaign = _campaign(manager_api)

    _launch(app, manager_api, campaign["id"], "nearest_rep")

    targets = _targets(app, campaign["id"])
    cap = math.ceil(30 / 3 * 1.1)
    loads = Counter(assignee for assignee, _ in targets.values())
    assert max(loads.values()) == cap == 11
    assert loads[str(reps[1].id)] == cap
    homes = {str(rep.id): (rep.home_location, rep) for rep in reps}
    with app.app_context():
        located = dict(
            db.session.execute(
                select(Account.id, func.ST_AsText(func.geometry(Account.location))).where(
                    Account.id.in_(accounts)
                )
            ).all()
        )
        db.session.rollback()
    for account_id, (assignee, _) in targets.items():
        lng, lat = (float(v) for v in located[uuid.UUID(account_id)][6:-1].split())
        distance = {
            rep_id: Geodesic.WGS84.Inverse(lat, lng, *_lat_lng(home))["s12"]
            for rep_id, (home, _rep) in homes.items()
        }
        nearer = [r for r in distance if distance[r] < distance[assignee]]
        assert all(loads[r] == cap for r in nearer), (account_id, assignee, nearer)
    assert set(homes) >= set(loads)


def test_nearest_rep_looks_past_the_first_few_reps_when_they_are_full(
    app, org, make_user, logged_in, make_account
):
    """Twelve reps on a line west to east and 60 accounts clustered by the westmost: each rep
    may take ceil(60 / 12 * 1.1) = 6, so most accounts go past their four nearest reps (the
    first ones offered): the ten westmost reps end with 6 each, the two eastmost with none,
    and each account's nearer reps are full."""
    manager = make_user(org, role="manager")
    homes = [(26.0 + 0.05 * n, 44.43) for n in range(12)]
    reps = [
        make_user(org, manager_id=manager.id, home_location=point_to_store(Point.at(lng, lat)))
        for lng, lat in homes
    ]
    places = {
        make_account(org, 25.99 + (n % 10) * 0.002, 44.42 + (n // 10) * 0.002): (
            44.42 + (n // 10) * 0.002,
            25.99 + (n % 10) * 0.002,
        )
        for n in range(60)
    }
    api = logged_in(manager)
    area = {
        "type": "Polygon",
        "coordinates": [[[25.9, 44.3], [26.7, 44.3], [26.7, 44.5], [25.9, 44.5], [25.9, 44.3]]],
    }
    campaign = _campaign(api, area=area)

    _launch(app, api, campaign["id"], "nearest_rep")

    targets = _targets(app, campaign["id"])
    loads = Counter(assignee for assignee, _ in targets.values())
    home_of = {str(rep.id): (lat, lng) for rep, (lng, lat) in zip(reps, homes, strict=True)}
    assert len(targets) == 60
    assert loads == {str(rep.id): 6 for rep in reps[:10]}
    for account_id, (lat, lng) in places.items():
        assignee = targets[str(account_id)][0]
        distance = {
            rep_id: Geodesic.WGS84.Inverse(lat, lng, *home)["s12"]
            for rep_id, home in home_of.items()
        }
        nearer = [r for r in distance if distance[r] < distance[assignee]]
        assert all(loads[r] == 6 for r in nearer), (account_id, assignee, nearer)


def _lat_lng(ewkt: str) -> tuple[float, float]:
    lng, lat = (float(v) for v in ewkt.split("POINT(")[1].rstrip(")").split())
    return lat, lng


def test_the_audience_is_the_launching_managers_team(
    app, org, team, make_user, manager_api, make_account
):
    _, reps = team
    other_manager = make_user(org, role="manager")
    theirs = make_account(org, 26.1, 44.43, owner_id=make_user(org, manager_id=other_manager.id).id)
    ours = make_account(org, 26.1, 44.43, owner_id=reps[0].id)
    campaign = _campaign(manager_api)

    _launch(app, manager_api, campaign["id"])

    assert set(_targets(app, campaign["id"])) == {str(ours)}
    assert str(theirs) not in _all_audience(manager_api, campaign["id"])[1]


def test_launch_announces_the_campaign_and_each_task_live(realtime, org, team, make_account):
    manager, (rep, other, _) = team
    make_account(org, 26.1, 44.43, owner_id=rep.id)
    manager_api = realtime.login(manager)
    rep_socket = realtime.socket(realtime.login(rep))
    other_socket = realtime.socket(realtime.login(other))
    manager_socket = realtime.socket(manager_api)
    campaign = _campaign(manager_api)

    manager_api.post(f"{CAMPAIGNS}/{campaign['id']}/launch", json={"assignment": "owner"})
    with realtime.app.app_context():
        made = jobs.launch_campaign(campaign["id"], str(manager.id))

    rep_events = [m["name"] for m in rep_socket.get_received()]
    manager_events = [m["name"] for m in manager_socket.get_received()]
    assert made == 1
    assert "task.created" in rep_events and "campaign.launched" not in rep_events
    assert "campaign.launched" in manager_events
    assert "task.created" in manager_events and "campaign.updated" in manager_events
    assert "task.created" not in [m["name"] for m in other_socket.get_received()]


# Refresh, targets and stats.


def test_refresh_shows_the_difference_first_and_adds_on_request(
    app, org, team, manager_api, make_account
):
    _, reps = team
    staying = make_account(org, 26.1, 44.43, owner_id=reps[0].id)
    leaving = make_account(org, 26.1, 44.431, owner_id=reps[0].id)
    campaign = _campaign(manager_api)
    _launch(app, manager_api, campaign["id"])
    entering = make_account(org, 26.1, 44.432, owner_id=reps[1].id)
    manager_api.patch(
        f"/api/v1/accounts/{leaving}",
        json={"location": {"type": "Point", "coordinates": [27.0, 45.0]}},
    )

    diff = manager_api.get(f"{CAMPAIGNS}/{campaign['id']}/refresh").json

    assert [a["id"] for a in diff["added"]] == [str(entering)]
    assert [a["id"] for a in diff["removed"]] == [str(leaving)]
    assert (diff["added_count"], diff["removed_count"]) == (1, 1)
    assert set(_targets(app, campaign["id"])) == {str(staying), str(leaving)}

    refreshed = manager_api.post(f"{CAMPAIGNS}/{campaign['id']}/refresh")
    run_jobs(app)

    assert refreshed.status_code == 202
    targets = _targets(app, campaign["id"])
    assert targets[str(entering)][0] == str(reps[1].id)
    assert manager_api.get(f"{CAMPAIGNS}/{campaign['id']}/refresh").json["added"] == []
    assert _count(app, Task) == 3


def _visit(app, org, user, account, outcome, at):
    with app.app_context(), unit_of_work():
        db.session.add(
            Visit(
                id=uuid.uuid4(),
                org_id=org.id,
                user_id=user.id,
                account_id=account,
                started_at=at,
                verification="unverifiable",
                outcome=outcome,
                notes="",
                created_at=at,
            )
        )


def test_stats_and_targets_follow_the_visits_since_the_launch(
    app, org, team, manager_api, make_account
):
    _, (west, centre, east) = team
    a = make_account(org, 26.1, 44.43, owner_id=west.id)
    b = make_account(org, 26.1, 44.431, owner_id=west.id)
    c = make_account(org, 26.1, 44.432, owner_id=centre.id)
    d = make_account(org, 26.1, 44.433, owner_id=east.id)
    not_a_target = make_account(org, 27.0, 45.0, owner_id=east.id)
    campaign = _campaign(manager_api)
    _launch(app, manager_api, campaign["id"])
    now = now_utc()
    _visit(app, org, west, a, "met", now - timedelta(days=3))  # before the launch
    _visit(app, org, west, a, "order", now + timedelta(minutes=1))
    _visit(app, org, east, a, "met", now + timedelta(days=1))
    _visit(app, org, west, b, "no_answer", now + timedelta(minutes=2))
    _visit(app, org, east, d, "order", now + timedelta(days=1))
    _visit(app, org, east, not_a_target, "order", now + timedelta(days=1))

    stats = manager_api.get(f"{CAMPAIGNS}/{campaign['id']}/stats").json

    launched = datetime.fromisoformat(
        manager_api.get(f"{CAMPAIGNS}/{campaign['id']}").json["launched_at"]
    )
    with app.app_context():
        visits = [
            v
            for v in db.session.scalars(select(Visit)).all()
            if v.account_id in {a, b, c, d} and v.started_at >= launched
        ]
        db.session.expunge_all()
        db.session.rollback()
    visited = {v.account_id for v in visits}
    converted = {v.account_id for v in visits if v.outcome == "order"}
    assert stats["targets"] == 4
    assert (stats["visited"], stats["converted"]) == (len(visited), len(converted)) == (3, 2)
    assert stats["outcomes"] == dict(Counter(v.outcome for v in visits))
    by_rep = {r["user_id"]: (r["targets"], r["visited"], r["converted"]) for r in stats["by_rep"]}
    assert by_rep == {str(west.id): (2, 2, 1), str(centre.id): (1, 0, 0), str(east.id): (1, 1, 1)}
    days = Counter(v.started_at.date().isoformat() for v in visits)
    assert sorted(day["date"] for day in stats["by_day"]) == sorted(days)
    assert sum(day["converted"] for day in stats["by_day"]) == 2

    states = {
        t["account"]["id"]: t["state"]
        for t in manager_api.get(f"{CAMPAIGNS}/{campaign['id']}/targets").json["items"]
    }
    assert states == {
        str(a): "converted",
        str(b): "visited",
        str(c): "to_visit",
        str(d): "converted",
    }


# Leaving the app: CSV and signed deliveries.


def test_audience_csv_is_the_audience_defused_for_spreadsheets(
    org, team, manager_api, make_account
):
    _, reps = team
    make_account(org, 26.1, 44.43, owner_id=reps[0].id, name='=HYPERLINK("http://x")')
    make_account(org, 26.1, 44.431, owner_id=reps[0].id, name="Farmacia Iris")
    make_account(org, 27.0, 45.0, owner_id=reps[0].id, name="Far away")
    campaign = _campaign(manager_api)

    response = manager_api.get(f"{CAMPAIGNS}/{campaign['id']}/audience.csv")

    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert sorted(row["name"] for row in rows) == ['\'=HYPERLINK("http://x")', "Farmacia Iris"]
    assert {row["owner_email"] for row in rows} == {reps[0].email}


def test_audience_delivery_is_signed_and_tried_again_after_a_failure(
    app, org, team, manager_api, make_account
):
    _, reps = team
    inside = make_account(org, 26.1, 44.43, owner_id=reps[0].id)
    make_account(org, 27.0, 45.0, owner_id=reps[0].id)
    campaign = _campaign(manager_api)
    secret = manager_api.get(f"{CAMPAIGNS}/signing-secret").json["secret"]
    receiver = WebhookReceiver(failures=1)
    try:
        queued = manager_api.post(
            f"{CAMPAIGNS}/{campaign['id']}/audience/deliveries", json={"url": receiver.url}
        )

        def answered_twice() -> bool:
            run_jobs(app)
            return receiver.requests >= 2

        wait_for(answered_twice, timeout_s=60, what="the delivery tried again")
    finally:
        receiver.stop()

    assert queued.status_code == 202 and queued.json["state"] == "queued"
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert receiver.requests == 2
    assert [headers["webhook-id"] for headers, _ in receiver.received] == [queued.json["id"]] * 2
    assert all(signed_by(secret, headers, body) for headers, body in receiver.received)
    (_, raw), (_, raw_again) = receiver.received
    assert raw == raw_again
    body = json.loads(raw)
    assert body["campaign"]["id"] == campaign["id"]
    assert [account["id"] for account in body["accounts"]] == [str(inside)]


def test_each_organisation_signs_with_its_own_secret(manager_api, make_org, make_user, logged_in):
    other = logged_in(make_user(make_org(), role="manager"))

    ours = manager_api.get(f"{CAMPAIGNS}/signing-secret").json["secret"]

    assert ours != other.get(f"{CAMPAIGNS}/signing-secret").json["secret"]
    assert ours == manager_api.get(f"{CAMPAIGNS}/signing-secret").json["secret"]


def test_a_delivery_needs_an_http_url(manager_api):
    campaign = _campaign(manager_api)

    for url in ("ftp://example.com/x", "not a url", "http://", "http://example.com:99999/x"):
        response = manager_api.post(
            f"{CAMPAIGNS}/{campaign['id']}/audience/deliveries", json={"url": url}
        )
        assert response.status_code == 422, url
