"""Plan my week: due accounts spread over the days around the appointments, each day within its
working hours; the plan as tasks, idempotently; visit frequencies set per account and per
segment."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from server.core.transaction import unit_of_work
from server.extensions import db
from server.tasks.models import Task

PLAN = "/api/v1/routes/plan-week"
SEGMENTS = "/api/v1/segments"
HOME = (26.1025, 44.4268)
START = {"type": "Point", "coordinates": list(HOME)}
# A Monday to Friday far from today, so nothing depends on the clock.
WEEK = [date(2031, 3, 3) + timedelta(days=i) for i in range(5)]
DAYS = [day.isoformat() for day in WEEK]
VISIT = timedelta(minutes=20)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _near(i: int) -> tuple[float, float]:
    """Points a few kilometres around HOME, spread on a small grid."""
    return HOME[0] + 0.01 * (i % 6 - 3), HOME[1] + 0.008 * (i // 6 - 2)


@pytest.fixture
def manager(org, make_user):
    return make_user(org, role="manager")


@pytest.fixture
def team_rep(org, make_user, manager):
    return make_user(org, manager_id=manager.id)


def _due(make_account, org, owner, i: int, due_on: date | None, every: int = 7, **fields: Any):
    """An account of `owner` whose next visit falls on `due_on` (None: never visited)."""
    last = None if due_on is None else _at(due_on - timedelta(days=every), 12)
    return make_account(
        org, *_near(i), owner_id=owner.id, visit_every_days=every, last_visit_at=last, **fields
    )


def _plan(api, **body: Any) -> dict[str, Any]:
    response = api.post(PLAN, json={"start": START, "days": DAYS, **body})
    assert response.status_code == 200, response.json
    return response.json


def _placed(plan: dict[str, Any]) -> dict[str, tuple[date, datetime]]:
    """Each planned account's day and start, checking none comes twice."""
    seen = Counter(account for day in plan["days"] for account in day["order"])
    assert all(count == 1 for count in seen.values()), seen
    return {
        account: (date.fromisoformat(day["date"]), datetime.fromisoformat(day["arrivals"][account]))
        for day in plan["days"]
        for account in day["order"]
    }


def test_week_visits_each_due_account_once_on_or_after_its_due_day(org, rep, rep_api, make_account):
    due = {_due(make_account, org, rep, i, WEEK[i % 5]): WEEK[i % 5] for i in range(12)}
    overdue = {_due(make_account, org, rep, 12 + i, WEEK[0] - timedelta(days=3)) for i in range(3)}
    never = _due(make_account, org, rep, 15, None)
    later = _due(make_account, org, rep, 16, WEEK[-1] + timedelta(days=1))
    no_frequency = make_account(org, *_near(17), owner_id=rep.id)
    no_place = make_account(org, owner_id=rep.id, visit_every_days=7)

    plan = _plan(rep_api)

    placed = _placed(plan)
    expected = {str(a) for a in [*due, *overdue, never]}
    assert set(placed) == expected
    assert plan["unplanned"] == [] and plan["tasks_created"] == 0
    for account, due_on in due.items():
        assert placed[str(account)][0] >= due_on
    for absent in (later, no_frequency, no_place):
        assert str(absent) not in placed
    assert [day["date"] for day in plan["days"]] == DAYS


def test_each_day_keeps_its_working_hours_and_the_rest_is_unplanned(
    org, rep, rep_api, make_account
):
    accounts = {str(_due(make_account, org, rep, i, WEEK[0])) for i in range(30)}

    plan = _plan(rep_api, days=DAYS[:2], working_hours={"start": "09:00", "end": "11:30"})

    placed = _placed(plan)
    for day, start in placed.values():
        assert start >= _at(day, 9) and start + VISIT <= _at(day, 11, 30)
    unplanned = {item["id"] for item in plan["unplanned"]}
    assert {item["reason"] for item in plan["unplanned"]} == {"no_time"}
    assert unplanned | set(placed) == accounts and not unplanned & set(placed)
    assert len(placed) >= 8
    for day in plan["days"]:
        legs = day["legs"]
        assert [leg["from"] for leg in legs] == ["start", *day["order"][:-1]]
        assert [leg["to"] for leg in legs] == day["order"]
        assert day["total_duration_s"] == sum(leg["duration_s"] for leg in legs)
        assert day["total_distance_m"] == sum(leg["distance_m"] for leg in legs)


