"""Saved segments: an area and filters under a name, their members computed when asked for;
and the rep's prospect queries (near me not visited in N days, along my route)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from geopy.distance import geodesic

from server.core.auth import SystemPrincipal
from server.core.clock import now_utc
from server.core.errors import ApiError
from server.core.transaction import unit_of_work
from server.extensions import db
from server.geo.geojson import Circle, Corridor
from server.segments.queries import segment_audience
from server.territories.models import Territory

SEGMENTS = "/api/v1/segments"
CENTER = (26.1025, 44.4268)
AROUND = {"center": {"type": "Point", "coordinates": list(CENTER)}, "radius_m": 1000}


def _at(metres: float, bearing: float = 90.0) -> tuple[float, float]:
    point = geodesic(meters=metres).destination((CENTER[1], CENTER[0]), bearing)
    return point.longitude, point.latitude


@pytest.fixture
def manager(org, make_user):
    return make_user(org, role="manager")


@pytest.fixture
def manager_api(manager, logged_in):
    return logged_in(manager)


def _create(api, **body: Any) -> dict[str, Any]:
    response = api.post(SEGMENTS, json={"name": "Pharmacies", **body})
    assert response.status_code == 201, response.json
    return response.json


def _members(api, segment_id: str, limit: int = 500) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.get(f"{SEGMENTS}/{segment_id}/members", query_string=query)
        assert response.status_code == 200, response.json
        items += response.json["items"]
        cursor = response.json["next_cursor"]
        if cursor is None:
            return items


def _ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def test_manager_saves_reads_lists_changes_and_deletes_a_segment(manager_api, manager):
    """The whole life of a segment, in the shape every client reads."""
    made = _create(manager_api, area=AROUND, filters={"kind": "prospect", "tags": ["vip"]})

    assert set(made) == {
        "id",
        "name",
        "area",
        "filters",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    }
    assert made["area"] == AROUND
    assert made["filters"]["kind"] == "prospect" and made["filters"]["tags"] == ["vip"]
    assert made["filters"]["not_visited_days"] is None
    assert made["version"] == 1 and made["created_by"] == str(manager.id)
    assert manager_api.get(f"{SEGMENTS}/{made['id']}").json == made

    changed = manager_api.patch(
        f"{SEGMENTS}/{made['id']}", json={"name": "All VIPs", "area": None, "version": 1}
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["name"] == "All VIPs" and changed.json["area"] is None
    assert changed.json["filters"] == made["filters"] and changed.json["version"] == 2

    stale = manager_api.patch(f"{SEGMENTS}/{made['id']}", json={"name": "X", "version": 1})
    assert stale.status_code == 409
    assert manager_api.get(f"{SEGMENTS}/{made['id']}").json["name"] == "All VIPs"

    assert manager_api.delete(f"{SEGMENTS}/{made['id']}").status_code == 204
    assert manager_api.get(f"{SEGMENTS}/{made['id']}").status_code == 404


def test_segments_list_by_name_in_pages(manager_api):
    """Lists are paged by name, like every list."""
    for name in ("Delta", "alpha", "Charlie", "Bravo", "Echo"):
        _create(manager_api, name=name)

    names, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = manager_api.get(SEGMENTS, query_string=query).json
        assert len(page["items"]) <= 2
        names += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert names == sorted(names) and set(names) == {"Delta", "alpha", "Charlie", "Bravo", "Echo"}


def test_reps_may_not_write_segments_nor_see_the_managers(org, make_user, logged_in, manager_api):
    """Writes are for managers and admins; a rep sees no segment of theirs."""
    made = _create(manager_api)
    rep = logged_in(make_user(org))

    assert rep.post(SEGMENTS, json={"name": "Mine"}).status_code == 403
    assert rep.patch(f"{SEGMENTS}/{made['id']}", json={"name": "Z"}).status_code == 403
    assert rep.delete(f"{SEGMENTS}/{made['id']}").status_code == 403
    assert rep.get(SEGMENTS).json["items"] == []
    assert rep.get(f"{SEGMENTS}/{made['id']}").status_code == 404
    assert rep.get(f"{SEGMENTS}/{made['id']}/members").status_code == 404


def test_managers_and_admins_share_segments_and_other_organisations_see_none(
    org, make_org, make_user, logged_in, manager_api
):
    """Segments are the organisation's: another manager and the admin change them; another
    organisation's admin cannot tell they exist."""
    made = _create(manager_api)
    colleague = logged_in(make_user(org, role="manager"))
    admin = logged_in(make_user(org, role="admin"))
    stranger = logged_in(make_user(make_org(), role="admin"))

    assert colleague.patch(f"{SEGMENTS}/{made['id']}", json={"name": "Renamed"}).status_code == 200
    assert [item["id"] for item in admin.get(SEGMENTS).json["items"]] == [made["id"]]
    assert stranger.get(SEGMENTS).json["items"] == []
    for answer in (
        stranger.get(f"{SEGMENTS}/{made['id']}"),
        stranger.get(f"{SEGMENTS}/{made['id']}/members"),
        stranger.patch(f"{SEGMENTS}/{made['id']}", json={"name": "Z"}),
        stranger.delete(f"{SEGMENTS}/{made['id']}"),
    ):
        assert answer.status_code == 404
    taken = stranger.post(SEGMENTS, json={"id": made["id"], "name": "Same id"})
    assert taken.status_code == 409 and set(taken.json) == {"error"}


