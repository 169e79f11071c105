"""Spatial correctness on real PostGIS: geodesic distances, exact order, edges of the world."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic

CENTER = (26.1025, 44.4268)


def _destination(lng, lat, metres, bearing):
    point = geodesic(meters=metres).destination((lat, lng), bearing)
    return point.longitude, point.latitude


@pytest.fixture
def api(org, make_user, logged_in):
    return logged_in(make_user(org, role="admin"))


def _nearby(api, lng, lat, **params):
    query = "&".join(
        f"{name}={value}" for name, value in {"lat": lat, "lng": lng, **params}.items()
    )
    response = api.get(f"/api/v1/accounts?{query}")
    assert response.status_code == 200, response.json
    return response.json


def _all_pages(api, lng, lat, **params):
    items, cursor = [], None
    while True:
        extra = {**params, **({"cursor": cursor} if cursor else {})}
        page = _nearby(api, lng, lat, **extra)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_distance_matches_geopy_geodesic_within_half_a_percent(api, org, make_account):
    """Reported distance_m agrees with geopy's WGS 84 geodesic, near and far."""
    rng = random.Random(7)
    places = [(rng.uniform(-179, 179), rng.uniform(-80, 80)) for _ in range(25)]
    for lng, lat in places:
        make_account(org, lng, lat)

    items = _nearby(api, *CENTER, limit=50)["items"]

    assert len(items) == 25
    for item in items:
        lng, lat = item["location"]["coordinates"]
        expected = geodesic((CENTER[1], CENTER[0]), (lat, lng)).meters
        assert item["distance_m"] == pytest.approx(expected, rel=0.005)


def test_nearby_is_in_exact_geodesic_order_when_distances_differ_by_less_than_sphere_error(
    api, org, make_account
):
    """Accounts a few metres apart at different bearings come back strictly by geodesic distance."""
    rng = random.Random(11)
    expected = []
    for step in range(60):
        metres = 2000 + step * 1.5  # 0.075 % apart: well inside the sphere/spheroid difference
        account_id = make_account(org, *_destination(*CENTER, metres, rng.uniform(0, 360)))
        expected.append(str(account_id))

    items = _all_pages(api, *CENTER, limit=7)

    assert [item["id"] for item in items] == expected
    distances = [item["distance_m"] for item in items]
    assert distances == sorted(distances)


def test_nearby_radius_includes_boundary_and_excludes_just_beyond(api, org, make_account):
    """An account exactly on the radius is in; one 5 cm further out is not."""
    on_edge = make_account(org, *_destination(*CENTER, 1500.0, 37))
    make_account(org, *_destination(*CENTER, 1500.05, 217))

    items = _nearby(api, *CENTER, radius_m=1500)["items"]

    assert [item["id"] for item in items] == [str(on_edge)]
    assert items[0]["distance_m"] == pytest.approx(1500.0, abs=0.001)


def test_nearby_finds_neighbours_across_the_antimeridian(api, org, make_account):
    """A point just east of 180 is metres away from one just west of it, not 40,000 km."""
    across = make_account(org, -179.999, 0.0)
    make_account(org, 179.0, 0.0)

    items = _nearby(api, 179.999, 0.0, radius_m=1000)["items"]

    assert [item["id"] for item in items] == [str(across)]
    assert items[0]["distance_m"] == pytest.approx(222.6, rel=0.005)


def test_nearby_measures_across_the_pole(api, org, make_account):
    """Near the pole, the point on the opposite meridian is the close one."""
    over_the_pole = make_account(org, -170.0, 89.95)
    make_account(org, 10.0, 89.0)

    items = _nearby(api, 10.0, 89.95, limit=2)["items"]

    assert items[0]["id"] == str(over_the_pole)
    expected = geodesic((89.95, 10.0), (89.95, -170.0)).meters
    assert items[0]["distance_m"] == pytest.approx(expected, rel=0.005)


def test_nearby_filters_combine_with_radius(api, org, make_account):
    """Filters narrow a radius query like any other list."""
    make_account(org, *_destination(*CENTER, 100, 0), kind="prospect")
    customer = make_account(org, *_destination(*CENTER, 200, 0), kind="customer")
    make_account(org, *_destination(*CENTER, 5000, 0), kind="customer")

    items = _nearby(api, *CENTER, radius_m=1000, kind="customer")["items"]

    assert [item["id"] for item in items] == [str(customer)]


def test_nearby_skips_accounts_without_location(api, org, make_account):
    """Accounts that could not be located have no distance and stay out of nearby lists."""
    make_account(org, name="Nowhere")
    located = make_account(org, *CENTER)

    assert [item["id"] for item in _nearby(api, *CENTER)["items"]] == [str(located)]


def _search(api, area, **body):
    response = api.post("/api/v1/accounts/search", json={"area": area, **body})
    assert response.status_code == 200, response.json
    return {item["id"] for item in response.json["items"]}


