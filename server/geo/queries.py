"""Spatial SQL expressions, returned unexecuted so domain queries can combine them with filters.

Stored points are geography(Point, 4326): ST_DWithin and ST_Distance on geography measure on the
WGS 84 spheroid (metres). `<->` on geography measures on the sphere; it is only used to walk the
GiST index nearest-first, never reported (see geo.nearest for the exact ordering).
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeGuard

from geoalchemy2 import Geography, Geometry
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    CompoundSelect,
    Float,
    Integer,
    Select,
    SmallInteger,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
)

from server.geo.geojson import Circle, Corridor, LineString, MultiPolygon, Point, Polygon
from server.geo.types import SRID

# Coordinates in degrees, or a bound parameter standing for them in a statement built once.
Degrees: TypeAlias = float | ColumnElement[float]


@dataclass(frozen=True)
class BBox:
    """A map viewport in degrees; min_lng > max_lng means it crosses the antimeridian."""

    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float

    def crosses_antimeridian(self) -> bool:
        """True when the box wraps from 180 to -180."""
        return self.min_lng > self.max_lng

    def width_deg(self) -> float:
        """The east-west extent in degrees, across the antimeridian when it wraps."""
        width = self.max_lng - self.min_lng
        return width + 360.0 if width < 0 else width


def geography_point(point: Point) -> ColumnElement[Any]:
    """A bound geography point from GeoJSON coordinates."""
    return geography_at(point.lng, point.lat)


def geography_at(lng: Degrees, lat: Degrees) -> ColumnElement[Any]:
    """A geography point from longitude and latitude: values, or bound parameters to fill later."""
    made = func.ST_SetSRID(func.ST_MakePoint(_degrees(lng), _degrees(lat)), SRID)
    return cast(made, Geography(srid=SRID))


def _degrees(value: Degrees) -> ColumnElement[float]:
    return value if isinstance(value, ColumnElement) else literal(value, Float)


def geography_area(area: Polygon | MultiPolygon | LineString) -> ColumnElement[Any]:
    """A bound geography polygon (or line) from GeoJSON. Each edge is the shorter great-circle
    arc between its ends, so a shape crossing the antimeridian (179 to -179) needs no cutting."""
    return func.geography(func.ST_GeomFromGeoJSON(area.to_json()), type_=Geography(srid=SRID))


def point_to_store(point: Point | None) -> str | None:
    """The value to assign to a geography point column: EWKT text, which the column type wraps
    in ST_GeogFromText. A plain parameter, so many rows can share one INSERT statement."""
    if point is None:
        return None
    return f"SRID={SRID};POINT({point.lng!r} {point.lat!r})"


def longitude(column: Any) -> ColumnElement[float]:
    """A stored point's longitude in degrees."""
    return func.ST_X(cast(column, Geometry(srid=SRID)))


def latitude(column: Any) -> ColumnElement[float]:
    """A stored point's latitude in degrees."""
    return func.ST_Y(cast(column, Geometry(srid=SRID)))


def planar(column: Any) -> ColumnElement[Any]:
    """A geography column as lng/lat geometry: what map viewports and grids are made of.

    Spelled as PostgreSQL's own cast function, geometry(location), so it is the very expression
    the accounts_org_geometry_gist index is built on (a cast with a type modifier is not).
    """
    return func.geometry(column, type_=Geometry(srid=SRID))


def distance_m(column: Any, point: ColumnElement[Any]) -> ColumnElement[float]:
    """Geodesic distance in metres on the WGS 84 spheroid."""
    return func.ST_Distance(column, point)


def sphere_distance(column: Any, point: ColumnElement[Any]) -> ColumnElement[float]:
    """Great-circle distance by `<->`: what the GiST index can order by."""
    distance: ColumnElement[float] = column.op("<->", return_type=Float)(point)
    return distance


# Two spheroid computations of the same distance can differ in the last bits; a millimetre of
# slack keeps a point that lies exactly on a radius inside it.
BOUNDARY_TOLERANCE_M = 0.001


