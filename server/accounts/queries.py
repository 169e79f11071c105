"""Reading accounts: one visibility rule, filters that combine, and the spatial list shapes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
    true,
    union_all,
)

from server.accounts.models import Account, AccountMapCell
from server.accounts.schemas import AccountData, AccountFilters, AccountOut, Cluster
from server.core.auth import Principal
from server.core.clock import now_utc
from server.core.errors import not_found
from server.core.pagination import (
    Page,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
    keyset_page,
)
from server.core.tenancy import in_org
from server.core.visibility import load_visible, register, require_visible, visible
from server.extensions import db
from server.geo import queries as geo
from server.geo.assignment import covers
from server.geo.geojson import AreaShape, Point, TerritoryArea, point_data
from server.geo.nearest import nearest_rows, nearest_statement
from server.territories.models import Territory, TerritoryRep
from server.users.queries import team_member_ids

# The fields of AccountOut read straight from a column (the location is split into lng and
# lat, the distance belongs to nearby answers): a new account field is written in the model
# and the schemas, nowhere else.
ACCOUNT_FIELDS = tuple(AccountOut.model_fields)
OUT_FIELDS = [name for name in ACCOUNT_FIELDS if name not in ("location", "distance_m")]


def account_columns() -> list[Any]:
    """The columns an AccountOut is built from, the location split into lng and lat."""
    columns: list[Any] = [getattr(Account, name) for name in OUT_FIELDS]
    columns.append(geo.longitude(Account.location).label("lng"))
    columns.append(geo.latitude(Account.location).label("lat"))
    return columns


def to_data(row: Any) -> AccountData:
    """An account in API shape as plain data, from a row that starts with account_columns()."""
    # By position: a Row's attribute lookup by name costs about a microsecond per field.
    values = dict(zip(OUT_FIELDS, row, strict=False))
    values["location"] = point_data(row[len(OUT_FIELDS)], row[len(OUT_FIELDS) + 1])
    values["distance_m"] = getattr(row, "distance_m", None)
    # In AccountOut's order: the list serialiser writes the keys as they come.
    data: AccountData = {name: values[name] for name in ACCOUNT_FIELDS}  # type: ignore[assignment]
    return data


def to_out(row: Any) -> AccountOut:
    """An AccountOut from a row selected with account_columns()."""
    return AccountOut.model_validate(to_data(row))


def may_see(principal: Principal) -> ColumnElement[bool]:
    """The role rule: admins see every account; managers their team's, their own, the
    unowned ones and those of the territories their team's reps work; reps their own and
    those of the territories they work."""
    return _seen_by_owner_or_territory(principal, Account.owner_id, Account.territory_id)


def _seen_by_owner_or_territory(
    principal: Principal, owner: Any, territory: Any
) -> ColumnElement[bool]:
    """The role rule on an owner and a territory column (of accounts, or of map cells)."""
    owned = _seen_through(principal, owner)
    if principal.role == "admin":
        return owned
    return or_(owned, territory.in_(_territories_worked_by(principal)))


def _territories_worked_by(principal: Principal) -> Select[Any]:
    """The ids of the territories the caller works (a subquery): a rep's own, a manager's
    team's (a manager oversees what their reps work)."""
    if principal.role == "manager":
        workers = team_member_ids(principal)
        return select(TerritoryRep.territory_id).where(TerritoryRep.user_id.in_(workers))
    return select(TerritoryRep.territory_id).where(TerritoryRep.user_id == principal.id)


def _seen_through(principal: Principal, owner: Any) -> ColumnElement[bool]:
    """The role rule on an owner column (the current owner, or the previous one)."""
    if principal.role == "admin":
        return true()
    if principal.role == "manager":
        team = owner.in_(team_member_ids(principal))
        return or_(owner.is_(None), owner == principal.id, team)
    own: ColumnElement[bool] = owner == principal.id
    return own


# Archiving is not hiding: a visit or a note made offline before the archive still names the
# account, so ids resolve to archived accounts too. What lists and GET show is `visibility`.
register(Account, "account", may_see)


