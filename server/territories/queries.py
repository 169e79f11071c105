"""Read use cases of territories, and their visibility rule."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from server.accounts import queries as accounts
from server.accounts.models import Account
from server.core.auth import Principal
from server.core.errors import not_found
from server.core.pagination import Page, keyset_page
from server.core.tenancy import in_org
from server.core.visibility import register, visible
from server.extensions import db
from server.geo.assignment import area_geojson, covering_pairs
from server.geo.queries import BBox, in_bbox
from server.territories.models import Territory, TerritoryRep
from server.territories.schemas import Assignment, Gaps, Overlap, TerritoryOut

# Every member of the organisation may see its territories (a rep's map shows where theirs
# end); only managers and admins change them.
register(Territory, "territory")

# A gaps answer counts the accounts of the viewport up to this many.
GAPS_COUNT_CAP = 10_000


def territory_columns() -> list[Any]:
    """The columns a TerritoryOut is built from: the area as GeoJSON, the reps' ids (by id) and
    how many live accounts point at the territory."""
    reps = (
        select(func.array_agg(aggregate_order_by(TerritoryRep.user_id, TerritoryRep.user_id)))
        .where(TerritoryRep.territory_id == Territory.id)
        .scalar_subquery()
    )
    account_count = (
        select(func.count())
        .where(Account.territory_id == Territory.id, Account.archived_at.is_(None))
        .scalar_subquery()
    )
    return [
        Territory.id,
        Territory.name,
        area_geojson(Territory.area).label("area"),
        reps.label("rep_ids"),
        Territory.version,
        account_count.label("account_count"),
        Territory.assignment_state,
        Territory.assignment_done,
        Territory.assignment_total,
        Territory.created_at,
        Territory.updated_at,
    ]


def to_out(row: Any) -> TerritoryOut:
    """A TerritoryOut from a row selected with territory_columns()."""
    return TerritoryOut(
        id=row.id,
        name=row.name,
        area=json.loads(row.area),
        rep_ids=row.rep_ids or [],
        version=row.version,
        account_count=row.account_count,
        assignment=Assignment(
            state=row.assignment_state, done=row.assignment_done, total=row.assignment_total
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def visible_territories(principal: Principal) -> Select[Any]:
    """SELECT territory_columns() of the territories the caller may see."""
    return select(*territory_columns()).where(visible(Territory, principal))


def get_territory(principal: Principal, territory_id: uuid.UUID) -> TerritoryOut:
    """One territory of the caller's organisation, or 404."""
    row = db.session.execute(
        visible_territories(principal).where(Territory.id == territory_id)
    ).first()
    if row is None:
        raise not_found("territory")
    return to_out(row)


def list_territories(principal: Principal, limit: int, cursor: str | None) -> Page[TerritoryOut]:
    """Territories by name."""
    page = keyset_page(
        visible_territories(principal),
        [Territory.name, Territory.id],
        limit,
        cursor,
        lambda row: [row.name, str(row.id)],
    )
    return Page([to_out(row) for row in page.items], page.next_cursor)


def all_territories(principal: Principal) -> list[TerritoryOut]:
    """Every territory of the caller's organisation, by name (for an export)."""
    query = visible_territories(principal).order_by(Territory.name, Territory.id)
    return [to_out(row) for row in db.session.execute(query)]


def list_overlaps(principal: Principal, limit: int, cursor: str | None) -> Page[Overlap]:
    """Visible accounts covered by more than one territory (their stored areas), by account
    id; each with the territories covering it, the oldest (which holds it) first."""
    others = aliased(Territory)
    pairs = covering_pairs(
        Territory,
        others,
        Account,
        (visible(Territory, principal),),
        (in_org(others, principal),),
    ).where(accounts.visibility(principal))
    covered = pairs.subquery()
    territory_ids = func.array_agg(
        aggregate_order_by(covered.c.area_id, covered.c.created_at, covered.c.area_id)
    )
    query = (
        select(covered.c.point_id.label("account_id"), territory_ids.label("territory_ids"))
        .group_by(covered.c.point_id)
        .having(func.count() > 1)
    )
    page = keyset_page(
        query, [covered.c.point_id], limit, cursor, lambda row: [str(row.account_id)]
    )
    items = [
        Overlap(account_id=row.account_id, territory_ids=row.territory_ids) for row in page.items
    ]
    return Page(items, page.next_cursor)


def gaps_in(principal: Principal, bbox: BBox, limit: int) -> Gaps:
    """Visible live accounts with a location and no territory in a viewport: how many (up to
    GAPS_COUNT_CAP) and the first `limit` of them by id."""
    condition = (
        accounts.visibility(principal),
        Account.location.is_not(None),
        Account.territory_id.is_(None),
        in_bbox(Account.location, bbox),
    )
    counted = select(Account.id).where(*condition).limit(GAPS_COUNT_CAP + 1).subquery()
    count = int(db.session.scalar(select(func.count()).select_from(counted)) or 0)
    rows = db.session.execute(
        select(*accounts.account_columns()).where(*condition).order_by(Account.id).limit(limit)
    )
    return Gaps(
        count=min(count, GAPS_COUNT_CAP),
        count_capped=count > GAPS_COUNT_CAP,
        items=[accounts.to_out(row) for row in rows],
    )


def feature_collection(principal: Principal) -> dict[str, Any]:
    """Every territory of the caller's organisation as a GeoJSON FeatureCollection: one Feature
    per territory (its id as the Feature's id; name and rep_ids as properties)."""
    features = [
        {
            "type": "Feature",
            "id": str(territory.id),
            "geometry": territory.area.model_dump(),
            "properties": {
                "name": territory.name,
                "rep_ids": [str(rep_id) for rep_id in territory.rep_ids],
            },
        }
        for territory in all_territories(principal)
    ]
    return {"type": "FeatureCollection", "features": features}