def within_radius(
    column: Any, point: ColumnElement[Any], radius_m: float | ColumnElement[float]
) -> ColumnElement[bool]:
    """Points within `radius_m` geodesic metres of `point`, boundary included (index-backed).

    `radius_m` may be a bound parameter; the tolerance is then added by the database.
    """
    return func.ST_DWithin(column, point, radius_m + BOUNDARY_TOLERANCE_M)


def inside_area(
    column: Any, area: Polygon | MultiPolygon | Circle | Corridor
) -> ColumnElement[bool]:
    """Points inside or on the edge of a polygon, multipolygon, circle or corridor (index-backed).

    Polygons are read on the globe: each edge is the shorter great-circle arc between its ends,
    so the antimeridian is no edge of the world. As for radii, a point within a millimetre of
    a ring (a hole's included) is on it, and so inside.
    """
    if isinstance(area, Circle):
        return within_radius(column, geography_point(area.center), area.radius_m)
    if isinstance(area, Corridor):
        return within_radius(column, geography_area(area.line), area.within_m)
    polygon = geography_area(area)
    # ST_Covers alone counts a point on a hole's edge as in the hole, and one a rounding away
    # from an outer edge as out; the distance to the rings settles both (only for the points
    # ST_Covers leaves out, which PostgreSQL asks second).
    rings = json.dumps({"type": "MultiLineString", "coordinates": _rings(area)})
    edges = func.geography(func.ST_GeomFromGeoJSON(rings), type_=Geography(srid=SRID))
    on_edge = func.ST_DWithin(edges, column, BOUNDARY_TOLERANCE_M, False)
    covered = or_(func.ST_Covers(polygon, column), on_edge)
    if not _drawable_flat(area):
        # The explicit && gives the planner a box it can estimate from column statistics;
        # with ST_Covers alone it guesses a large share of rows and may walk another index.
        return and_(column.op("&&")(polygon), covered)
    return _settled_flat_first(column, polygon, covered)


# A polygon is drawn flat in lng/lat through vertices this many metres apart along its
# great-circle edges; between two of them an edge strays from the straight line by far less
# than FLAT_MARGIN_DEG (micro-degrees at 80 degrees of latitude, for edges of a kilometre).
FLAT_SEGMENT_M = 1_000.0
FLAT_MARGIN_DEG = 1e-5


def _drawable_flat(area: Polygon | MultiPolygon) -> bool:
    """True when every edge spans less than a quarter of the globe's longitudes and every
    vertex lies within 80 degrees of the equator: then no edge crosses the antimeridian or
    passes near a pole, and the polygon drawn flat in lng/lat is the same shape, up to the
    sub-metre strays FLAT_MARGIN_DEG bounds."""
    for ring in _rings(area):
        for (lng1, lat1), (lng2, _) in itertools.pairwise(ring):
            if abs(lng2 - lng1) >= 90.0 or abs(lat1) > 80.0:
                return False
    return True


def _settled_flat_first(
    column: Any, polygon: ColumnElement[Any], covered: ColumnElement[bool]
) -> ColumnElement[bool]:
    """`covered` (the exact test on the globe) asked only of the points near the polygon's
    edges. The polygon drawn flat (densified along its great circles) decides the others by
    planar tests, a fifth of the cost: a point farther than FLAT_MARGIN_DEG from every flat
    edge lies on the same side of the true edges. The flat box, a margin wider, is what
    the planner estimates from the lng/lat statistics and what the planar indexes walk."""
    flat = _flat_drawing(polygon)
    near_edges = func.ST_Buffer(func.ST_Boundary(flat), FLAT_MARGIN_DEG, type_=Geometry(srid=SRID))
    point = planar(column)
    in_box: ColumnElement[bool] = point.op("&&")(func.ST_Expand(flat, 2 * FLAT_MARGIN_DEG))
    # Buffering lines never fails, whatever the densified rings do; no overlay is computed.
    decided = case(
        (func.ST_Intersects(near_edges, point), covered),
        else_=func.ST_Intersects(flat, point),
    )
    return and_(in_box, decided)


