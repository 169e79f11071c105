"""Push: in order, exactly once, stopping at gaps, conflicts and rejections recorded."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.sync.models import SyncClient, SyncMutation
from server.visits.models import Visit
from tests.sync.support import SHOP, mutation, push, visit_data


def visits_stored(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Visit)))


def test_push_applies_mutations_in_order_and_advances_the_counter(app, rep_api, shop):
    client_id = uuid.uuid4()
    batch = [mutation(n, "visit.create", visit_data(shop)) for n in (1, 2, 3)]

    response = push(rep_api, client_id, batch)

    assert response.status_code == 200
    assert response.json["last_mutation_id"] == 3
    assert [r["status"] for r in response.json["results"]] == ["applied"] * 3
    assert response.json["results"][0]["entity"]["verification"] == "verified"
    assert visits_stored(app) == 3


def test_push_again_answers_duplicate_and_changes_nothing(app, rep_api, shop):
    client_id = uuid.uuid4()
    batch = [mutation(n, "visit.create", visit_data(shop)) for n in (1, 2)]
    push(rep_api, client_id, batch)

    again = push(rep_api, client_id, batch)

    assert [r["status"] for r in again.json["results"]] == ["duplicate", "duplicate"]
    assert again.json["last_mutation_id"] == 2
    assert visits_stored(app) == 2


def test_push_stops_at_a_gap(app, rep_api, shop):
    client_id = uuid.uuid4()
    batch = [mutation(n, "visit.create", visit_data(shop)) for n in (1, 3, 4)]

    response = push(rep_api, client_id, batch)

    assert response.json["last_mutation_id"] == 1
    assert [r["id"] for r in response.json["results"]] == [1]
    assert visits_stored(app) == 1


def test_push_with_stale_base_version_is_a_conflict_returning_the_current_account(rep_api, shop):
    rep_api.patch(f"/api/v1/accounts/{shop}", json={"name": "Renamed on the web"})
    edit = mutation(1, "account.update", {"id": str(shop), "phone": "+40 21 000"}, base_version=1)

    response = push(rep_api, uuid.uuid4(), [edit])

    result = response.json["results"][0]
    assert result["status"] == "conflict"
    assert result["entity"]["name"] == "Renamed on the web"
    assert result["entity"]["version"] == 2
    assert response.json["last_mutation_id"] == 1
    assert rep_api.get(f"/api/v1/accounts/{shop}").json["phone"] is None


def test_push_with_current_base_version_updates_the_account(rep_api, shop):
    edit = mutation(1, "account.update", {"id": str(shop), "phone": "+40 21 000"}, base_version=1)

    response = push(rep_api, uuid.uuid4(), [edit])

    assert response.json["results"][0]["status"] == "applied"
    assert rep_api.get(f"/api/v1/accounts/{shop}").json["phone"] == "+40 21 000"


def test_account_created_offline_keeps_its_client_made_id(rep_api, rep):
    account_id = str(uuid.uuid4())
    data = {
        "id": account_id,
        "kind": "prospect",
        "name": "Kiosk",
        "location": {"type": "Point", "coordinates": list(SHOP)},
    }

    response = push(rep_api, uuid.uuid4(), [mutation(1, "account.create", data)])

    assert response.json["results"][0]["status"] == "applied"
    account = rep_api.get(f"/api/v1/accounts/{account_id}").json
    assert account["owner_id"] == str(rep.id)


def test_invalid_mutation_is_rejected_recorded_and_the_counter_moves_on(app, rep_api, shop):
    client_id = uuid.uuid4()
    batch = [
        mutation(1, "visit.create", visit_data(shop, outcome="bribed")),
        mutation(2, "visit.create", visit_data(shop)),
    ]

    response = push(rep_api, client_id, batch)

    first, second = response.json["results"]
    assert first["status"] == "rejected"
    assert first["error"]["code"] == "validation_error"
    assert "data.outcome" in first["error"]["fields"]
    assert second["status"] == "applied"
    with app.app_context():
        ledger = db.session.scalars(select(SyncMutation).order_by(SyncMutation.mutation_id)).all()
        assert [(m.mutation_id, m.status) for m in ledger] == [(1, "rejected"), (2, "applied")]


def test_rejected_mutation_leaves_no_partial_write(app, rep_api, make_org, make_account):
    foreign = make_account(make_org(), *SHOP)

    response = push(rep_api, uuid.uuid4(), [mutation(1, "visit.create", visit_data(foreign))])

    assert response.json["results"][0]["status"] == "rejected"
    assert response.json["results"][0]["error"]["code"] == "not_found"
    assert visits_stored(app) == 0


@pytest.mark.parametrize("op", ["task.update", "note.create", "account.delete"])
def test_malformed_or_unknown_op_is_rejected(rep_api, op):
    response = push(rep_api, uuid.uuid4(), [mutation(1, op, {})])

    assert response.json["results"][0]["status"] == "rejected"
    assert response.json["last_mutation_id"] == 1


def test_visit_pushed_twice_under_new_mutation_ids_is_stored_once(app, rep_api, shop):
    """A device that lost its counter (reinstall) resends a visit: the visit id dedups it."""
    data = visit_data(shop)
    push(rep_api, uuid.uuid4(), [mutation(1, "visit.create", data)])

    response = push(rep_api, uuid.uuid4(), [mutation(1, "visit.create", data)])

    assert response.json["results"][0]["status"] == "applied"
    assert visits_stored(app) == 1


def test_client_id_of_another_user_answers_403(org, make_user, logged_in, rep_api, shop, app):
    client_id = uuid.uuid4()
    push(rep_api, client_id, [mutation(1, "visit.create", visit_data(shop))])
    other = logged_in(make_user(org))

    response = push(other, client_id, [mutation(2, "visit.create", visit_data(shop))])

    assert response.status_code == 403
    assert visits_stored(app) == 1


def test_more_than_1000_mutations_answer_413(rep_api, shop):
    batch = [mutation(n, "note.create", {}) for n in range(1, 1002)]

    response = push(rep_api, uuid.uuid4(), batch)

    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        {"client_id": "nope", "mutations": []},
        {"client_id": str(uuid.uuid4()), "mutations": [{"id": 0, "op": "x", "data": {}}]},
        {"client_id": str(uuid.uuid4()), "mutations": [{"id": "1", "op": "x", "data": {}}]},
        {"client_id": str(uuid.uuid4()), "mutations": [{"id": 1, "op": "x", "data": []}]},
        {"client_id": str(uuid.uuid4())},
    ],
)
def test_malformed_push_answers_422_and_creates_no_client(app, rep_api, body):
    response = rep_api.post("/api/v1/sync/push", json=body)

    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(SyncClient.id)) is None


def test_push_needs_the_csrf_header_with_a_cookie_session(rep_api, shop):
    response = rep_api.client.post(
        "/api/v1/sync/push", json={"client_id": str(uuid.uuid4()), "mutations": []}
    )

    assert response.status_code == 403


def test_one_visit_twice_in_a_batch_is_stored_once(app, rep_api, shop):
    data = visit_data(shop)

    response = push(rep_api, uuid.uuid4(), [mutation(n, "visit.create", data) for n in (1, 2)])

    assert [r["status"] for r in response.json["results"]] == ["applied", "applied"]
    assert response.json["results"][0]["entity"] == response.json["results"][1]["entity"]
    assert visits_stored(app) == 1


def test_visit_id_reused_with_other_content_in_a_batch_is_rejected(app, rep_api, shop):
    data = visit_data(shop)
    batch = [
        mutation(1, "visit.create", data),
        mutation(2, "visit.create", data | {"outcome": "order"}),
        mutation(3, "visit.create", visit_data(shop)),
    ]

    response = push(rep_api, uuid.uuid4(), batch)

    statuses = [(r["status"], (r.get("error") or {}).get("code")) for r in response.json["results"]]
    assert statuses == [("applied", None), ("rejected", "conflict"), ("applied", None)]
    assert visits_stored(app) == 2


def test_visits_around_an_account_edit_apply_in_order(rep_api, shop):
    batch = [
        mutation(1, "visit.create", visit_data(shop, started_at="2026-12-01T08:00:00Z")),
        mutation(2, "account.update", {"id": str(shop), "status": "at_risk"}, base_version=1),
        mutation(3, "visit.create", visit_data(shop, started_at="2026-12-01T10:00:00Z")),
        mutation(4, "visit.create", visit_data(shop, started_at="2026-12-01T09:00:00Z")),
    ]

    response = push(rep_api, uuid.uuid4(), batch)

    assert [r["status"] for r in response.json["results"]] == ["applied"] * 4
    account = rep_api.get(f"/api/v1/accounts/{shop}").json
    assert (account["status"], account["version"]) == ("at_risk", 2)
    assert account["last_visit_at"] == "2026-12-01T10:00:00Z"
