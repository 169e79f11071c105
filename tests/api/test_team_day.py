"""GET /team/day: each rep a manager oversees (an admin: every rep), with the tasks and visits of
the day the client asks about and when their devices last synced."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import text

from server.extensions import db
from tests.support.fixtures import SHOP
from tests.sync.support import mutation, note_data, push, visit_data

DAY = "/api/v1/team/day"
TASKS = "/api/v1/tasks"
# The client sends its own local day; this one is two hours east of UTC.
ZONE = timezone(timedelta(hours=2))
FAR_FROM_SHOP = [SHOP[0] + 0.1, SHOP[1]]
NO_TASKS = {"due": 0, "open": 0, "done": 0, "overdue": 0}
NO_VISITS = {"verified": 0, "out_of_range": 0, "unverifiable": 0}


def iso(moment: datetime) -> str:
    return moment.astimezone(ZONE).isoformat()


def window(now: datetime) -> dict[str, str]:
    """A day of 24 hours around now, as a client east of UTC would send it."""
    return {"from": iso(now - timedelta(hours=12)), "to": iso(now + timedelta(hours=12))}


@pytest.fixture
def people(org, make_org, make_user) -> dict[str, Any]:
    """Admin; manager A with reps Ana and Bob (and Cleo, disabled); manager B with rep Dan;
    an admin and a rep of a second organisation."""
    manager_a = make_user(org, role="manager", name="Manager A")
    manager_b = make_user(org, role="manager", name="Manager B")
    other = make_org()
    return {
        "admin": make_user(org, role="admin", name="Admin"),
        "manager_a": manager_a,
        "ana": make_user(org, name="Ana", manager_id=manager_a.id),
        "bob": make_user(org, name="Bob", manager_id=manager_a.id),
        "cleo": make_user(org, name="Cleo", manager_id=manager_a.id, is_active=False),
        "manager_b": manager_b,
        "dan": make_user(org, name="Dan", manager_id=manager_b.id),
        "admin_x": make_user(other, role="admin", name="Admin X"),
        "eve": make_user(other, name="Eve"),
    }


def day_of(api: Any, now: datetime, **query: Any) -> Any:
    return api.get(DAY, query_string=window(now) | query)


def by_name(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.json
    return {item["user"]["name"]: item for item in response.json["items"]}


def test_each_role_sees_the_reps_it_oversees_by_name(people, logged_in):
    now = datetime.now(UTC)

    seen = {
        role: [item["user"]["name"] for item in day_of(logged_in(people[role]), now).json["items"]]
        for role in ("manager_a", "manager_b", "admin", "admin_x")
    }
    by_rep = day_of(logged_in(people["ana"]), now)

    assert seen == {
        "manager_a": ["Ana", "Bob"],
        "manager_b": ["Dan"],
        "admin": ["Ana", "Bob", "Dan"],
        "admin_x": ["Eve"],
    }
    assert by_rep.status_code == 403
    assert by_rep.json["error"]["code"] == "forbidden"


def test_a_rep_row_names_the_rep(people, logged_in):
    [item] = day_of(logged_in(people["manager_b"]), datetime.now(UTC)).json["items"]

    dan = people["dan"]
    assert item == {
        "user": {"id": str(dan.id), "name": "Dan", "email": dan.email},
        "tasks": NO_TASKS,
        "visits": NO_VISITS,
        "last_sync_at": None,
    }


def test_not_logged_in_answers_401(client):
    assert day_of(client, datetime.now(UTC)).status_code == 401


def _task(api: Any, assignee: Any, due_at: datetime | None, status: str = "open") -> None:
    body = {"title": f"{status} task", "assignee_id": str(assignee.id), "status": status}
    if due_at is not None:
        body["due_at"] = iso(due_at)
    response = api.post(TASKS, json=body)
    assert response.status_code == 201, response.json


def test_tasks_count_what_is_due_in_the_day_and_what_is_overdue_now(people, logged_in):
    now = datetime.now(UTC)
    hour, ana = timedelta(hours=1), people["ana"]
    manager = logged_in(people["manager_a"])
    _task(manager, ana, now - hour)  # due, open, overdue
    _task(manager, ana, now + hour, "in_progress")  # due, open
    _task(manager, ana, now - 2 * hour, "done")  # due, done
    _task(manager, ana, now + 2 * hour, "cancelled")  # not counted
    _task(manager, ana, now - timedelta(days=3))  # overdue from an earlier day
    _task(manager, ana, now - timedelta(days=3), "in_progress")  # overdue too
    _task(manager, ana, now - timedelta(days=3), "done")  # finished: not counted
    _task(manager, ana, now + timedelta(days=3))  # a later day: not counted
    _task(manager, ana, None)  # no due time: not counted
    _task(manager, people["bob"], now)  # Bob's

    rows = by_name(day_of(manager, now))

    assert rows["Ana"]["tasks"] == {"due": 3, "open": 2, "done": 1, "overdue": 3}
    assert rows["Bob"]["tasks"] == {"due": 1, "open": 1, "done": 0, "overdue": 1}


def test_the_window_is_the_clients_day_with_its_offset(people, logged_in):
    """[from, to): a task due exactly at `to` belongs to the next day."""
    manager = logged_in(people["manager_a"])
    start = datetime(2026, 11, 30, tzinfo=ZONE)
    _task(manager, people["ana"], start, "done")
    _task(manager, people["ana"], start + timedelta(days=1), "done")
    _task(manager, people["ana"], start - timedelta(minutes=1), "done")
    query = {"from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat()}

    rows = by_name(manager.get(DAY, query_string=query))

    assert rows["Ana"]["tasks"] == {"due": 1, "open": 0, "done": 1, "overdue": 0}


def test_visits_of_the_day_are_counted_by_verification(org, people, make_account, logged_in):
    now = datetime.now(UTC)
    ana = logged_in(people["ana"])
    shop = make_account(org, *SHOP, owner_id=people["ana"].id)
    started = {
        "verified": now - timedelta(hours=1),
        "out_of_range": now - timedelta(hours=2),
        "unverifiable": now - timedelta(hours=3),
        "yesterday": now - timedelta(days=1),
    }
    fields = {
        "verified": {},
        "out_of_range": {"location": {"type": "Point", "coordinates": FAR_FROM_SHOP}},
        "unverifiable": {"location": None, "accuracy_m": None},
        "yesterday": {},
    }
    for name, at in started.items():
        body = visit_data(shop, started_at=iso(at), **fields[name])
        response = ana.post("/api/v1/visits", json=body)
        assert response.status_code == 201, response.json
        assert name == "yesterday" or response.json["verification"] == name

    for role in ("manager_a", "admin"):
        rows = by_name(day_of(logged_in(people[role]), now))
        assert rows["Ana"]["visits"] == {"verified": 1, "out_of_range": 1, "unverifiable": 1}
        assert rows["Bob"]["visits"] == NO_VISITS


def test_another_teams_manager_and_another_organisation_learn_nothing_of_a_rep(
    org, people, make_account, logged_in
):
    now = datetime.now(UTC)
    shop = make_account(org, *SHOP, owner_id=people["ana"].id)
    _task(logged_in(people["manager_a"]), people["ana"], now)
    ana = logged_in(people["ana"])
    ana.post("/api/v1/visits", json=visit_data(shop, started_at=iso(now)))
    push(ana, uuid.uuid4(), [mutation(1, "note.create", note_data(shop))])

    for role in ("manager_b", "admin_x"):
        response = day_of(logged_in(people[role]), now)
        assert str(people["ana"].id) not in response.get_data(as_text=True)
        assert all(item["tasks"] == NO_TASKS for item in response.json["items"])
        assert all(item["visits"] == NO_VISITS for item in response.json["items"])
        assert all(item["last_sync_at"] is None for item in response.json["items"])


def _synced_at(app: Any, client_id: Any) -> datetime | None:
    with app.app_context():
        return db.session.scalar(
            text("SELECT last_synced_at FROM sync_clients WHERE id = :id"), {"id": client_id}
        )


def _age(app: Any, client_id: Any, by: timedelta) -> None:
    """Move a device's last sync back in time, as if it had synced earlier."""
    with app.app_context():
        db.session.execute(
            text("UPDATE sync_clients SET last_synced_at = last_synced_at - :by WHERE id = :id"),
            {"by": by, "id": client_id},
        )
        db.session.commit()


