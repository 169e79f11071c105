"""Links that hand a planned route to the phone's navigation app.

Google Maps takes a whole route in one directions URL, but at most nine waypoints between its
origin and destination (the URL API's limit on mobile): a longer route is split into several
URLs, each starting where the previous one ends. Apple Maps, Waze and `geo:` take one leg at a
time: the rep opens the next stop's link after each visit.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from pydantic import BaseModel

from server.planning.matrix import LngLat

GOOGLE_DIRECTIONS = "https://www.google.com/maps/dir/"
APPLE_MAPS = "https://maps.apple.com/"
WAZE = "https://waze.com/ul"
# Waypoints one Google Maps directions URL may carry between its origin and destination.
GOOGLE_MAX_WAYPOINTS = 9


def lat_lng(point: LngLat) -> str:
    """`LAT,LNG` as the navigation apps read it (the opposite order of GeoJSON), to 6 decimals
    (about 10 cm)."""
    lng, lat = point
    return f"{lat:.6f},{lng:.6f}"


def google_url(points: Sequence[LngLat]) -> str:
    """One Google Maps driving directions URL through `points` in order (2 to 11 of them)."""
    if not 2 <= len(points) <= GOOGLE_MAX_WAYPOINTS + 2:
        raise ValueError(f"a Google Maps URL goes through 2 to {GOOGLE_MAX_WAYPOINTS + 2} points")
    query = {"api": "1", "origin": lat_lng(points[0]), "destination": lat_lng(points[-1])}
    if len(points) > 2:
        query["waypoints"] = "|".join(lat_lng(point) for point in points[1:-1])
    query["travelmode"] = "driving"
    return GOOGLE_DIRECTIONS + "?" + urlencode(query)


def google_urls(points: Sequence[LngLat]) -> list[str]:
    """The route through `points` (the start, the stops in order, the end) as Google Maps URLs
    of at most nine waypoints each; each URL's origin is the previous one's destination."""
    if len(points) < 2:
        return []
    step = GOOGLE_MAX_WAYPOINTS + 1
    return [
        google_url(points[first : first + step + 1]) for first in range(0, len(points) - 1, step)
    ]


def apple_url(origin: LngLat, destination: LngLat) -> str:
    """Apple Maps driving directions for one leg."""
    query = {"saddr": lat_lng(origin), "daddr": lat_lng(destination), "dirflg": "d"}
    return APPLE_MAPS + "?" + urlencode(query)


def waze_url(destination: LngLat) -> str:
    """Waze navigating from wherever the phone is to `destination`."""
    return WAZE + "?" + urlencode({"ll": lat_lng(destination), "navigate": "yes"})


def geo_uri(destination: LngLat) -> str:
    """A `geo:` URI (RFC 5870, with Android's `q=` so a pin is dropped there)."""
    where = lat_lng(destination)
    return f"geo:{where}?q={where}"


class LegLinks(BaseModel):
    """The leg in each navigation app (a day's plan and a week's legs carry it)."""

    google: str
    apple: str
    waze: str
    geo: str


def leg_links(origin: LngLat, destination: LngLat) -> dict[str, str]:
    """Every app's link for the leg from `origin` to `destination`."""
    return {
        "google": google_url([origin, destination]),
        "apple": apple_url(origin, destination),
        "waze": waze_url(destination),
        "geo": geo_uri(destination),
    }
