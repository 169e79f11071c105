"""What one run of seed-demo leaves: the demo organisation a new user explores.

Seeding takes seconds, so the tests here share one: the module's fixture empties the tables and
runs seed-demo once, and every test only reads. The only rows they add are logins' sessions and
login-throttle counts, which no test here reads. pytest tears a module's fixtures down when the
next test belongs to another module, so when a test of another module runs on the same worker in
between (xdist), the next test here empties and seeds again. Tests that seed at a given time, seed
twice, create organisations or write anything belong in test_seed_demo.py, on the `app` fixture
that empties the tables before each test; `app` fails here."""

from __future__ import annotations

import math
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

import numpy as np
import pytest
import shapely
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from server.accounts.models import Account
from server.contacts.models import Contact
from server.core.clock import now_utc
from server.demo.city import STREETS
from server.demo.seed import DEMO_ORG_ID, DEMO_PASSWORD
from server.demo.workday import DEMO_TIMEZONE
from server.extensions import db
from server.geo.distance import geodesic_m
from server.geo.queries import latitude, longitude
from server.orgs.models import Organisation
from server.tasks.models import Task
from server.territories.models import TerritoryRep
from server.users.models import User
from server.visits.models import Visit
from server.visits.operations import verification_for
from tests.cli.demo_reads import count_rows, demo_tasks, local_time, rep_ids, seed_demo
from tests.support.fake_nominatim import FakeNominatim
from tests.support.fixtures import ApiClient, emptied_app

# Local flat projection around the city centre: good to a fraction of a percent across Bucharest.
METRES_PER_DEGREE_LAT = 111_320.0
METRES_PER_DEGREE_LNG = METRES_PER_DEGREE_LAT * math.cos(math.radians(44.43))
CITY_BOX = (25.95, 44.35, 26.25, 44.52)


@dataclass(frozen=True)
class Seeding:
    """The app right after one run of seed-demo: the command's result, and when it finished
    (the moment the tests measure "lately", "today" and "60 days ago" from)."""

    app: Flask
    result: Result
    at: datetime

    @property
    def output(self) -> str:
        return self.result.output

    @property
    def day(self) -> date:
        return self.at.astimezone(DEMO_TIMEZONE).date()


@pytest.fixture(scope="module")
def seeding(migrated_app: Flask, table_names: list[str], fake_geocoder: FakeNominatim) -> Seeding:
    """Empty tables, then seed-demo once for every test of the module."""
    app = emptied_app(migrated_app, table_names, fake_geocoder)
    result = seed_demo(app)
    return Seeding(app, result, now_utc())


@pytest.fixture
def app() -> Flask:
    """Emptying the tables here would take the shared seeding from the tests after."""
    pytest.fail(
        "tests here read the module's seeding and write nothing; "
        "one that needs empty tables belongs in test_seed_demo.py"
    )


@pytest.fixture
def client(seeding: Seeding) -> ApiClient:
    """An anonymous API client of the seeded app."""
    return ApiClient(seeding.app.test_client())


def _accounts(app):
    columns = (
        longitude(Account.location).label("lng"),
        latitude(Account.location).label("lat"),
        Account.owner_id,
        Account.address,
        Account.kind,
        Account.status,
        Account.last_visit_at,
    )
    with app.app_context():
        return db.session.execute(select(*columns)).all()


def _metres(coordinates):
    return [(lng * METRES_PER_DEGREE_LNG, lat * METRES_PER_DEGREE_LAT) for lng, lat in coordinates]


def _distances_to_streets(rows):
    """A matrix: metres from each account (row) to each street polyline (column)."""
    points = shapely.points(np.array(_metres((row.lng, row.lat) for row in rows)))
    lines = np.array([shapely.LineString(_metres(street.course)) for street in STREETS])
    return shapely.distance(points[:, None], lines[None, :])


