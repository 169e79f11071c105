"""Recording visits (append-only), verifying them, and dropping old coordinates.

Verification is explainable and never refuses a check-in: a fix with an accuracy worse than
UNVERIFIABLE_ACCURACY_M, or no fix at all (location capture off), is `unverifiable`; otherwise the
visit is `verified` when the account could lie within the organisation's radius of where the
device really was, i.e. distance - accuracy <= radius, and `out_of_range` when it could not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Uuid, column, func, insert, select, update, values

from server.accounts.models import Account
from server.core.auth import Principal
from server.core.clock import DEVICE_CLOCK_SKEW, now_utc
from server.core.errors import ApiError, conflict, invalid, not_found
from server.core.events import queue_event, sync_poke
from server.core.visibility import visible_ids
from server.extensions import db
from server.geo import queries as geo
from server.geo.distance import geodesic_m
from server.orgs.models import Organisation
from server.tasks.models import Task
from server.tasks.operations import follow_up_for_visit
from server.visits import queries
from server.visits.models import Visit
from server.visits.schemas import VisitCreate, VisitOut

UNVERIFIABLE_ACCURACY_M = 500.0


def verification_for(distance_m: float | None, accuracy_m: float | None, radius_m: float) -> str:
    """verified / out_of_range / unverifiable for a fix at `distance_m` with `accuracy_m`."""
    if distance_m is None or accuracy_m is None or accuracy_m > UNVERIFIABLE_ACCURACY_M:
        return "unverifiable"
    return "verified" if distance_m - accuracy_m <= radius_m else "out_of_range"


@dataclass(frozen=True)
class Recorded:
    """What became of one visit sent: stored now (`created`), stored before with the same
    content, or refused with `error` (nothing written for it)."""

    visit: VisitOut | None = None
    created: bool = False
    error: ApiError | None = None


def record_visit(principal: Principal, data: VisitCreate) -> tuple[VisitOut, bool]:
    """Store one visit: (visit, True) when new; the same id with the same content gives
    (the stored visit, False); other content is a 409, an unknown account a 404."""
    [recorded] = record_visits(principal, [data])
    if recorded.error is not None:
        raise recorded.error
    assert recorded.visit is not None  # noqa: S101  (no error means a visit)
    return recorded.visit, recorded.created


def record_visits(principal: Principal, batch: list[VisitCreate]) -> list[Recorded]:
    """Store many visits in a few statements, each judged on its own (a device's backlog).

    Every refusal is decided before anything is written, so the writes of the batch cannot
    fail for one visit's sake; a database error still fails the whole call.
    """
    stored = queries.stored_visits([data.id for data in batch])
    positions = queries.account_positions(principal, [data.account_id for data in batch])
    tasks = visible_ids(Task, principal, [data.task_id for data in batch if data.task_id])
    radius = queries.verification_radius_m(principal.org_id)
    # A new visit's outcome is its id until it is written and can be shown.
    outcomes: list[Recorded | uuid.UUID] = []
    new: dict[uuid.UUID, VisitCreate] = {}
    for data in batch:
        if data.id in stored or data.id in new:
            outcomes.append(_repeat(principal, data, stored.get(data.id), new.get(data.id)))
            continue
        error = _refusal(data, positions, tasks)
        if error is not None:
            outcomes.append(Recorded(error=error))
            continue
        new[data.id] = data
        outcomes.append(data.id)
    rows = [_row(principal, data, positions[data.account_id], radius) for data in new.values()]
    shown = _write(principal, rows)
    _follow_ups(principal, list(new.values()))
    return [_shown(outcome, shown) for outcome in outcomes]


def _follow_ups(principal: Principal, visits: list[VisitCreate]) -> None:
    """A visit's next step becomes a task for its rep, in the visit's transaction."""
    for data in visits:
        if data.next_step is not None:
            follow_up_for_visit(
                principal, data.id, data.account_id, data.next_step.title, data.next_step.due_on
            )


def _refusal(
    data: VisitCreate,
    positions: dict[uuid.UUID, tuple[float, float] | None],
    tasks: set[uuid.UUID],
) -> ApiError | None:
    """Why this new visit cannot be stored, if it cannot: the account or task it names is not
    one the caller may see, or it starts in the future."""
    if data.account_id not in positions:
        return not_found("account")
    if data.task_id is not None and data.task_id not in tasks:
        return not_found("task")
    if data.started_at > now_utc() + DEVICE_CLOCK_SKEW:
        return invalid({"started_at": "cannot be in the future"})
    return None


def _repeat(
    principal: Principal,
    data: VisitCreate,
    stored: Any,
    pending: VisitCreate | None,
) -> Recorded | uuid.UUID:
    """A visit id seen before: the same content is the same visit, other content a 409."""
    if pending is not None:
        if pending == data:
            return data.id
    elif _same_visit(stored, principal, data):
        return Recorded(visit=queries.to_out(stored), created=False)
    return Recorded(
        error=conflict("a visit with this id exists with other content", {"id": "in use"})
    )


def _write(principal: Principal, rows: list[dict[str, Any]]) -> dict[uuid.UUID, VisitOut]:
    """Insert the new visits (one statement for many rows), move their accounts'
    last_visit_at, queue the poke; the visits in API shape."""
    if not rows:
        return {}
    db.session.execute(insert(Visit), rows)
    _follow_on_accounts(rows)
    queue_event(db.session(), sync_poke(principal.org_id, principal.id))
    return queries.visits_out([row["id"] for row in rows])


def _shown(outcome: Recorded | uuid.UUID, shown: dict[uuid.UUID, VisitOut]) -> Recorded:
    if isinstance(outcome, Recorded):
        return outcome
    return Recorded(visit=shown[outcome], created=True)


def _row(
    principal: Principal,
    data: VisitCreate,
    account_at: tuple[float, float] | None,
    radius_m: float,
) -> dict[str, Any]:
    """The new visit's column values, its distance and verification computed."""
    distance = None
    if data.location is not None and account_at is not None:
        distance = geodesic_m(data.location.lng, data.location.lat, *account_at)
    return {
        "id": data.id,
        "org_id": principal.org_id,
        "user_id": principal.id,
        "account_id": data.account_id,
        "task_id": data.task_id,
        "started_at": data.started_at,
        "ended_at": data.ended_at,
        "location": geo.point_to_store(data.location),
        "accuracy_m": data.accuracy_m,
        "distance_m": distance,
        "verification": verification_for(distance, data.accuracy_m, radius_m),
        "outcome": data.outcome,
        "notes": data.notes,
        "next_step": data.next_step.model_dump(mode="json") if data.next_step else None,
        "created_at": now_utc(),
    }


def _same_visit(stored: Any, principal: Principal, data: VisitCreate) -> bool:
    """True when `data` is what was stored under this id (a retried send)."""
    shown = queries.to_out(stored)
    sent_next = data.next_step.model_dump(mode="json") if data.next_step else None
    kept_next = shown.next_step.model_dump(mode="json") if shown.next_step else None
    return (
        shown.user_id == principal.id
        and shown.account_id == data.account_id
        and shown.task_id == data.task_id
        and shown.started_at == data.started_at
        and shown.ended_at == data.ended_at
        and _same_point(shown.location, data.location, stored.location_dropped_at)
        and shown.accuracy_m == data.accuracy_m
        and shown.outcome == data.outcome
        and shown.notes == data.notes
        and kept_next == sent_next
    )


def _same_point(stored: Any, sent: Any, dropped_at: datetime | None) -> bool:
    if dropped_at is not None:
        return True  # the coordinates are gone; what remains matched when it was stored
    if stored is None or sent is None:
        return stored is None and sent is None
    return all(abs(a - b) < 1e-9 for a, b in zip(stored.coordinates, sent.coordinates, strict=True))


def _follow_on_accounts(rows: list[dict[str, Any]]) -> None:
    """Each account's last_visit_at is its latest visit's start, in one statement. Not a new
    account version: it is derived, and must not turn a rep's offline edit into a conflict."""
    latest: dict[uuid.UUID, datetime] = {}
    for row in rows:
        account_id, started_at = row["account_id"], row["started_at"]
        latest[account_id] = max(started_at, latest.get(account_id, started_at))
    starts = values(
        column("account_id", Uuid()), column("started_at", DateTime(timezone=True)), name="starts"
    ).data(list(latest.items()))
    db.session.execute(
        update(Account)
        .where(Account.id == starts.c.account_id)
        .values(
            last_visit_at=func.greatest(
                func.coalesce(Account.last_visit_at, starts.c.started_at), starts.c.started_at
            )
        )
        .execution_options(synchronize_session=False)
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
