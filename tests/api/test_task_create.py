"""Assigning work offline: the `task.create` sync op takes what POST /tasks takes, answers as
it does (who may assign to whom, which accounts may be named), announces the task to the same
people, and is idempotent by the client's id. Reassigning and cancelling go through PATCH and
`task.update`, and the previous assignee hears of it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.tasks.models import Task
from tests.support.fixtures import SHOP
from tests.sync.support import mutation, push

TASKS = "/api/v1/tasks"


@pytest.fixture
def people(org, make_org, make_user) -> dict[str, Any]:
    """Admin; manager A with reps A1 and A2; manager B with rep B1; a rep and an admin of a
    second organisation."""
    admin = make_user(org, role="admin")
    manager_a = make_user(org, role="manager")
    manager_b = make_user(org, role="manager")
    other = make_org()
    return {
        "admin": admin,
        "manager_a": manager_a,
        "rep_a1": make_user(org, manager_id=manager_a.id),
        "rep_a2": make_user(org, manager_id=manager_a.id),
        "manager_b": manager_b,
        "rep_b1": make_user(org, manager_id=manager_b.id),
        "rep_x": make_user(other),
        "admin_x": make_user(other, role="admin"),
    }


def task_data(**fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "title": "Bring the spring catalogue",
        "notes": "Ask for the buyer",
        "due_at": "2026-12-02T16:00:00+01:00",
        "priority": "high",
    } | fields


def create_op(api: Any, data: dict[str, Any]) -> dict[str, Any]:
    """One task.create pushed from a new device: its result."""
    response = push(api, uuid.uuid4(), [mutation(1, "task.create", data)])
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    return result


def outcome(result: dict[str, Any]) -> tuple[str, str | None]:
    return result["status"], (result.get("error") or {}).get("code")


def rest_outcome(response: Any) -> tuple[str, str | None]:
    if response.status_code == 201:
        return "applied", None
    return "rejected", response.json["error"]["code"]


def task_count(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Task)))


# (caller, assignee, what both the op and POST /tasks answer)
ASSIGNMENTS = [
    ("rep_a1", "rep_a1", ("applied", None)),
    ("rep_a1", "rep_a2", ("rejected", "validation_error")),
    ("rep_a1", "rep_x", ("rejected", "not_found")),
    ("manager_a", "rep_a1", ("applied", None)),
    ("manager_a", "manager_a", ("applied", None)),
    ("manager_a", "rep_b1", ("rejected", "forbidden")),
    ("manager_a", "rep_x", ("rejected", "not_found")),
    ("manager_b", "rep_a1", ("rejected", "forbidden")),
    ("admin", "rep_b1", ("applied", None)),
    ("admin", "manager_a", ("applied", None)),
    ("admin", "rep_x", ("rejected", "not_found")),
    ("admin_x", "rep_a1", ("rejected", "not_found")),
]


@pytest.mark.parametrize(("caller", "assignee", "expected"), ASSIGNMENTS)
def test_task_create_op_assigns_whom_post_tasks_assigns(
    app, people, logged_in, caller, assignee, expected
):
    api = logged_in(people[caller])
    data = task_data(assignee_id=str(people[assignee].id))

    by_op = create_op(api, data)
    by_post = api.post(TASKS, json=task_data(assignee_id=str(people[assignee].id)))

    assert outcome(by_op) == expected
    assert rest_outcome(by_post) == expected
    assert task_count(app) == (2 if expected[0] == "applied" else 0)
    if expected[0] == "applied":
        entity = by_op["entity"]
        assert (entity["id"], entity["assignee_id"]) == (data["id"], str(people[assignee].id))
        assert (entity["created_by"], entity["version"]) == (str(people[caller].id), 1)
        assert (entity["priority"], entity["notes"], entity["due_at"]) == (
            "high",
            "Ask for the buyer",
            "2026-12-02T15:00:00Z",
        )
        assert api.get(f"{TASKS}/{data['id']}").json == entity


def test_the_assignee_defaults_to_the_caller(people, logged_in):
    result = create_op(logged_in(people["rep_a1"]), {"id": str(uuid.uuid4()), "title": "Mine"})

    assert outcome(result) == ("applied", None)
    assert result["entity"]["assignee_id"] == str(people["rep_a1"].id)
    assert (result["entity"]["status"], result["entity"]["priority"]) == ("open", "normal")


@pytest.mark.parametrize(
    ("caller", "owner", "expected"),
    [
        ("rep_a1", "rep_a1", ("applied", None)),
        ("rep_a1", "rep_a2", ("rejected", "not_found")),
        ("manager_a", "rep_a2", ("applied", None)),
        ("manager_a", "rep_b1", ("rejected", "not_found")),
        ("admin", "rep_b1", ("applied", None)),
        ("admin_x", "rep_b1", ("rejected", "not_found")),
    ],
)
def test_the_account_must_be_one_the_caller_may_see(
    app, org, people, make_account, logged_in, caller, owner, expected
):
    account = make_account(org, *SHOP, owner_id=people[owner].id)
    api = logged_in(people[caller])

    result = create_op(api, task_data(account_id=str(account)))
    by_post = api.post(TASKS, json=task_data(account_id=str(account)))

    assert outcome(result) == expected
    assert rest_outcome(by_post) == expected
    if expected[0] == "applied":
        assert result["entity"]["account_id"] == str(account)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "No id"}, "data.id"),
        (task_data(title=""), "data.title"),
        (task_data(status="someday"), "data.status"),
        (task_data(due_at="2026-12-02T16:00:00"), "data.due_at"),
        (task_data(colour="red"), "data.colour"),
        (task_data(id="not-a-uuid"), "data.id"),
    ],
)
def test_bad_task_create_is_rejected_naming_the_field(app, people, logged_in, data, field):
    result = create_op(logged_in(people["manager_a"]), data)

    assert outcome(result) == ("rejected", "validation_error")
    assert field in result["error"]["fields"]
    assert task_count(app) == 0


def test_the_same_task_sent_again_is_applied_once_and_other_content_is_a_conflict(
    app, people, logged_in
):
    api = logged_in(people["manager_a"])
    data = task_data(assignee_id=str(people["rep_a1"].id))
    first = create_op(api, data)

    again = create_op(api, data)
    again_by_post = api.post(TASKS, json=data)
    changed = create_op(api, data | {"title": "Something else"})
    changed_by_post = api.post(TASKS, json=data | {"priority": "low"})

    assert outcome(first) == outcome(again) == ("applied", None)
    assert again["entity"] == first["entity"]
    assert (again_by_post.status_code, again_by_post.json) == (200, first["entity"])
    assert outcome(changed) == ("rejected", "conflict")
    assert changed_by_post.status_code == 409
    assert set(changed_by_post.json) == {"error"}
    assert task_count(app) == 1


def test_post_tasks_with_a_client_chosen_id_is_idempotent_too(app, people, logged_in):
    api = logged_in(people["rep_a1"])
    body = {"id": str(uuid.uuid4()), "title": "Call back the pharmacy"}

    first = api.post(TASKS, json=body)
    second = api.post(TASKS, json=body)

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json == first.json
    assert task_count(app) == 1


def test_someone_else_sending_a_task_id_with_its_content_gets_a_conflict(people, logged_in):
    """Only the task's creator retries its create: anyone else learns nothing of it."""
    data = task_data(assignee_id=str(people["rep_a1"].id))
    create_op(logged_in(people["manager_a"]), data)

    by_assignee = create_op(logged_in(people["rep_a1"]), data)
    by_admin = logged_in(people["admin"]).post(TASKS, json=data)

    assert outcome(by_assignee) == ("rejected", "conflict")
    assert "entity" not in by_assignee or by_assignee["entity"] is None
    assert by_admin.status_code == 409


