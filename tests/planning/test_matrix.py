"""Travel figures: the OSRM table service when ROUTING_URL is set and it answers in time, the
geodesic figures otherwise (the routing service down, slow, refusing, or missing a route)."""

from __future__ import annotations

import logging
import threading

import pytest

from server.planning.matrix import geodesic_matrix, osrm_matrix, travel_matrix
from tests.support.app_process import free_port
from tests.support.bulk import CITY_CENTRE

POINTS = [
    CITY_CENTRE,
    (26.05, 44.45),
    (26.16, 44.40),
    (26.12, 44.48),
]


def expected_osrm(fake, points):
    """The figures the fake serves, rounded as the client rounds them."""
    size = len(points)
    cells = [[fake.figures(points[i], points[j]) for j in range(size)] for i in range(size)]
    distance = [
        [0 if i == j else round(round(cells[i][j][0], 1)) for j in range(size)] for i in range(size)
    ]
    duration = [
        [0 if i == j else round(round(cells[i][j][1], 1)) for j in range(size)] for i in range(size)
    ]
    return distance, duration


def matrix_in(app, points):
    with app.app_context():
        return travel_matrix(points)


def test_figures_come_from_the_routing_service_when_it_answers(app_with, fake_osrm):
    """ROUTING_URL set: one GET of the table service with both annotations, and its figures."""
    app = app_with(routing_url=fake_osrm.url)

    matrix = matrix_in(app, POINTS)

    assert matrix.provider == "osrm"
    assert (matrix.distance_m, matrix.duration_s) == expected_osrm(fake_osrm, POINTS)
    assert matrix.distance_m != geodesic_matrix(POINTS).distance_m
    [request] = fake_osrm.requests
    assert request["path"].startswith("/table/v1/driving/26.100000,44.430000;26.050000,")
    assert request["query"] == {"annotations": "duration,distance"}


def test_a_large_table_is_asked_for_in_blocks_of_rows_when_it_exceeds_the_table_size(
    fake_osrm,
):
    """120 points are more than OSRM's default 100 x 100 table: asked by `sources` blocks
    that fit, and put together in order."""
    points = [(26.0 + 0.002 * n, 44.4 + 0.001 * (n % 17)) for n in range(120)]

    # A bound, not a measure: 14,400 cells computed in Python on a busy machine.
    matrix = osrm_matrix(fake_osrm.url, points, timeout_s=60)

    assert [len(r["query"]["sources"].split(";")) for r in fake_osrm.requests] == [83, 37]
    assert (matrix.distance_m, matrix.duration_s) == expected_osrm(fake_osrm, points)


def test_geodesic_figures_are_used_when_no_routing_service_is_set(app, fake_osrm):
    """No ROUTING_URL: geodesic, and nothing is asked of anyone."""
    matrix = matrix_in(app, POINTS)

    assert matrix == geodesic_matrix(POINTS)
    assert fake_osrm.requests == []


def test_geodesic_figures_are_used_and_logged_when_the_routing_service_is_down(app_with, caplog):
    """A closed port: the plan falls back to geodesic figures, and the log says why."""
    app = app_with(routing_url=f"http://127.0.0.1:{free_port()}")

    with caplog.at_level(logging.WARNING, logger="server.planning.matrix"):
        matrix = matrix_in(app, POINTS)

    assert matrix == geodesic_matrix(POINTS)
    assert "routing service unavailable" in caplog.text


def test_geodesic_figures_are_used_when_the_routing_service_is_slower_than_the_timeout(
    app_with, fake_osrm, caplog
):
    """An answer held past ROUTING_TIMEOUT_S: geodesic figures, without waiting for it."""
    fake_osrm.hold = threading.Event()
    app = app_with(routing_url=fake_osrm.url, routing_timeout_s=0.3)
    try:
        with caplog.at_level(logging.WARNING, logger="server.planning.matrix"):
            matrix = matrix_in(app, POINTS)
    finally:
        fake_osrm.hold.set()

    assert matrix.provider == "geodesic"
    assert len(fake_osrm.requests) == 1
    assert "timed out" in caplog.text


@pytest.mark.parametrize(
    ("setting", "value"),
    [("down", True), ("code", "NoTable"), ("unroutable", 2)],
)
def test_geodesic_figures_are_used_when_the_routing_service_gives_no_usable_table(
    app_with, fake_osrm, setting, value
):
    """A 503, an error code instead of Ok, or a null cell (no route between two points)."""
    setattr(fake_osrm, setting, value)
    app = app_with(routing_url=fake_osrm.url)

    matrix = matrix_in(app, POINTS)

    assert matrix == geodesic_matrix(POINTS)
    assert len(fake_osrm.requests) == 1
