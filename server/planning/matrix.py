"""Travel distances and durations between points: the numbers every plan is optimised on.

The default is geodesic: WGS 84 distances (geographiclib) at an assumed average speed, which
needs nothing outside the app. A routing service (ROUTING_URL) gives road figures instead: the
`table` service of OSRM's HTTP API (v1, `driving` profile), which any OSRM-compatible server
speaks. When it is down, slow (ROUTING_TIMEOUT_S), refuses the request or cannot route between
two of the points, the plan is made on geodesic figures and the answer says so (`provider`).
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from server.config import current_settings
from server.geo.distance import geodesic_m

log = logging.getLogger(__name__)

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


# OSRM answers "TooBig" when sources x destinations exceed its --max-table-size squared (100
# by default): bigger matrices are asked for in blocks of rows.
OSRM_MAX_TABLE_CELLS = 100 * 100
# An answer larger than this is not a table of at most a few hundred points.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
USER_AGENT = "waypoint-crm (route planning)"


class RoutingUnavailableError(Exception):
    """The routing service gave no usable table: down, slow, refused, or a route missing."""


def travel_matrix(points: Sequence[LngLat]) -> TravelMatrix:
    """The matrix every plan is made on: from the routing service when one is configured and
    answers, geodesic otherwise. Call it with no database transaction open: it may wait for
    the routing service up to ROUTING_TIMEOUT_S (per block of a large table)."""
    settings = current_settings()
    if not settings.routing_url or len(points) < 2:
        return geodesic_matrix(points)
    try:
        return osrm_matrix(settings.routing_url, points, settings.routing_timeout_s)
    except RoutingUnavailableError as error:
        log.warning("routing service unavailable, planning on geodesic figures: %s", error)
        return geodesic_matrix(points)


def osrm_matrix(base_url: str, points: Sequence[LngLat], timeout_s: float) -> TravelMatrix:
    """Road durations and distances between `points` from an OSRM `table` service at
    `base_url`, in blocks of rows small enough for its default table size; any failure is a
    RoutingUnavailableError."""
    size = len(points)
    coordinates = ";".join(f"{lng:.6f},{lat:.6f}" for lng, lat in points)
    url = f"{base_url.rstrip('/')}/table/v1/driving/{coordinates}"
    rows_per_block = max(1, OSRM_MAX_TABLE_CELLS // size)
    durations: list[list[int]] = []
    distances: list[list[int]] = []
    for first in range(0, size, rows_per_block):
        rows = range(first, min(first + rows_per_block, size))
        query = "annotations=duration,distance"
        if len(rows) < size:
            query += "&sources=" + ";".join(str(row) for row in rows)
        answer = osrm_get_json(f"{url}?{query}", timeout_s)
        durations += _table(answer, "durations", len(rows), size)
        distances += _table(answer, "distances", len(rows), size)
    for index in range(size):
        durations[index][index] = distances[index][index] = 0
    return TravelMatrix(distances, durations, "osrm")


def osrm_get_json(url: str, timeout_s: float) -> Any:
    """GET `url` and parse its JSON, all within `timeout_s` (a server that answers a byte at a
    time is as slow as one that does not answer)."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise RoutingUnavailableError("ROUTING_URL must be an http or https URL")
    deadline = time.monotonic() + timeout_s
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    body = bytearray()
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            while chunk := response.read(64 * 1024):
                body += chunk
                if time.monotonic() > deadline:
                    raise RoutingUnavailableError(f"no complete answer within {timeout_s} s")
                if len(body) > MAX_ANSWER_BYTES:
                    raise RoutingUnavailableError("the answer is too large")
    except urllib.error.HTTPError as error:
        raise RoutingUnavailableError(f"answered {error.code}: {_osrm_code(error)}") from None
    # Refused, reset, timed out, cut short, a malformed URL.
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise RoutingUnavailableError(str(error) or type(error).__name__) from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise RoutingUnavailableError("the answer is not JSON") from None
    if not isinstance(answer, dict) or answer.get("code") != "Ok":
        code = answer.get("code") if isinstance(answer, dict) else None
        raise RoutingUnavailableError(f"answered code {code!r}")
    return answer


def _osrm_code(error: urllib.error.HTTPError) -> str:
    """OSRM's error code in a 4xx/5xx answer (InvalidQuery, TooBig...), if it sent one."""
    try:
        answer = json.loads(error.read(64 * 1024))
    except (OSError, ValueError):
        return "no JSON"
    return str(answer.get("code")) if isinstance(answer, dict) else "no code"


def _table(answer: dict[str, Any], name: str, rows: int, columns: int) -> list[list[int]]:
    """The `name` matrix of a table answer as whole numbers; a missing cell (OSRM's null when
    it cannot route between two points) or a malformed one is a RoutingUnavailableError."""
    table = answer.get(name)
    if not isinstance(table, list) or len(table) != rows:
        raise RoutingUnavailableError(f"no {name} of {rows} rows in the answer")
    whole: list[list[int]] = []
    for row in table:
        if not isinstance(row, list) or len(row) != columns:
            raise RoutingUnavailableError(f"a row of {name} does not have {columns} cells")
        if not all(_is_figure(cell) for cell in row):
            raise RoutingUnavailableError(f"{name} has no figure between some points")
        whole.append([round(cell) for cell in row])
    return whole


def _is_figure(cell: Any) -> bool:
    return (
        isinstance(cell, int | float)
        and not isinstance(cell, bool)
        and math.isfinite(cell)
        and cell >= 0
    )