def _last_sync(api: Any, name: str) -> datetime | None:
    value = by_name(day_of(api, datetime.now(UTC)))[name]["last_sync_at"]
    return None if value is None else datetime.fromisoformat(value)


def test_last_sync_is_the_latest_push_or_pull_of_any_device_of_the_rep(
    app, org, people, make_account, logged_in
):
    manager = logged_in(people["manager_a"])
    ana = logged_in(people["ana"])
    shop = make_account(org, *SHOP, owner_id=people["ana"].id)
    phone, laptop = uuid.uuid4(), uuid.uuid4()
    assert _last_sync(manager, "Ana") is None

    before_push = datetime.now(UTC)
    push(ana, phone, [mutation(1, "note.create", note_data(shop))])
    pushed = _last_sync(manager, "Ana")
    _age(app, phone, timedelta(hours=3))
    ana.get("/api/v1/sync/pull", query_string={"client_id": str(laptop)})
    pulled = _synced_at(app, laptop)

    assert pushed is not None and pushed >= before_push
    assert pulled is not None and pulled >= pushed
    assert _last_sync(manager, "Ana") == pulled
    assert _last_sync(manager, "Bob") is None


def test_a_push_of_duplicates_only_still_counts_as_a_sync(
    app, org, people, make_account, logged_in
):
    ana = logged_in(people["ana"])
    shop = make_account(org, *SHOP, owner_id=people["ana"].id)
    device = uuid.uuid4()
    note = mutation(1, "note.create", note_data(shop))
    push(ana, device, [note])
    _age(app, device, timedelta(hours=3))
    aged = _synced_at(app, device)

    push(ana, device, [note])

    assert _synced_at(app, device) > aged


