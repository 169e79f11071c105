"""Sync epochs: when a device may no longer see rows and no tombstone can tell it (the caller's
role or team changed, a row they held changed hands twice before they pulled), its pull cursor
is refused with 400 invalid_cursor, and the full pull that follows lists none of those rows."""

from __future__ import annotations

import uuid

from server.core.pagination import encode_cursor
from tests.sync.support import SHOP, mutation, note_data, pull_all, push, visit_data


def ids(changes, entity="account"):
    return {c["data"]["id"] for c in changes if c["entity"] == entity and c["op"] == "upsert"}


def everything(changes):
    return {(c["entity"], c["data"]["id"]) for c in changes if c["op"] == "upsert"}


def pull_once(api, cursor, **params):
    return api.get("/api/v1/sync/pull", query_string={"cursor": cursor, **params})


def assert_refused(response):
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "invalid_cursor"


def rows_of(rep_api, shop):
    """A visit, a note and a task of the rep's, on their account: (entity, id) of each."""
    visit = visit_data(shop)
    push(rep_api, uuid.uuid4(), [mutation(1, "visit.create", visit)])
    note = rep_api.post("/api/v1/notes", json=note_data(shop)).json
    task = rep_api.post("/api/v1/tasks", json={"title": "Call back"}).json
    return {("account", str(shop)), ("visit", visit["id"]), ("note", note["id"])} | {
        ("task", task["id"])
    }


def test_old_managers_cursor_is_refused_when_a_rep_moves_to_another_manager(
    org, make_user, make_account, logged_in
):
    old_manager, new_manager = make_user(org, role="manager"), make_user(org, role="manager")
    rep = make_user(org, manager_id=old_manager.id)
    theirs = rows_of(logged_in(rep), make_account(org, *SHOP, owner_id=rep.id))
    manager_api = logged_in(old_manager)
    held, cursor = pull_all(manager_api)
    assert theirs <= everything(held)

    admin_api = logged_in(make_user(org, role="admin"))
    admin_api.patch(f"/api/v1/users/{rep.id}", json={"manager_id": str(new_manager.id)})

    assert_refused(pull_once(manager_api, cursor))
    again, _ = pull_all(manager_api)
    assert everything(again) & theirs == set()


def test_new_managers_cursor_is_refused_so_they_download_the_reps_rows(
    org, make_user, make_account, logged_in
):
    old_manager, new_manager = make_user(org, role="manager"), make_user(org, role="manager")
    rep = make_user(org, manager_id=old_manager.id)
    account = make_account(org, *SHOP, owner_id=rep.id)
    manager_api = logged_in(new_manager)
    _, cursor = pull_all(manager_api)

    logged_in(make_user(org, role="admin")).patch(
        f"/api/v1/users/{rep.id}", json={"manager_id": str(new_manager.id)}
    )

    assert_refused(pull_once(manager_api, cursor))
    assert ids(pull_all(manager_api)[0]) == {str(account)}


def test_cursor_is_refused_when_a_manager_is_made_a_rep(org, make_user, make_account, logged_in):
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    account = make_account(org, *SHOP, owner_id=rep.id)
    manager_api = logged_in(manager)
    held, cursor = pull_all(manager_api)
    assert ids(held) == {str(account)}

    logged_in(make_user(org, role="admin")).patch(
        f"/api/v1/users/{manager.id}", json={"role": "rep"}
    )

    assert_refused(pull_once(manager_api, cursor))
    assert ids(pull_all(manager_api)[0]) == set()


def test_a_page_of_a_full_snapshot_is_refused_when_the_epoch_changed_meanwhile(
    org, make_user, make_account, logged_in
):
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    for _ in range(2):
        make_account(org, *SHOP, owner_id=rep.id)
    manager_api = logged_in(manager)
    first = manager_api.get("/api/v1/sync/pull", query_string={"limit": 1}).json
    assert first["has_more"]

    logged_in(make_user(org, role="admin")).patch(
        f"/api/v1/users/{rep.id}", json={"manager_id": None}
    )

    assert_refused(pull_once(manager_api, first["cursor"], limit=1))


def test_first_holders_cursor_is_refused_when_their_account_changes_hands_twice(
    org, rep, make_user, make_account, logged_in, rep_api
):
    account = make_account(org, *SHOP, owner_id=rep.id)
    _, cursor = pull_all(rep_api)
    second, third = make_user(org), make_user(org)
    admin_api = logged_in(make_user(org, role="admin"))

    for owner in (second, third):
        admin_api.patch(f"/api/v1/accounts/{account}", json={"owner_id": str(owner.id)})

    assert_refused(pull_once(rep_api, cursor))
    assert ids(pull_all(rep_api)[0]) == set()


