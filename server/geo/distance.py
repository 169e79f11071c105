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
