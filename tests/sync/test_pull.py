"""Pull: full snapshots, deltas by snapshot cursor (late commits included), tombstones,
the working set per role, and checksums a device can recompute."""

from __future__ import annotations

import base64
import json
import uuid

import psycopg
import pytest

from server.sync.pull import PullCursor
from tests.support.database import libpq
from tests.sync.support import (
    SHOP,
    expected_checksum,
    mutation,
    note_data,
    pull_all,
    push,
    visit_data,
)


def ids(changes, entity="account", op="upsert"):
    return {c["data"]["id"] for c in changes if c["entity"] == entity and c["op"] == op}


def test_first_pull_is_a_full_snapshot_of_what_the_rep_may_see(
    org, rep, make_account, make_user, rep_api
):
    mine = {str(make_account(org, *SHOP, owner_id=rep.id)) for _ in range(3)}
    make_account(org, *SHOP, owner_id=make_user(org).id)

    changes, _ = pull_all(rep_api)

    assert ids(changes) == mine
    assert all(c["op"] == "upsert" for c in changes)


def test_pull_pages_cover_everything_exactly_once(org, rep, make_account, rep_api):
    made = {str(make_account(org, *SHOP, owner_id=rep.id)) for _ in range(7)}

    changes, _ = pull_all(rep_api, limit=2)

    pulled = [c["data"]["id"] for c in changes]
    assert sorted(pulled) == sorted(made)


def test_pull_after_a_cursor_brings_only_what_changed(org, rep, make_account, rep_api):
    first = make_account(org, *SHOP, owner_id=rep.id)
    make_account(org, *SHOP, owner_id=rep.id)
    _, cursor = pull_all(rep_api)

    rep_api.patch(f"/api/v1/accounts/{first}", json={"name": "Renamed"})
    changes, cursor = pull_all(rep_api, cursor)

    assert [(c["data"]["id"], c["data"]["name"]) for c in changes] == [(str(first), "Renamed")]
    assert pull_all(rep_api, cursor)[0] == []


def test_archived_account_arrives_as_a_tombstone(
    org, rep, make_account, make_user, logged_in, rep_api
):
    account = make_account(org, *SHOP, owner_id=rep.id)
    _, cursor = pull_all(rep_api)

    logged_in(make_user(org, role="admin")).delete(f"/api/v1/accounts/{account}")
    changes, _ = pull_all(rep_api, cursor)

    assert changes == [{"entity": "account", "op": "delete", "data": {"id": str(account)}}]


def test_account_reassigned_to_another_rep_leaves_the_working_set(
    org, rep, make_account, make_user, logged_in, rep_api
):
    account = make_account(org, *SHOP, owner_id=rep.id)
    other = make_user(org)
    _, cursor = pull_all(rep_api)

    logged_in(make_user(org, role="admin")).patch(
        f"/api/v1/accounts/{account}", json={"owner_id": str(other.id)}
    )
    changes, _ = pull_all(rep_api, cursor)
    theirs, _ = pull_all(logged_in(other))

    assert ids(changes, op="delete") == {str(account)}
    assert ids(theirs) == {str(account)}


def test_pull_never_shows_another_organisation(make_org, make_account, rep_api, org, rep):
    make_account(make_org(), *SHOP)

    changes, _ = pull_all(rep_api)

    assert changes == []


def test_visits_arrive_with_their_verification(org, rep, make_account, rep_api):
    shop = make_account(org, *SHOP, owner_id=rep.id)
    _, cursor = pull_all(rep_api)
    data = visit_data(shop)
    push(rep_api, uuid.uuid4(), [mutation(1, "visit.create", data)])

    changes, _ = pull_all(rep_api, cursor)

    visits = [c for c in changes if c["entity"] == "visit"]
    assert [v["data"]["id"] for v in visits] == [data["id"]]
    assert visits[0]["data"]["verification"] == "verified"
    assert visits[0]["data"]["location"] == data["location"]
    # The account's last_visit_at moved, so it is sent again too.
    assert ids(changes) == {str(shop)}


def test_managers_pull_team_visits_without_raw_coordinates(org, make_user, make_account, logged_in):
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    shop = make_account(org, *SHOP, owner_id=rep.id)
    push(logged_in(rep), uuid.uuid4(), [mutation(1, "visit.create", visit_data(shop))])

    changes, _ = pull_all(logged_in(manager))

    visits = [c["data"] for c in changes if c["entity"] == "visit"]
    assert len(visits) == 1
    assert visits[0]["location"] is None
    assert visits[0]["verification"] == "verified"


