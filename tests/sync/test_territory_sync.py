"""Reps hold the accounts of their territories on their devices: added to a territory, a rep's
cursor is refused and the full pull brings its accounts; removed (or the territory deleted, or
an account moved out of it), the cursor is refused and the full pull lists them no more. An
account moving into a territory needs no restart: its row changed, the next pull brings it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sync.support import SHOP, pull_all

TERRITORIES = "/api/v1/territories"
LNG, LAT = SHOP
AREA = {
    "type": "Polygon",
    "coordinates": [
        [
            [LNG - 0.01, LAT - 0.01],
            [LNG + 0.01, LAT - 0.01],
            [LNG + 0.01, LAT + 0.01],
            [LNG - 0.01, LAT + 0.01],
            [LNG - 0.01, LAT - 0.01],
        ]
    ],
}


def account_ids(changes: list[dict[str, Any]]) -> set[str]:
    return {c["data"]["id"] for c in changes if c["entity"] == "account" and c["op"] == "upsert"}


def refused(api: Any, cursor: str) -> bool:
    response = api.get("/api/v1/sync/pull", query_string={"cursor": cursor})
    return response.status_code == 400 and response.json["error"]["code"] == "invalid_cursor"


@pytest.fixture
def manager_api(org, make_user, logged_in):
    return logged_in(make_user(org, role="manager"))


@pytest.fixture
def colleague(org, make_user):
    return make_user(org)


def test_a_rep_added_to_a_territory_gets_its_accounts_and_loses_them_when_removed(
    org, rep, colleague, make_account, manager_api, rep_api
):
    theirs = make_account(org, LNG, LAT, owner_id=colleague.id)
    mine = make_account(org, LNG + 1, LAT, owner_id=rep.id)
    territory = manager_api.post(TERRITORIES, json={"name": "Centre", "area": AREA}).json
    held, cursor = pull_all(rep_api)
    assert account_ids(held) == {str(mine)}

    manager_api.patch(f"{TERRITORIES}/{territory['id']}", json={"rep_ids": [str(rep.id)]})

    assert refused(rep_api, cursor)
    held, cursor = pull_all(rep_api)
    assert account_ids(held) == {str(mine), str(theirs)}

    manager_api.patch(f"{TERRITORIES}/{territory['id']}", json={"rep_ids": []})

    assert refused(rep_api, cursor)
    held, _ = pull_all(rep_api)
    assert account_ids(held) == {str(mine)}


def test_a_deleted_territory_leaves_its_reps_devices(
    org, rep, colleague, make_account, manager_api, rep_api
):
    theirs = make_account(org, LNG, LAT, owner_id=colleague.id)
    territory = manager_api.post(
        TERRITORIES, json={"name": "Centre", "area": AREA, "rep_ids": [str(rep.id)]}
    ).json
    held, cursor = pull_all(rep_api)
    assert account_ids(held) == {str(theirs)}

    manager_api.delete(f"{TERRITORIES}/{territory['id']}")

    assert refused(rep_api, cursor)
    assert account_ids(pull_all(rep_api)[0]) == set()


def test_an_account_moving_out_restarts_the_reps_and_one_moving_in_comes_with_the_next_pull(
    org, rep, colleague, logged_in, manager_api, rep_api
):
    manager_api.post(TERRITORIES, json={"name": "Centre", "area": AREA, "rep_ids": [str(rep.id)]})
    owner_api = logged_in(colleague)
    outside = {"type": "Point", "coordinates": [LNG + 1, LAT]}
    inside = {"type": "Point", "coordinates": [LNG, LAT]}
    made = owner_api.post(
        "/api/v1/accounts", json={"kind": "customer", "name": "Kiosk", "location": outside}
    ).json
    held, cursor = pull_all(rep_api)
    assert account_ids(held) == set()

    owner_api.patch(f"/api/v1/accounts/{made['id']}", json={"location": inside})

    arrived, cursor = pull_all(rep_api, cursor)
    assert account_ids(arrived) == {made["id"]}

    owner_api.patch(f"/api/v1/accounts/{made['id']}", json={"location": outside})

    assert refused(rep_api, cursor)
    assert account_ids(pull_all(rep_api)[0]) == set()


def test_an_area_edit_restarts_the_reps_of_the_territory_losing_accounts_only(
    org, rep, colleague, make_user, make_account, logged_in, manager_api, rep_api
):
    make_account(org, LNG, LAT, owner_id=colleague.id)
    bystander_api = logged_in(make_user(org))
    territory = manager_api.post(
        TERRITORIES, json={"name": "Centre", "area": AREA, "rep_ids": [str(rep.id)]}
    ).json
    _, cursor = pull_all(rep_api)
    _, bystander_cursor = pull_all(bystander_api)
    elsewhere = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]],
    }

    manager_api.patch(f"{TERRITORIES}/{territory['id']}", json={"area": elsewhere})

    assert refused(rep_api, cursor)
    assert account_ids(pull_all(rep_api)[0]) == set()
    assert not refused(bystander_api, bystander_cursor)