def _flat_drawing(polygon: ColumnElement[Any]) -> ColumnElement[Any]:
    """A geography polygon drawn flat in lng/lat, densified along its great circles."""
    return func.geometry(func.ST_Segmentize(polygon, FLAT_SEGMENT_M), type_=Geometry(srid=SRID))


def _rings(area: Polygon | MultiPolygon) -> list[list[list[float]]]:
    """Every ring of a polygon or of every part of a multipolygon."""
    polygons = [area.coordinates] if isinstance(area, Polygon) else area.coordinates
    return [ring for polygon in polygons for ring in polygon]


def inside_geography(column: Any, area: Any) -> ColumnElement[bool]:
    """Points covered by a stored geography area (a territory's column, say)."""
    return func.ST_Covers(area, column)


def in_bbox(column: Any, bbox: BBox) -> ColumnElement[bool]:
    """Points inside a lng/lat viewport, split in two when it crosses the antimeridian."""
    return flat_in_bbox(planar(column), bbox)


def flat_in_bbox(point: Any, bbox: BBox) -> ColumnElement[bool]:
    """in_bbox for points already drawn flat (`planar`), such as a subquery's column."""
    if bbox.crosses_antimeridian():
        return or_(
            _in_envelope(point, bbox.min_lng, bbox.min_lat, 180.0, bbox.max_lat),
            _in_envelope(point, -180.0, bbox.min_lat, bbox.max_lng, bbox.max_lat),
        )
    return _in_envelope(point, bbox.min_lng, bbox.min_lat, bbox.max_lng, bbox.max_lat)


def _in_envelope(
    point: Any, min_lng: float, min_lat: float, max_lng: float, max_lat: float
) -> ColumnElement[bool]:
    # For points, overlapping the envelope's box is the same as lying in it (edges included),
    # so the index operator alone is exact.
    envelope = func.ST_MakeEnvelope(min_lng, min_lat, max_lng, max_lat, SRID)
    overlaps: ColumnElement[bool] = point.op("&&")(envelope)
    return overlaps


# However large the viewport and deep the zoom, a cluster answer has at most this many cells.
MAX_GRID_CELLS = 2_000


def cluster_cell_deg(zoom: int) -> float:
    """Grid cell size for server clusters: a quarter of a 256 px map tile at `zoom`."""
    return 360.0 / float(2**zoom) / 4.0


def grid_cell_deg(bbox: BBox, zoom: int, max_cells: int = MAX_GRID_CELLS) -> float:
    """The cell size for clustering `bbox`: the zoom's own, doubled until the cells that the
    box touches are at most `max_cells`. Doubling keeps every size 360 / 2^k, so the grid stays
    aligned from one pan to the next; at 360 degrees any box touches at most 4 cells."""
    cell = cluster_cell_deg(zoom)
    while cell < 360.0 and grid_cells_touched(bbox, cell) > max_cells:
        cell *= 2.0
    return cell


def grid_cells_touched(bbox: BBox, cell: float) -> int:
    """How many cells of a `cell`-degree grid (aligned on 0, 0) the box touches: an upper
    bound on the clusters it can hold. Across the antimeridian both sides count."""
    if bbox.crosses_antimeridian():
        spans = [(bbox.min_lng, 180.0), (-180.0, bbox.max_lng)]
    else:
        spans = [(bbox.min_lng, bbox.max_lng)]
    columns = sum(_cells_between(low, high, cell) for low, high in spans)
    return columns * _cells_between(bbox.min_lat, bbox.max_lat, cell)


def _cells_between(low: float, high: float, cell: float) -> int:
    return math.floor(high / cell) - math.floor(low / cell) + 1


def zoom_for(bbox: BBox) -> int:
    """A zoom level that shows `bbox` on a phone screen, when the client did not say."""
    width = max(bbox.width_deg(), 1e-6)
    return max(0, min(22, int(math.log2(360.0 / width)) + 2))


# The grid levels kept as map cells (migration 0015 keeps the same levels): level L is the grid
# of cells of 360 / 2^L degrees, the grid clusters use at zoom L - 2 before any coarsening.
MAP_CELL_LEVELS = range(2, 19)

