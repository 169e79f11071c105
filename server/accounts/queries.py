"""Reading accounts: one visibility rule, filters that combine, and the spatial list shapes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from server.accounts.models import Account
from server.accounts.schemas import AccountFilters, AccountOut, Cluster
from server.core.auth import Principal
from server.core.clock import now_utc
from server.core.errors import not_found
from server.core.pagination import Page, decode_cursor, encode_cursor, keyset_page
from server.extensions import db
from server.geo import queries as geo
from server.geo.geojson import Circle, MultiPolygon, Point, Polygon, TerritoryArea, point_dict
from server.geo.nearest import nearest_rows
from server.users.queries import team_member_ids

OUT_FIELDS = (
    "id kind name address geocode_status status industry phone email owner_id territory_id "
    "tags custom last_visit_at created_at updated_at version"
).split()


def account_columns() -> list[Any]:
    """The columns an AccountOut is built from, the location split into lng and lat."""
    columns: list[Any] = [getattr(Account, name) for name in OUT_FIELDS]
    columns.append(geo.longitude(Account.location).label("lng"))
    columns.append(geo.latitude(Account.location).label("lat"))
    return columns


def to_out(row: Any) -> AccountOut:
    """An AccountOut from a row selected with account_columns()."""
    data = {name: getattr(row, name) for name in OUT_FIELDS}
    data["location"] = point_dict(row.lng, row.lat)
    data["distance_m"] = getattr(row, "distance_m", None)
    return AccountOut.model_validate(data)


def visibility(principal: Principal) -> ColumnElement[bool]:
    """Which live accounts the caller may see: admins all, managers their team's, reps their own."""
    in_org = and_(Account.org_id == principal.org_id, Account.archived_at.is_(None))
    if principal.role == "admin":
        return in_org
    if principal.role == "manager":
        team = Account.owner_id.in_(team_member_ids(principal))
        return and_(in_org, or_(Account.owner_id.is_(None), Account.owner_id == principal.id, team))
    return and_(in_org, Account.owner_id == principal.id)


def visible_accounts(principal: Principal) -> Select[Any]:
    """SELECT account_columns() of the accounts the caller may see."""
    return select(*account_columns()).where(visibility(principal))