def test_appointments_stay_on_their_day_at_their_time(org, rep, rep_api, make_account):
    booked = _due(make_account, org, rep, 0, WEEK[0])
    others = [_due(make_account, org, rep, i, WEEK[0]) for i in range(1, 10)]
    at = _at(WEEK[2], 10, 30)
    task = rep_api.post(
        "/api/v1/tasks",
        json={"title": "Meeting", "account_id": str(booked), "due_at": at.isoformat()},
    ).json

    plan = _plan(rep_api, end=START)

    placed = _placed(plan)
    assert placed[str(booked)] == (WEEK[2], at)
    assert set(placed) == {str(booked), *map(str, others)}
    wednesday = plan["days"][2]
    assert wednesday["legs"][-1]["to"] == "end"
    assert rep_api.get(f"/api/v1/tasks/{task['id']}").json["version"] == 1


def test_the_answer_names_and_places_every_account_it_refers_to(org, rep, rep_api, make_account):
    """Planned, unplanned and booked accounts each come once in `stops` with their name and
    location, an appointment with its task; nothing else does."""
    due = [_due(make_account, org, rep, i, WEEK[0], name=f"Due {i}") for i in range(12)]
    booked = _due(make_account, org, rep, 12, WEEK[0], name="Booked")
    at = _at(WEEK[0], 10)
    task = rep_api.post(
        "/api/v1/tasks",
        json={"title": "Meeting", "account_id": str(booked), "due_at": at.isoformat()},
    ).json

    plan = _plan(rep_api, days=DAYS[:1], working_hours={"start": "09:00", "end": "11:30"})

    stops = {stop["id"]: stop for stop in plan["stops"]}
    assert len(stops) == len(plan["stops"]) == 13
    referred = {account for day in plan["days"] for account in day["order"]}
    unplanned = {item["id"] for item in plan["unplanned"]}
    assert unplanned and referred | unplanned == set(stops)
    for i, account in enumerate(due):
        assert stops[str(account)]["name"] == f"Due {i}"
        assert stops[str(account)]["location"] == {"type": "Point", "coordinates": list(_near(i))}
        assert stops[str(account)]["task_id"] is None
    assert stops[str(booked)]["name"] == "Booked"
    assert stops[str(booked)]["location"]["coordinates"] == list(_near(12))
    assert stops[str(booked)]["task_id"] == task["id"]


def _lat_lng(point: tuple[float, float]) -> str:
    return f"{point[1]:.6f},{point[0]:.6f}"


def test_each_leg_carries_navigation_links_and_each_day_its_google_route(
    org, rep, rep_api, make_account
):
    points = {str(_due(make_account, org, rep, i, WEEK[0])): _near(i) for i in range(14)}
    points["start"] = points["end"] = HOME
    # Fourteen visits in one long day: its route needs two Google Maps URLs.
    long_day = {"start": "07:00", "end": "20:00"}
    plan = _plan(rep_api, days=DAYS[:1], end=START, working_hours=long_day)

    assert [len(day["order"]) for day in plan["days"]] == [14]
    for day in plan["days"]:
        for leg in day["legs"]:
            here, there = _lat_lng(points[leg["from"]]), _lat_lng(points[leg["to"]])
            links = leg["links"]
            assert links["geo"] == f"geo:{there}?q={there}"
            assert parse_qs(urlsplit(links["apple"]).query) == {
                "saddr": [here],
                "daddr": [there],
                "dirflg": ["d"],
            }
            assert parse_qs(urlsplit(links["waze"]).query) == {"ll": [there], "navigate": ["yes"]}
            google = parse_qs(urlsplit(links["google"]).query)
            assert (google["origin"], google["destination"]) == ([here], [there])
        # The day's route: start, the visits in order, the end, at most 9 waypoints a URL,
        # each URL starting where the one before ends.
        route = [_lat_lng(points[name]) for name in ["start", *day["order"], "end"]]
        through: list[str] = []
        for url in day["navigation_urls"]:
            query = parse_qs(urlsplit(url).query)
            waypoints = query["waypoints"][0].split("|") if "waypoints" in query else []
            assert len(waypoints) <= 9
            if through:
                assert query["origin"] == [through[-1]]
                through.pop()
            through += [query["origin"][0], *waypoints, query["destination"][0]]
        assert through == route
        assert len(day["navigation_urls"]) == 2


