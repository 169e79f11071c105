"""Recording visits (append-only), verifying them, and dropping old coordinates.

Verification is explainable and never refuses a check-in: a fix with an accuracy worse than
UNVERIFIABLE_ACCURACY_M, or no fix at all (location capture off), is `unverifiable`; otherwise the
visit is `verified` when the account could lie within the organisation's radius of where the
device really was, i.e. distance - accuracy <= radius, and `out_of_range` when it could not.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from server.accounts.models import Account
from server.core.auth import Principal
from server.core.clock import now_utc
from server.core.errors import conflict, invalid, not_found
from server.core.events import queue_event, sync_poke
from server.extensions import db
from server.geo import queries as geo
from server.orgs.models import Organisation
from server.visits import queries
from server.visits.models import Visit
from server.visits.schemas import VisitCreate

UNVERIFIABLE_ACCURACY_M = 500.0
# Clocks on phones drift; a visit stamped a little in the future is still a real visit.
CLOCK_SKEW = timedelta(hours=1)


def verification_for(distance_m: float | None, accuracy_m: float | None, radius_m: float) -> str:
    """verified / out_of_range / unverifiable for a fix at `distance_m` with `accuracy_m`."""
    if distance_m is None or accuracy_m is None or accuracy_m > UNVERIFIABLE_ACCURACY_M:
        return "unverifiable"
    return "verified" if distance_m - accuracy_m <= radius_m else "out_of_range"


def record_visit(principal: Principal, data: VisitCreate) -> tuple[Visit, bool]:
    """Store a visit once: (visit, True) when new; the same id with the same content gives
    (the stored visit, False); with different content, 409."""
    existing = db.session.get(Visit, data.id)
    if existing is not None:
        if existing.org_id != principal.org_id or not _same_visit(existing, principal, data):
            raise conflict("a visit with this id exists with other content", {"id": "in use"})
        return existing, False
    _check_times(data)
    found, distance = queries.account_distance(principal.org_id, data.account_id, data.location)
    if not found:
        raise not_found("account")
    radius = queries.verification_radius_m(principal.org_id)
    visit = _build_visit(
        principal, data, distance, verification_for(distance, data.accuracy_m, radius)
    )
    db.session.add(visit)
    db.session.flush()
    _follow_on_account(data.account_id, data.started_at)
    queue_event(db.session(), sync_poke(principal.org_id, principal.id))
    return visit, True


def _check_times(data: VisitCreate) -> None:
    if data.started_at > now_utc() + CLOCK_SKEW:
        raise invalid({"started_at": "cannot be in the future"})


def _build_visit(
    principal: Principal, data: VisitCreate, distance: float | None, verification: str
) -> Visit:
    return Visit(
        id=data.id,
        org_id=principal.org_id,
        user_id=principal.id,
        account_id=data.account_id,
        task_id=data.task_id,
        started_at=data.started_at,
        ended_at=data.ended_at,
        location=geo.point_to_store(data.location),
        accuracy_m=data.accuracy_m,
        distance_m=distance,
        verification=verification,
        outcome=data.outcome,
        notes=data.notes,
        next_step=data.next_step.model_dump(mode="json") if data.next_step else None,
        created_at=now_utc(),
    )


def _same_visit(visit: Visit, principal: Principal, data: VisitCreate) -> bool:
    """True when `data` is what was stored under this id (a retried send)."""
    stored = queries.to_out(queries.visit_row(visit.id))
    sent_next = data.next_step.model_dump(mode="json") if data.next_step else None
    kept_next = stored.next_step.model_dump(mode="json") if stored.next_step else None
    return (
        visit.user_id == principal.id
        and stored.account_id == data.account_id
        and stored.task_id == data.task_id
        and stored.started_at == data.started_at
        and stored.ended_at == data.ended_at
        and _same_point(stored.location, data.location, visit.location_dropped_at)
        and stored.accuracy_m == data.accuracy_m
        and stored.outcome == data.outcome
        and stored.notes == data.notes
        and kept_next == sent_next
    )


def _same_point(stored: Any, sent: Any, dropped_at: datetime | None) -> bool:
    if dropped_at is not None:
        return True  # the coordinates are gone; what remains matched when it was stored
    if stored is None or sent is None:
        return stored is None and sent is None
    return all(abs(a - b) < 1e-9 for a, b in zip(stored.coordinates, sent.coordinates, strict=True))


def _follow_on_account(account_id: uuid.UUID, started_at: datetime) -> None:
    """The account's last_visit_at is the latest visit's start. Not a new account version:
    it is derived, and must not turn a rep's offline edit of the account into a conflict."""
    db.session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(
            last_visit_at=func.greatest(
                func.coalesce(Account.last_visit_at, started_at), started_at
            )
        )
    )


def drop_expired_locations(now: datetime | None = None) -> int:
    """Forget the raw coordinates of visits older than their organisation's retention period,
    keeping distance and verification; returns how many visits were changed."""
    now = now or now_utc()
    cutoff = now - func.make_interval(0, 0, 0, Organisation.visit_location_retention_days)
    expired = (
        select(Visit.id)
        .join(Organisation, Organisation.id == Visit.org_id)
        .where(Visit.location.is_not(None), Visit.started_at < cutoff)
    )
    result = db.session.execute(
        update(Visit)
        .where(Visit.id.in_(expired))
        .values(location=None, location_dropped_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