def apply_filters(query: Select[Any], filters: AccountFilters) -> Select[Any]:
    """Narrow an account query by the list filters; each one given must hold."""
    for column, value in (
        (Account.kind, filters.kind),
        (Account.status, filters.status),
        (Account.industry, filters.industry),
        (Account.owner_id, filters.owner_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.tag:
        query = query.where(Account.tags.contains(filters.tag))
    if filters.q:
        pattern = "%" + _escape_like(filters.q) + "%"
        query = query.where(
            or_(
                Account.name.ilike(pattern, escape="\\"),
                Account.address.ilike(pattern, escape="\\"),
            )
        )
    if filters.not_visited_days is not None:
        cutoff = now_utc() - timedelta(days=filters.not_visited_days)
        query = query.where(or_(Account.last_visit_at.is_(None), Account.last_visit_at < cutoff))
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_account(principal: Principal, account_id: uuid.UUID) -> AccountOut:
    """One account the caller may see, or 404 (also for another organisation's id)."""
    row = db.session.execute(visible_accounts(principal).where(Account.id == account_id)).first()
    if row is None:
        raise not_found("account")
    return to_out(row)


def load_account_for_update(principal: Principal, account_id: uuid.UUID) -> Account:
    """The account entity, row-locked for a write, if the caller may see it; else 404."""
    account: Account | None = db.session.scalar(
        select(Account).where(Account.id == account_id, visibility(principal)).with_for_update()
    )
    if account is None:
        raise not_found("account")
    return account


def list_accounts(
    principal: Principal, filters: AccountFilters, limit: int, cursor: str | None
) -> Page[AccountOut]:
    """Accounts by name."""
    query = apply_filters(visible_accounts(principal), filters)
    page = keyset_page(
        query, [Account.name, Account.id], limit, cursor, lambda row: [row.name, str(row.id)]
    )
    return Page([to_out(row) for row in page.items], page.next_cursor)


def list_nearby(
    principal: Principal,
    filters: AccountFilters,
    center: Point,
    radius_m: float | None,
    limit: int,
    cursor: str | None,
) -> Page[AccountOut]:
    """Accounts nearest first from `center`, each with its geodesic `distance_m`."""
    point = geo.geography_point(center)
    query = apply_filters(visible_accounts(principal), filters).where(Account.location.is_not(None))
    if radius_m is not None:
        query = query.where(geo.within_radius(Account.location, point, radius_m))
    after = _distance_cursor(cursor)
    rows = nearest_rows(query, Account.location, point, limit + 1, after)
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor([rows[-1].distance_m, str(rows[-1].id)]) if has_more else None
    return Page([to_out(row) for row in rows], next_cursor)


def _distance_cursor(cursor: str | None) -> tuple[float, str] | None:
    if cursor is None:
        return None
    distance, last_id = decode_cursor(cursor, 2)
    if not isinstance(distance, int | float) or not isinstance(last_id, str):
        decode_cursor("", 2)  # raises the invalid-cursor error
    return float(distance), last_id


def count_in_bbox(principal: Principal, filters: AccountFilters, bbox: geo.BBox, cap: int) -> int:
    """How many visible accounts lie in the viewport, counting no further than `cap`."""
    inner = apply_filters(select(Account.id).where(visibility(principal)), filters)
    inner = inner.where(geo.in_bbox(Account.location, bbox)).limit(cap)
    return int(db.session.scalar(select(func.count()).select_from(inner.subquery())) or 0)


def clusters_in_bbox(
    principal: Principal, filters: AccountFilters, bbox: geo.BBox, zoom: int
) -> list[Cluster]:
    """Grid clusters of the visible accounts in the viewport: centre, count and extent."""
    points = select(geo.planar(Account.location).label("g")).where(visibility(principal))
    points = apply_filters(points, filters).where(geo.in_bbox(Account.location, bbox))
    return [
        Cluster(
            location=Point.at(float(row.lng), float(row.lat)),
            count=int(row.members),
            bbox=[float(row.min_lng), float(row.min_lat), float(row.max_lng), float(row.max_lat)],
        )
        for row in db.session.execute(geo.grid_clusters(points, zoom))
    ]


def list_in_bbox(
    principal: Principal, filters: AccountFilters, bbox: geo.BBox, limit: int, cursor: str | None
) -> Page[AccountOut]:
    """The visible accounts in the viewport, by id."""
    query = apply_filters(visible_accounts(principal), filters)
    query = query.where(geo.in_bbox(Account.location, bbox))
    page = keyset_page(query, [Account.id], limit, cursor, lambda row: [str(row.id)])
    return Page([to_out(row) for row in page.items], page.next_cursor)


def search_in_area(
    principal: Principal,
    area: Polygon | MultiPolygon | Circle | TerritoryArea,
    filters: AccountFilters,
    limit: int,
    cursor: str | None,
) -> Page[AccountOut]:
    """The visible accounts inside an area, by name."""
    if isinstance(area, TerritoryArea):
        raise not_found("territory")
    query = apply_filters(visible_accounts(principal), filters)
    query = query.where(geo.inside_area(Account.location, area))
    page = keyset_page(
        query, [Account.name, Account.id], limit, cursor, lambda row: [row.name, str(row.id)]
    )
    return Page([to_out(row) for row in page.items], page.next_cursor)


def account_by_id(account_id: uuid.UUID) -> AccountOut:
    """An account just written by the caller, read back in API shape."""
    row = db.session.execute(select(*account_columns()).where(Account.id == account_id)).one()
    return to_out(row)


def existing_ids(ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these account ids are taken already (in any organisation: ids are global)."""
    if not ids:
        return set()
    return set(db.session.scalars(select(Account.id).where(Account.id.in_(ids))))