def test_members_are_computed_now_and_paged_by_name(org, manager_api, make_account):
    """Members follow the accounts as they are when asked, a page at a time by name then id."""
    inside = [make_account(org, *_at(100 * n), name=f"Shop {n % 3}") for n in range(1, 8)]
    make_account(org, *_at(5000), name="Shop far")
    made = _create(manager_api, area=AROUND)

    first = manager_api.get(f"{SEGMENTS}/{made['id']}/members", query_string={"limit": 3}).json
    everything = _members(manager_api, made["id"], limit=3)

    assert len(first["items"]) == 3 and first["next_cursor"]
    assert _ids(everything) == {str(account) for account in inside}
    keys = [(item["name"], item["id"]) for item in everything]
    assert keys == sorted(keys)

    later = make_account(org, *_at(50), name="Shop new")
    assert str(later) in _ids(_members(manager_api, made["id"]))


def test_members_are_the_accounts_the_caller_may_see(
    org, make_user, logged_in, make_account, manager, manager_api
):
    """A manager's members are among their team's accounts; the admin's among all."""
    own_rep = make_user(org, manager_id=manager.id)
    other_rep = make_user(org)
    ours = make_account(org, *_at(100), owner_id=own_rep.id)
    theirs = make_account(org, *_at(200), owner_id=other_rep.id)
    made = _create(manager_api, area=AROUND)
    admin = logged_in(make_user(org, role="admin"))

    assert _ids(_members(manager_api, made["id"])) == {str(ours)}
    assert _ids(_members(admin, made["id"])) == {str(ours), str(theirs)}


def _territory(app, org) -> uuid.UUID:
    territory_id = uuid.uuid4()
    with app.app_context(), unit_of_work():
        db.session.add(
            Territory(
                id=territory_id,
                org_id=org.id,
                name="North",
                area="SRID=4326;MULTIPOLYGON(((26 44,27 44,27 45,26 45,26 44)))",
                created_at=now_utc(),
                updated_at=now_utc(),
                version=1,
            )
        )
    return territory_id


def test_filters_alone_select_members_when_there_is_no_area(app, org, manager_api, make_account):
    """kind, status, industry, tags (all of them), owner, territory and not-visited-in-N-days
    each narrow the members; an area is not needed."""
    territory = _territory(app, org)
    long_ago = datetime.now(UTC) - timedelta(days=90)
    base = {
        "kind": "prospect",
        "status": "new",
        "industry": "pharmacy",
        "tags": ["vip", "chain"],
        "territory_id": territory,
        "last_visit_at": long_ago,
    }
    wanted = make_account(org, *_at(10), **base)
    never_visited = make_account(org, *_at(20), **(base | {"last_visit_at": None}))
    misses = [
        make_account(org, *_at(30), **(base | {"kind": "customer"})),
        make_account(org, *_at(40), **(base | {"status": "contacted"})),
        make_account(org, *_at(50), **(base | {"industry": "grocery"})),
        make_account(org, *_at(60), **(base | {"tags": ["vip"]})),
        make_account(org, *_at(70), **(base | {"territory_id": None})),
        make_account(org, *_at(80), **(base | {"last_visit_at": datetime.now(UTC)})),
        make_account(org, 10.0, 10.0, **(base | {"archived_at": datetime.now(UTC)})),
    ]
    filters = {
        "kind": "prospect",
        "status": "new",
        "industry": "pharmacy",
        "tags": ["chain", "vip"],
        "territory_id": str(territory),
        "not_visited_days": 30,
    }
    made = _create(manager_api, filters=filters)

    members = _ids(_members(manager_api, made["id"]))

    assert members == {str(wanted), str(never_visited)}
    assert not members & {str(miss) for miss in misses}


