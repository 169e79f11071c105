"""Which stored area covers each point: the oldest one, as one set-based UPDATE.

An area here is a row with `id`, `created_at` and a geography `area` column (a territory); a
point is a row with `id`, a geography `location` and a column naming its area (an account's
`territory_id`). Where areas overlap, the oldest (created_at, then id) takes the point; a point
on an edge is covered (ST_Covers), the same rule as the area searches (geo.queries.inside_area).
The caller passes the tenant conditions: these functions only spell the spatial SQL.
"""

from __future__ import annotations

from typing import Any

from geoalchemy2 import Geography
from sqlalchemy import ColumnElement, Select, and_, any_, func, select, update

from server.geo.geojson import MultiPolygon
from server.geo.types import SRID


def area_to_store(area: MultiPolygon) -> ColumnElement[Any]:
    """The value to assign to a geography MultiPolygon column, from checked GeoJSON."""
    geometry = func.ST_SetSRID(func.ST_GeomFromGeoJSON(area.to_json()), SRID)
    return func.geography(geometry, type_=Geography(srid=SRID))


def area_geojson(column: Any) -> ColumnElement[str]:
    """A stored area as GeoJSON text (full precision, no CRS member)."""
    return func.ST_AsGeoJSON(column, 15, 0)


def covers(area: Any, location: Any) -> ColumnElement[bool]:
    """Points inside or on the edge of a stored area (a column, or a scalar subquery selecting
    one); the explicit && lets the planner walk the points' GiST index with the area's box."""
    return and_(location.op("&&")(area), func.ST_Covers(area, location))


def touches_box_of(area: Any, location: Any) -> ColumnElement[bool]:
    """Points in the bounding box of an area: what an estimate of the points an area concerns
    counts (cheap, index-only, never fewer than those it covers)."""
    overlaps: ColumnElement[bool] = location.op("&&")(area)
    return overlaps


def oldest_covering(areas: Any, location: Any, *conditions: Any) -> Any:
    """A scalar subquery: the id of the oldest area (created_at, id) covering `location` among
    those where `conditions` hold; NULL when none covers it."""
    return (
        select(areas.id)
        .where(*conditions, covers(areas.area, location))
        .order_by(areas.created_at, areas.id)
        .limit(1)
        .scalar_subquery()
    )


def reassign_points(
    points: Any,
    area_id: Any,
    areas: Any,
    candidates: ColumnElement[bool],
    area_conditions: tuple[Any, ...] = (),
) -> Select[Any]:
    """One statement that points every candidate at the oldest area covering it (among those
    where `area_conditions` hold) when it pointed elsewhere, and answers what it did: rows of
    (from_id, to_id, changed, accounts), one per pair of areas (NULL for none) and outcome.

    The candidates are locked as they are read (FOR UPDATE): a point that moves meanwhile is
    read again once its mover commits, so its new place decides its area.
    """
    best = oldest_covering(areas, points.location, *area_conditions)
    moved = (
        select(points.id.label("id"), area_id.label("from_id"), best.label("to_id"))
        .where(candidates)
        .with_for_update(of=points)
        .cte("moved")
    )
    # Rows are matched by id twice: the join gives each its area, and the id among those of the
    # candidates (an array the planner cannot count, so thinks small) reads them through the
    # primary key instead of hashing every point of the table.
    candidate_ids = func.array(select(moved.c.id).scalar_subquery())
    changed = (
        update(points)
        .where(
            points.id == moved.c.id,
            points.id == any_(candidate_ids),
            moved.c.from_id.is_distinct_from(moved.c.to_id),
        )
        .values({area_id.key: moved.c.to_id})
        .cte("changed")
    )
    # The UPDATE runs whether or not its CTE is read (add_cte keeps it in the statement); what
    # it changed is exactly the candidates whose area differs, counted per pair.
    outcome = moved.c.from_id.is_distinct_from(moved.c.to_id).label("changed")
    return (
        select(moved.c.from_id, moved.c.to_id, outcome, func.count().label("accounts"))
        .group_by(moved.c.from_id, moved.c.to_id)
        .add_cte(changed)
    )


def covering_pairs(
    areas: Any,
    others: Any,
    points: Any,
    area_conditions: tuple[Any, ...],
    other_conditions: tuple[Any, ...],
) -> Select[Any]:
    """(point_id, area_id, created_at) for every point covered by an area that intersects
    another (`others`, an alias of the areas, where `other_conditions` hold): the raw material
    of an overlap report, limited to overlapping areas so that areas without overlaps cost
    nothing. The caller adds its conditions on the points."""
    overlapping = (
        select(others.id)
        .where(
            *other_conditions,
            others.id != areas.id,
            others.area.op("&&")(areas.area),
            func.ST_Intersects(others.area, areas.area),
        )
        .exists()
    )
    return (
        select(points.id.label("point_id"), areas.id.label("area_id"), areas.created_at)
        .select_from(areas)
        .join(points, covers(areas.area, points.location))
        .where(*area_conditions, overlapping)
    )