# How many cell columns a viewport's plan may ask the map cells index for (one index probe each,
# over a range of rows). Finer levels cover the edges of a viewport closer, each with twice the
# columns of the one above; the plan stops descending before it would read more than this.
MAX_CELL_PROBES = 400


@dataclass(frozen=True)
class CellWindow:
    """The cells of columns x0..x1 and rows y0..y1 (inclusive) of one grid level."""

    x0: int
    x1: int
    y0: int
    y1: int

    def columns(self) -> list[int]:
        """The cell columns of the window, listed (an index walks each one's rows)."""
        return list(range(self.x0, self.x1 + 1))


@dataclass(frozen=True)
class CellPiece:
    """A window of cells of one kept level, every cell of it wholly inside a viewport."""

    level: int
    window: CellWindow


@dataclass(frozen=True)
class GridPlan:
    """How a viewport is clustered: the grid level and cell size; the windows of that level's
    cells wholly inside the viewport; and `pieces`, windows of cells of that level and finer
    kept levels that together cover exactly the cells of the finest level reached
    (`edge_level`, `edge_cell`) wholly inside the viewport, each point of them in one piece.

    The accounts of the pieces are summed from the map cells; only those of the thin strips
    along the edges that the finest windows leave are read one by one."""

    level: int
    cell: float
    windows: tuple[CellWindow, ...]
    pieces: tuple[CellPiece, ...] = ()
    edge_level: int = 0
    edge_cell: float = 0.0
    edge_windows: tuple[CellWindow, ...] = ()

    def kept_as_cells(self) -> bool:
        """True when some pre-aggregated cells lie inside the view."""
        return bool(self.pieces)

    def probes(self) -> int:
        """How many cell columns the pieces name (one index probe each)."""
        return sum(piece.window.x1 - piece.window.x0 + 1 for piece in self.pieces)


def grid_plan(bbox: BBox, zoom: int, max_probes: int = MAX_CELL_PROBES) -> GridPlan:
    """The grid of grid_clusters for `bbox` at `zoom`, its cells wholly inside the box, and
    the pieces of kept levels (that level and finer ones) that cover the box but thin strips
    along its edges.

    A cell's index is floor(coordinate / cell) in double precision, here, in grid_clusters and
    in the cell triggers alike. Dividing by a positive number never reverses an order, so a
    point whose column is above floor(min / cell) lies east of min, and one whose column is
    below floor(max / cell) lies west of max: the cell holding each edge of the box is left
    out even when the edge falls on its border, and every point of a window's cells is in
    the box, whatever the rounding. Cell sizes are powers of two apart, so dividing by the
    finer size is dividing by the coarser one times a power of two, exactly: a fine cell's
    index shifted right by the levels between is its coarse cell's index.
    """
    cell = grid_cell_deg(bbox, zoom)
    level = round(math.log2(360.0 / cell))
    spans = _lng_spans(bbox)
    windows = tuple(_windows(spans, bbox, cell))
    pieces: list[CellPiece] = []
    edge_level, edge_cell, edge_windows = level, cell, windows
    above: list[CellWindow | None] = [None] * len(spans)
    for deeper in range(max(level, MAP_CELL_LEVELS.start), MAP_CELL_LEVELS.stop):
        size = 360.0 / float(1 << deeper)
        found = [_window(low, high, bbox, size) for low, high in spans]
        added = [
            CellPiece(deeper, ring)
            for window, parent in zip(found, above, strict=True)
            if window is not None
            for ring in _ring(window, parent)
        ]
        probes = sum(piece.window.x1 - piece.window.x0 + 1 for piece in added)
        if pieces and sum(p.window.x1 - p.window.x0 + 1 for p in pieces) + probes > max_probes:
            break
        pieces += added
        above = found
        edge_level, edge_cell = deeper, size
        edge_windows = tuple(window for window in found if window is not None)
    return GridPlan(level, cell, windows, tuple(pieces), edge_level, edge_cell, edge_windows)