def test_members_filter_by_an_owner_only_narrows(org, make_user, make_account, manager_api):
    """An owner the caller may not see narrows to nothing; it reveals nothing either."""
    stranger = make_user(org)
    make_account(org, *_at(100), owner_id=stranger.id)
    made = _create(manager_api, area=AROUND, filters={"owner_id": str(stranger.id)})

    assert _members(manager_api, made["id"]) == []


def test_segment_with_a_corridor_selects_accounts_along_the_route(org, manager_api, make_account):
    """A saved route corridor selects what lies within its distance of the line."""
    line = {"type": "LineString", "coordinates": [list(CENTER), list(_at(3000, 90))]}
    near = make_account(org, *_at(1500, 90))
    beside = geodesic(meters=150).destination((_at(1500, 90)[1], _at(1500, 90)[0]), 0)
    close = make_account(org, beside.longitude, beside.latitude)
    make_account(org, *_at(1500, 0))
    made = _create(manager_api, area={"line": line, "within_m": 200})

    assert made["area"] == {"line": line, "within_m": 200}
    assert _ids(_members(manager_api, made["id"])) == {str(near), str(close)}


def test_segment_audience_resolves_through_visibility(app, org, make_org, manager, manager_api):
    """What campaigns call: the area and filters of a segment the caller may see, else 404."""
    line = {"type": "LineString", "coordinates": [[26.0, 44.0], [26.1, 44.1]]}
    with_area = _create(manager_api, area=AROUND, filters={"tags": ["vip"], "kind": "prospect"})
    corridor = _create(manager_api, area={"line": line, "within_m": 300})
    filters_only = _create(manager_api, filters={"not_visited_days": 30})
    stranger = SystemPrincipal(uuid.uuid4(), make_org().id)

    with app.app_context():
        caller = SystemPrincipal(manager.id, org.id, role="manager")
        area, filters = segment_audience(caller, uuid.UUID(with_area["id"]))
        assert isinstance(area, Circle) and area.radius_m == 1000
        assert filters.all_tags() == ["vip"] and filters.kind == "prospect"
        area, _ = segment_audience(caller, uuid.UUID(corridor["id"]))
        assert isinstance(area, Corridor) and area.within_m == 300
        area, filters = segment_audience(caller, uuid.UUID(filters_only["id"]))
        assert area is None and filters.not_visited_days == 30
        with pytest.raises(ApiError) as refused:
            segment_audience(stranger, uuid.UUID(with_area["id"]))
        assert refused.value.status == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        (
            {
                "name": "S",
                "area": {"line": {"type": "LineString", "coordinates": [[0, 0]]}, "within_m": 5},
            },
            "area.corridor.line.coordinates",
        ),
        (
            {
                "name": "S",
                "area": {
                    "line": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                    "within_m": 0,
                },
            },
            "area.corridor.within_m",
        ),
        (
            {
                "name": "S",
                "area": {
                    "line": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                    "within_m": 50_001,
                },
            },
            "area.corridor.within_m",
        ),
        (
            {
                "name": "S",
                "area": {
                    "line": {"type": "LineString", "coordinates": [[0, 0], [181, 1]]},
                    "within_m": 5,
                },
            },
            "area.corridor.line.coordinates.1",
        ),
        (
            {
                "name": "S",
                "area": {
                    "line": {"type": "LineString", "coordinates": [[0, 0], [180, 0]]},
                    "within_m": 5,
                },
            },
            "area.corridor.line",
        ),
        ({"name": "S", "filters": {"tags": [""]}}, "filters.tags.0"),
        ({"name": "S", "filters": {"q": "text search is not saved"}}, "filters.q"),
        ({"name": "S", "filters": {"not_visited_days": -1}}, "filters.not_visited_days"),
        ({"name": "S", "filters": {"territory_id": "nowhere"}}, "filters.territory_id"),
    ],
)
def test_bad_segments_are_422_naming_the_field(manager_api, body, field):
    """Each mistake is named; nothing is stored."""
    response = manager_api.post(SEGMENTS, json=body)

    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"], response.json
    assert manager_api.get(SEGMENTS).json["items"] == []