def test_pull_reports_the_devices_last_mutation_id(org, rep, make_account, rep_api):
    shop = make_account(org, *SHOP, owner_id=rep.id)
    client_id = uuid.uuid4()
    push(rep_api, client_id, [mutation(n, "visit.create", visit_data(shop)) for n in (1, 2)])

    answer = rep_api.get("/api/v1/sync/pull", query_string={"client_id": str(client_id)}).json

    assert answer["last_mutation_id"] == 2


def test_a_transaction_committing_late_is_not_skipped_by_the_cursor(
    app, org, rep, make_account, rep_api, database_url
):
    """T1 writes first but commits last; a pull between the two commits must not move past it."""
    early, late = (make_account(org, *SHOP, owner_id=rep.id) for _ in range(2))
    _, cursor = pull_all(rep_api)
    with (
        psycopg.connect(libpq(database_url)) as slow,
        psycopg.connect(libpq(database_url), autocommit=True) as fast,
    ):
        slow.execute(
            "UPDATE accounts SET name = 'slow', version = version + 1 WHERE id = %s", (early,)
        )
        fast.execute(
            "UPDATE accounts SET name = 'fast', version = version + 1 WHERE id = %s", (late,)
        )
        between, cursor = pull_all(rep_api, cursor)
        slow.commit()
    after, _ = pull_all(rep_api, cursor)

    assert [(c["data"]["id"], c["data"]["name"]) for c in between] == [(str(late), "fast")]
    assert [(c["data"]["id"], c["data"]["name"]) for c in after] == [(str(early), "slow")]


def test_checksum_matches_a_hash_of_the_pulled_rows(org, rep, make_account, rep_api):
    for _ in range(4):
        make_account(org, *SHOP, owner_id=rep.id)
    changes, _ = pull_all(rep_api)

    checksum = rep_api.get("/api/v1/sync/checksum").json

    rows = [(c["data"]["id"], c["data"]["version"]) for c in changes if c["entity"] == "account"]
    assert checksum["account"] == {"count": 4, "hash": expected_checksum(rows)}
    assert checksum["visit"] == {"count": 0, "hash": "0000000000000000"}


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "WzEsMiwzXQ",
        "WyIxOjI6IiwiMToyOiIsOSxudWxsLG51bGxd",
        "WyJ4IixudWxsLDAsbnVsbCxudWxsXQ",
    ],
)
def test_tampered_cursor_answers_400(rep_api, cursor):
    response = rep_api.get("/api/v1/sync/pull", query_string={"cursor": cursor})

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_cursor"


def test_pull_needs_login(client):
    assert client.get("/api/v1/sync/pull").status_code == 401
    assert client.get("/api/v1/sync/checksum").status_code == 401


# Cursors are the server's own, and a pull names only rows the caller could have held


def _forged(values):
    """A cursor as a client would build it: base64 JSON with no signature."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _signed(app, since, target=None, feed=0, after=None):
    """A pull cursor the server made, holding whatever it is given."""
    with app.app_context():
        return PullCursor(0, since, target, feed, after).encode()


def test_pull_answers_400_when_the_cursor_names_a_snapshot_of_the_clients_choosing(
    org, rep, make_account, make_user, rep_api
):
    """["1:1:", ...] once made the pull tombstone every row of the organisation."""
    make_account(org, *SHOP, owner_id=make_user(org).id)

    response = rep_api.get(
        "/api/v1/sync/pull", query_string={"cursor": _forged(["1:1:", None, 0, None, None])}
    )

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_cursor"


def test_pull_answers_400_when_a_genuine_cursor_is_tampered_with(org, rep, make_account, rep_api):
    make_account(org, *SHOP, owner_id=rep.id)
    _, cursor = pull_all(rep_api)
    payload, signature = cursor.split(".")
    earlier = _forged(["1:1:", None, 0, None, None])

    for tampered in (f"{earlier}.{signature}", f"{payload}.{signature[:-2]}", payload):
        response = rep_api.get("/api/v1/sync/pull", query_string={"cursor": tampered})

        assert response.status_code == 400
        assert response.json["error"]["code"] == "invalid_cursor"


def test_a_list_cursor_is_no_pull_cursor_and_a_pull_cursor_no_list_cursor(
    org, rep, make_account, rep_api
):
    for n in range(3):
        make_account(org, *SHOP, owner_id=rep.id, name=f"Shop {n}")
    list_cursor = rep_api.get("/api/v1/accounts?limit=1").json["next_cursor"]
    pull_cursor = rep_api.get("/api/v1/sync/pull", query_string={"limit": 1}).json["cursor"]

    as_pull = rep_api.get("/api/v1/sync/pull", query_string={"cursor": list_cursor})
    as_list = rep_api.get("/api/v1/accounts", query_string={"cursor": pull_cursor})

    assert (as_pull.status_code, as_list.status_code) == (400, 400)


@pytest.mark.parametrize(
    ("since", "after"),
    [
        ("5:3:", None),
        ("0:1:", None),
        ("3:9:9", None),
        ("3:9:2", None),
        ("3:9:7,5", None),
        ("3:9223372036854775808:", None),
        ("3:9:", (10**30, str(uuid.UUID(int=1)))),
        ("3:9:", (-1, str(uuid.UUID(int=1)))),
    ],
)
def test_pull_answers_400_when_a_signed_cursor_holds_a_snapshot_postgresql_rejects(
    app, rep_api, since, after
):
    """The snapshot is checked as PostgreSQL would (0 < xmin <= xmax, running ones in range
    and in order), so the pull is a 400, not a 500."""
    cursor = _signed(app, since, since, 0, after)

    response = rep_api.get("/api/v1/sync/pull", query_string={"cursor": cursor})

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_cursor"


def test_incremental_pull_shows_nothing_of_what_another_rep_changed(
    org, rep, make_account, make_user, logged_in, rep_api
):
    """Another rep's new and edited rows of every kind stay out of the pull, tombstones too."""
    other = make_user(org)
    theirs = make_account(org, *SHOP, owner_id=other.id)
    _, cursor = pull_all(rep_api)
    other_api = logged_in(other)

    other_api.patch(f"/api/v1/accounts/{theirs}", json={"name": "Renamed"})
    other_api.post("/api/v1/accounts", json={"kind": "prospect", "name": "New one"})
    other_api.post("/api/v1/tasks", json={"title": "Call back"})
    push(other_api, uuid.uuid4(), [mutation(1, "visit.create", visit_data(theirs))])
    other_api.post("/api/v1/notes", json=note_data(theirs))
    changes, _ = pull_all(rep_api, cursor)

    assert changes == []