def test_seed_demo_creates_five_users_and_2000_accounts_when_run_once(seeding):
    """One run makes an admin, a manager, three reps and 2,000 accounts."""
    result = seeding.result

    assert result.exit_code == 0, result.output
    with seeding.app.app_context():
        roles = sorted(db.session.scalars(select(User.role)))
    assert roles == ["admin", "manager", "rep", "rep", "rep"]
    assert count_rows(seeding.app, Account) == 2000


def test_seed_demo_prints_every_login_and_the_password_when_it_creates(seeding):
    """The output names each demo user's role and email, and the shared password."""
    result = seeding.result

    assert "created" in result.output
    assert DEMO_PASSWORD in result.output
    for role, local in [("admin", "admin"), ("manager", "manager"), ("rep", "rep1")]:
        assert re.search(rf"^\s*{role}\s+{local}@waypoint-demo\.example\.com$", result.output, re.M)
    assert "rep3@waypoint-demo.example.com" in result.output


def test_printed_admin_login_works_when_used_through_the_api(seeding, client):
    """The admin email that seed-demo printed logs in with the demo password."""
    output = seeding.output
    email = re.search(r"^\s*admin\s+(\S+@\S+)$", output, re.M).group(1)

    response = client.login(email, DEMO_PASSWORD)

    assert response.status_code == 200, response.json
    assert response.json["user"]["role"] == "admin"


def test_seeded_reps_report_to_the_manager_when_seeded(seeding):
    """Every rep's manager is the demo manager."""

    with seeding.app.app_context():
        manager_id = db.session.scalar(select(User.id).where(User.role == "manager"))
        rep_managers = set(db.session.scalars(select(User.manager_id).where(User.role == "rep")))

    assert rep_managers == {manager_id}


def test_seeded_reps_have_home_bases_in_the_city_and_the_others_none(seeding):
    """Each rep starts the day somewhere in Bucharest (nearest_rep campaigns measure from it)."""

    with seeding.app.app_context():
        rows = db.session.execute(
            select(User.role, longitude(User.home_location), latitude(User.home_location))
        ).all()

    min_lng, min_lat, max_lng, max_lat = CITY_BOX
    homes = [(lng, lat) for role, lng, lat in rows if role == "rep"]
    assert len(set(homes)) == 3
    assert all(min_lng < lng < max_lng and min_lat < lat < max_lat for lng, lat in homes)
    assert all(lng is None for role, lng, _ in rows if role != "rep")


def test_seeded_accounts_stay_inside_the_city_when_seeded(seeding):
    """Every account lies within Bucharest's bounding box."""

    rows = _accounts(seeding.app)

    min_lng, min_lat, max_lng, max_lat = CITY_BOX
    assert all(min_lng < row.lng < max_lng and min_lat < row.lat < max_lat for row in rows)


def test_seeded_accounts_line_the_streets_when_seeded(seeding):
    """Nearly all accounts stand within 60 m of a street, not scattered over a square."""
    rows = _accounts(seeding.app)

    nearest_m = _distances_to_streets(rows).min(axis=1)

    assert (nearest_m < 60).mean() > 0.95


def test_seeded_accounts_spread_over_many_streets_when_seeded(seeding):
    """Accounts stand along at least 30 different streets."""
    rows = _accounts(seeding.app)

    nearest_street = _distances_to_streets(rows).argmin(axis=1)

    assert len(set(nearest_street.tolist())) >= 30


def test_seeded_address_names_the_street_the_account_stands_on_when_seeded(seeding):
    """An account's address starts with the name of the street nearest to it."""
    rows = _accounts(seeding.app)

    nearest_street = _distances_to_streets(rows).argmin(axis=1)
    matching = [
        row.address.startswith(f"{STREETS[index].name} nr. ")
        for row, index in zip(rows, nearest_street.tolist(), strict=True)
    ]

    # Where two streets cross, the nearest line may be the other one: most, not all.
    assert sum(matching) / len(matching) > 0.9
    assert all(row.address.endswith("Bucharest") and ", Sector " in row.address for row in rows)


