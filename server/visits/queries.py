"""Reading visits: who may see whose, the API shape, and the distance a check-in is checked by."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from server.accounts.models import Account
from server.core.auth import Principal
from server.core.pagination import Page, keyset_page
from server.core.visibility import register, visible
from server.extensions import db
from server.geo import queries as geo
from server.geo.geojson import point_dict
from server.orgs.models import DEFAULT_VERIFICATION_RADIUS_M, Organisation
from server.users.queries import written_by_seen_users
from server.visits.models import Visit
from server.visits.schemas import VisitListQuery, VisitOut

OUT_FIELDS = (
    "id account_id user_id task_id started_at ended_at accuracy_m distance_m verification "
    "outcome notes next_step created_at"
).split()


def visit_columns() -> list[Any]:
    """The columns a VisitOut is built from, the location split into lng and lat."""
    columns: list[Any] = [getattr(Visit, name) for name in OUT_FIELDS]
    columns.append(geo.longitude(Visit.location).label("lng"))
    columns.append(geo.latitude(Visit.location).label("lat"))
    return columns


def to_out(row: Any, with_location: bool = True) -> VisitOut:
    """A VisitOut from a row selected with visit_columns(); without the raw coordinates when
    `with_location` is false."""
    data = {name: getattr(row, name) for name in OUT_FIELDS}
    data["location"] = point_dict(row.lng, row.lat) if with_location else None
    data["verified"] = row.verification == "verified"
    return VisitOut.model_validate(data)


def may_see(principal: Principal) -> ColumnElement[bool]:
    """The role rule: admins see everyone's visits, managers their team's, reps their own."""
    return written_by_seen_users(principal, Visit.user_id)


register(Visit, "visit", may_see)


def visibility(principal: Principal) -> ColumnElement[bool]:
    """Which visits the caller may see (core.visibility)."""
    return visible(Visit, principal)


def may_have_held(principal: Principal) -> ColumnElement[bool]:
    """Visits a device of the caller may hold: the visible ones. A visit follows its
    rep, who never changes, so it leaves a device only when the caller's role or team changes,
    and that bumps the caller's sync epoch instead (sync.pull): a pull names none as a tombstone."""
    return visibility(principal)


def visible_visits(principal: Principal) -> Select[Any]:
    """SELECT visit_columns() of the visits the caller may see."""
    return select(*visit_columns()).where(visibility(principal))


def list_visits(principal: Principal, filters: VisitListQuery) -> Page[Any]:
    """Visits newest first, narrowed by account, user and start time in [since, until) (rows,
    not yet shaped)."""
    query = visible_visits(principal)
    if filters.account_id is not None:
        query = query.where(Visit.account_id == filters.account_id)
    if filters.user_id is not None:
        query = query.where(Visit.user_id == filters.user_id)
    if filters.since is not None:
        query = query.where(Visit.started_at >= filters.since)
    if filters.until is not None:
        query = query.where(Visit.started_at < filters.until)
    return keyset_page(
        query,
        [Visit.started_at, Visit.id],
        filters.limit,
        filters.cursor,
        lambda row: [row.started_at.isoformat(), str(row.id)],
        descending=True,
    )


def stored_visits(visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """The visits already stored under these ids (in any organisation: ids are global), as rows
    of visit_columns() with location_dropped_at."""
    if not visit_ids:
        return {}
    query = select(*visit_columns(), Visit.location_dropped_at)
    rows = db.session.execute(query.where(Visit.id.in_(visit_ids)))
    return {row.id: row for row in rows}


def account_positions(
    principal: Principal, account_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[float, float] | None]:
    """The accounts among these ids that the caller may see (archived ones too: a visit made
    offline before the archive still counts): their (lng, lat), or None without one."""
    if not account_ids:
        return {}
    query = select(
        Account.id, geo.longitude(Account.location), geo.latitude(Account.location)
    ).where(visible(Account, principal), Account.id.in_(set(account_ids)))
    return {
        row[0]: None if row[1] is None else (float(row[1]), float(row[2]))
        for row in db.session.execute(query)
    }


def visits_out(visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, VisitOut]:
    """Visits just written, in API shape, by id."""
    if not visit_ids:
        return {}
    rows = db.session.execute(select(*visit_columns()).where(Visit.id.in_(visit_ids)))
    return {row.id: to_out(row) for row in rows}


def verification_radius_m(org_id: uuid.UUID) -> float:
    """The organisation's verification radius in metres, read once per session (a push of a
    thousand visits asks a thousand times)."""
    cache: dict[uuid.UUID, float] = db.session.info.setdefault("verification_radius_m", {})
    if org_id not in cache:
        radius = db.session.scalar(
            select(Organisation.verification_radius_m).where(Organisation.id == org_id)
        )
        cache[org_id] = float(radius if radius is not None else DEFAULT_VERIFICATION_RADIUS_M)
    return cache[org_id]
