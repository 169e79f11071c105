"""GeoJSON geometry in and out: [longitude, latitude] order, WGS 84, checked before it is stored."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Literal

from geoalchemy2.shape import to_shape
from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag
from shapely import wkt
from shapely.geometry import shape
from shapely.validation import explain_validity
from typing_extensions import TypedDict

MAX_AREA_POSITIONS = 20_000
MAX_RADIUS_M = 500_000.0


def _check_position(position: list[float]) -> list[float]:
    if len(position) != 2:
        raise ValueError("a position is [longitude, latitude]")
    lng, lat = position
    if not (math.isfinite(lng) and math.isfinite(lat)):
        raise ValueError("coordinates must be finite numbers")
    if not -180.0 <= lng <= 180.0:
        raise ValueError("longitude must be between -180 and 180")
    if not -90.0 <= lat <= 90.0:
        raise ValueError("latitude must be between -90 and 90")
    return position


Position = Annotated[list[float], AfterValidator(_check_position)]


def _check_ring(ring: list[list[float]]) -> list[list[float]]:
    if len(ring) < 4:
        raise ValueError("a linear ring needs at least four positions")
    if ring[0] != ring[-1]:
        raise ValueError("a linear ring must be closed: its last position must equal its first")
    return ring


Ring = Annotated[list[Position], AfterValidator(_check_ring)]


class _Geometry(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    def to_json(self) -> str:
        """The geometry as GeoJSON text, for ST_GeomFromGeoJSON."""
        return json.dumps(self.model_dump())


class Point(_Geometry):
    """A GeoJSON Point: {"type": "Point", "coordinates": [lng, lat]}."""

    type: Literal["Point"]
    coordinates: Position

    @property
    def lng(self) -> float:
        """Longitude in degrees."""
        return self.coordinates[0]

    @property
    def lat(self) -> float:
        """Latitude in degrees."""
        return self.coordinates[1]

    @classmethod
    def at(cls, lng: float, lat: float) -> Point:
        """A point from separate coordinates."""
        return cls(type="Point", coordinates=[lng, lat])


def _check_valid_surface(geometry: _Geometry) -> _Geometry:
    data = geometry.model_dump()
    positions = sum(len(ring) for ring in _rings(data))
    if positions > MAX_AREA_POSITIONS:
        raise ValueError(f"an area may have at most {MAX_AREA_POSITIONS} positions")
    surface = shape(data)
    if not surface.is_valid:
        raise ValueError(f"the area is not a valid polygon: {explain_validity(surface)}")
    return geometry


def _rings(data: dict[str, Any]) -> list[list[Any]]:
    if data["type"] == "Polygon":
        return list(data["coordinates"])
    return [ring for polygon in data["coordinates"] for ring in polygon]


class Polygon(_Geometry):
    """A GeoJSON Polygon: an outer ring and optional holes, each closed."""

    type: Literal["Polygon"]
    coordinates: list[Ring] = Field(min_length=1)


class MultiPolygon(_Geometry):
    """A GeoJSON MultiPolygon."""

    type: Literal["MultiPolygon"]
    coordinates: list[Annotated[list[Ring], Field(min_length=1)]] = Field(min_length=1)


ValidPolygon = Annotated[Polygon, AfterValidator(_check_valid_surface)]
ValidMultiPolygon = Annotated[MultiPolygon, AfterValidator(_check_valid_surface)]


class Circle(BaseModel):
    """An area given as a centre and a geodesic radius in metres."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    center: Point
    radius_m: float = Field(gt=0, le=MAX_RADIUS_M)


class TerritoryArea(BaseModel):
    """An area given by reference to a stored territory."""

    model_config = ConfigDict(extra="forbid")

    territory_id: str


def _area_kind(value: Any) -> str | None:
    """The branch of Area that `value` claims to be; None (a 422) for anything else. It must
    never raise: pydantic passes any exception other than a validation error on, as a 500."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if not isinstance(value, dict):
        return None
    if "territory_id" in value:
        return "territory"
    if "center" in value or "radius_m" in value:
        return "circle"
    kind = value.get("type")
    return (
        {"Polygon": "polygon", "MultiPolygon": "multipolygon"}.get(kind)
        if isinstance(kind, str)
        else None
    )


Area = Annotated[
    Annotated[ValidPolygon, Tag("polygon")]
    | Annotated[ValidMultiPolygon, Tag("multipolygon")]
    | Annotated[Circle, Tag("circle")]
    | Annotated[TerritoryArea, Tag("territory")],
    Discriminator(
        _area_kind,
        custom_error_type="invalid_area",
        custom_error_message=(
            "an area is a GeoJSON Polygon or MultiPolygon, {center, radius_m} or {territory_id}"
        ),
    ),
]


def point_from_stored(value: Any) -> Point | None:
    """A Point from a geography point column's value: what the database returned (WKB) or what
    was just assigned to it (EWKT text, see geo.queries.point_to_store); None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        geometry = wkt.loads(value.split(";", 1)[-1])
    else:
        geometry = to_shape(value)
    return Point.at(float(geometry.x), float(geometry.y))


def point_from_geojson_text(text: str | None) -> dict[str, Any] | None:
    """Parse ST_AsGeoJSON output into a plain GeoJSON dict (None stays None)."""
    return json.loads(text) if text else None


class PointData(TypedDict):
    """A GeoJSON Point as plain data, what `Point` serialises to."""

    type: Literal["Point"]
    coordinates: list[float]


def point_data(lng: float | None, lat: float | None) -> PointData | None:
    """A GeoJSON Point from coordinates read out of the database, typed for serialising."""
    if lng is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [lng, lat]}


def point_dict(lng: float | None, lat: float | None) -> dict[str, Any] | None:
    """A GeoJSON Point dict from coordinates read out of the database."""
    if lng is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [lng, lat]}