def test_each_rep_owns_a_fair_share_of_the_accounts_when_seeded(seeding):
    """The three reps own all the accounts, each at least a fifth of them."""
    with seeding.app.app_context():
        reps = set(db.session.scalars(select(User.id).where(User.role == "rep")))

    owners = [row.owner_id for row in _accounts(seeding.app)]

    assert set(owners) == reps
    assert all(owners.count(rep) >= len(owners) / 5 for rep in reps)


def test_each_rep_covers_a_separate_part_of_the_city_when_seeded(seeding):
    """Reps' accounts form west-to-east bands that do not overlap, like territories."""
    rows = _accounts(seeding.app)

    spans = {}
    for row in rows:
        low, high = spans.get(row.owner_id, (row.lng, row.lng))
        spans[row.owner_id] = (min(low, row.lng), max(high, row.lng))
    ordered = sorted(spans.values())

    assert all(west[1] <= east[0] for west, east in pairwise(ordered))


def test_seeded_statuses_suit_the_kind_when_seeded(seeding):
    """About 60% are customers; customers and prospects carry only their own statuses."""
    rows = _accounts(seeding.app)

    statuses = {
        kind: {row.status for row in rows if row.kind == kind} for kind in ("customer", "prospect")
    }
    customers = sum(row.kind == "customer" for row in rows)

    assert statuses["customer"] == {"active", "at_risk", "inactive"}
    assert statuses["prospect"] == {"new", "contacted", "qualified", "lost"}
    assert 0.5 < customers / len(rows) < 0.7


def test_about_half_the_seeded_accounts_were_visited_lately_when_seeded(seeding):
    """Roughly half the accounts have a last visit, all within the last 120 days."""
    rows = _accounts(seeding.app)

    visits = [row.last_visit_at for row in rows if row.last_visit_at is not None]

    assert 0.35 < len(visits) / len(rows) < 0.65
    assert all(seeding.at - timedelta(days=120) < visit < seeding.at for visit in visits)


def test_every_seeded_account_has_one_to_three_contacts_one_primary_when_seeded(seeding, client):
    """People at every account, the first its primary contact, reachable and as the API
    shows them to the account's owner."""
    with seeding.app.app_context():
        rows = db.session.execute(
            select(Contact.account_id, Contact.is_primary, Contact.phones, Contact.emails)
        ).all()
        account_ids = set(db.session.scalars(select(Account.id)))
    per_account = Counter(row.account_id for row in rows)
    primaries = Counter(row.account_id for row in rows if row.is_primary)

    assert set(per_account) == account_ids
    assert set(per_account.values()) == {1, 2, 3}
    assert set(primaries) == account_ids and set(primaries.values()) == {1}
    assert all(row.phones for row in rows)
    assert all(email.endswith(".example.com") for row in rows for email in row.emails)
    assert 0.5 < sum(bool(row.emails) for row in rows) / len(rows) < 0.9
    some = next(row.account_id for row in rows if per_account[row.account_id] == 3)
    with seeding.app.app_context():
        owner = db.session.scalar(
            select(User.email).join(Account, Account.owner_id == User.id).where(Account.id == some)
        )
    assert client.login(owner, DEMO_PASSWORD).status_code == 200
    listed = client.get(f"/api/v1/accounts/{some}/contacts").json["items"]
    assert len(listed) == 3 and listed[0]["is_primary"] is True


def test_every_accounts_last_visit_is_its_latest_visit_when_seeded(seeding):
    """An account with a last visit has its visit history up to exactly that time; one without
    has no visit at all (no "Last visit 2 months ago" above "No visits yet")."""

    latest = (
        select(Visit.account_id, func.max(Visit.started_at).label("latest"))
        .group_by(Visit.account_id)
        .subquery()
    )
    with seeding.app.app_context():
        rows = db.session.execute(
            select(Account.last_visit_at, latest.c.latest)
            .outerjoin(latest, latest.c.account_id == Account.id)
            .where(Account.org_id == DEMO_ORG_ID)
        ).all()

    assert len(rows) == 2000
    assert all(last_visit_at == latest for last_visit_at, latest in rows)
    assert sum(last_visit_at is not None for last_visit_at, _ in rows) > 700