def test_a_day_without_visits_has_no_route_to_hand_over(org, rep, rep_api, make_account):
    _due(make_account, org, rep, 0, WEEK[4])

    plan = _plan(rep_api)

    assert [len(day["order"]) for day in plan["days"]] == [0, 0, 0, 0, 1]
    assert [day["navigation_urls"] for day in plan["days"][:4]] == [[]] * 4
    assert len(plan["days"][4]["navigation_urls"]) == 1


def test_accounts_the_rep_may_not_see_are_never_planned(
    org, rep, rep_api, make_account, make_user, make_org
):
    own = _due(make_account, org, rep, 0, WEEK[0])
    colleague = make_user(org)
    _due(make_account, org, colleague, 1, WEEK[0])
    elsewhere = make_org()
    _due(make_account, elsewhere, make_user(elsewhere), 2, WEEK[0])

    plan = _plan(rep_api)

    assert set(_placed(plan)) == {str(own)}


def _open_tasks(app, rep) -> list[Task]:
    with app.app_context(), unit_of_work():
        tasks = db.session.scalars(
            db.select(Task).where(Task.assignee_id == rep.id, Task.status == "open")
        ).all()
        db.session.expunge_all()
    return list(tasks)


def test_create_tasks_twice_makes_one_task_per_visit(app, org, rep, rep_api, make_account):
    accounts = {str(_due(make_account, org, rep, i, WEEK[i % 3])) for i in range(8)}

    first = _plan(rep_api, create_tasks=True)
    again = _plan(rep_api, create_tasks=True)

    assert first["tasks_created"] == 8 and again["tasks_created"] == 0
    tasks = _open_tasks(app, rep)
    assert sorted(str(task.account_id) for task in tasks) == sorted(accounts)
    starts = {str(a): start for a, (_, start) in _placed(again).items()}
    assert {str(task.account_id): task.due_at for task in tasks} == starts


def test_replanning_leaves_moved_and_done_tasks_and_replaces_untouched_ones(
    app, org, team_rep, manager, logged_in, make_account
):
    """A task moved by the rep is an appointment now; one marked done stays done (no visit was
    recorded, so its account is still due and gets a new one); the untouched task of an account
    no longer due is cancelled; the others keep their tasks."""
    rep, rep_api = team_rep, logged_in(team_rep)
    accounts = [_due(make_account, org, rep, i, WEEK[0]) for i in range(6)]
    _plan(rep_api, create_tasks=True)
    by_account = {task.account_id: task for task in _open_tasks(app, rep)}
    moved, done, dropped = (by_account[accounts[i]] for i in range(3))
    moved_to = _at(WEEK[4], 16)
    rep_api.patch(f"/api/v1/tasks/{moved.id}", json={"due_at": moved_to.isoformat()})
    rep_api.patch(f"/api/v1/tasks/{done.id}", json={"status": "done"})
    manager_api = logged_in(manager)
    cleared = manager_api.patch(f"/api/v1/accounts/{accounts[2]}", json={"visit_every_days": None})
    assert cleared.status_code == 200

    plan = _plan(rep_api, create_tasks=True)

    placed = _placed(plan)
    assert placed[str(accounts[0])] == (WEEK[4], moved_to)  # an appointment now
    assert str(accounts[2]) not in placed
    tasks = {task.id: task for task in _open_tasks(app, rep)}
    assert tasks[moved.id].due_at == moved_to and tasks[moved.id].version == 2
    assert done.id not in tasks and dropped.id not in tasks
    per_account = Counter(task.account_id for task in tasks.values())
    assert set(per_account.values()) == {1}
    assert set(per_account) == {accounts[0], accounts[1], *accounts[3:]}
    assert plan["tasks_created"] == 1
    # The others are the same tasks, moved to their new times where the plan changed.
    for account in accounts[3:]:
        task = tasks[by_account[account].id]
        assert task.due_at == placed[str(account)][1]
    with app.app_context():
        assert db.session.get(Task, dropped.id).status == "cancelled"
        assert db.session.get(Task, done.id).status == "done"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": []}, "days"),
        ({"days": [DAYS[0], DAYS[0]]}, "days"),
        ({"days": [(WEEK[0] + timedelta(days=i)).isoformat() for i in range(15)]}, "days"),
        ({"days": ["2031-02-30"]}, "days.0"),
        ({"working_hours": {"start": "18:00", "end": "08:00"}}, "working_hours"),
        ({"working_hours": {"start": "8am", "end": "18:00"}}, "working_hours.start"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"start": {"type": "Point", "coordinates": [200, 0]}}, "start"),
        ({"create_tasks": "yes"}, "create_tasks"),
    ],
)
def test_plan_week_refuses_bad_input_with_422_naming_the_field(rep_api, body, field):
    response = rep_api.post(PLAN, json={"start": START, "days": DAYS, **body})

    assert response.status_code == 422, response.json
    assert any(name.startswith(field) for name in response.json["error"]["fields"]), response.json