def cell_probes(plan: GridPlan) -> Any:
    """The plan's pieces as a table of index probes, one row per cell column: level, x and the
    rows y0..y1 (bound arrays, so the statement's text does not change with the viewport)."""
    probes = [
        (piece.level, x, piece.window.y0, piece.window.y1)
        for piece in plan.pieces
        for x in range(piece.window.x0, piece.window.x1 + 1)
    ]
    levels, xs, y0s, y1s = (
        (list(column) for column in zip(*probes, strict=True)) if probes else ([], [], [], [])
    )
    arrays = [
        bindparam(name, value, type_=ARRAY(SmallInteger if name == "probe_level" else Integer))
        for name, value in (
            ("probe_level", levels),
            ("probe_x", xs),
            ("probe_y0", y0s),
            ("probe_y1", y1s),
        )
    ]
    table = func.unnest(*arrays).table_valued("level", "x", "y0", "y1")
    return table.render_derived(name="probe")


def _windows(spans: list[tuple[float, float]], bbox: BBox, cell: float) -> list[CellWindow]:
    found = (_window(low, high, bbox, cell) for low, high in spans)
    return [window for window in found if window is not None]


def _ring(window: CellWindow, parent: CellWindow | None) -> list[CellWindow]:
    """The cells of `window` that are not children of the cells of `parent` (the window of the
    level above, whose children all lie in `window`): up to four windows, west, east, south
    and north of the children."""
    if parent is None:
        return [window]
    x0, x1, y0, y1 = 2 * parent.x0, 2 * parent.x1 + 1, 2 * parent.y0, 2 * parent.y1 + 1
    rings = [
        CellWindow(window.x0, x0 - 1, window.y0, window.y1),
        CellWindow(x1 + 1, window.x1, window.y0, window.y1),
        CellWindow(x0, x1, window.y0, y0 - 1),
        CellWindow(x0, x1, y1 + 1, window.y1),
    ]
    return [ring for ring in rings if ring.x0 <= ring.x1 and ring.y0 <= ring.y1]


def in_edge_cells(column: Any, bbox: BBox, plan: GridPlan) -> ColumnElement[bool]:
    """Points of the viewport that may lie outside the plan's finest windows: the strips along
    the box's edges that those windows leave, each widened by a hair so that rounding cannot
    drop a point (cell_sums' `skip` then leaves out exactly the windows' points).
    Index-backed, so the cost follows the accounts near the edges, not all those in view."""
    margin = plan.edge_cell * 1e-6
    boxes: list[tuple[float, float, float, float]] = []
    for low, high in _lng_spans(bbox):
        window = _window(low, high, bbox, plan.edge_cell)
        if window is None:
            boxes.append((low, bbox.min_lat, high, bbox.max_lat))
            continue
        west, east = window.x0 * plan.edge_cell + margin, (window.x1 + 1) * plan.edge_cell - margin
        south = window.y0 * plan.edge_cell + margin
        north = (window.y1 + 1) * plan.edge_cell - margin
        boxes += [
            (low, bbox.min_lat, min(high, west), bbox.max_lat),
            (max(low, east), bbox.min_lat, high, bbox.max_lat),
            (low, bbox.min_lat, high, min(bbox.max_lat, south)),
            (low, max(bbox.min_lat, north), high, bbox.max_lat),
        ]
    point = planar(column)
    return or_(false(), *(_in_envelope(point, *box) for box in boxes))


def _window(low: float, high: float, bbox: BBox, cell: float) -> CellWindow | None:
    x0, x1 = math.floor(low / cell) + 1, math.floor(high / cell) - 1
    y0, y1 = math.floor(bbox.min_lat / cell) + 1, math.floor(bbox.max_lat / cell) - 1
    return CellWindow(x0, x1, y0, y1) if x0 <= x1 and y0 <= y1 else None


def _lng_spans(bbox: BBox) -> list[tuple[float, float]]:
    if bbox.crosses_antimeridian():
        return [(bbox.min_lng, 180.0), (-180.0, bbox.max_lng)]
    return [(bbox.min_lng, bbox.max_lng)]