def test_first_holders_managers_cursor_is_refused_when_the_account_changes_hands_twice(
    org, make_user, make_account, logged_in
):
    manager = make_user(org, role="manager")
    first = make_user(org, manager_id=manager.id)
    account = make_account(org, *SHOP, owner_id=first.id)
    manager_api = logged_in(manager)
    _, cursor = pull_all(manager_api)
    admin_api = logged_in(make_user(org, role="admin"))

    for owner in (make_user(org), make_user(org)):
        admin_api.patch(f"/api/v1/accounts/{account}", json={"owner_id": str(owner.id)})

    assert_refused(pull_once(manager_api, cursor))
    assert ids(pull_all(manager_api)[0]) == set()


def test_managers_cursor_is_refused_when_an_unowned_account_changes_hands_twice(
    org, make_user, make_account, logged_in
):
    manager = make_user(org, role="manager")
    make_account(org, *SHOP, owner_id=None)
    account = make_account(org, *SHOP, owner_id=None)
    manager_api = logged_in(manager)
    _, cursor = pull_all(manager_api)
    admin_api = logged_in(make_user(org, role="admin"))

    for owner in (make_user(org), make_user(org)):
        admin_api.patch(f"/api/v1/accounts/{account}", json={"owner_id": str(owner.id)})

    assert_refused(pull_once(manager_api, cursor))
    assert str(account) not in ids(pull_all(manager_api)[0])


def test_first_assignees_cursor_is_refused_when_their_task_changes_hands_twice(
    org, rep, make_user, logged_in, rep_api
):
    task = rep_api.post("/api/v1/tasks", json={"title": "Call back"}).json
    _, cursor = pull_all(rep_api)
    admin_api = logged_in(make_user(org, role="admin"))

    for assignee in (make_user(org), make_user(org)):
        admin_api.patch(f"/api/v1/tasks/{task['id']}", json={"assignee_id": str(assignee.id)})

    assert_refused(pull_once(rep_api, cursor))
    assert ids(pull_all(rep_api)[0], entity="task") == set()


def test_cursor_stays_valid_when_others_rows_and_teams_change(
    org, rep, make_user, make_account, logged_in, rep_api
):
    mine = make_account(org, *SHOP, owner_id=rep.id)
    manager, other_manager = make_user(org, role="manager"), make_user(org, role="manager")
    other = make_user(org, manager_id=manager.id)
    account = make_account(org, *SHOP, owner_id=other.id)
    _, cursor = pull_all(rep_api)
    admin_api = logged_in(make_user(org, role="admin"))

    for owner in (make_user(org), make_user(org)):
        admin_api.patch(f"/api/v1/accounts/{account}", json={"owner_id": str(owner.id)})
    admin_api.patch(f"/api/v1/users/{other.id}", json={"manager_id": str(other_manager.id)})
    admin_api.patch(f"/api/v1/accounts/{mine}", json={"name": "Renamed"})
    changes, _ = pull_all(rep_api, cursor)

    assert ids(changes) == {str(mine)}


def test_cursor_stays_valid_when_an_account_returns_to_its_first_owner(
    org, rep, make_user, make_account, logged_in, rep_api
):
    account = make_account(org, *SHOP, owner_id=rep.id)
    _, cursor = pull_all(rep_api)
    admin_api = logged_in(make_user(org, role="admin"))

    for owner in (make_user(org), rep):
        admin_api.patch(f"/api/v1/accounts/{account}", json={"owner_id": str(owner.id)})
    changes, _ = pull_all(rep_api, cursor)

    assert ids(changes) == {str(account)}


def test_pull_answers_400_for_a_signed_cursor_of_the_format_before_epochs(app, rep_api):
    with app.app_context():
        cursor = encode_cursor(["3:3:", None, 0, None, None], "pull")

    assert_refused(pull_once(rep_api, cursor))


def test_cursor_is_refused_when_a_disabled_rep_is_reactivated(
    org, rep, make_user, make_account, logged_in, rep_api
):
    make_account(org, *SHOP, owner_id=rep.id)
    _, cursor = pull_all(rep_api)
    admin_api = logged_in(make_user(org, role="admin"))

    for active in (False, True):
        admin_api.patch(f"/api/v1/users/{rep.id}", json={"is_active": active})

    assert_refused(pull_once(logged_in(rep), cursor))
