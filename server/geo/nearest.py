"""Nearest-first pages in exact geodesic order, walked through the GiST index.

The index orders by great-circle distance on a sphere (`<->`), which can differ from the WGS 84
geodesic by up to about half a percent, enough to swap two accounts 1,000 m and 1,004 m away.
So we read candidates in sphere order and stop once no unread row can still be closer on the
spheroid than the last one we return: geodesic >= sphere * SPHEROID_OVER_SPHERE_MIN.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select

from server.extensions import db
from server.geo.distance import SPHEROID_OVER_SPHERE_MAX, SPHEROID_OVER_SPHERE_MIN
from server.geo.queries import distance_m, sphere_distance

# A few more candidates than asked for usually settle the order in one query.
FIRST_EXTRA_CANDIDATES = 8


def nearest_rows(
    query: Select[Any],
    column: Any,
    point: ColumnElement[Any],
    limit: int,
    after: tuple[float, str] | None,
) -> list[Any]:
    """Up to `limit` rows of `query` nearest to `point` after the (distance, id) `after`.

    Each row gains `distance_m` (geodesic metres) and `sphere_m`; `query` must select an `id`.
    """
    sphere = sphere_distance(column, point)
    query = query.add_columns(
        distance_m(column, point).label("distance_m"), sphere.label("sphere_m")
    )
    if after is not None:
        query = query.where(sphere >= after[0] / SPHEROID_OVER_SPHERE_MAX * (1 - 1e-9))
    query = query.order_by(sphere)
    fetch = limit + FIRST_EXTRA_CANDIDATES
    while True:
        rows = list(db.session.execute(query.limit(fetch)))
        candidates = sorted((row for row in rows if after is None or _key(row) > after), key=_key)[
            :limit
        ]
        if len(rows) < fetch or _settled(rows, candidates, limit):
            return candidates
        fetch *= 4


def _key(row: Any) -> tuple[float, str]:
    return (float(row.distance_m), str(row.id))


def _settled(rows: list[Any], candidates: list[Any], limit: int) -> bool:
    """True when no row beyond those read can be geodesically closer than our last one."""
    if len(candidates) < limit:
        return False
    return float(rows[-1].sphere_m) * SPHEROID_OVER_SPHERE_MIN > float(candidates[-1].distance_m)
