"""Navigation links: Google Maps URLs of at most nine waypoints, chained; per-leg links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from server.planning.navigation import google_urls, leg_links


def query(url):
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def route(points):
    return [(26.0 + n / 100, 44.0 + n / 1000) for n in range(points)]


@pytest.mark.parametrize(
    ("points", "urls"), [(2, 1), (3, 1), (11, 1), (12, 2), (21, 2), (22, 3), (102, 11)]
)
def test_google_urls_carry_at_most_nine_waypoints_and_chain_when_a_route_is_long(points, urls):
    """Each URL goes origin, up to 9 waypoints, destination; the next starts where it ended,
    and together they pass every point in order once."""
    stops = route(points)

    made = google_urls(stops)

    assert len(made) == urls
    passed = []
    for url in made:
        parts = query(url)
        assert url.startswith("https://www.google.com/maps/dir/?api=1&")
        assert parts["travelmode"] == "driving"
        waypoints = parts["waypoints"].split("|") if "waypoints" in parts else []
        assert len(waypoints) <= 9
        if passed:
            assert parts["origin"] == passed[-1]
        else:
            passed.append(parts["origin"])
        passed += [*waypoints, parts["destination"]]
    assert passed == [f"{lat:.6f},{lng:.6f}" for lng, lat in stops]


def test_waypoints_are_url_encoded_when_put_in_the_url():
    """The | between waypoints and the commas are percent-encoded."""
    url = google_urls(route(4))[0]

    assert "waypoints=44.001000%2C26.010000%7C44.002000%2C26.020000" in url


def test_leg_links_open_each_app_at_the_next_stop_when_made():
    """Apple Maps from here to there, Waze and geo: to there, latitude first."""
    links = leg_links((26.1, 44.43), (26.2, 44.5))

    assert links["apple"] == (
        "https://maps.apple.com/?saddr=44.430000%2C26.100000&daddr=44.500000%2C26.200000&dirflg=d"
    )
    assert links["waze"] == "https://waze.com/ul?ll=44.500000%2C26.200000&navigate=yes"
    assert links["geo"] == "geo:44.500000,26.200000?q=44.500000,26.200000"
    assert query(links["google"])["destination"] == "44.500000,26.200000"