def _outside_windows(
    cell_x: Any, cell_y: Any, windows: tuple[CellWindow, ...]
) -> ColumnElement[bool]:
    return and_(
        *(
            ~and_(cell_x.between(window.x0, window.x1), cell_y.between(window.y0, window.y1))
            for window in windows
        )
    )


def cell_sums(
    points: Select[Any],
    cell: float,
    skip_cell: float | None = None,
    skip: tuple[CellWindow, ...] = (),
) -> Select[Any]:
    """Group points into the cells of a `cell`-degree grid: per cell its indexes (cell_x,
    cell_y), members, the sums of the coordinates and the extent; the points of the windows
    `skip` of the `skip_cell`-degree grid are left out (counted from map cells instead).

    `points` selects one geometry column named `g` (see `planar`). Coordinates are taken out
    once per row in a subquery; repeating ST_X/ST_Y per aggregate made this five times slower.
    No ORDER BY: sorting a million points for a sort-based GROUP BY costs more than hashing.
    """
    inner = points.subquery()
    # OFFSET 0 keeps PostgreSQL from folding the subquery back into the aggregates.
    coordinates = select(func.ST_X(inner.c.g).label("x"), func.ST_Y(inner.c.g).label("y"))
    xy = coordinates.offset(0).subquery()
    cell_x, cell_y = func.floor(xy.c.x / cell), func.floor(xy.c.y / cell)
    query = select(
        cell_x.label("cell_x"),
        cell_y.label("cell_y"),
        func.count().label("members"),
        func.sum(xy.c.x).label("sum_lng"),
        func.sum(xy.c.y).label("sum_lat"),
        func.min(xy.c.x).label("min_lng"),
        func.min(xy.c.y).label("min_lat"),
        func.max(xy.c.x).label("max_lng"),
        func.max(xy.c.y).label("max_lat"),
    ).group_by(cell_x, cell_y)
    if skip and skip_cell is not None:
        fine_x, fine_y = func.floor(xy.c.x / skip_cell), func.floor(xy.c.y / skip_cell)
        query = query.where(_outside_windows(fine_x, fine_y, skip))
    return query


def clusters_of(sums: Select[Any] | CompoundSelect[Any]) -> Select[Any]:
    """Clusters (members, centre lng and lat, extent) of cell sums, adding up the rows of the
    same cell: the shape both grid_clusters and a viewport summed from map cells answer."""
    rows = sums.subquery()
    members = func.sum(rows.c.members)
    columns: list[Any] = [
        members.label("members"),
        (func.sum(rows.c.sum_lng) / cast(members, Float)).label("lng"),
        (func.sum(rows.c.sum_lat) / cast(members, Float)).label("lat"),
        func.min(rows.c.min_lng).label("min_lng"),
        func.min(rows.c.min_lat).label("min_lat"),
        func.max(rows.c.max_lng).label("max_lng"),
        func.max(rows.c.max_lat).label("max_lat"),
    ]
    return select(*columns).group_by(rows.c.cell_x, rows.c.cell_y)


def grid_clusters(points: Select[Any], bbox: BBox, zoom: int) -> Select[Any]:
    """Group points of `bbox` into grid cells: each cell's count, mean position and extent.
    The grid is the zoom's, coarsened so that there are at most MAX_GRID_CELLS cells."""
    return clusters_of(cell_sums(points, grid_cell_deg(bbox, zoom)))


def parse_bbox(text: str) -> BBox:
    """A viewport from "minLng,minLat,maxLng,maxLat", or ValueError saying what is wrong."""
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError("bbox is minLng,minLat,maxLng,maxLat")
    try:
        min_lng, min_lat, max_lng, max_lat = (float(part) for part in parts)
    except ValueError:
        raise ValueError("bbox values must be numbers") from None
    if not all(math.isfinite(value) for value in (min_lng, min_lat, max_lng, max_lat)):
        raise ValueError("bbox values must be finite")
    if not (-180 <= min_lng <= 180 and -180 <= max_lng <= 180):
        raise ValueError("longitudes must be between -180 and 180")
    if not (-90 <= min_lat <= max_lat <= 90):
        raise ValueError("latitudes must be between -90 and 90, the minimum first")
    return BBox(min_lng, min_lat, max_lng, max_lat)


