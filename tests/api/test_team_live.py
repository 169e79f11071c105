"""The Team screen stays live on contentless `sync.poke`s: a rep's manager and the admins hear of
a visit the rep logs and of the rep's devices syncing (at most once a minute per device), and no
one else hears of the syncing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from server.extensions import db
from tests.support.fixtures import SHOP
from tests.sync.support import mutation, note_data, push, visit_data

PULL = "/api/v1/sync/pull"
LISTENERS = ("ana", "bob", "manager_a", "manager_b", "admin", "admin_x")


@pytest.fixture
def people(org, make_org, make_user) -> dict[str, Any]:
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


class Room:
    """Everyone's socket, and the pokes each got since the last look."""

    def __init__(self, realtime: Any, people: dict[str, Any]) -> None:
        self.apis = {name: realtime.login(user) for name, user in people.items()}
        self.sockets = {name: realtime.socket(self.apis[name]) for name in LISTENERS}
        self.pokes()

    def pokes(self) -> dict[str, list[Any]]:
        return {
            name: [m["args"] for m in connection.get_received() if m["name"] == "sync.poke"]
            for name, connection in self.sockets.items()
        }

    def poked(self) -> set[str]:
        return {name for name, pokes in self.pokes().items() if pokes}


@pytest.fixture
def room(realtime, people) -> Room:
    return Room(realtime, people)


def _age(app: Any, client_id: Any, by: timedelta) -> None:
    with app.app_context():
        db.session.execute(
            text("UPDATE sync_clients SET last_synced_at = last_synced_at - :by WHERE id = :id"),
            {"by": by, "id": str(client_id)},
        )
        db.session.commit()


def test_the_reps_manager_and_the_admins_are_poked_when_the_rep_logs_a_visit(
    org, people, make_account, room
):
    shop = make_account(org, *SHOP, owner_id=people["ana"].id)

    room.apis["ana"].post("/api/v1/visits", json=visit_data(shop))
    pokes = room.pokes()

    assert pokes["manager_a"] == [[{}]]
    assert pokes["admin"] == [[{}]]
    assert pokes["admin_x"] == []


def test_a_visit_pushed_from_a_device_pokes_the_manager_once(org, people, make_account, room):
    """The visit's poke already reaches them: the device's sync adds no second one."""
    shop = make_account(org, *SHOP, owner_id=people["ana"].id)

    push(room.apis["ana"], uuid.uuid4(), [mutation(1, "visit.create", visit_data(shop))])
    pokes = room.pokes()

    assert (len(pokes["manager_a"]), len(pokes["admin"])) == (1, 1)


def test_a_reps_pull_pokes_their_manager_and_the_admins_at_most_once_a_minute(app, room):
    device = str(uuid.uuid4())
    ana = room.apis["ana"]

    ana.get(PULL, query_string={"client_id": device})
    first = room.poked()
    ana.get(PULL, query_string={"client_id": device})
    again = room.poked()
    _age(app, device, timedelta(seconds=61))
    ana.get(PULL, query_string={"client_id": device})
    later = room.poked()

    assert first == {"manager_a", "admin"}
    assert again == set()
    assert later == {"manager_a", "admin"}


def test_a_pull_without_a_device_id_is_not_noted(room):
    room.apis["ana"].get(PULL)

    assert room.poked() == set()


def test_a_push_that_changes_nothing_still_counts_as_a_sync(app, org, people, make_account, room):
    shop = make_account(org, *SHOP, owner_id=people["ana"].id)
    device = uuid.uuid4()
    note = mutation(1, "note.create", note_data(shop))
    push(room.apis["ana"], device, [note])
    room.pokes()
    _age(app, device, timedelta(minutes=5))

    answer = push(room.apis["ana"], device, [note])

    assert [r["status"] for r in answer.json["results"]] == ["duplicate"]
    assert room.poked() == {"manager_a", "admin"}


def test_another_teams_rep_pulling_pokes_only_their_own_manager_and_the_admins(room):
    room.apis["dan"].get(PULL, query_string={"client_id": str(uuid.uuid4())})

    assert room.poked() == {"manager_b", "admin"}


def test_managers_and_admins_syncing_poke_nobody(room):
    for name in ("manager_a", "admin"):
        room.apis[name].get(PULL, query_string={"client_id": str(uuid.uuid4())})
        push(room.apis[name], uuid.uuid4(), [])

    assert room.poked() == set()


def test_a_rep_without_a_manager_syncing_pokes_the_admins(org, make_user, realtime, room):
    loner = realtime.login(make_user(org))

    loner.get(PULL, query_string={"client_id": str(uuid.uuid4())})

    assert room.poked() == {"admin"}
