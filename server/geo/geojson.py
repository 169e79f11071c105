"""GeoJSON geometry in and out: [longitude, latitude] order, WGS 84, checked before it is stored."""

from __future__ import annotations

import itertools
import json
import math
from typing import Annotated, Any, Literal, TypeAlias

from geoalchemy2.shape import to_shape
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
)
from shapely import wkt
from shapely.geometry import shape
from shapely.validation import explain_validity
from typing_extensions import TypedDict

MAX_AREA_POSITIONS = 20_000
MAX_RADIUS_M = 500_000.0
MAX_CORRIDOR_M = 50_000.0
# Areas are read on the globe: each edge is the shorter great-circle arc between its ends. Two
# (nearly) opposite positions have no shorter arc, so an edge must span less than this.
MAX_EDGE_ARC_DEG = 179.0


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
    rings = _rings(data)
    positions = sum(len(ring) for ring in rings)
    if positions > MAX_AREA_POSITIONS:
        raise ValueError(f"an area may have at most {MAX_AREA_POSITIONS} positions")
    for ring in rings:
        _check_edges(ring)
    surface = shape(_unwrapped(data))
    if not surface.is_valid:
        raise ValueError(f"the area is not a valid polygon: {explain_validity(surface)}")
    return geometry


def _rings(data: dict[str, Any]) -> list[list[Any]]:
    if data["type"] == "Polygon":
        return list(data["coordinates"])
    return [ring for polygon in data["coordinates"] for ring in polygon]


def _check_edges(positions: list[list[float]]) -> None:
    """Refuse an edge between (nearly) opposite positions: no shorter arc joins them."""
    for (lng_a, lat_a), (lng_b, lat_b) in itertools.pairwise(positions):
        if _arc_deg(lng_a, lat_a, lng_b, lat_b) >= MAX_EDGE_ARC_DEG:
            raise ValueError(
                f"two consecutive positions may not be {MAX_EDGE_ARC_DEG:g} degrees of arc or "
                "more apart: the edge between them is ambiguous on the globe"
            )


def _arc_deg(lng_a: float, lat_a: float, lng_b: float, lat_b: float) -> float:
    """The central angle between two positions, in degrees (on the sphere)."""
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    cosine = math.sin(phi_a) * math.sin(phi_b) + math.cos(phi_a) * math.cos(phi_b) * math.cos(
        math.radians(lng_b - lng_a)
    )
    return math.degrees(math.acos(max(-1.0, min(1.0, cosine))))


def _unwrapped(data: dict[str, Any]) -> dict[str, Any]:
    """The surface with longitudes made continuous across the antimeridian (179 then -179
    becomes 179 then 181), every ring moved to within 180 degrees of the first one, so that its
    validity can be judged on a plane. PostGIS reads each edge as the shorter arc anyway."""
    polygons = [data["coordinates"]] if data["type"] == "Polygon" else data["coordinates"]
    reference = polygons[0][0][0][0]
    unwrapped = [[_unwrap_ring(ring, reference) for ring in polygon] for polygon in polygons]
    if data["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": unwrapped[0]}
    return {"type": "MultiPolygon", "coordinates": unwrapped}


def _unwrap_ring(ring: list[list[float]], reference: float) -> list[list[float]]:
    offset, previous, out = 0.0, ring[0][0], []
    for lng, lat in ring:
        step = lng - previous
        if step > 180.0:
            offset -= 360.0
        elif step < -180.0:
            offset += 360.0
        previous = lng
        out.append([lng + offset, lat])
    if out[-1][0] != out[0][0]:
        raise ValueError("a ring may not go around a pole")
    shift = 360.0 * round((reference - out[0][0]) / 360.0)
    return [[lng + shift, lat] for lng, lat in out]


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


def _check_line(line: LineString) -> LineString:
    _check_edges(line.coordinates)
    return line


class LineString(_Geometry):
    """A GeoJSON LineString: at least two positions (a route, say)."""

    type: Literal["LineString"]
    coordinates: list[Position] = Field(min_length=2, max_length=MAX_AREA_POSITIONS)


ValidLineString = Annotated[LineString, AfterValidator(_check_line)]


class Corridor(BaseModel):
    """An area given as a line and a distance: every place within `within_m` geodesic metres
    of it (along a route)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    line: ValidLineString
    within_m: float = Field(ge=1, le=MAX_CORRIDOR_M)


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
    if "line" in value or "within_m" in value:
        return "corridor"
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
    | Annotated[Corridor, Tag("corridor")]
    | Annotated[TerritoryArea, Tag("territory")],
    Discriminator(
        _area_kind,
        custom_error_type="invalid_area",
        custom_error_message=(
            "an area is a GeoJSON Polygon or MultiPolygon, {center, radius_m}, "
            "{line, within_m} or {territory_id}"
        ),
    ),
]
# What a validated Area is: one of these.
AreaShape: TypeAlias = Polygon | MultiPolygon | Circle | Corridor | TerritoryArea
AREA: TypeAdapter[AreaShape] = TypeAdapter(Area)


def area_from_json(data: dict[str, Any]) -> AreaShape:
    """An area stored as the JSON of a validated Area (a saved segment's, say), read back."""
    return AREA.validate_python(data)


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
