"""The Tasks section: who may assign to whom, versions, filters, tenancy, live events, and the
follow-up task a visit's next step creates."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.tasks.models import Task
from tests.support.races import race_with_uncommitted
from tests.sync.support import SHOP, mutation, pull_all, push, visit_data


@pytest.fixture
def team(org, make_user):
    manager = make_user(org, role="manager")
    return manager, make_user(org, manager_id=manager.id)


def test_rep_creates_a_task_for_themselves_by_default(rep_api, rep):
    response = rep_api.post("/api/v1/tasks", json={"title": "Call back the pharmacy"})

    assert response.status_code == 201
    body = response.json
    assert (body["assignee_id"], body["created_by"]) == (str(rep.id), str(rep.id))
    assert (body["status"], body["priority"], body["version"]) == ("open", "normal", 1)


def test_rep_cannot_assign_a_task_to_someone_else(org, make_user, rep_api):
    other = make_user(org)

    response = rep_api.post("/api/v1/tasks", json={"title": "x", "assignee_id": str(other.id)})

    assert response.status_code == 422
    assert "assignee_id" in response.json["error"]["fields"]


def test_manager_assigns_within_the_team_but_not_outside(org, make_user, logged_in, team):
    manager, member = team
    api = logged_in(manager)

    inside = api.post("/api/v1/tasks", json={"title": "Visit", "assignee_id": str(member.id)})
    outside = api.post(
        "/api/v1/tasks", json={"title": "Visit", "assignee_id": str(make_user(org).id)}
    )

    assert inside.status_code == 201
    assert outside.status_code == 403


def test_open_tasks_of_the_caller_are_listed_when_asked_for_me(rep_api, org, team, logged_in):
    manager, member = team
    logged_in(manager).post(
        "/api/v1/tasks", json={"title": "Theirs", "assignee_id": str(member.id)}
    )
    rep_api.post("/api/v1/tasks", json={"title": "Mine"})
    rep_api.post("/api/v1/tasks", json={"title": "Done already", "status": "done"})

    listed = rep_api.get("/api/v1/tasks?assignee=me&status=open").json

    assert [task["title"] for task in listed["items"]] == ["Mine"]


def test_stale_version_answers_409_and_keeps_the_task(rep_api):
    task = rep_api.post("/api/v1/tasks", json={"title": "Original"}).json
    rep_api.patch(f"/api/v1/tasks/{task['id']}", json={"status": "in_progress", "version": 1})

    response = rep_api.patch(f"/api/v1/tasks/{task['id']}", json={"title": "Mine", "version": 1})

    assert response.status_code == 409
    assert rep_api.get(f"/api/v1/tasks/{task['id']}").json["title"] == "Original"


def test_another_organisations_task_answers_404(make_org, make_user, logged_in, rep_api):
    foreign = logged_in(make_user(make_org())).post("/api/v1/tasks", json={"title": "x"}).json

    assert rep_api.get(f"/api/v1/tasks/{foreign['id']}").status_code == 404
    assert rep_api.patch(f"/api/v1/tasks/{foreign['id']}", json={"title": "y"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "status": "someday"}, "status"),
        ({"title": "x", "due_at": "2026-12-01T10:00:00"}, "due_at"),
        ({"title": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_task_answers_422_naming_the_field(app, rep_api, body, field):
    response = rep_api.post("/api/v1/tasks", json=body)

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Task)) == 0


def test_task_on_an_unknown_account_answers_404(app, rep_api):
    response = rep_api.post("/api/v1/tasks", json={"title": "x", "account_id": str(uuid.uuid4())})

    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Task)) == 0


def test_bad_assignee_filter_answers_422(rep_api):
    assert rep_api.get("/api/v1/tasks?assignee=everyone").status_code == 422


def test_task_events_reach_assignee_and_managers_after_commit(realtime, org, team, make_user):
    manager, member = team
    manager_api, member_api = realtime.login(manager), realtime.login(member)
    other_api = realtime.login(make_user(org))
    sockets = {
        name: realtime.socket(api)
        for name, api in (("manager", manager_api), ("member", member_api), ("other", other_api))
    }

    task = manager_api.post(
        "/api/v1/tasks", json={"title": "Visit", "assignee_id": str(member.id)}
    ).json
    member_api.patch(f"/api/v1/tasks/{task['id']}", json={"status": "done"})

    def events(name):
        return [
            (m["name"], m["args"][0]["task"]["status"])
            for m in sockets[name].get_received()
            if m["name"].startswith("task.")
        ]

    assert events("member") == [("task.created", "open"), ("task.updated", "done")]
    assert events("manager") == [("task.created", "open"), ("task.updated", "done")]
    assert events("other") == []


def test_task_events_never_reach_another_teams_manager(realtime, org, team, make_user):
    """A manager hears of the tasks they may GET (their team's), as admins hear of all."""
    manager, member = team
    other_manager = make_user(org, role="manager")
    make_user(org, manager_id=other_manager.id)
    admin = make_user(org, role="admin")
    sockets = {
        name: realtime.socket(realtime.login(user))
        for name, user in (("own", manager), ("other", other_manager), ("admin", admin))
    }
    manager_api = realtime.login(manager)

    task = manager_api.post(
        "/api/v1/tasks", json={"title": "Visit", "assignee_id": str(member.id)}
    ).json
    manager_api.patch(f"/api/v1/tasks/{task['id']}", json={"status": "in_progress"})

    def task_events(name):
        return [m["name"] for m in sockets[name].get_received() if m["name"].startswith("task.")]

    assert task_events("own") == ["task.created", "task.updated"]
    assert task_events("admin") == ["task.created", "task.updated"]
    assert task_events("other") == []


def test_visit_with_a_next_step_creates_one_follow_up_task(app, org, rep, make_account, rep_api):
    shop = make_account(org, *SHOP, owner_id=rep.id)
    body = visit_data(shop, next_step={"title": "Bring the new price list", "due_on": "2026-12-04"})

    rep_api.post("/api/v1/visits", json=body)
    rep_api.post("/api/v1/visits", json=body)

    tasks = rep_api.get("/api/v1/tasks?assignee=me").json["items"]
    assert [(t["title"], t["account_id"], t["due_at"]) for t in tasks] == [
        ("Bring the new price list", str(shop), "2026-12-04T23:59:59Z")
    ]


def test_task_update_through_push_applies_or_conflicts(rep_api):
    task = rep_api.post("/api/v1/tasks", json={"title": "Visit"}).json
    client_id = uuid.uuid4()
    done = mutation(1, "task.update", {"id": task["id"], "status": "done"}, base_version=1)
    stale = mutation(2, "task.update", {"id": task["id"], "title": "Late"}, base_version=1)

    results = push(rep_api, client_id, [done, stale]).json["results"]

    assert [r["status"] for r in results] == ["applied", "conflict"]
    assert results[1]["entity"]["status"] == "done"
    assert rep_api.get(f"/api/v1/tasks/{task['id']}").json["title"] == "Visit"


def test_tasks_travel_in_the_pull_and_the_checksum(rep_api):
    task = rep_api.post("/api/v1/tasks", json={"title": "Visit"}).json

    changes, _ = pull_all(rep_api)
    checksum = rep_api.get("/api/v1/sync/checksum").json

    assert [c["data"]["id"] for c in changes if c["entity"] == "task"] == [task["id"]]
    assert checksum["task"]["count"] == 1


def test_concurrent_creates_with_one_client_chosen_id_answer_201_and_409(
    org, rep, rep_api, database_url
):
    """The second of two creates racing with one task id waits for the first: a conflict."""
    chosen = uuid.uuid4()
    first = (
        "INSERT INTO tasks (id, org_id, title, assignee_id, status, priority, created_by, "
        "created_at, updated_at, version) VALUES (%s, %s, 'First', %s, 'open', 'normal', %s, "
        "now(), now(), 1)"
    )

    response = race_with_uncommitted(
        database_url,
        first,
        (chosen, org.id, rep.id, rep.id),
        lambda: rep_api.post("/api/v1/tasks", json={"id": str(chosen), "title": "Second"}),
    )

    assert response.status_code == 409
    assert rep_api.get(f"/api/v1/tasks/{chosen}").json["title"] == "First"


@pytest.mark.parametrize("due_at", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"])
def test_create_answers_422_when_due_at_falls_outside_years_1_to_9999_in_utc(rep_api, due_at):
    """Such a time could be stored but never read back: every later list would fail."""
    response = rep_api.post("/api/v1/tasks", json={"title": "Far away", "due_at": due_at})

    assert response.status_code == 422
    assert "due_at" in response.json["error"]["fields"]
    assert rep_api.get("/api/v1/tasks").status_code == 200
