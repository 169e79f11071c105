"""Geodesic maths in memory (geographiclib, under geopy), for work that needs no database."""

from __future__ import annotations

from geographiclib.geodesic import Geodesic

# Bounds on (WGS 84 geodesic distance) / (great-circle distance on PostGIS's sphere, radius
# 6371008.8 m): the meridian radius of curvature at the equator and the prime-vertical radius at
# the poles, with a margin. Used to turn index order (sphere) into exact spheroid order.
SPHEROID_OVER_SPHERE_MIN = 0.993
SPHEROID_OVER_SPHERE_MAX = 1.007


def geodesic_m(lng_a: float, lat_a: float, lng_b: float, lat_b: float) -> float:
    """Geodesic distance in metres between two lng/lat points on WGS 84 (Karney's algorithm,
    the one geopy's `geodesic` runs; called directly, it is several times faster)."""
    line = Geodesic.WGS84.Inverse(lat_a, lng_a, lat_b, lng_b, Geodesic.DISTANCE)
    return float(line["s12"])


def geodesic_destination(
    lng: float, lat: float, bearing_deg: float, distance_m: float
) -> tuple[float, float]:
    """The (lng, lat) reached from a point going `distance_m` metres along the geodesic that
    leaves it at `bearing_deg` (clockwise from north) on WGS 84."""
    line = Geodesic.WGS84.Direct(lat, lng, bearing_deg, distance_m)
    return float(line["lon2"]), float(line["lat2"])