def test_rep_reads_a_visit_frequency_and_only_managers_set_it(
    org, team_rep, manager, logged_in, make_account
):
    account = make_account(org, *HOME, owner_id=team_rep.id)
    rep_api, manager_api = logged_in(team_rep), logged_in(manager)

    refused = rep_api.patch(f"/api/v1/accounts/{account}", json={"visit_every_days": 7})
    set_ = manager_api.patch(f"/api/v1/accounts/{account}", json={"visit_every_days": 14})
    out_of_range = manager_api.patch(f"/api/v1/accounts/{account}", json={"visit_every_days": 0})

    assert refused.status_code == 403
    assert set_.status_code == 200 and set_.json["visit_every_days"] == 14
    assert out_of_range.status_code == 422
    assert rep_api.get(f"/api/v1/accounts/{account}").json["visit_every_days"] == 14
    listed = rep_api.get("/api/v1/accounts").json["items"]
    assert [item["visit_every_days"] for item in listed] == [14]
    pulled = rep_api.get("/api/v1/sync/pull").json
    accounts = [c for c in pulled["changes"] if c["entity"] == "account"]
    assert [c["data"]["visit_every_days"] for c in accounts] == [14]


def test_segment_visit_frequency_reaches_its_visible_members_only(
    app, org, team_rep, manager, logged_in, make_account, make_user
):
    member = make_account(org, *HOME, owner_id=team_rep.id, kind="prospect")
    other_kind = make_account(org, *HOME, owner_id=team_rep.id, kind="customer")
    other_team = make_account(org, *HOME, owner_id=make_user(org).id, kind="prospect")
    manager_api = logged_in(manager)
    segment = manager_api.post(SEGMENTS, json={"name": "P", "filters": {"kind": "prospect"}}).json
    path = f"{SEGMENTS}/{segment['id']}/visit-frequency"

    made = manager_api.post(path, json={"visit_every_days": 10})
    repeated = manager_api.post(path, json={"visit_every_days": 10})
    by_rep = logged_in(team_rep).post(path, json={"visit_every_days": 3})
    missing = manager_api.post(path, json={})
    unknown = manager_api.post(
        f"{SEGMENTS}/{uuid.uuid4()}/visit-frequency", json={"visit_every_days": 3}
    )

    assert made.status_code == 200 and made.json == {"updated": 1}
    assert repeated.json == {"updated": 0}
    assert by_rep.status_code == 403 and missing.status_code == 422 and unknown.status_code == 404
    frequencies = {
        account: manager_api.get(f"/api/v1/accounts/{account}").json.get("visit_every_days")
        for account in (member, other_kind)
    }
    assert frequencies == {member: 10, other_kind: None}
    with app.app_context():
        from server.accounts.models import Account

        assert db.session.get(Account, other_team).visit_every_days is None
    cleared = manager_api.post(path, json={"visit_every_days": None})
    assert cleared.json == {"updated": 1}