def test_search_by_polygon_excludes_holes_and_includes_edges(api, org, make_account):
    """Inside counts, inside a hole doesn't, on the outer edge does."""
    inside = make_account(org, 26.05, 44.45)
    on_edge = make_account(org, 26.0, 44.45)
    make_account(org, 26.10, 44.45)  # in the hole
    make_account(org, 26.30, 44.45)  # outside
    area = {
        "type": "Polygon",
        "coordinates": [
            [[26.0, 44.4], [26.2, 44.4], [26.2, 44.5], [26.0, 44.5], [26.0, 44.4]],
            [[26.08, 44.42], [26.12, 44.42], [26.12, 44.48], [26.08, 44.48], [26.08, 44.42]],
        ],
    }

    assert _search(api, area) == {str(inside), str(on_edge)}


def _square(lng, lat, half=0.1):
    ring = [[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half]]
    return [[*ring, [lng - half, lat + half], [lng - half, lat - half]]]


def test_search_by_multipolygon_covers_each_part(api, org, make_account):
    """Each polygon of a MultiPolygon contributes its accounts."""
    west = make_account(org, 23.6, 46.77)
    east = make_account(org, 26.1, 44.43)
    make_account(org, 25.0, 45.0)
    area = {"type": "MultiPolygon", "coordinates": [_square(23.6, 46.77), _square(26.1, 44.43)]}

    assert _search(api, area) == {str(west), str(east)}


def test_search_by_circle_matches_nearby_radius(api, org, make_account):
    """A circle area selects exactly what a nearby radius query selects."""
    rng = random.Random(3)
    for _ in range(40):
        make_account(org, *_destination(*CENTER, rng.uniform(0, 3000), rng.uniform(0, 360)))
    radius = 1500

    circle = _search(
        api,
        {"center": {"type": "Point", "coordinates": list(CENTER)}, "radius_m": radius},
        limit=500,
    )
    nearby = {item["id"] for item in _nearby(api, *CENTER, radius_m=radius, limit=500)["items"]}

    assert circle == nearby
    assert 0 < len(circle) < 40


def test_search_applies_filters_inside_the_area(api, org, make_account):
    """Body filters (tags, kind, not_visited_days…) narrow the area's accounts."""
    tagged = make_account(org, *CENTER, tags=["pharmacy-chain"])
    make_account(org, *CENTER, tags=[])
    area = {"center": {"type": "Point", "coordinates": list(CENTER)}, "radius_m": 100}

    assert _search(api, area, filters={"tags": ["pharmacy-chain"]}) == {str(tagged)}


@pytest.mark.parametrize(
    ("area", "field"),
    [
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "area"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}, "area"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "area"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [181, 0], [1, 1], [0, 0]]]}, "area"),
        ({"type": "Polygon", "coordinates": []}, "area"),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "area"),
        ({"center": {"type": "Point", "coordinates": [0, 0]}, "radius_m": 0}, "area"),
        ({"center": {"type": "Point", "coordinates": [0, 0]}, "radius_m": 500_001}, "area"),
        ({"center": {"type": "Point", "coordinates": [0, 95]}, "radius_m": 10}, "area"),
        ("everywhere", "area"),
        # Opposite positions: no shorter arc joins them.
        ({"type": "Polygon", "coordinates": [[[0, 0], [180, 0], [90, 10], [0, 0]]]}, "area"),
        # Around a pole.
        ({"type": "Polygon", "coordinates": [[[0, 70], [120, 80], [-120, 75], [0, 70]]]}, "area"),
        (
            {"line": {"type": "LineString", "coordinates": [[0, 10], [180, -10]]}, "within_m": 5},
            "area",
        ),
        ({"line": {"type": "LineString", "coordinates": [[0, 0]]}, "within_m": 5}, "area"),
        (
            {"line": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "within_m": 0.5},
            "area",
        ),
        ({"line": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}, "area"),
    ],
)
def test_search_answers_422_when_area_is_invalid(api, area, field):
    """Unclosed or self-intersecting rings, bad coordinates and radii are refused clearly."""
    response = api.post("/api/v1/accounts/search", json={"area": area})

    assert response.status_code == 422
    assert any(name.startswith(field) for name in response.json["error"]["fields"])


def test_search_answers_404_when_territory_is_unknown(api):
    """An area by territory needs a territory of the caller's organisation."""
    response = api.post(
        "/api/v1/accounts/search", json={"area": {"territory_id": str(uuid.uuid4())}}
    )

    assert response.status_code == 404


def test_viewport_returns_items_when_few_accounts_are_in_view(api, org, make_account):
    """At or under the threshold the map gets the accounts themselves."""
    inside = {str(make_account(org, 26.1 + i * 0.001, 44.43)) for i in range(5)}
    make_account(org, 27.5, 44.43)

    body = api.get("/api/v1/accounts?bbox=26.0,44.3,26.3,44.6&limit=500").json

    assert body["clusters"] == []
    assert {item["id"] for item in body["items"]} == inside


