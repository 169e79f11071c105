"""The line a day's route draws on the map: along the roads when a routing service is set.

One GET of OSRM's `route` service (HTTP API v1, `driving` profile) for the stops in their
planned order, asking for the whole geometry as GeoJSON. No routing service, or one that is
down, slow (ROUTING_TIMEOUT_S), refuses or finds no route: no line, and clients draw straight
segments between the stops.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pydantic import ValidationError

from server.config import current_settings
from server.geo.geojson import LineString
from server.planning.matrix import LngLat, RoutingUnavailableError, osrm_get_json

log = logging.getLogger(__name__)


def road_line(points: Sequence[LngLat]) -> LineString | None:
    """The road line through `points` (lng, lat) in order, or None when there is no routing
    service or it gives no usable route. Call it with no database transaction open."""
    settings = current_settings()
    if not settings.routing_url or len(points) < 2:
        return None
    try:
        return osrm_route_line(settings.routing_url, points, settings.routing_timeout_s)
    except RoutingUnavailableError as error:
        log.warning("routing service gave no route line, clients draw straight lines: %s", error)
        return None


def osrm_route_line(base_url: str, points: Sequence[LngLat], timeout_s: float) -> LineString:
    """The first route's full GeoJSON geometry from an OSRM `route` service at `base_url`;
    any failure is a RoutingUnavailableError."""
    coordinates = ";".join(f"{lng:.6f},{lat:.6f}" for lng, lat in points)
    url = f"{base_url.rstrip('/')}/route/v1/driving/{coordinates}?overview=full&geometries=geojson"
    answer = osrm_get_json(url, timeout_s)
    routes = answer.get("routes")
    if not isinstance(routes, list) or not routes or not isinstance(routes[0], dict):
        raise RoutingUnavailableError("no route in the answer")
    try:
        return LineString.model_validate(routes[0].get("geometry"))
    except ValidationError:
        raise RoutingUnavailableError("the route's geometry is not a GeoJSON line") from None
