"""Column types for stored geometry: WGS 84 geography, so distances come out in metres."""

from __future__ import annotations

from geoalchemy2 import Geography

SRID = 4326


def geography_point() -> Geography:
    """A geography(Point, 4326) column; its GiST index is declared by the owning table."""
    return Geography(geometry_type="POINT", srid=SRID, spatial_index=False)


def geography_multipolygon() -> Geography:
    """A geography(MultiPolygon, 4326) column for areas such as territories."""
    return Geography(geometry_type="MULTIPOLYGON", srid=SRID, spatial_index=False)
