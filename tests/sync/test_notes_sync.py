"""note.create through sync: applied once through the same operation as POST /notes, in the
pull and the checksum of its author's working set."""

from __future__ import annotations

import uuid

from tests.sync.support import SHOP, expected_checksum, mutation, note_data, pull_all, push


def test_note_pushed_offline_is_applied_and_listed(rep_api, rep, shop):
    data = note_data(shop)

    response = push(rep_api, uuid.uuid4(), [mutation(1, "note.create", data)])

    [result] = response.json["results"]
    assert result["status"] == "applied"
    assert result["entity"]["author_id"] == str(rep.id)
    listed = rep_api.get("/api/v1/notes", query_string={"account_id": str(shop)}).json["items"]
    assert [item["id"] for item in listed] == [data["id"]]


def test_note_sent_by_rest_then_pushed_is_stored_once(rep_api, shop):
    """The device's REST attempt timed out after the server stored it; the outbox sends it."""
    data = note_data(shop)
    assert rep_api.post("/api/v1/notes", json=data).status_code == 201

    response = push(rep_api, uuid.uuid4(), [mutation(1, "note.create", data)])

    assert response.json["results"][0]["status"] == "applied"
    assert len(rep_api.get("/api/v1/notes").json["items"]) == 1


def test_invalid_note_is_rejected_with_data_fields_and_the_counter_moves_on(rep_api, shop):
    batch = [
        mutation(1, "note.create", note_data(shop, body="")),
        mutation(2, "note.create", note_data(shop)),
    ]

    response = push(rep_api, uuid.uuid4(), batch)

    assert response.json["last_mutation_id"] == 2
    rejected, applied = response.json["results"]
    assert rejected["status"] == "rejected"
    assert "data.body" in rejected["error"]["fields"]
    assert applied["status"] == "applied"


def test_notes_arrive_in_the_pull_and_the_checksum(org, make_user, make_account, logged_in):
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    shop = make_account(org, *SHOP, owner_id=rep.id)
    rep_api = logged_in(rep)
    _, cursor = pull_all(rep_api)
    data = note_data(shop)
    push(rep_api, uuid.uuid4(), [mutation(1, "note.create", data)])

    changes, _ = pull_all(rep_api, cursor)

    notes = [c for c in changes if c["entity"] == "note"]
    assert [(c["op"], c["data"]["id"], c["data"]["body"]) for c in notes] == [
        ("upsert", data["id"], data["body"])
    ]
    expected = {"count": 1, "hash": expected_checksum([(data["id"], 1)])}
    for viewer in (rep_api, logged_in(manager)):
        assert viewer.get("/api/v1/sync/checksum").json["note"] == expected
    outsider = logged_in(make_user(org))
    assert outsider.get("/api/v1/sync/checksum").json["note"]["count"] == 0
    assert [c for c in pull_all(outsider)[0] if c["entity"] == "note"] == []