def may_see_cells(principal: Principal) -> ColumnElement[bool]:
    """The role rule on the map cells: the accounts' rule on the columns the cells keep
    (owner, territory), so a viewport summed from cells counts what the caller may see.
    A rule on any other column of an account cannot be summed from cells: keep the rule
    and this one in step (tests/spatial/test_map_cells.py compares them per role)."""
    return _seen_by_owner_or_territory(
        principal, AccountMapCell.owner_id, AccountMapCell.territory_id
    )


# Cells hold no archived accounts (the triggers count live ones only).
register(AccountMapCell, "account map cell", may_see_cells)


def visibility(principal: Principal) -> ColumnElement[bool]:
    """Which live accounts the caller may see (core.visibility, minus the archived)."""
    return and_(visible(Account, principal), Account.archived_at.is_(None))


def may_have_held(principal: Principal) -> ColumnElement[bool]:
    """Accounts a device of the caller may hold though it may not see them now: those it saw
    through their owner (archived since) or their previous owner (reassigned away). A pull
    sends these, and no other account out of sight, as tombstones."""
    previous = and_(in_org(Account, principal), _seen_through(principal, Account.previous_owner_id))
    return or_(visible(Account, principal), previous)


def visible_accounts(principal: Principal) -> Select[Any]:
    """SELECT account_columns() of the accounts the caller may see."""
    return select(*account_columns()).where(visibility(principal))


# Each list filter as a WHERE clause on its value, which may also be a bound parameter.
FILTER_CLAUSES: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "kind": lambda kind: Account.kind == kind,
    "status": lambda status: Account.status == status,
    "industry": lambda industry: Account.industry == industry,
    "owner_id": lambda owner_id: Account.owner_id == owner_id,
    "territory_id": lambda territory_id: Account.territory_id == territory_id,
    "tags": lambda tags: Account.tags.contains(tags),
    "q": lambda pattern: or_(
        Account.name.ilike(pattern, escape="\\"), Account.address.ilike(pattern, escape="\\")
    ),
    "visited_before": lambda cutoff: or_(
        Account.last_visit_at.is_(None), Account.last_visit_at < cutoff
    ),
}


def filter_values(filters: AccountFilters) -> dict[str, Any]:
    """The filters given, keyed as in FILTER_CLAUSES: the LIKE pattern and visit cutoff made."""
    values: dict[str, Any] = {
        name: getattr(filters, name)
        for name in ("kind", "status", "industry", "owner_id", "territory_id")
        if getattr(filters, name) is not None
    }
    tags = filters.all_tags()
    if tags:
        values["tags"] = tags
    if filters.q:
        values["q"] = "%" + escape_like(filters.q) + "%"
    if filters.not_visited_days is not None:
        values["visited_before"] = now_utc() - timedelta(days=filters.not_visited_days)
    return values


def apply_filters(query: Select[Any], filters: AccountFilters) -> Select[Any]:
    """Narrow an account query by the list filters; each one given must hold."""
    for name, value in filter_values(filters).items():
        query = query.where(FILTER_CLAUSES[name](value))
    return query