# An area's cells are taken at the finest kept level that splits its extent into no more than
# this many columns (or rows), and never coarser than the grid they are summed into.
AREA_CELLS_ACROSS = 32


@dataclass(frozen=True)
class AreaCells:
    """The cells of one kept level that may hold points of a polygon: `inside`, those wholly
    inside it (every point of them is in the area, whatever the rounding), and `edge`, those
    crossing its edges. Cells of neither list hold no point of the area."""

    level: int
    inside: frozenset[tuple[int, int]]
    edge: frozenset[tuple[int, int]]

    def size(self) -> float:
        """The cells' size in degrees."""
        return 360.0 / float(1 << self.level)


def cells_can_cover(area: object) -> TypeGuard[Polygon | MultiPolygon]:
    """True for the areas area_cells can decide: polygons drawn flat as they are on the globe."""
    return isinstance(area, Polygon | MultiPolygon) and _drawable_flat(area)


def area_cell_level(area: Polygon | MultiPolygon, coarsest: int) -> int:
    """The kept level area_cells uses for `area`: no coarser than level `coarsest` when that
    is at most one level finer than the area's own (four times the cells to decide); the
    area's own otherwise, so a wide area in a close viewport stays a bounded list."""
    points = [point for ring in _rings(area) for point in ring]
    width = max(point[0] for point in points) - min(point[0] for point in points)
    height = max(point[1] for point in points) - min(point[1] for point in points)
    across = max(width, height, 1e-9)
    level = math.ceil(math.log2(360.0 * AREA_CELLS_ACROSS / across))
    if coarsest - level <= 1:
        level = max(level, coarsest)
    return min(max(level, MAP_CELL_LEVELS.start), MAP_CELL_LEVELS.stop - 1)


def area_cells(area: Polygon | MultiPolygon, level: int) -> Select[Any]:
    """Every cell of `level` near a polygon (see cells_can_cover): cell_x, cell_y and whether
    it lies wholly inside. Decided on the polygon drawn flat as inside_area draws it: a cell
    farther than twice FLAT_MARGIN_DEG from the flat polygon holds no point of the area (not
    listed); one inside it and as far from its edges lies wholly inside the area. The margin
    dwarfs the rounding of a point's cell index, so the answer holds for the cells' accounts."""
    size = 360.0 / float(1 << level)
    margin = 2 * FLAT_MARGIN_DEG
    flat = _flat_drawing(geography_area(area))
    shape = select(flat.label("flat"), func.ST_Boundary(flat).label("edges")).cte("shape")
    xs = _cell_indexes(func.ST_XMin(shape.c.flat), func.ST_XMax(shape.c.flat), margin, size, "x")
    ys = _cell_indexes(func.ST_YMin(shape.c.flat), func.ST_YMax(shape.c.flat), margin, size, "y")
    envelope = func.ST_MakeEnvelope(
        xs.c.x * size, ys.c.y * size, (xs.c.x + 1) * size, (ys.c.y + 1) * size, SRID
    )
    inside = and_(
        func.ST_Covers(shape.c.flat, envelope),
        ~func.ST_DWithin(shape.c.edges, envelope, margin),
    )
    return (
        select(xs.c.x.label("cell_x"), ys.c.y.label("cell_y"), inside.label("inside"))
        .select_from(shape.join(xs, true()).join(ys, true()))
        .where(func.ST_DWithin(shape.c.flat, envelope, margin))
    )


def _cell_indexes(low: Any, high: Any, margin: float, size: float, name: str) -> Any:
    """A table of the cell indexes (column `name`) from `low` to `high`, a margin wider."""
    series = func.generate_series(
        cast(func.floor((low - margin) / size), Integer),
        cast(func.floor((high + margin) / size), Integer),
    )
    return series.table_valued(name).render_derived(name=f"{name}s")


def read_area_cells(rows: Any, level: int) -> AreaCells:
    """AreaCells from the rows of area_cells."""
    listed = [(row.cell_x, row.cell_y, row.inside) for row in rows]
    inside = frozenset((x, y) for x, y, whole in listed if whole)
    edge = frozenset((x, y) for x, y, whole in listed if not whole)
    return AreaCells(level, inside, edge)


