"""Notes on accounts: written with the device's id, idempotent, append-only, seen by their
author, the author's managers and admins, paginated newest first."""

from __future__ import annotations

import pytest

from tests.support.fixtures import SHOP
from tests.sync.support import note_data


def test_note_is_written_with_its_author_and_time(rep_api, rep, shop):
    body = note_data(shop)

    response = rep_api.post("/api/v1/notes", json=body)

    assert response.status_code == 201
    assert response.json["id"] == body["id"]
    assert response.json["author_id"] == str(rep.id)
    assert response.json["body"] == body["body"]
    assert response.json["written_at"].startswith("2026-12-01T09:30:00")
    assert response.json["version"] == 1


def test_note_without_a_time_is_dated_when_received(rep_api, shop):
    body = note_data(shop)
    del body["written_at"]

    response = rep_api.post("/api/v1/notes", json=body)

    assert response.status_code == 201
    assert response.json["written_at"] == response.json["created_at"]


def test_same_note_sent_again_answers_200_and_is_stored_once(rep_api, shop):
    body = note_data(shop)
    first = rep_api.post("/api/v1/notes", json=body)

    again = rep_api.post("/api/v1/notes", json=body)

    assert again.status_code == 200
    assert again.json == first.json
    listed = rep_api.get("/api/v1/notes", query_string={"account_id": str(shop)}).json["items"]
    assert [item["id"] for item in listed] == [body["id"]]


def test_note_id_reused_with_other_text_answers_409_and_keeps_the_first(rep_api, shop):
    body = note_data(shop)
    rep_api.post("/api/v1/notes", json=body)

    response = rep_api.post("/api/v1/notes", json=body | {"body": "Something else"})

    assert response.status_code == 409
    assert response.json["error"]["fields"] == {"id": "in use"}
    listed = rep_api.get("/api/v1/notes").json["items"]
    assert [item["body"] for item in listed] == [body["body"]]


def test_note_id_of_another_organisation_answers_409(
    make_org, make_user, make_account, logged_in, rep_api, shop
):
    other_org = make_org()
    stranger = make_user(other_org)
    their_shop = make_account(other_org, *SHOP, owner_id=stranger.id)
    body = note_data(their_shop)
    assert logged_in(stranger).post("/api/v1/notes", json=body).status_code == 201

    response = rep_api.post("/api/v1/notes", json=body | {"account_id": str(shop)})

    assert response.status_code == 409


def test_note_on_an_account_of_another_organisation_answers_404(make_org, make_account, rep_api):
    elsewhere = make_account(make_org(), *SHOP)

    response = rep_api.post("/api/v1/notes", json=note_data(elsewhere))

    assert response.status_code == 404
    assert rep_api.get("/api/v1/notes").json["items"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   \n "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"id": "not-a-uuid"}, "id"),
        ({"account_id": None}, "account_id"),
        ({"written_at": "yesterday"}, "written_at"),
        ({"written_at": "2999-01-01T00:00:00Z"}, "written_at"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_note_answers_a_field_error(rep_api, shop, change, field):
    response = rep_api.post("/api/v1/notes", json=note_data(shop) | change)

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_notes_are_listed_newest_first_a_page_at_a_time(rep_api, shop):
    times = [f"2026-12-01T0{hour}:00:00Z" for hour in (7, 9, 8)]
    for written_at in times:
        rep_api.post("/api/v1/notes", json=note_data(shop, written_at=written_at))

    first = rep_api.get("/api/v1/notes", query_string={"limit": 2}).json
    rest = rep_api.get("/api/v1/notes", query_string={"limit": 2, "cursor": first["next_cursor"]})

    seen = [item["written_at"][:13] for item in first["items"] + rest.json["items"]]
    assert seen == ["2026-12-01T09", "2026-12-01T08", "2026-12-01T07"]
    assert rest.json["next_cursor"] is None


def test_reps_see_their_own_notes_managers_their_teams(org, make_user, make_account, logged_in):
    manager = make_user(org, role="manager")
    member = make_user(org, manager_id=manager.id)
    outsider = make_user(org)
    written = {
        user.id: logged_in(user)
        .post("/api/v1/notes", json=note_data(make_account(org, *SHOP, owner_id=user.id)))
        .json["id"]
        for user in (member, outsider)
    }

    def listed(user):
        return {item["id"] for item in logged_in(user).get("/api/v1/notes").json["items"]}

    assert listed(member) == {written[member.id]}
    assert listed(manager) == {written[member.id]}
    assert listed(make_user(org, role="admin")) == set(written.values())


def test_notes_need_login(client):
    assert client.get("/api/v1/notes").status_code == 401