def test_a_task_changed_since_its_create_no_longer_matches_it(people, logged_in):
    manager = logged_in(people["manager_a"])
    data = task_data(assignee_id=str(people["rep_a1"].id))
    created = create_op(manager, data)["entity"]
    logged_in(people["rep_a1"]).patch(f"{TASKS}/{created['id']}", json={"status": "in_progress"})

    assert outcome(create_op(manager, data)) == ("rejected", "conflict")


def task_events(connection) -> list[tuple[str, str]]:
    return [
        (m["name"], m["args"][0]["task"]["title"])
        for m in connection.get_received()
        if m["name"].startswith("task.")
    ]


def names(connection) -> list[str]:
    return [m["name"] for m in connection.get_received()]


def test_task_create_op_announces_the_task_to_those_who_may_get_it(realtime, people):
    sockets = {
        name: realtime.socket(realtime.login(people[name]))
        for name in ("rep_a1", "rep_a2", "manager_b", "admin", "admin_x")
    }
    manager = realtime.login(people["manager_a"])
    manager_socket = realtime.socket(manager)
    for connection in [*sockets.values(), manager_socket]:
        connection.get_received()
    data = task_data(title="Visit the bakery", assignee_id=str(people["rep_a1"].id))

    assert outcome(create_op(manager, data)) == ("applied", None)
    heard = {name: names(connection) for name, connection in sockets.items()}

    assert heard["rep_a1"].count("task.created") == 1
    assert "sync.poke" in heard["rep_a1"]
    assert heard["admin"].count("task.created") == 1
    assert task_events(manager_socket) == [("task.created", "Visit the bakery")]
    for bystander in ("rep_a2", "manager_b", "admin_x"):
        assert "task.created" not in heard[bystander], bystander

    create_op(manager, data)  # the same task again: nothing new to announce

    assert task_events(manager_socket) == []
    assert names(sockets["rep_a1"]) == []


