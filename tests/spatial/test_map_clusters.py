"""A map viewport's answer is bounded: at most geo.MAX_GRID_CELLS clusters whatever the bbox and
zoom, and the clusters still count every account in view."""

from __future__ import annotations

import pytest

from server.extensions import db
from server.geo.queries import MAX_GRID_CELLS, BBox, grid_cell_deg, grid_cells_touched, grid_plan
from tests.support.bulk import fill_accounts, fill_accounts_worldwide

WORLD = "-180,-90,180,90"
ACCOUNTS = 5_000


@pytest.fixture
def api(org, make_user, logged_in):
    return logged_in(make_user(org, role="admin"))


def _bulk(app, fill, org, count):
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            with connection.cursor() as cursor:
                fill(cursor, org.id, count)
            connection.commit()
        finally:
            connection.close()


def _clusters(api, bbox, zoom):
    response = api.get(f"/api/v1/accounts?bbox={bbox}&zoom={zoom}")
    assert response.status_code == 200, response.json
    assert response.json["items"] == []
    return response.json["clusters"]


def test_clusters_stay_bounded_when_the_whole_world_is_asked_for_at_the_deepest_zoom(app, api, org):
    """5,000 distinct places over the world at zoom 22: not one cluster each, yet every one
    of them is counted."""
    _bulk(app, fill_accounts_worldwide, org, ACCOUNTS)

    clusters = _clusters(api, WORLD, 22)

    assert len(clusters) <= MAX_GRID_CELLS
    assert sum(cluster["count"] for cluster in clusters) == ACCOUNTS


def test_clusters_stay_bounded_when_a_city_is_asked_for_at_the_deepest_zoom(app, api, org):
    """A city's accounts, metres apart, in a city-wide box at zoom 22 (cells of 2 m)."""
    _bulk(app, fill_accounts, org, ACCOUNTS)

    clusters = _clusters(api, "25.5,44.0,26.7,44.9", 22)

    assert len(clusters) <= MAX_GRID_CELLS
    assert sum(cluster["count"] for cluster in clusters) == ACCOUNTS


def test_clusters_stay_bounded_when_the_box_crosses_the_antimeridian(app, api, org):
    """A box from 10 degrees east round to 0: both sides of the date line count."""
    _bulk(app, fill_accounts_worldwide, org, ACCOUNTS)

    clusters = _clusters(api, "10,-90,0,90", 22)
    gap = api.get("/api/v1/accounts?bbox=0,-90,10,90&limit=500").json

    assert len(clusters) <= MAX_GRID_CELLS
    assert (gap["clusters"], gap["next_cursor"]) == ([], None)
    assert sum(cluster["count"] for cluster in clusters) == ACCOUNTS - len(gap["items"])


@pytest.mark.parametrize(
    "bbox",
    [
        BBox(-180, -90, 180, 90),
        BBox(170, -90, -170, 90),
        BBox(26.0, 44.0, 26.0, 44.0),
        BBox(-180, -90, 179.9999, -89.9999),
        BBox(0, 0, 1e-9, 1e-9),
    ],
)
@pytest.mark.parametrize("zoom", [0, 5, 12, 22])
def test_grid_touches_at_most_the_cap_when_any_box_is_clustered_at_any_zoom(bbox, zoom):
    """The grid chosen for a box never touches more than MAX_GRID_CELLS cells."""
    assert grid_cells_touched(bbox, grid_cell_deg(bbox, zoom)) <= MAX_GRID_CELLS


def _cells_of(plan, level, window):
    shift = plan.edge_level - level
    return {
        (x, y)
        for cx in range(window.x0, window.x1 + 1)
        for cy in range(window.y0, window.y1 + 1)
        for x in range(cx << shift, (cx + 1) << shift)
        for y in range(cy << shift, (cy + 1) << shift)
    }


@pytest.mark.parametrize(
    "bbox",
    [
        BBox(-180, -90, 180, 90),
        BBox(170, -60, -170, 60),
        BBox(25.93, 44.32, 26.27, 44.54),
        BBox(20.2, 43.6, 29.8, 48.3),
        BBox(22.5, 0.0, 45.0, 67.5),
    ],
)
@pytest.mark.parametrize("zoom", [0, 7, 12, 16])
def test_plan_pieces_cover_the_finest_windows_each_cell_once(bbox, zoom):
    """The pieces of a plan, of several levels, cover the cells of its finest windows (every
    one wholly inside the box) once each, and name no more cell columns than the budget."""
    plan = grid_plan(bbox, zoom, max_probes=150)
    covered: list[tuple[int, int]] = []
    for piece in plan.pieces:
        covered += _cells_of(plan, piece.level, piece.window)
    finest = set().union(*(_cells_of(plan, plan.edge_level, w) for w in plan.edge_windows))

    assert len(covered) == len(set(covered))
    assert set(covered) == finest
    assert plan.probes() <= 150 or {piece.level for piece in plan.pieces} == {plan.level}
    size = plan.edge_cell
    for x, y in finest:
        west, east = x * size, (x + 1) * size
        inside = [bbox.min_lng <= west and east <= bbox.max_lng]
        if bbox.crosses_antimeridian():
            inside += [west >= bbox.min_lng or east <= bbox.max_lng]
        assert any(inside) and bbox.min_lat <= y * size and (y + 1) * size <= bbox.max_lat