def test_every_rep_has_tasks_due_today_overdue_and_done_when_seeded(seeding):
    """Each rep finds work due today (by the demo's clock) and older work still open, and
    has finished some; the manager assigned most of it."""
    tasks, today = demo_tasks(seeding.app), seeding.day
    manager_id = uuid.uuid5(DEMO_ORG_ID, "manager")

    for rep_id in rep_ids(seeding.app):
        own = [task for task in tasks if task.assignee_id == rep_id]
        due_today = [t for t in own if t.due_at.astimezone(DEMO_TIMEZONE).date() == today]
        overdue = [t for t in own if t.status == "open" and t.due_at < local_time(today, 0)]
        assert due_today, rep_id
        assert overdue, rep_id
        assert any(task.status == "done" for task in own), rep_id
        assert sum(task.created_by == manager_id for task in own) > len(own) / 2


def test_manager_and_admin_have_their_own_tasks_today_when_seeded(seeding):
    """The manager's and the admin's Today are not empty either."""
    tasks, today = demo_tasks(seeding.app), seeding.day

    for local in ("manager", "admin"):
        user_id = uuid.uuid5(DEMO_ORG_ID, local)
        assert any(
            t.assignee_id == user_id and t.due_at.astimezone(DEMO_TIMEZONE).date() == today
            for t in tasks
        ), local


def test_visits_stand_near_their_accounts_verified_as_the_server_would_when_seeded(seeding):
    """Each located visit's distance is the geodesic distance to its account and its
    verification the server's rule for that fix; most are verified, some are not."""
    with seeding.app.app_context():
        radius = db.session.get(Organisation, DEMO_ORG_ID).verification_radius_m
        rows = db.session.execute(
            select(
                longitude(Visit.location).label("lng"),
                latitude(Visit.location).label("lat"),
                longitude(Account.location).label("account_lng"),
                latitude(Account.location).label("account_lat"),
                Visit.accuracy_m,
                Visit.distance_m,
                Visit.verification,
                Visit.location_dropped_at,
            ).join(Account, Account.id == Visit.account_id)
        ).all()

    located = [row for row in rows if row.lng is not None]
    for row in located:
        distance = geodesic_m(row.lng, row.lat, row.account_lng, row.account_lat)
        assert row.distance_m == pytest.approx(distance, abs=0.01)
        assert row.verification == verification_for(distance, row.accuracy_m, radius)
    assert all(row.distance_m < 2000 for row in located)
    verdicts = [row.verification for row in rows]
    assert verdicts.count("verified") / len(verdicts) > 0.6
    assert {"out_of_range", "unverifiable"} <= set(verdicts)


def test_visits_past_the_retention_keep_no_coordinates_when_seeded(seeding):
    """Visits older than the organisation's 60 days have lost their position, as the daily
    job leaves them, and keep their distance and verification."""
    cutoff = seeding.at - timedelta(days=60)
    with seeding.app.app_context():
        old = db.session.execute(
            select(Visit.location, Visit.location_dropped_at, Visit.verification).where(
                Visit.started_at < cutoff
            )
        ).all()

    assert old
    assert all(row.location is None for row in old)
    assert all(
        row.location_dropped_at is not None for row in old if row.verification != "unverifiable"
    )


# The manager's desk: territories, a saved segment, campaigns.


def _manager_api(client):
    response = client.login("manager@waypoint-demo.example.com", DEMO_PASSWORD)
    assert response.status_code == 200, response.json
    return client


