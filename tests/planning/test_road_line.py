"""The road line through a day's stops: OSRM's `route` geometry, or a RoutingUnavailableError
the plan answers without a line on."""

from __future__ import annotations

import pytest

from server.planning.matrix import RoutingUnavailableError
from server.planning.road_line import osrm_route_line
from tests.support.bulk import CITY_CENTRE

POINTS = [CITY_CENTRE, (26.05, 44.45), (26.16, 44.40)]


def test_the_line_is_the_first_routes_geometry_through_the_points_in_order(fake_osrm):
    """Every point given is on the line, in the order given."""
    line = osrm_route_line(fake_osrm.url, POINTS, timeout_s=5)

    assert line.type == "LineString"
    on_line = [tuple(position) for position in line.coordinates]
    assert [on_line.index(point) for point in POINTS] == [0, 2, 4]


@pytest.mark.parametrize("code", ["NoRoute", "NoSegment", "TooBig"])
def test_a_refused_route_is_unavailable(fake_osrm, code):
    fake_osrm.route_code = code

    with pytest.raises(RoutingUnavailableError, match=code):
        osrm_route_line(fake_osrm.url, POINTS, timeout_s=5)


def test_a_geometry_that_is_not_a_line_is_unavailable(fake_osrm):
    """One point makes a one-position geometry: not a GeoJSON LineString."""
    with pytest.raises(RoutingUnavailableError, match="not a GeoJSON line"):
        osrm_route_line(fake_osrm.url, POINTS[:1], timeout_s=5)
