"""Nearest-first pages in exact geodesic order, walked through the GiST index.

The index orders by great-circle distance on a sphere (`<->`), which can differ from the WGS 84
geodesic by up to about half a percent, enough to swap two accounts 1,000 m and 1,004 m away.
So we read candidates in sphere order and stop once no unread row can still be closer on the
spheroid than the last one we return: geodesic >= sphere * SPHEROID_OVER_SPHERE_MIN.

The statement is built once per query shape with its values as bound parameters (see
`nearest_statement`), so a request only binds values: building and hashing a fresh statement
cost more than a millisecond of every nearby request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, Select, bindparam, select, true

from server.extensions import db
from server.geo.distance import SPHEROID_OVER_SPHERE_MAX, SPHEROID_OVER_SPHERE_MIN
from server.geo.queries import distance_m, sphere_distance

# A few more candidates than asked for usually settle the order in one query.
FIRST_EXTRA_CANDIDATES = 8


def nearest_statement(
    query: Select[Any], column: Any, point: ColumnElement[Any], paged: bool
) -> Select[Any]:
    """`query` in sphere order from `point`, each row with `distance_m` and `sphere_m`.

    The LIMIT is the bound parameter `fetch`; a `paged` statement also takes `after_sphere`,
    the sphere distance the next page starts from. Run it with `nearest_rows`.
    """
    sphere = sphere_distance(column, point)
    query = query.add_columns(
        distance_m(column, point).label("distance_m"), sphere.label("sphere_m")
    )
    if paged:
        query = query.where(sphere >= bindparam("after_sphere", type_=Float))
    return query.order_by(sphere).limit(bindparam("fetch", type_=Integer))


def nearest_rows(
    statement: Select[Any],
    parameters: Mapping[str, Any],
    limit: int,
    after: tuple[float, str] | None,
) -> list[Any]:
    """Up to `limit` rows of a `nearest_statement` after the (distance, id) `after`.

    `parameters` fill the statement's own bound parameters; the rows must include an `id`.
    """
    bound = dict(parameters)
    # Core rows on the session's own connection: the ORM's result layer added half a
    # millisecond a query and has nothing to do for plain columns. Callers only read.
    connection = db.session.connection()
    if after is not None:
        bound["after_sphere"] = after[0] / SPHEROID_OVER_SPHERE_MAX * (1 - 1e-9)
    fetch = limit + FIRST_EXTRA_CANDIDATES
    while True:
        rows = connection.execute(statement, {**bound, "fetch": fetch}).all()
        candidates = sorted((row for row in rows if after is None or _key(row) > after), key=_key)[
            :limit
        ]
        if len(rows) < fetch or _settled(rows, candidates, limit):
            return candidates
        fetch *= 4


def _key(row: Any) -> tuple[float, str]:
    return (float(row.distance_m), str(row.id))


def _settled(rows: Sequence[Any], candidates: list[Any], limit: int) -> bool:
    """True when no row beyond those read can be geodesically closer than our last one."""
    if len(candidates) < limit:
        return False
    return float(rows[-1].sphere_m) * SPHEROID_OVER_SPHERE_MIN > float(candidates[-1].distance_m)


def k_nearest_pairs(points: Any, homes: Any, k: int) -> Select[Any]:
    """(point_id, home_id, distance_m): each row of `points` with its `k` nearest rows of
    `homes` by geodesic distance (both subqueries with `id` and a geography `location`), every
    pair nearest first (then by point id and home id).

    One LATERAL per point keeps only its k best: the answer grows with points x k, not with
    points x homes, and the caller never sorts the whole product."""
    distance = distance_m(homes.c.location, points.c.location)
    nearest = (
        select(homes.c.id.label("home_id"), distance.label("distance_m"))
        .order_by(distance, homes.c.id)
        .limit(k)
        .lateral("nearest_homes")
    )
    return (
        select(points.c.id.label("point_id"), nearest.c.home_id, nearest.c.distance_m)
        .select_from(points)
        .join(nearest, true())
        .order_by(nearest.c.distance_m, points.c.id, nearest.c.home_id)
    )
