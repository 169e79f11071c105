"""Territories over HTTP: CRUD, roles, tenant isolation, versions, import and export, overlaps,
gaps, and the territory area of the account search."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.fixtures import SHOP

TERRITORIES = "/api/v1/territories"
LNG, LAT = SHOP


def square(lng: float, lat: float, half: float = 0.01) -> dict[str, Any]:
    """A GeoJSON Polygon: the square of `half` degrees around (lng, lat)."""
    ring = [
        [lng - half, lat - half],
        [lng + half, lat - half],
        [lng + half, lat + half],
        [lng - half, lat + half],
        [lng - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def as_multi(polygon: dict[str, Any]) -> dict[str, Any]:
    return {"type": "MultiPolygon", "coordinates": [polygon["coordinates"]]}


@pytest.fixture
def manager(org, make_user):
    return make_user(org, role="manager")


@pytest.fixture
def manager_api(manager, logged_in):
    return logged_in(manager)


def create(api: Any, name: str = "Old town", area: Any = None, **fields: Any) -> Any:
    body = {"name": name, "area": area or square(LNG, LAT)} | fields
    return api.post(TERRITORIES, json=body)


def test_a_manager_creates_a_territory_with_reps_and_its_accounts(
    org, rep, make_account, manager_api
):
    inside = make_account(org, LNG + 0.001, LAT)
    make_account(org, LNG + 0.5, LAT)

    response = create(manager_api, rep_ids=[str(rep.id)])

    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) == {
        "id",
        "name",
        "area",
        "rep_ids",
        "version",
        "account_count",
        "assignment",
        "created_at",
        "updated_at",
    }
    assert body["name"] == "Old town"
    assert body["area"] == as_multi(square(LNG, LAT))
    assert body["rep_ids"] == [str(rep.id)]
    assert body["version"] == 1
    assert body["account_count"] == 1
    assert body["assignment"] == {"state": "done", "done": 1, "total": 1}
    account = manager_api.get(f"/api/v1/accounts/{inside}").json
    assert account["territory_id"] == body["id"]


def test_a_multipolygon_is_kept_as_given(manager_api):
    area = {
        "type": "MultiPolygon",
        "coordinates": [
            square(LNG, LAT)["coordinates"],
            square(LNG + 0.1, LAT)["coordinates"],
        ],
    }

    response = create(manager_api, area=area)

    assert response.status_code == 201
    assert response.json["area"] == area


@pytest.mark.parametrize(
    "area",
    [
        # A bow tie: its edges cross.
        {
            "type": "Polygon",
            "coordinates": [[[26.0, 44.0], [26.1, 44.1], [26.1, 44.0], [26.0, 44.1], [26.0, 44.0]]],
        },
        {"type": "Polygon", "coordinates": [[[26.0, 44.0], [26.1, 44.0], [26.1, 44.1]]]},
        {"type": "Point", "coordinates": [26.0, 44.0]},
        {"center": {"type": "Point", "coordinates": [26.0, 44.0]}, "radius_m": 100},
        {
            "type": "Polygon",
            "coordinates": [[[26.0, 44.0], [260.0, 44.0], [26.1, 44.1], [26.0, 44.0]]],
        },
    ],
)
def test_an_invalid_area_is_422_and_nothing_is_stored(manager_api, area):
    response = create(manager_api, area=area)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert any(name.startswith("area") for name in response.json["error"]["fields"])
    assert manager_api.get(TERRITORIES).json["items"] == []


def test_reps_are_checked(org, make_org, make_user, manager, manager_api):
    other_manager = make_user(org, role="manager")
    stranger = make_user(make_org())
    inactive = make_user(org, is_active=False)

    assert create(manager_api, rep_ids=[str(uuid.uuid4())]).status_code == 404
    assert create(manager_api, rep_ids=[str(stranger.id)]).status_code == 404
    not_a_rep = create(manager_api, rep_ids=[str(other_manager.id)])
    assert not_a_rep.status_code == 422
    assert "rep_ids" in not_a_rep.json["error"]["fields"]
    assert create(manager_api, rep_ids=[str(inactive.id)]).status_code == 422
    assert manager_api.get(TERRITORIES).json["items"] == []


def test_reps_read_territories_but_cannot_change_them(manager_api, rep_api):
    made = create(manager_api).json
    path = f"{TERRITORIES}/{made['id']}"

    assert rep_api.get(path).json["id"] == made["id"]
    assert [item["id"] for item in rep_api.get(TERRITORIES).json["items"]] == [made["id"]]
    assert create(rep_api).status_code == 403
    assert rep_api.patch(path, json={"name": "Mine"}).status_code == 403
    assert rep_api.delete(path).status_code == 403
    features = {"type": "FeatureCollection", "features": [_feature("F", square(LNG, LAT))]}
    assert rep_api.post(f"{TERRITORIES}/import", json=features).status_code == 403
    assert manager_api.get(path).json == made


def test_admins_write_territories(org, make_user, logged_in):
    admin_api = logged_in(make_user(org, role="admin"))

    made = create(admin_api)

    assert made.status_code == 201
    assert admin_api.delete(f"{TERRITORIES}/{made.json['id']}").status_code == 204


def test_another_organisations_territory_is_not_found(make_org, make_user, logged_in, manager_api):
    theirs = create(logged_in(make_user(make_org(), role="manager"))).json
    path = f"{TERRITORIES}/{theirs['id']}"

    assert manager_api.get(path).status_code == 404
    assert manager_api.patch(path, json={"name": "Ours"}).status_code == 404
    assert manager_api.delete(path).status_code == 404
    assert manager_api.get(TERRITORIES).json["items"] == []
    search = manager_api.post(
        "/api/v1/accounts/search", json={"area": {"territory_id": theirs["id"]}}
    )
    assert search.status_code == 404


def test_a_stale_version_is_409_and_changes_nothing(manager_api):
    made = create(manager_api).json
    path = f"{TERRITORIES}/{made['id']}"
    renamed = manager_api.patch(path, json={"name": "New town", "version": 1})

    stale = manager_api.patch(path, json={"name": "Lost", "version": 1})

    assert renamed.status_code == 200
    assert renamed.json["version"] == 2
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "conflict"
    assert manager_api.get(path).json["name"] == "New town"


def test_patch_changes_only_what_is_sent_and_null_is_refused(org, rep, make_user, manager_api):
    other = make_user(org)
    made = create(manager_api, rep_ids=[str(rep.id)]).json
    path = f"{TERRITORIES}/{made['id']}"

    changed = manager_api.patch(path, json={"rep_ids": [str(other.id)]})

    assert changed.status_code == 200
    assert changed.json["rep_ids"] == [str(other.id)]
    assert changed.json["name"] == made["name"]
    assert changed.json["area"] == made["area"]
    assert manager_api.patch(path, json={"name": None}).status_code == 422
    assert manager_api.patch(path, json={"area": None}).status_code == 422


def test_the_list_is_paged_by_name(manager_api):
    for name in ("C", "A", "B"):
        create(manager_api, name=name)

    first = manager_api.get(TERRITORIES, query_string={"limit": 2}).json
    second = manager_api.get(
        TERRITORIES, query_string={"limit": 2, "cursor": first["next_cursor"]}
    ).json

    assert [item["name"] for item in first["items"]] == ["A", "B"]
    assert [item["name"] for item in second["items"]] == ["C"]
    assert second["next_cursor"] is None
    assert manager_api.get(TERRITORIES, query_string={"cursor": "forged"}).status_code == 400


def test_delete_removes_the_territory_and_frees_its_accounts(org, make_account, manager_api):
    account = make_account(org, LNG, LAT)
    made = create(manager_api).json

    response = manager_api.delete(f"{TERRITORIES}/{made['id']}")

    assert response.status_code == 204
    assert manager_api.get(f"{TERRITORIES}/{made['id']}").status_code == 404
    assert manager_api.get(f"/api/v1/accounts/{account}").json["territory_id"] is None


def _feature(name: str, geometry: dict[str, Any], rep_ids: list[str] | None = None) -> Any:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"name": name, "rep_ids": rep_ids or [], "colour": "#ff0000"},
    }


def test_import_then_export_round_trips(rep, manager_api):
    collection = {
        "type": "FeatureCollection",
        "features": [
            _feature("North", square(LNG, LAT + 0.1), [str(rep.id)]),
            _feature("South", as_multi(square(LNG, LAT - 0.1))),
        ],
    }

    imported = manager_api.post(f"{TERRITORIES}/import", json=collection)
    exported = manager_api.get(f"{TERRITORIES}/export.geojson")

    assert imported.status_code == 201, imported.json
    assert [item["name"] for item in imported.json["items"]] == ["North", "South"]
    assert exported.status_code == 200
    assert exported.mimetype == "application/geo+json"
    document = exported.get_json(force=True)
    assert document["type"] == "FeatureCollection"
    assert [(feature["properties"], feature["geometry"]) for feature in document["features"]] == [
        ({"name": "North", "rep_ids": [str(rep.id)]}, as_multi(square(LNG, LAT + 0.1))),
        ({"name": "South", "rep_ids": []}, as_multi(square(LNG, LAT - 0.1))),
    ]
    assert {feature["id"] for feature in document["features"]} == {
        item["id"] for item in imported.json["items"]
    }
    again = manager_api.post(f"{TERRITORIES}/import", json=document)
    assert again.status_code == 201
    assert len(manager_api.get(TERRITORIES).json["items"]) == 4


def test_import_is_all_or_nothing_and_names_the_bad_feature(make_org, make_user, manager_api):
    stranger = make_user(make_org())
    bad_geometry = {
        "type": "FeatureCollection",
        "features": [
            _feature("Fine", square(LNG, LAT)),
            _feature(
                "Bow tie",
                {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            ),
        ],
    }
    bad_rep = {
        "type": "FeatureCollection",
        "features": [
            _feature("Fine", square(LNG, LAT)),
            _feature("Theirs", square(LNG, LAT), [str(stranger.id)]),
        ],
    }

    geometry_answer = manager_api.post(f"{TERRITORIES}/import", json=bad_geometry)
    rep_answer = manager_api.post(f"{TERRITORIES}/import", json=bad_rep)
    not_a_collection = manager_api.post(f"{TERRITORIES}/import", json={"type": "Feature"})

    assert geometry_answer.status_code == 422
    assert all(
        name.startswith("features.1.geometry") for name in geometry_answer.json["error"]["fields"]
    )
    assert rep_answer.status_code == 422
    assert list(rep_answer.json["error"]["fields"]) == ["features.1.properties.rep_ids"]
    assert not_a_collection.status_code == 422
    assert manager_api.get(TERRITORIES).json["items"] == []


def test_overlaps_list_accounts_in_more_than_one_territory(org, make_account, manager_api):
    both = sorted(
        [make_account(org, LNG + 0.005, LAT), make_account(org, LNG + 0.006, LAT)], key=str
    )
    make_account(org, LNG - 0.009, LAT)  # in the first territory only
    first = create(manager_api, "First", square(LNG, LAT)).json
    second = create(manager_api, "Second", square(LNG + 0.01, LAT)).json
    create(manager_api, "Apart", square(LNG + 1, LAT))

    page = manager_api.get(f"{TERRITORIES}/overlaps", query_string={"limit": 1}).json
    rest = manager_api.get(
        f"{TERRITORIES}/overlaps", query_string={"limit": 1, "cursor": page["next_cursor"]}
    ).json

    assert page["items"] == [
        {"account_id": str(both[0]), "territory_ids": [first["id"], second["id"]]}
    ]
    assert rest["items"] == [
        {"account_id": str(both[1]), "territory_ids": [first["id"], second["id"]]}
    ]
    assert rest["next_cursor"] is None
    # The oldest territory holds the accounts they share.
    held = manager_api.get(f"/api/v1/accounts/{both[0]}").json
    assert held["territory_id"] == first["id"]


def test_overlaps_show_a_rep_only_the_accounts_they_see(
    org, rep, make_account, manager_api, rep_api
):
    make_account(org, LNG + 0.005, LAT)
    mine = make_account(org, LNG + 0.006, LAT, owner_id=rep.id)
    create(manager_api, "First", square(LNG, LAT))
    create(manager_api, "Second", square(LNG + 0.01, LAT))

    items = rep_api.get(f"{TERRITORIES}/overlaps").json["items"]

    assert [item["account_id"] for item in items] == [str(mine)]


def test_gaps_are_located_accounts_without_a_territory_in_the_viewport(
    org, make_account, manager_api
):
    outside = make_account(org, LNG + 0.05, LAT)
    make_account(org, LNG, LAT)  # in the territory
    make_account(org)  # no location
    make_account(org, LNG + 5, LAT)  # out of the viewport
    create(manager_api)
    bbox = f"{LNG - 0.1},{LAT - 0.1},{LNG + 0.1},{LAT + 0.1}"

    answer = manager_api.get(f"{TERRITORIES}/gaps", query_string={"bbox": bbox})

    assert answer.status_code == 200
    assert answer.json["count"] == 1
    assert answer.json["count_capped"] is False
    assert [item["id"] for item in answer.json["items"]] == [str(outside)]
    assert manager_api.get(f"{TERRITORIES}/gaps", query_string={"bbox": "1,2,3"}).status_code == 422
    assert manager_api.get(f"{TERRITORIES}/gaps").status_code == 422


def test_search_by_territory_selects_the_accounts_its_area_covers(org, make_account, manager_api):
    inside = make_account(org, LNG, LAT)
    make_account(org, LNG + 0.5, LAT)
    made = create(manager_api).json

    response = manager_api.post(
        "/api/v1/accounts/search", json={"area": {"territory_id": made["id"]}}
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.json["items"]] == [str(inside)]
    unknown = {"area": {"territory_id": "not an id"}}
    assert manager_api.post("/api/v1/accounts/search", json=unknown).status_code == 404


def test_a_rep_sees_the_accounts_of_their_territories(
    org, rep, make_user, make_account, manager_api, rep_api
):
    theirs = make_account(org, LNG, LAT, owner_id=make_user(org).id)
    made = create(manager_api).json
    path = f"/api/v1/accounts/{theirs}"
    assert rep_api.get(path).status_code == 404

    manager_api.patch(f"{TERRITORIES}/{made['id']}", json={"rep_ids": [str(rep.id)]})
    seen = rep_api.get(path)
    visit = rep_api.post(
        "/api/v1/visits",
        json={
            "id": str(uuid.uuid4()),
            "account_id": str(theirs),
            "started_at": "2026-12-01T09:30:00Z",
            "location": {"type": "Point", "coordinates": [LNG, LAT]},
            "accuracy_m": 10.0,
            "outcome": "met",
            "notes": "",
        },
    )
    manager_api.patch(f"{TERRITORIES}/{made['id']}", json={"rep_ids": []})

    assert seen.status_code == 200
    assert visit.status_code == 201
    assert rep_api.get(path).status_code == 404


def test_a_rep_cannot_take_an_account_they_see_through_a_territory(
    org, rep, make_user, make_account, manager, manager_api, rep_api
):
    """Another rep's account and an unowned one, both in the rep's territory: the rep sees
    and edits them but may not make themselves their owner (403 on owner_id); their manager
    may hand them over, and the rep may still change the owner of an account of their own."""
    other_rep = make_user(org, manager_id=manager.id)
    theirs = make_account(org, LNG, LAT, owner_id=other_rep.id)
    unowned = make_account(org, LNG + 0.001, LAT)
    own = make_account(org, LNG, LAT, owner_id=rep.id)
    made = create(manager_api, rep_ids=[str(rep.id)]).json
    assert made["rep_ids"] == [str(rep.id)]

    taking = {
        account: rep_api.patch(f"/api/v1/accounts/{account}", json={"owner_id": str(rep.id)})
        for account in (theirs, unowned)
    }
    renamed = rep_api.patch(f"/api/v1/accounts/{theirs}", json={"name": "Renamed"})
    handed = manager_api.patch(f"/api/v1/accounts/{unowned}", json={"owner_id": str(rep.id)})
    released = rep_api.patch(f"/api/v1/accounts/{own}", json={"owner_id": None})

    for answer in taking.values():
        assert answer.status_code == 403
        assert answer.json["error"]["code"] == "forbidden"
        assert set(answer.json["error"]["fields"]) == {"owner_id"}
    assert rep_api.get(f"/api/v1/accounts/{theirs}").json["owner_id"] == str(other_rep.id)
    assert renamed.status_code == 200 and renamed.json["owner_id"] == str(other_rep.id)
    assert handed.status_code == 200 and handed.json["owner_id"] == str(rep.id)
    assert released.status_code == 200 and released.json["owner_id"] is None


def test_a_manager_sees_the_accounts_of_the_territories_their_reps_work(
    org, make_user, make_account, manager, manager_api, logged_in
):
    """Another team's account sits in a territory: the manager sees it only while a rep of
    their own team works that territory; a manager of neither team never does."""
    other_manager = make_user(org, role="manager")
    theirs = make_account(org, LNG, LAT, owner_id=make_user(org, manager_id=other_manager.id).id)
    mine = make_user(org, manager_id=manager.id)
    bystander = logged_in(make_user(org, role="manager"))
    made = create(manager_api).json
    path = f"/api/v1/accounts/{theirs}"
    before = manager_api.get(path).status_code

    manager_api.patch(f"{TERRITORIES}/{made['id']}", json={"rep_ids": [str(mine.id)]})
    during = manager_api.get(path)
    listed = manager_api.get("/api/v1/accounts", query_string={"territory_id": made["id"]})
    seen_by_bystander = bystander.get(path).status_code
    manager_api.patch(f"{TERRITORIES}/{made['id']}", json={"rep_ids": []})

    assert before == 404
    assert during.status_code == 200 and during.json["territory_id"] == made["id"]
    assert [item["id"] for item in listed.json["items"]] == [str(theirs)]
    assert seen_by_bystander == 404
    assert manager_api.get(path).status_code == 404