def escape_like(text: str) -> str:
    """`text` as literal text in a LIKE pattern (with ESCAPE "\\")."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_account(principal: Principal, account_id: uuid.UUID) -> AccountOut:
    """One account the caller may see, or 404 (also for another organisation's id)."""
    row = db.session.execute(visible_accounts(principal).where(Account.id == account_id)).first()
    if row is None:
        raise not_found("account")
    return to_out(row)


def load_account_for_update(principal: Principal, account_id: uuid.UUID) -> Account:
    """The account entity, row-locked for a write, if the caller may see it; else 404."""
    live = Account.archived_at.is_(None)
    account: Account = load_visible(Account, principal, account_id, live, for_update=True)
    return account


def list_accounts(
    principal: Principal, filters: AccountFilters, limit: int, cursor: str | None
) -> Page[AccountData]:
    """Accounts by name."""
    return page_by_name(accounts_in_area(principal, None, filters), limit, cursor)


def list_nearby(
    principal: Principal,
    filters: AccountFilters,
    center: Point,
    radius_m: float | None,
    limit: int,
    cursor: str | None,
) -> Page[AccountData]:
    """Accounts nearest first from `center`, each with its geodesic `distance_m`."""
    values = filter_values(filters)
    after = _distance_cursor(cursor)
    statement = nearby_statement(
        principal.role, tuple(values), radius_m is not None, after is not None
    )
    parameters: dict[str, Any] = {
        "caller_id": principal.id,
        "caller_org_id": principal.org_id,
        "lng": center.lng,
        "lat": center.lat,
        **{f"filter_{name}": value for name, value in values.items()},
    }
    if radius_m is not None:
        parameters["radius_m"] = radius_m
    rows = nearest_rows(statement, parameters, limit + 1, after)
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor([rows[-1].distance_m, str(rows[-1].id)]) if has_more else None
    return Page([to_data(row) for row in rows], next_cursor)


@dataclass
class CallerTemplate:
    """Any caller of one role, their id and organisation left as bound parameters."""

    role: str
    id: Any = field(default_factory=lambda: bindparam("caller_id"))
    org_id: Any = field(default_factory=lambda: bindparam("caller_org_id"))
    is_authenticated: bool = True


@lru_cache(maxsize=256)
def nearby_statement(role: str, filters: tuple[str, ...], radius: bool, paged: bool) -> Select[Any]:
    """The nearby query of one shape, built once: a request binds only its values.

    Bound parameters: caller_id, caller_org_id, lng, lat, filter_<name> for each of `filters`
    (see filter_values), radius_m when `radius`, and those of geo.nearest_statement.
    """
    point = geo.geography_at(bindparam("lng", type_=Float), bindparam("lat", type_=Float))
    query = visible_accounts(CallerTemplate(role))
    for name in filters:
        query = query.where(FILTER_CLAUSES[name](bindparam(f"filter_{name}")))
    query = query.where(Account.location.is_not(None))
    if radius:
        radius_m = bindparam("radius_m", type_=Float)
        query = query.where(geo.within_radius(Account.location, point, radius_m))
    return nearest_statement(query, Account.location, point, paged)


def _distance_cursor(cursor: str | None) -> tuple[float, str] | None:
    if cursor is None:
        return None
    distance, last_id = decode_cursor(cursor, 2)
    if isinstance(distance, bool) or not isinstance(distance, int | float):
        raise invalid_cursor()
    if not isinstance(last_id, str):
        raise invalid_cursor()
    return float(distance), last_id


def count_in_bbox(principal: Principal, filters: AccountFilters, bbox: geo.BBox, cap: int) -> int:
    """How many visible accounts lie in the viewport, counting no further than `cap`."""
    inner = apply_filters(select(Account.id).where(visibility(principal)), filters)
    inner = inner.where(geo.in_bbox(Account.location, bbox)).limit(cap)
    return int(db.session.scalar(select(func.count()).select_from(inner.subquery())) or 0)


def clusters_in_bbox(
    principal: Principal,
    filters: AccountFilters,
    bbox: geo.BBox,
    zoom: int,
    use_cells: bool = True,
) -> list[Cluster]:
    """Grid clusters of the visible accounts in the viewport: centre, count and extent; at
    most geo.MAX_GRID_CELLS of them, whatever the viewport and zoom.

    The viewport but thin strips along its edges is covered by map cells (AccountMapCell) of
    the grid's level and finer ones (geo.grid_plan), summed per cell of the grid, so the cost
    does not grow with the organisation; only the accounts of the strips are clustered one by
    one. Filters the map cells do not carry (q, tags, industry, not visited since) cluster
    every account in view, as does `use_cells=False` (the benchmark's point of comparison).
    """
    values = filter_values(filters)
    plan = geo.grid_plan(bbox, zoom)
    from_cells = use_cells and plan.kept_as_cells() and set(values) <= set(CELL_FILTER_CLAUSES)
    points = select(geo.planar(Account.location).label("g")).where(visibility(principal))
    if not from_cells:
        points = apply_filters(points, filters).where(geo.in_bbox(Account.location, bbox))
        query = geo.clusters_of(geo.cell_sums(points, plan.cell))
    else:
        points = apply_filters(points, filters).where(
            geo.in_edge_cells(Account.location, bbox, plan)
        )
        edges = geo.cell_sums(points, plan.cell, plan.edge_cell, plan.edge_windows)
        summed = _cell_sums(principal, values, plan)
        query = geo.clusters_of(union_all(summed, edges))
    return clusters_from_rows(db.session.execute(query))


def clusters_from_rows(rows: Any) -> list[Cluster]:
    """Clusters in API shape from the rows of geo.clusters_of."""
    return [
        Cluster(
            location=Point.at(float(row.lng), float(row.lat)),
            count=int(row.members),
            bbox=[float(row.min_lng), float(row.min_lat), float(row.max_lng), float(row.max_lat)],
        )
        for row in rows
    ]


def area_cells_for(area: AreaShape, filters: AccountFilters, coarsest: int) -> geo.AreaCells | None:
    """The map cells of a polygon's level (no coarser than level `coarsest`) inside it and on
    its edges, when the map cells can count its accounts: an area geo.cells_can_cover and
    filters the cells carry. None otherwise."""
    if not set(filter_values(filters)) <= set(CELL_FILTER_CLAUSES):
        return None
    if not geo.cells_can_cover(area):
        return None
    level = geo.area_cell_level(area, coarsest)
    return geo.read_area_cells(db.session.execute(geo.area_cells(area, level)), level)


def count_in_cells(principal: Principal, filters: AccountFilters, cells: geo.AreaCells) -> int:
    """How many visible accounts passing `filters` the cells wholly inside an area hold,
    summed from the map cells: a lower bound of the area's count, read without its accounts."""
    pieces = geo.cell_pieces(cells.inside, cells.level, geo.MAP_CELL_LEVELS.start)
    plan = geo.GridPlan(cells.level, cells.size(), (), pieces)
    summed = _cell_sums(principal, filter_values(filters), plan).subquery()
    return int(db.session.scalar(select(func.sum(summed.c.members))) or 0)


def area_clusters_from_cells(
    principal: Principal,
    area: AreaShape,
    filters: AccountFilters,
    cells: geo.AreaCells,
    bbox: geo.BBox,
    zoom: int,
) -> list[Cluster] | None:
    """Grid clusters of the visible accounts of an area in a viewport (as clusters_in_bbox
    draws them): the area's cells wholly inside the viewport summed from the map cells, the
    accounts of its other cells in view read one by one and tested exactly. None when the
    cells are coarser than the grid or the viewport crosses the antimeridian."""
    plan = geo.grid_plan(bbox, zoom)
    if cells.level < plan.level or bbox.crosses_antimeridian() or not geo.cells_can_cover(area):
        return None
    size = cells.size()
    whole = geo.inside_box(cells.inside, bbox, size)
    rest = geo.touching_box(cells.inside | cells.edge, bbox, size) - whole
    pieces = geo.cell_pieces(whole, cells.level, plan.level)
    summed = _cell_sums(
        principal, filter_values(filters), geo.GridPlan(plan.level, plan.cell, (), pieces)
    )
    # OFFSET 0: the cells' boxes alone lead the index; the area's box and the viewport's
    # would make the planner AND in a walk of every account in view.
    near = apply_filters(select(Account.location), filters).where(
        visibility(principal), geo.in_cells(Account.location, rest, size)
    )
    candidates = near.offset(0).subquery()
    points = select(geo.planar(candidates.c.location).label("g")).where(
        geo.inside_area(candidates.c.location, area),
        geo.in_bbox(candidates.c.location, bbox),
    )
    edges = geo.cell_sums(points, plan.cell, size, tuple(geo.cell_windows(whole)))
    return clusters_from_rows(db.session.execute(geo.clusters_of(union_all(summed, edges))))


# The list filters the map cells are keyed by, as WHERE clauses on the cells.
CELL_FILTER_CLAUSES: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "kind": lambda kind: AccountMapCell.kind == kind,
    "status": lambda status: AccountMapCell.status == status,
    "owner_id": lambda owner_id: AccountMapCell.owner_id == owner_id,
    "territory_id": lambda territory_id: AccountMapCell.territory_id == territory_id,
}