def cell_windows(cells: frozenset[tuple[int, int]]) -> list[CellWindow]:
    """The cells as few windows: the runs of each column, side by side columns with the same
    runs made one window."""
    runs: dict[int, list[tuple[int, int]]] = {}
    for x, y in sorted(cells):
        column = runs.setdefault(x, [])
        if column and column[-1][1] == y - 1:
            column[-1] = (column[-1][0], y)
        else:
            column.append((y, y))
    windows: list[CellWindow] = []
    open_windows: dict[tuple[int, int], CellWindow] = {}
    for x in sorted(runs):
        still_open: dict[tuple[int, int], CellWindow] = {}
        for y0, y1 in runs[x]:
            before = open_windows.pop((y0, y1), None)
            if before is not None and before.x1 == x - 1:
                still_open[(y0, y1)] = CellWindow(before.x0, x, y0, y1)
            else:
                if before is not None:
                    windows.append(before)
                still_open[(y0, y1)] = CellWindow(x, x, y0, y1)
        windows += open_windows.values()
        open_windows = still_open
    return windows + list(open_windows.values())


def cell_pieces(
    cells: frozenset[tuple[int, int]], level: int, coarsest: int
) -> tuple[CellPiece, ...]:
    """The cells of `level` as pieces of as few map cells as may be: four cells that make a
    whole cell of the level above are that cell, up to level `coarsest`."""
    pieces: list[CellPiece] = []
    while level > max(coarsest, MAP_CELL_LEVELS.start):
        parents = {(x >> 1, y >> 1) for x, y in cells}
        whole = {
            (x, y)
            for x, y in parents
            if all((2 * x + dx, 2 * y + dy) in cells for dx in (0, 1) for dy in (0, 1))
        }
        left = frozenset((x, y) for x, y in cells if (x >> 1, y >> 1) not in whole)
        pieces += (CellPiece(level, window) for window in cell_windows(left))
        cells, level = frozenset(whole), level - 1
    return tuple(pieces) + tuple(CellPiece(level, window) for window in cell_windows(cells))


def inside_box(
    cells: frozenset[tuple[int, int]], bbox: BBox, size: float
) -> frozenset[tuple[int, int]]:
    """The cells (of `size` degrees) wholly inside a viewport that does not cross the
    antimeridian, by the same rounding-proof rule as grid_plan's windows."""
    window = _window(bbox.min_lng, bbox.max_lng, bbox, size)
    if window is None:
        return frozenset()
    return frozenset(
        (x, y) for x, y in cells if window.x0 <= x <= window.x1 and window.y0 <= y <= window.y1
    )


def touching_box(
    cells: frozenset[tuple[int, int]], bbox: BBox, size: float
) -> frozenset[tuple[int, int]]:
    """The cells (of `size` degrees) that share a point with a viewport that does not cross
    the antimeridian (one more on every side, for the rounding of a point's cell index)."""
    x0, x1 = math.floor(bbox.min_lng / size) - 1, math.floor(bbox.max_lng / size) + 1
    y0, y1 = math.floor(bbox.min_lat / size) - 1, math.floor(bbox.max_lat / size) + 1
    return frozenset((x, y) for x, y in cells if x0 <= x <= x1 and y0 <= y <= y1)


def in_cells(column: Any, cells: frozenset[tuple[int, int]], size: float) -> ColumnElement[bool]:
    """Points that may lie in the cells (of `size` degrees): each window of them widened by a
    hair so that rounding cannot drop a point (index-backed). Skip the windows of other
    cells with cell_sums for an exact split."""
    margin = size * 1e-6
    point = planar(column)
    boxes = (
        (
            window.x0 * size - margin,
            window.y0 * size - margin,
            (window.x1 + 1) * size + margin,
            (window.y1 + 1) * size + margin,
        )
        for window in cell_windows(cells)
    )
    return or_(false(), *(_in_envelope(point, *box) for box in boxes))