def test_a_segment_of_an_unknown_territory_is_404(manager_api):
    """A territory named as the area must be one of the organisation's."""
    response = manager_api.post(
        SEGMENTS, json={"name": "S", "area": {"territory_id": str(uuid.uuid4())}}
    )

    assert response.status_code == 404


def test_patch_refuses_a_null_name_or_filters(manager_api):
    """`area` may become null; name and filters may not."""
    made = _create(manager_api)
    segment = f"{SEGMENTS}/{made['id']}"

    assert manager_api.patch(segment, json={"name": None}).status_code == 422
    assert manager_api.patch(segment, json={"filters": None}).status_code == 422
    assert manager_api.get(segment).json["version"] == 1


def test_prospects_near_me_not_visited_in_n_days(org, make_user, logged_in, make_account):
    """A rep's "prospects near me not visited in 30 days": nearest first, in the radius."""
    rep = make_user(org)
    api = logged_in(rep)
    recent = datetime.now(UTC) - timedelta(days=3)
    long_ago = datetime.now(UTC) - timedelta(days=60)
    wanted = [
        make_account(org, *_at(300), kind="prospect", owner_id=rep.id, last_visit_at=long_ago),
        make_account(org, *_at(600), kind="prospect", owner_id=rep.id),
    ]
    make_account(org, *_at(100), kind="prospect", owner_id=rep.id, last_visit_at=recent)
    make_account(org, *_at(200), kind="customer", owner_id=rep.id)
    make_account(org, *_at(5000), kind="prospect", owner_id=rep.id)
    make_account(org, *_at(400), kind="prospect")  # not the rep's

    query = {
        "lat": CENTER[1],
        "lng": CENTER[0],
        "radius_m": 1000,
        "kind": "prospect",
        "not_visited_days": 30,
    }
    items = api.get("/api/v1/accounts", query_string=query).json["items"]

    assert [item["id"] for item in items] == [str(account) for account in wanted]
    assert items[0]["distance_m"] == pytest.approx(300, abs=0.5)


def test_along_my_route_through_search(org, rep, rep_api, make_account):
    """A rep's "along my route": POST /accounts/search with a corridor and filters."""
    route = [list(CENTER), list(_at(2000, 90)), list(_at(2000, 45))]
    beside = make_account(org, *_at(1000, 90), owner_id=rep.id, kind="prospect")
    make_account(org, *_at(1000, 90), owner_id=rep.id, kind="customer")
    make_account(org, *_at(1000, 270), owner_id=rep.id, kind="prospect")
    body = {
        "area": {"line": {"type": "LineString", "coordinates": route}, "within_m": 250},
        "filters": {"kind": "prospect"},
    }

    response = rep_api.post("/api/v1/accounts/search", json=body)

    assert response.status_code == 200, response.json
    assert _ids(response.json["items"]) == {str(beside)}


def test_lists_take_tags_and_territory_id_as_filters(app, org, manager_api, make_account):
    """GET /accounts: tags (repeatable, all present; `tag` the same), territory_id."""
    territory = _territory(app, org)
    both = make_account(org, *_at(10), tags=["vip", "chain"], territory_id=territory)
    make_account(org, *_at(20), tags=["vip"], territory_id=territory)
    make_account(org, *_at(30), tags=["vip", "chain"])

    def listed(query: list[tuple[str, str]]) -> set[str]:
        response = manager_api.get("/api/v1/accounts", query_string=query)
        assert response.status_code == 200, response.json
        return _ids(response.json["items"])

    tags = [("tags", "vip"), ("tags", "chain")]
    assert listed([*tags, ("territory_id", str(territory))]) == {str(both)}
    assert listed([("tag", "vip"), ("tags", "chain"), ("territory_id", str(territory))]) == {
        str(both)
    }
    assert len(listed(tags)) == 2
    nearby = [("lat", str(CENTER[1])), ("lng", str(CENTER[0])), *tags]
    assert len(listed([*nearby, ("territory_id", str(territory))])) == 1
