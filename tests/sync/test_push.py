"""Push: in order, exactly once, stopping at gaps, conflicts and rejections recorded."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select, text

from server.core.validation import NOT_STORABLE
from server.extensions import db
from server.sync.models import SyncClient, SyncMutation
from server.visits.models import Visit
from tests.sync.support import SHOP, mutation, note_data, pull_all, push, visit_data


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


# Data no database could store: that mutation is rejected, the push and later pushes go on


def _push_raw(api, client_id, mutations_json):
    """POST /sync/push with the mutations as raw JSON text (NaN and lone surrogates kept)."""
    body = f'{{"client_id": "{client_id}", "mutations": [{", ".join(mutations_json)}]}}'
    return api.post("/api/v1/sync/push", data=body, content_type="application/json")


def _account_create(number, custom_json):
    made = uuid.uuid4()
    data = f'{{"id": "{made}", "kind": "prospect", "name": "Shop", "custom": {custom_json}}}'
    return f'{{"id": {number}, "op": "account.create", "data": {data}}}'


def _raw(entry):
    return json.dumps(entry)


def test_account_create_with_nan_is_rejected_and_later_pushes_go_on(app, rep_api, shop):
    """Before, this mutation answered 500 on every push, so the device's outbox was stuck."""
    client_id = uuid.uuid4()
    visit = _raw(mutation(2, "visit.create", visit_data(shop)))

    first = _push_raw(rep_api, client_id, [_account_create(1, '{"a": NaN}'), visit])
    again = _push_raw(rep_api, client_id, [_account_create(1, '{"a": NaN}'), visit])
    later = push(rep_api, client_id, [mutation(3, "visit.create", visit_data(shop))])

    assert first.status_code == 200
    rejected, applied = first.json["results"]
    assert rejected["status"] == "rejected"
    assert rejected["error"]["fields"] == {"data.custom.a": "must be a finite number"}
    assert applied["status"] == "applied"
    assert [r["status"] for r in again.json["results"]] == ["duplicate", "duplicate"]
    assert [r["status"] for r in later.json["results"]] == ["applied"]
    assert visits_stored(app) == 2


@pytest.mark.parametrize(
    "text", ['"Owner \\ud83d"', '"\\udc00"', '"a\\u0000b"'], ids=["high", "low", "nul"]
)
def test_note_with_text_no_database_stores_is_rejected_alone(app, rep_api, shop, text):
    """A lone surrogate (a cut emoji, say) or NUL in one mutation: that one is rejected."""
    note = _raw(mutation(1, "note.create", note_data(shop))).replace(
        '"Owner wants the spring catalogue"', text
    )
    visit = _raw(mutation(2, "visit.create", visit_data(shop)))

    response = _push_raw(rep_api, uuid.uuid4(), [note, visit])

    assert response.status_code == 200
    rejected, applied = response.json["results"]
    assert (rejected["status"], list(rejected["error"]["fields"])) == ("rejected", ["data.body"])
    assert applied["status"] == "applied"


def test_visit_in_a_run_with_an_unstorable_value_is_rejected_alone(app, rep_api, shop):
    """The batch handler never sees the set-aside data; the run's other visits are stored."""
    visits = [_raw(mutation(n, "visit.create", visit_data(shop))) for n in (1, 2, 3)]
    visits[1] = visits[1].replace('"notes": ""', '"notes": "\\ud800"')

    response = _push_raw(rep_api, uuid.uuid4(), visits)

    statuses = [r["status"] for r in response.json["results"]]
    assert statuses == ["applied", "rejected", "applied"]
    assert response.json["results"][1]["error"]["fields"] == {"data.notes": NOT_STORABLE}
    assert visits_stored(app) == 2


def test_push_answers_422_when_the_body_outside_mutation_data_holds_nan(rep_api, shop):
    """Only a mutation's data is set aside; the rest of the body is the envelope's to refuse."""
    entry = '{"id": 1, "op": "visit.create", "data": {}, "base_version": NaN}'

    response = _push_raw(rep_api, uuid.uuid4(), [entry])

    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["mutations.0.base_version"]


@pytest.fixture
def database_refuses_a_name(app):
    """A rule of the database's own that validation does not know of: an account named
    "Refused" is a data exception (SQLSTATE 22023), as a value out of range would be."""
    with app.app_context():
        db.session.execute(text(REFUSING_FUNCTION))
        db.session.execute(
            text(
                "CREATE TRIGGER accounts_refuse_a_name BEFORE INSERT ON accounts "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_a_name()"
            )
        )
        db.session.commit()
    yield "Refused"
    with app.app_context():
        db.session.execute(text("DROP TRIGGER accounts_refuse_a_name ON accounts"))
        db.session.execute(text("DROP FUNCTION test_refuse_a_name()"))
        db.session.commit()


REFUSING_FUNCTION = """
CREATE FUNCTION test_refuse_a_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name = 'Refused' THEN
        RAISE EXCEPTION 'refused' USING ERRCODE = '22023';
    END IF;
    RETURN NEW;
END
$$
"""


def test_mutation_the_database_refuses_is_rejected_and_the_push_goes_on(
    app, rep_api, shop, database_refuses_a_name
):
    """A DataError is the mutation's fault: rejected and recorded, never a 500 on every push."""
    refused = {"id": str(uuid.uuid4()), "kind": "prospect", "name": database_refuses_a_name}
    client_id = uuid.uuid4()
    batch = [
        mutation(1, "account.create", refused),
        mutation(2, "visit.create", visit_data(shop)),
    ]

    response = push(rep_api, client_id, batch)

    assert response.status_code == 200
    assert [r["status"] for r in response.json["results"]] == ["rejected", "applied"]
    assert response.json["last_mutation_id"] == 2
    with app.app_context():
        ledger = db.session.scalars(select(SyncMutation).order_by(SyncMutation.mutation_id)).all()
        assert [(m.mutation_id, m.status) for m in ledger] == [(1, "rejected"), (2, "applied")]


def test_task_update_with_a_due_time_beyond_year_9999_in_utc_is_rejected(rep_api, rep):
    """Stored, such a time could never be read back, and every pull would fail."""
    task = rep_api.post("/api/v1/tasks", json={"title": "Call"}).json
    data = {"id": task["id"], "due_at": "9999-12-31T23:00:00-05:00"}

    response = push(rep_api, uuid.uuid4(), [mutation(1, "task.update", data, base_version=1)])

    assert response.json["results"][0]["status"] == "rejected"
    assert "data.due_at" in response.json["results"][0]["error"]["fields"]
    assert pull_all(rep_api)[0]
