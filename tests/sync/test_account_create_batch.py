"""A run of account.create mutations is applied together, each with its own result."""

from __future__ import annotations

import uuid

from tests.sync.support import mutation, push


def _create(**fields):
    return {"id": str(uuid.uuid4()), "kind": "prospect", "name": "Cafe"} | fields


def test_each_create_of_a_run_gets_its_own_result_when_some_are_refused(
    rep_api, org, make_user, make_account
):
    """A taken id is a conflict, another rep as owner or bad data a rejection; the rest are
    applied and readable."""
    taken = make_account(org)
    other_rep = make_user(org)
    good = _create(address="Strada Lipscani 5")
    creates = [
        mutation(1, "account.create", good),
        mutation(2, "account.create", _create(id=str(taken))),
        mutation(3, "account.create", _create(owner_id=str(other_rep.id))),
        mutation(4, "account.create", _create(kind="lead")),
        mutation(5, "account.create", _create() | {"id": good["id"]}),
    ]

    results = push(rep_api, uuid.uuid4(), creates).json["results"]

    assert [r["status"] for r in results] == [
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert results[0]["entity"]["geocode_status"] == "pending"
    assert [r["error"]["code"] for r in results[1:]] == [
        "conflict",
        "validation_error",
        "validation_error",
        "conflict",
    ]
    assert rep_api.get(f"/api/v1/accounts/{good['id']}").json["name"] == "Cafe"


def test_run_of_creates_without_ids_is_rejected_one_by_one(rep_api):
    """An account made offline carries its own id."""
    results = push(
        rep_api,
        uuid.uuid4(),
        [mutation(n, "account.create", {"kind": "prospect", "name": "X"}) for n in (1, 2)],
    ).json["results"]

    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert all("data.id" in r["error"]["fields"] for r in results)