def test_viewport_returns_clusters_when_more_than_500_accounts_are_in_view(
    api, org, make_account, app
):
    """Over 500 accounts in view come back as clusters whose counts add up."""
    from sqlalchemy import text

    from server.extensions import db

    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO accounts (id, org_id, kind, name, location, geocode_status, status, "
                "created_at, updated_at, version) SELECT gen_random_uuid(), :org, 'customer', "
                "'Shop ' || n, ST_SetSRID(ST_MakePoint(26.0 + (n % 30) * 0.01, "
                "44.3 + (n / 30) * 0.01), 4326)::geography, "
                "'manual', 'active', now(), now(), 1 FROM generate_series(0, 599) AS n"
            ),
            {"org": org.id},
        )
        db.session.commit()

    body = api.get("/api/v1/accounts?bbox=25.9,44.2,26.4,44.6&zoom=11").json

    assert body["items"] == []
    assert sum(cluster["count"] for cluster in body["clusters"]) == 600
    assert len(body["clusters"]) > 1
    for cluster in body["clusters"]:
        lng, lat = cluster["location"]["coordinates"]
        min_lng, min_lat, max_lng, max_lat = cluster["bbox"]
        assert min_lng <= lng <= max_lng and min_lat <= lat <= max_lat


def test_viewport_across_the_antimeridian_sees_both_sides(api, org, make_account):
    """A bbox from 179 to -179 holds points on both sides of the date line."""
    east = make_account(org, 179.5, 0.0)
    west = make_account(org, -179.5, 0.0)
    make_account(org, 0.0, 0.0)

    body = api.get("/api/v1/accounts?bbox=179,-1,-179,1").json

    assert {item["id"] for item in body["items"]} == {str(east), str(west)}


def test_nearby_shows_each_caller_their_own_accounts_when_callers_of_one_role_follow(
    org, make_user, logged_in, make_account
):
    """Visibility holds per caller, though every caller of a role shares one built statement."""
    manager = make_user(org, role="manager")
    team_rep, other_rep = make_user(org, manager_id=manager.id), make_user(org)
    owned = {
        user.id: make_account(org, *_destination(*CENTER, 100 * n, 90), owner_id=user.id)
        for n, user in enumerate((manager, team_rep, other_rep), start=1)
    }
    unowned = make_account(org, *_destination(*CENTER, 400, 90), owner_id=None)

    seen = {
        user.id: {item["id"] for item in _nearby(logged_in(user), *CENTER)["items"]}
        for user in (team_rep, other_rep, manager)
    }

    assert seen[team_rep.id] == {str(owned[team_rep.id])}
    assert seen[other_rep.id] == {str(owned[other_rep.id])}
    assert seen[manager.id] == {str(owned[manager.id]), str(owned[team_rep.id]), str(unowned)}


def test_nearby_filters_by_tag_text_and_last_visit_when_combined(api, org, make_account):
    """Tag, text and not-visited filters each narrow the nearby list, with paging on top."""
    long_ago = datetime.now(UTC) - timedelta(days=90)
    wanted = [
        make_account(org, *_destination(*CENTER, 100 * n, 0), name=f"Farmacia {n}", tags=["vip"])
        for n in range(1, 4)
    ]
    make_account(org, *_destination(*CENTER, 50, 0), name="Farmacia Tagless")
    make_account(org, *_destination(*CENTER, 60, 0), name="Bakery", tags=["vip"])
    make_account(
        org,
        *_destination(*CENTER, 70, 0),
        name="Farmacia Seen",
        tags=["vip"],
        last_visit_at=datetime.now(UTC),
    )
    make_account(
        org,
        *_destination(*CENTER, 80, 0),
        name="Farmacia Old",
        tags=["vip"],
        last_visit_at=long_ago,
    )

    items = _all_pages(api, *CENTER, tag="vip", q="farmacia", not_visited_days=30, limit=2)

    names = [item["name"] for item in items]
    assert names == ["Farmacia Old", *(f"Farmacia {n}" for n in range(1, 4))]
    assert [item["id"] for item in items[1:]] == [str(account) for account in wanted]


def test_a_polygon_drawn_across_the_antimeridian_is_judged_as_one_piece(api, org, make_account):
    """A pentagon from 178 E to 178 W is valid on the globe, though its raw longitudes would
    cross themselves on a flat map; it holds what lies inside it on both sides."""
    east = make_account(org, 179.5, 0.5)
    west = make_account(org, -179.0, 1.5)
    make_account(org, 0.0, 1.0)
    ring = [[178, 0], [-178, 0], [-178, 2], [179, 1], [178, 2], [178, 0]]

    assert _search(api, {"type": "Polygon", "coordinates": [ring]}) == {str(east), str(west)}