def _cell_sums(principal: Principal, values: dict[str, Any], plan: geo.GridPlan) -> Select[Any]:
    """The map cells of the plan's pieces that the caller may see, summed per cell of the
    plan's grid (a finer cell's index shifted right by the levels between is its grid cell's).
    One index probe per piece column: a join of the listed columns with the cells."""
    cells = AccountMapCell
    probe = geo.cell_probes(plan)
    shift = (cells.level - plan.level).self_group()
    cell_x, cell_y = cells.cell_x.op(">>")(shift), cells.cell_y.op(">>")(shift)
    query = (
        select(
            cell_x.label("cell_x"),
            cell_y.label("cell_y"),
            func.sum(cells.members).label("members"),
            func.sum(cells.sum_lng).label("sum_lng"),
            func.sum(cells.sum_lat).label("sum_lat"),
            func.min(cells.min_lng).label("min_lng"),
            func.min(cells.min_lat).label("min_lat"),
            func.max(cells.max_lng).label("max_lng"),
            func.max(cells.max_lat).label("max_lat"),
        )
        .select_from(probe)
        .join(
            cells,
            and_(
                cells.level == probe.c.level,
                cells.cell_x == probe.c.x,
                cells.cell_y.between(probe.c.y0, probe.c.y1),
            ),
        )
        .where(visible(cells, principal))
    )
    for name, value in values.items():
        query = query.where(CELL_FILTER_CLAUSES[name](value))
    return query.group_by(cell_x, cell_y)