def test_a_pull_notes_the_time_at_most_once_a_minute(app, people, logged_in):
    ana = logged_in(people["ana"])
    device = str(uuid.uuid4())
    ana.get("/api/v1/sync/pull", query_string={"client_id": device})
    first = _synced_at(app, device)

    ana.get("/api/v1/sync/pull", query_string={"client_id": device})
    unchanged = _synced_at(app, device)
    _age(app, device, timedelta(seconds=61))
    aged = _synced_at(app, device)
    ana.get("/api/v1/sync/pull", query_string={"client_id": device})

    assert first is not None and unchanged == first
    assert _synced_at(app, device) > aged


def test_a_pull_naming_another_users_device_leaves_its_time_alone(app, people, logged_in):
    device = str(uuid.uuid4())
    logged_in(people["bob"]).get("/api/v1/sync/pull", query_string={"client_id": device})
    _age(app, device, timedelta(hours=1))
    aged = _synced_at(app, device)

    answer = logged_in(people["ana"]).get("/api/v1/sync/pull", query_string={"client_id": device})

    assert answer.status_code == 200
    assert _synced_at(app, device) == aged
    assert _last_sync(logged_in(people["manager_a"]), "Ana") is None


def test_reps_come_a_page_at_a_time_with_signed_cursors(people, logged_in):
    admin, now = logged_in(people["admin"]), datetime.now(UTC)

    first = day_of(admin, now, limit=2)
    second = day_of(admin, now, limit=2, cursor=first.json["next_cursor"])
    forged = day_of(admin, now, limit=2, cursor=first.json["next_cursor"][:-2] + "xx")

    assert [i["user"]["name"] for i in first.json["items"]] == ["Ana", "Bob"]
    assert [i["user"]["name"] for i in second.json["items"]] == ["Dan"]
    assert second.json["next_cursor"] is None
    assert forged.status_code == 400
    assert forged.json["error"]["code"] == "invalid_cursor"


NOW = datetime(2026, 12, 1, 9, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"to": NOW.isoformat()}, "from"),
        ({"from": NOW.isoformat()}, "to"),
        ({"from": "2026-12-01T00:00:00", "to": NOW.isoformat()}, "from"),
        ({"from": "yesterday", "to": NOW.isoformat()}, "from"),
        ({"from": NOW.isoformat(), "to": "2026-12-01T12:00:00"}, "to"),
        ({"from": NOW.isoformat(), "to": NOW.isoformat()}, "to"),
        ({"from": NOW.isoformat(), "to": (NOW - timedelta(hours=1)).isoformat()}, "to"),
        ({"from": NOW.isoformat(), "to": (NOW + timedelta(days=7, seconds=1)).isoformat()}, "to"),
        (
            {"from": NOW.isoformat(), "to": (NOW + timedelta(days=1)).isoformat(), "limit": 0},
            "limit",
        ),
        ({"from": NOW.isoformat(), "to": (NOW + timedelta(days=1)).isoformat(), "x": 1}, "x"),
    ],
)
def test_a_bad_window_answers_422_naming_the_field(people, logged_in, query, field):
    response = logged_in(people["manager_a"]).get(DAY, query_string=query)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["fields"]


def test_a_week_is_the_longest_window(people, logged_in):
    query = {"from": NOW.isoformat(), "to": (NOW + timedelta(days=7)).isoformat()}

    assert logged_in(people["manager_a"]).get(DAY, query_string=query).status_code == 200
