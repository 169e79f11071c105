"""The Visits section: verification allowing for accuracy, idempotent ids, append-only history,
who sees whose visits, the audit of location reads, and the retention of raw coordinates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic
from sqlalchemy import select, update

from server.audit.models import AuditEntry
from server.core.transaction import unit_of_work
from server.extensions import db
from server.orgs.models import Organisation
from server.visits.models import Visit
from server.visits.operations import drop_expired_locations
from tests.support.fixtures import SHOP


def offset(metres_north: float) -> list[float]:
    """[lng, lat] of a point `metres_north` north of the shop."""
    moved = geodesic(meters=metres_north).destination((SHOP[1], SHOP[0]), bearing=0)
    return [SHOP[0], moved.latitude]


def visit_body(account_id, **fields):
    return {
        "id": str(uuid.uuid4()),
        "account_id": str(account_id),
        "started_at": "2026-12-01T09:30:00Z",
        "ended_at": "2026-12-01T09:41:00Z",
        "location": {"type": "Point", "coordinates": list(SHOP)},
        "accuracy_m": 12.0,
        "outcome": "met",
        "notes": "Talked to the owner",
    } | fields


def test_visit_is_verified_when_the_fix_is_at_the_account(rep_api, shop):
    response = rep_api.post("/api/v1/visits", json=visit_body(shop))

    assert response.status_code == 201
    assert response.json["verified"] is True
    assert response.json["verification"] == "verified"
    assert response.json["distance_m"] == pytest.approx(0, abs=0.01)


def test_visit_is_out_of_range_when_the_fix_is_far_from_the_account(rep_api, shop):
    location = {"type": "Point", "coordinates": offset(400)}

    response = rep_api.post("/api/v1/visits", json=visit_body(shop, location=location))

    assert response.status_code == 201
    assert response.json["verification"] == "out_of_range"
    assert response.json["verified"] is False
    assert response.json["distance_m"] == pytest.approx(400, rel=0.005)


def test_visit_is_verified_when_the_accuracy_allows_it_within_the_radius(rep_api, shop):
    """200 m away with a 60 m accuracy: the device may well have been 140 m away (< 150 m)."""
    location = {"type": "Point", "coordinates": offset(200)}

    body = visit_body(shop, location=location, accuracy_m=60.0)
    response = rep_api.post("/api/v1/visits", json=body)

    assert response.json["verification"] == "verified"


def test_visit_is_unverifiable_when_accuracy_is_worse_than_500_m(rep_api, shop):
    response = rep_api.post("/api/v1/visits", json=visit_body(shop, accuracy_m=650.0))

    assert response.status_code == 201
    assert response.json["verification"] == "unverifiable"


def test_visit_is_unverifiable_but_stored_when_location_capture_is_off(rep_api, shop):
    response = rep_api.post("/api/v1/visits", json=visit_body(shop, location=None, accuracy_m=None))

    assert response.status_code == 201
    assert response.json["verification"] == "unverifiable"
    assert response.json["location"] is None
    assert response.json["distance_m"] is None


def test_radius_follows_the_organisation_setting_when_changed(app, org, rep_api, shop):
    with app.app_context(), unit_of_work():
        db.session.execute(
            update(Organisation).where(Organisation.id == org.id).values(verification_radius_m=500)
        )
    location = {"type": "Point", "coordinates": offset(400)}

    response = rep_api.post("/api/v1/visits", json=visit_body(shop, location=location))

    assert response.json["verification"] == "verified"


def test_same_visit_sent_again_answers_200_with_the_stored_visit(rep_api, shop):
    body = visit_body(shop)
    first = rep_api.post("/api/v1/visits", json=body)

    again = rep_api.post("/api/v1/visits", json=body)

    assert again.status_code == 200
    assert again.json == first.json


def test_visit_id_reused_with_other_content_answers_409(app, rep_api, shop):
    body = visit_body(shop)
    rep_api.post("/api/v1/visits", json=body)

    response = rep_api.post("/api/v1/visits", json=body | {"outcome": "order"})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    with app.app_context():
        assert db.session.get(Visit, uuid.UUID(body["id"])).outcome == "met"


def test_visit_to_another_organisations_account_answers_404(make_org, make_account, rep_api):
    foreign = make_account(make_org(), *SHOP)

    response = rep_api.post("/api/v1/visits", json=visit_body(foreign))

    assert response.status_code == 404


def test_account_last_visit_at_follows_the_latest_visit(rep_api, shop):
    rep_api.post(
        "/api/v1/visits", json=visit_body(shop, started_at="2026-12-01T15:00:00Z", ended_at=None)
    )
    rep_api.post(
        "/api/v1/visits", json=visit_body(shop, started_at="2026-12-01T09:00:00Z", ended_at=None)
    )

    account = rep_api.get(f"/api/v1/accounts/{shop}").json

    assert account["last_visit_at"] == "2026-12-01T15:00:00Z"
    assert account["version"] == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"outcome": "bribed"}, "outcome"),
        ({"accuracy_m": None}, "body"),
        ({"location": {"type": "Point", "coordinates": [200, 10]}}, "location.coordinates"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "2026-12-01T09:30:00"}, "started_at"),
        ({"ended_at": "2026-12-01T08:00:00Z"}, "body"),
        ({"mood": "good"}, "mood"),
        ({"id": "not-a-uuid"}, "id"),
    ],
)
def test_bad_visit_answers_422_naming_the_field(app, rep_api, shop, fields, field):
    response = rep_api.post("/api/v1/visits", json=visit_body(shop, **fields))

    assert response.status_code == 422
    assert any(name.startswith(field) for name in response.json["error"]["fields"])
    with app.app_context():
        assert db.session.scalar(select(Visit.id)) is None


def test_visit_far_in_the_future_answers_422(rep_api, shop):
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()

    response = rep_api.post(
        "/api/v1/visits", json=visit_body(shop, started_at=later, ended_at=None)
    )

    assert response.status_code == 422
    assert "started_at" in response.json["error"]["fields"]


def test_malformed_visit_json_answers_400(rep_api):
    response = rep_api.post(
        "/api/v1/visits", data="{", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400


def test_rep_lists_only_their_own_visits_when_others_visited_too(
    org, make_user, logged_in, shop, rep_api
):
    other = logged_in(make_user(org, role="admin"))
    mine = rep_api.post("/api/v1/visits", json=visit_body(shop)).json
    assert other.post("/api/v1/visits", json=visit_body(shop)).status_code == 201

    listed = rep_api.get(f"/api/v1/visits?account_id={shop}").json["items"]

    assert [item["id"] for item in listed] == [mine["id"]]


def test_visits_list_newest_first_and_pages(rep_api, shop):
    for hour in range(10, 15):
        rep_api.post(
            "/api/v1/visits",
            json=visit_body(shop, started_at=f"2026-12-01T{hour}:00:00Z", ended_at=None),
        )

    first = rep_api.get("/api/v1/visits?limit=3").json
    second = rep_api.get(f"/api/v1/visits?limit=3&cursor={first['next_cursor']}").json

    starts = [item["started_at"] for item in first["items"] + second["items"]]
    assert starts == [f"2026-12-01T{hour}:00:00Z" for hour in range(14, 9, -1)]
    assert second["next_cursor"] is None


def test_manager_reading_a_reps_coordinates_is_audited(
    app, org, make_user, make_account, logged_in
):
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    shop = make_account(org, *SHOP, owner_id=rep.id)
    visit = logged_in(rep).post("/api/v1/visits", json=visit_body(shop)).json

    listed = logged_in(manager).get("/api/v1/visits").json["items"]

    assert [item["location"] for item in listed] == [visit["location"]]
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry)).all()
        assert [(e.actor_id, e.subject_user_id, e.action) for e in entries] == [
            (manager.id, rep.id, "visit.location.read")
        ]
        assert entries[0].details == {"visit_ids": [visit["id"]]}


def test_reading_your_own_visits_is_not_audited(app, rep_api, shop):
    rep_api.post("/api/v1/visits", json=visit_body(shop))

    rep_api.get("/api/v1/visits")

    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id)) is None


def test_manager_does_not_see_visits_of_reps_outside_their_team(
    org, make_user, make_account, logged_in
):
    manager = make_user(org, role="manager")
    outsider = make_user(org)
    shop = make_account(org, *SHOP, owner_id=outsider.id)
    assert logged_in(outsider).post("/api/v1/visits", json=visit_body(shop)).status_code == 201

    assert logged_in(manager).get("/api/v1/visits").json["items"] == []


def test_old_coordinates_are_dropped_and_verification_kept_after_retention(app, rep_api, shop):
    old = rep_api.post(
        "/api/v1/visits", json=visit_body(shop, started_at="2026-09-01T09:00:00Z", ended_at=None)
    ).json
    recent = rep_api.post(
        "/api/v1/visits", json=visit_body(shop, started_at="2026-11-25T09:00:00Z", ended_at=None)
    ).json

    with app.app_context(), unit_of_work():
        dropped = drop_expired_locations(datetime(2026, 12, 2, tzinfo=UTC))

    assert dropped == 1
    by_id = {item["id"]: item for item in rep_api.get("/api/v1/visits").json["items"]}
    assert by_id[old["id"]]["location"] is None
    assert by_id[old["id"]]["verification"] == "verified"
    assert by_id[old["id"]]["distance_m"] == old["distance_m"]
    assert by_id[recent["id"]]["location"] == recent["location"]


def test_retry_of_a_visit_whose_coordinates_were_dropped_answers_200(app, rep_api, shop):
    body = visit_body(shop, started_at="2026-09-01T09:00:00Z", ended_at=None)
    rep_api.post("/api/v1/visits", json=body)
    with app.app_context(), unit_of_work():
        drop_expired_locations(datetime(2026, 12, 2, tzinfo=UTC))

    assert rep_api.post("/api/v1/visits", json=body).status_code == 200


def test_visits_need_login(client):
    assert client.get("/api/v1/visits").status_code == 401


def test_cli_drops_expired_coordinates_and_says_how_many(app, rep_api, shop):
    old = rep_api.post(
        "/api/v1/visits", json=visit_body(shop, started_at="2026-01-05T09:00:00Z", ended_at=None)
    ).json

    result = app.test_cli_runner().invoke(args=["drop-visit-locations"])

    assert result.exit_code == 0, result.output
    assert "dropped the coordinates of 1 visits" in result.output
    assert rep_api.get("/api/v1/visits").json["items"][0]["id"] == old["id"]
    assert rep_api.get("/api/v1/visits").json["items"][0]["location"] is None