def test_each_rep_has_a_territory_holding_every_account_they_own_when_seeded(seeding, client):
    """Three territories, one rep each, and every account assigned to the territory of its
    owner: no gaps among the demo accounts."""
    with seeding.app.app_context():
        reps_of = dict(
            db.session.execute(select(TerritoryRep.territory_id, TerritoryRep.user_id)).all()
        )
        rows = db.session.execute(select(Account.owner_id, Account.territory_id)).all()

    territories = _manager_api(client).get("/api/v1/territories").json["items"]

    assert len(territories) == 3
    assert sorted(len(t["rep_ids"]) for t in territories) == [1, 1, 1]
    assert {uuid.UUID(t["rep_ids"][0]) for t in territories} == rep_ids(seeding.app)
    assert all(t["account_count"] > 400 for t in territories)
    assert all(territory_id is not None for _, territory_id in rows)
    assert all(reps_of[territory_id] == owner_id for owner_id, territory_id in rows)


def test_manager_finds_the_saved_segment_with_members_when_seeded(seeding, client):
    """The saved segment of prospects not visited in 60 days is there and has members."""
    api = _manager_api(client)

    segments = api.get("/api/v1/segments").json["items"]
    members = api.get(f"/api/v1/segments/{segments[0]['id']}/members").json["items"]

    assert [s["name"] for s in segments] == ["Prospects not visited in 60 days"]
    filters = {name: value for name, value in segments[0]["filters"].items() if value is not None}
    assert filters == {"kind": "prospect", "not_visited_days": 60}
    assert members and all(member["kind"] == "prospect" for member in members)


def test_launched_campaign_has_targets_tasks_and_visits_when_seeded(seeding, client):
    """One campaign is launched (by owner, its launch done) with a task per target for the
    reps, some targets visited since the launch; another is a draft."""
    api = _manager_api(client)
    campaigns = {c["status"]: c for c in api.get("/api/v1/campaigns").json["items"]}
    launched = campaigns["launched"]

    stats = api.get(f"/api/v1/campaigns/{launched['id']}/stats").json
    with seeding.app.app_context():
        tasks = db.session.execute(
            select(Task.assignee_id, Task.status, Task.notes).where(
                Task.campaign_id == launched["id"]
            )
        ).all()

    assert sorted(campaigns) == ["draft", "launched"]
    assert launched["assignment"] == "owner"
    assert launched["launch"]["state"] == "done"
    assert launched["launch"]["created"] == launched["launch"]["total"] == stats["targets"] > 0
    assert datetime.fromisoformat(launched["launched_at"]) < seeding.at - timedelta(days=1)
    assert len(tasks) == stats["targets"]
    assert {task.assignee_id for task in tasks} <= rep_ids(seeding.app)
    assert all(launched["talking_points"] in task.notes for task in tasks)
    assert any(task.status == "open" for task in tasks)
    assert 0 < stats["visited"] < stats["targets"]
    assert stats["visited"] >= sum(task.status == "done" for task in tasks) > 0
    assert campaigns["draft"]["segment_id"] is not None


def test_a_demo_rep_has_a_week_to_plan_when_seeded(seeding, client):
    """Customers carry visit frequencies, so a rep's first "plan my week" fills the days."""
    output = seeding.output
    email = re.findall(r"^\s*rep\s+(\S+@\S+)$", output, re.M)[0]
    client.login(email, DEMO_PASSWORD)
    today = now_utc().astimezone(DEMO_TIMEZONE).date()
    days = [(today + timedelta(days=i)).isoformat() for i in range(5)]
    start = {"type": "Point", "coordinates": [26.10, 44.43]}

    plan = client.post(
        "/api/v1/routes/plan-week",
        json={"start": start, "days": days, "timezone": str(DEMO_TIMEZONE)},
    )

    assert plan.status_code == 200, plan.json
    assert sum(1 for day in plan.json["days"] if day["order"]) >= 3
    assert count_rows(seeding.app, Account) > 0
    with seeding.app.app_context():
        frequencies = set(db.session.scalars(select(Account.visit_every_days).distinct()))
    assert frequencies == {None, 7, 14}