def test_archived_account_of_another_rep_is_no_tombstone_for_a_rep(
    org, rep, make_account, make_user, logged_in, rep_api
):
    theirs = make_account(org, *SHOP, owner_id=make_user(org).id)
    _, cursor = pull_all(rep_api)

    logged_in(make_user(org, role="admin")).delete(f"/api/v1/accounts/{theirs}")
    changes, _ = pull_all(rep_api, cursor)

    assert changes == []


def test_account_reassigned_away_stays_a_tombstone_after_later_edits(
    org, rep, make_account, make_user, logged_in, rep_api
):
    """The rep's device, offline through the reassignment and an edit after it, still learns
    the account left it."""
    account = make_account(org, *SHOP, owner_id=rep.id)
    other = make_user(org)
    _, cursor = pull_all(rep_api)
    admin_api = logged_in(make_user(org, role="admin"))

    admin_api.patch(f"/api/v1/accounts/{account}", json={"owner_id": str(other.id)})
    logged_in(other).patch(f"/api/v1/accounts/{account}", json={"name": "Theirs now"})
    changes, _ = pull_all(rep_api, cursor)

    assert changes == [{"entity": "account", "op": "delete", "data": {"id": str(account)}}]


def test_manager_gets_a_tombstone_when_a_team_account_leaves_the_team(
    org, make_user, make_account, logged_in
):
    manager = make_user(org, role="manager")
    member, outsider = make_user(org, manager_id=manager.id), make_user(org)
    account = make_account(org, *SHOP, owner_id=member.id)
    elsewhere = make_account(org, *SHOP, owner_id=outsider.id)
    manager_api = logged_in(manager)
    _, cursor = pull_all(manager_api)
    admin_api = logged_in(make_user(org, role="admin"))

    admin_api.patch(f"/api/v1/accounts/{account}", json={"owner_id": str(outsider.id)})
    admin_api.patch(f"/api/v1/accounts/{elsewhere}", json={"name": "Not the team's"})
    changes, _ = pull_all(manager_api, cursor)

    assert changes == [{"entity": "account", "op": "delete", "data": {"id": str(account)}}]


def test_task_reassigned_away_from_a_rep_arrives_as_a_tombstone(
    org, rep, make_user, logged_in, rep_api
):
    task = rep_api.post("/api/v1/tasks", json={"title": "Call back"}).json
    other = make_user(org)
    _, cursor = pull_all(rep_api)

    logged_in(make_user(org, role="admin")).patch(
        f"/api/v1/tasks/{task['id']}", json={"assignee_id": str(other.id)}
    )
    changes, _ = pull_all(rep_api, cursor)
    theirs, _ = pull_all(logged_in(other))

    assert changes == [{"entity": "task", "op": "delete", "data": {"id": task["id"]}}]
    assert ids(theirs, entity="task") == {task["id"]}