def test_manager_reassigns_and_cancels_a_team_task_and_both_assignees_hear_of_it(realtime, people):
    manager = realtime.login(people["manager_a"])
    first, second = realtime.login(people["rep_a1"]), realtime.login(people["rep_a2"])
    sockets = {"first": realtime.socket(first), "second": realtime.socket(second)}
    other_manager = realtime.socket(realtime.login(people["manager_b"]))
    task = create_op(manager, task_data(assignee_id=str(people["rep_a1"].id)))["entity"]
    for connection in [*sockets.values(), other_manager]:
        connection.get_received()

    moved = manager.patch(
        f"{TASKS}/{task['id']}", json={"assignee_id": str(people["rep_a2"].id), "version": 1}
    )
    heard_on_move = {name: task_events(c) for name, c in sockets.items()}
    cancel = mutation(1, "task.update", {"id": task["id"], "status": "cancelled"}, base_version=2)
    [cancelled] = push(manager, uuid.uuid4(), [cancel]).json["results"]

    assert moved.status_code == 200
    assert moved.json["assignee_id"] == str(people["rep_a2"].id)
    assert heard_on_move == {
        "first": [("task.updated", task["title"])],
        "second": [("task.updated", task["title"])],
    }
    assert cancelled["status"] == "applied"
    assert (cancelled["entity"]["status"], cancelled["entity"]["version"]) == ("cancelled", 3)
    assert task_events(sockets["second"]) == [("task.updated", task["title"])]
    assert task_events(sockets["first"]) == []
    assert task_events(other_manager) == []
    assert first.get(f"{TASKS}/{task['id']}").status_code == 404


def test_another_teams_manager_can_neither_reassign_nor_cancel(people, logged_in):
    task = create_op(
        logged_in(people["manager_a"]), task_data(assignee_id=str(people["rep_a1"].id))
    )["entity"]
    other = logged_in(people["manager_b"])

    moved = other.patch(f"{TASKS}/{task['id']}", json={"assignee_id": str(people["rep_b1"].id)})
    cancel = mutation(1, "task.update", {"id": task["id"], "status": "cancelled"})
    [cancelled] = push(other, uuid.uuid4(), [cancel]).json["results"]

    assert moved.status_code == 404
    assert outcome(cancelled) == ("rejected", "not_found")
    assert logged_in(people["rep_a1"]).get(f"{TASKS}/{task['id']}").json["status"] == "open"


def test_manager_cannot_reassign_out_of_the_team_and_reps_cannot_reassign(people, logged_in):
    manager = logged_in(people["manager_a"])
    task = create_op(manager, task_data(assignee_id=str(people["rep_a1"].id)))["entity"]

    outside = manager.patch(f"{TASKS}/{task['id']}", json={"assignee_id": str(people["rep_b1"].id)})
    by_rep = logged_in(people["rep_a1"]).patch(
        f"{TASKS}/{task['id']}", json={"assignee_id": str(people["rep_a2"].id)}
    )

    assert outside.status_code == 403
    assert by_rep.status_code == 422
    assert "assignee_id" in by_rep.json["error"]["fields"]
