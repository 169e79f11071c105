"""A rep's day in detail, as the Team screen opens it: their tasks (`GET /tasks?assignee=`, due
in the day with `due_from`/`due_to`) and the day's visits with where they were made
(`GET /visits?user_id=&since=&until=`), for their manager and the admins; nobody else learns
anything of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.support.fixtures import SHOP
from tests.sync.support import visit_data

TASKS = "/api/v1/tasks"
VISITS = "/api/v1/visits"
ZONE = timezone(timedelta(hours=-5))
DAY_START = datetime(2026, 12, 1, tzinfo=ZONE)
DAY_END = DAY_START + timedelta(days=1)
DAY = {"since": DAY_START.isoformat(), "until": DAY_END.isoformat()}
DUE_TODAY = {"due_from": DAY_START.isoformat(), "due_to": DAY_END.isoformat()}


@pytest.fixture
def people(org, make_org, make_user) -> dict[str, Any]:
    """Admin; manager A with reps Ana and Bob; manager B with rep Dan; a second
    organisation's admin."""
    manager_a = make_user(org, role="manager")
    manager_b = make_user(org, role="manager")
    return {
        "admin": make_user(org, role="admin"),
        "manager_a": manager_a,
        "ana": make_user(org, manager_id=manager_a.id),
        "bob": make_user(org, manager_id=manager_a.id),
        "manager_b": manager_b,
        "dan": make_user(org, manager_id=manager_b.id),
        "admin_x": make_user(make_org(), role="admin"),
    }


@pytest.fixture
def anas_day(org, people, make_account, logged_in) -> dict[str, Any]:
    """Ana's tasks (one due in the day from her manager, one of her own due the next day, one
    without a due time) and her visits (two in the day, one the evening before, one at the
    day's end, which belongs to the next day)."""
    shop = make_account(org, *SHOP, owner_id=people["ana"].id, name="Corner shop")
    manager, ana = logged_in(people["manager_a"]), logged_in(people["ana"])
    ana_id = str(people["ana"].id)
    tasks = {
        "today": manager.post(
            TASKS,
            json={
                "title": "Today",
                "assignee_id": ana_id,
                "account_id": str(shop),
                "due_at": (DAY_START + timedelta(hours=10)).isoformat(),
            },
        ).json,
        "tomorrow": ana.post(TASKS, json={"title": "Tomorrow", "due_at": DAY_END.isoformat()}).json,
        "someday": ana.post(TASKS, json={"title": "Someday"}).json,
    }
    starts = {
        "morning": DAY_START + timedelta(hours=9),
        "afternoon": DAY_START + timedelta(hours=15),
        "evening_before": DAY_START - timedelta(hours=1),
        "next_day": DAY_END,
    }
    visits = {}
    for name, at in starts.items():
        response = ana.post(VISITS, json=visit_data(shop, started_at=at.isoformat()))
        assert response.status_code == 201, response.json
        visits[name] = response.json
    return {"shop": str(shop), "tasks": tasks, "visits": visits}


def test_the_manager_and_the_admins_get_the_reps_tasks(people, logged_in, anas_day):
    ana_id = str(people["ana"].id)
    tasks = anas_day["tasks"]

    for role in ("manager_a", "admin"):
        api = logged_in(people[role])
        everything = api.get(TASKS, query_string={"assignee": ana_id}).json["items"]
        due_today = api.get(TASKS, query_string={"assignee": ana_id} | DUE_TODAY).json["items"]

        assert {t["title"] for t in everything} == {"Today", "Tomorrow", "Someday"}, role
        assert due_today == [tasks["today"]], role


@pytest.mark.parametrize("role", ["manager_b", "admin_x", "bob"])
def test_nobody_else_gets_the_reps_tasks(people, logged_in, anas_day, role):
    api = logged_in(people[role])
    ana_id = str(people["ana"].id)

    listed = api.get(TASKS, query_string={"assignee": ana_id})
    one = api.get(f"{TASKS}/{anas_day['tasks']['today']['id']}")

    assert (listed.status_code, listed.json["items"]) == (200, [])
    assert one.status_code == 404


def test_the_manager_and_the_admins_get_the_reps_visits_of_the_day_with_their_places(
    people, logged_in, anas_day
):
    visits = anas_day["visits"]
    query = {"user_id": str(people["ana"].id)} | DAY

    for role in ("manager_a", "admin"):
        api = logged_in(people[role])
        listed = api.get(VISITS, query_string=query).json["items"]

        assert [v["id"] for v in listed] == [visits["afternoon"]["id"], visits["morning"]["id"]]
        for visit in listed:
            assert visit["location"] == {"type": "Point", "coordinates": list(SHOP)}
            assert (visit["verification"], visit["outcome"]) == ("verified", "met")
            assert visit["account_id"] == anas_day["shop"]
        account = api.get(f"/api/v1/accounts/{anas_day['shop']}")
        assert (account.status_code, account.json["name"]) == (200, "Corner shop")


def test_since_alone_still_reaches_past_the_day(people, logged_in, anas_day):
    query = {"user_id": str(people["ana"].id), "since": DAY["since"]}

    listed = logged_in(people["manager_a"]).get(VISITS, query_string=query).json["items"]

    assert len(listed) == 3


@pytest.mark.parametrize("role", ["manager_b", "admin_x", "bob"])
def test_nobody_else_gets_the_reps_visits(people, logged_in, anas_day, role):
    query = {"user_id": str(people["ana"].id)} | DAY

    listed = logged_in(people[role]).get(VISITS, query_string=query)

    assert (listed.status_code, listed.json["items"]) == (200, [])


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        (VISITS, {"until": "2026-12-01T00:00:00"}, "until"),
        (VISITS, {"until": "tomorrow"}, "until"),
        (TASKS, {"due_from": "2026-12-01"}, "due_from"),
        (TASKS, {"due_to": "2026-12-01T00:00:00"}, "due_to"),
    ],
)
def test_a_bad_bound_answers_422_naming_it(people, logged_in, path, query, field):
    response = logged_in(people["manager_a"]).get(path, query_string=query)

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_the_visits_of_today_so_far_are_the_reps_today(org, people, make_account, logged_in):
    """What the Team screen asks for: from the start of the local day to its end."""
    now = datetime.now(UTC)
    shop = make_account(org, *SHOP, owner_id=people["dan"].id)
    dan = logged_in(people["dan"])
    made = dan.post(VISITS, json=visit_data(shop, started_at=now.isoformat())).json
    start = now.astimezone(ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    query = {
        "user_id": str(people["dan"].id),
        "since": start.isoformat(),
        "until": (start + timedelta(days=1)).isoformat(),
    }

    listed = logged_in(people["manager_b"]).get(VISITS, query_string=query).json["items"]

    assert [v["id"] for v in listed] == [made["id"]]