def list_in_bbox(
    principal: Principal, filters: AccountFilters, bbox: geo.BBox, limit: int, cursor: str | None
) -> Page[AccountData]:
    """The visible accounts in the viewport, by id."""
    query = apply_filters(visible_accounts(principal), filters)
    query = query.where(geo.in_bbox(Account.location, bbox))
    page = keyset_page(query, [Account.id], limit, cursor, lambda row: [str(row.id)])
    return Page([to_data(row) for row in page.items], page.next_cursor)


def accounts_in_area(
    principal: Principal, area: AreaShape | None, filters: AccountFilters
) -> Select[Any]:
    """SELECT account_columns() of the live accounts the caller may see inside `area` (any
    kind an Area takes; None: anywhere) that pass `filters`. The one way from an audience to
    accounts: search, segments and campaigns order and page it as they need."""
    query = apply_filters(visible_accounts(principal), filters)
    if area is None:
        return query
    return query.where(in_area(principal, area))


def search_in_area(
    principal: Principal,
    area: AreaShape,
    filters: AccountFilters,
    limit: int,
    cursor: str | None,
) -> Page[AccountData]:
    """The visible accounts inside an area, by name."""
    return page_by_name(accounts_in_area(principal, area, filters), limit, cursor)


def page_by_name(query: Select[Any], limit: int, cursor: str | None) -> Page[AccountData]:
    """One page of an account query (account_columns() first), by name then id."""
    page = keyset_page(
        query, [Account.name, Account.id], limit, cursor, lambda row: [row.name, str(row.id)]
    )
    return Page([to_data(row) for row in page.items], page.next_cursor)


def in_area(principal: Principal, area: AreaShape) -> ColumnElement[bool]:
    """Accounts whose location lies in the area (edges included); a territory the caller may
    not see is 404."""
    if isinstance(area, TerritoryArea):
        return covers(_territory_area(principal, area.territory_id), Account.location)
    return geo.inside_area(Account.location, area)


def _territory_area(principal: Principal, territory_id: str) -> Any:
    """A scalar subquery of the stored area of a territory the caller may see, or 404."""
    try:
        found = uuid.UUID(territory_id)
    except ValueError:
        raise not_found("territory") from None
    require_visible(Territory, principal, found)
    return select(Territory.area).where(Territory.id == found).scalar_subquery()


def account_by_id(account_id: uuid.UUID) -> AccountOut:
    """An account just written by the caller, read back in API shape."""
    return accounts_by_ids([account_id])[account_id]


def accounts_by_ids(account_ids: list[uuid.UUID]) -> dict[uuid.UUID, AccountOut]:
    """Accounts just written by the caller, read back in API shape, by id."""
    if not account_ids:
        return {}
    statement = select(*account_columns()).where(Account.id.in_(account_ids))
    return {out.id: out for out in map(to_out, db.session.execute(statement))}


def existing_ids(ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these account ids are taken already (in any organisation: ids are global)."""
    if not ids:
        return set()
    return set(db.session.scalars(select(Account.id).where(Account.id.in_(ids))))
