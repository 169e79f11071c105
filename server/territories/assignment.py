"""An account's territory follows its location: the oldest territory covering it.

Accounts are (re)assigned set-based in SQL (geo.assignment): the accounts just created or moved,
or those a territory's change concerns (its own accounts, and those its area covers now). A
territory change that concerns more accounts than the setting territory_assign_in_request_max (a
bounding-box estimate) is left to a background job that works in batches and counts its progress
on the territory.

Reps see the accounts of their territories: when accounts leave a territory, no tombstone can
follow them to its reps' devices (an account row says nothing of who saw it through which
territory), so those reps' sync epochs are bumped in the same transaction and their devices
download their working set again. Accounts that arrive need nothing: their rows changed, so the
next pull brings them.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Uuid, and_, any_, bindparam, func, or_, select

from server.accounts.models import Account
from server.config import current_settings
from server.core.auth import Principal, SystemPrincipal
from server.core.events import queue_event, sync_poke
from server.core.queue import queue_job
from server.core.tenancy import in_org
from server.extensions import db
from server.geo.assignment import covers, reassign_points, touches_box_of
from server.territories.models import Territory, TerritoryRep
from server.users.operations import bump_sync_epochs

# Accounts a job re-assigns per transaction (and between two progress counts).
JOB_BATCH = 20_000
# The background task that re-assigns the accounts a territory's change concerns.
ASSIGN_TASK = "assign-territory"


@dataclass(frozen=True)
class Reassigned:
    """What one re-assignment did: accounts examined, accounts that changed territory."""

    examined: int
    moved: int


def assign_accounts(org_id: uuid.UUID, account_ids: Collection[uuid.UUID]) -> Reassigned:
    """Point these accounts (just created, moved or geocoded) at the territory covering them."""
    if not account_ids:
        return Reassigned(0, 0)
    principal = SystemPrincipal(id=None, org_id=org_id)
    return _reassign(principal, _one_of(account_ids))


def territory_candidates(principal: Principal, territory_id: uuid.UUID) -> ColumnElement[bool]:
    """The accounts a change of this territory may move: its own, and those its stored area
    covers now (every account that must leave it points at it; every one that may join it lies
    in its area)."""
    return and_(
        in_org(Account, principal),
        or_(
            Account.territory_id == territory_id,
            covers(_stored_area(territory_id), Account.location),
        ),
    )


def estimate_concerned(principal: Principal, territory_id: uuid.UUID, cap: int) -> int:
    """About how many accounts a change of this territory concerns, counted up to `cap`: its
    own and those in its area's bounding box (index-only, never fewer than the candidates)."""
    concerned = select(Account.id).where(
        in_org(Account, principal),
        or_(
            Account.territory_id == territory_id,
            touches_box_of(_stored_area(territory_id), Account.location),
        ),
    )
    counted = select(func.count()).select_from(concerned.limit(cap).subquery())
    return int(db.session.scalar(counted) or 0)


def reassign_for_territory(principal: Principal, territory: Territory) -> Reassigned:
    """Re-assign, now, every account a change of this (flushed) territory concerns, and mark its
    assignment done."""
    done = _reassign(principal, territory_candidates(principal, territory.id))
    territory.assignment_state = "done"
    territory.assignment_done = territory.assignment_total = done.examined
    return done


def reassign_or_queue(principal: Principal, territory: Territory) -> None:
    """After a territory's area changed (or it was made): re-assign its accounts in this
    transaction when they are few, else queue the job and show it queued."""
    db.session.flush()
    most = current_settings().territory_assign_in_request_max
    if estimate_concerned(principal, territory.id, most + 1) <= most:
        reassign_for_territory(principal, territory)
        return
    territory.assignment_state = "queued"
    territory.assignment_done = territory.assignment_total = 0
    queue_job(db.session(), ASSIGN_TASK, territory_id=str(territory.id))


def reassign_leaving(principal: Principal, territory_id: uuid.UUID) -> Reassigned:
    """Before a territory is deleted: its accounts go to the next oldest territory covering
    them, or to none."""
    candidates = and_(in_org(Account, principal), Account.territory_id == territory_id)
    return _reassign(principal, candidates, Territory.id != territory_id)


def _reassign(principal: Principal, candidates: ColumnElement[bool], *only: Any) -> Reassigned:
    """One set-based re-assignment of the candidates; the reps of every territory that lost
    accounts restart their sync, and the reps of every territory concerned are poked."""
    statement = reassign_points(
        Account, Account.territory_id, Territory, candidates, (in_org(Territory, principal), *only)
    )
    rows = db.session.execute(statement).all()
    moved = [row for row in rows if row.changed]
    left = {row.from_id for row in moved if row.from_id is not None}
    joined = {row.to_id for row in moved if row.to_id is not None}
    if left:
        bump_sync_epochs(set(rep_ids_of(left)))
    if left or joined:
        queue_event(db.session(), sync_poke(principal.org_id, *rep_ids_of(left | joined)))
    return Reassigned(sum(row.accounts for row in rows), sum(row.accounts for row in moved))


def rep_ids_of(territory_ids: Collection[uuid.UUID]) -> list[uuid.UUID]:
    """The reps of these territories."""
    if not territory_ids:
        return []
    query = select(TerritoryRep.user_id).where(
        TerritoryRep.territory_id == any_(_id_array(territory_ids))
    )
    return list(dict.fromkeys(db.session.scalars(query)))


def _stored_area(territory_id: uuid.UUID) -> Any:
    return select(Territory.area).where(Territory.id == territory_id).scalar_subquery()


def _one_of(account_ids: Collection[uuid.UUID]) -> ColumnElement[bool]:
    """Accounts among these ids: a set the planner counts and walks by primary key (a batch's
    20,000 ids compared with `= ANY` made it read every account of the table)."""
    return Account.id.in_(select(func.unnest(_id_array(account_ids))))


def _id_array(ids: Collection[uuid.UUID]) -> Any:
    return bindparam(None, list(ids), type_=ARRAY(Uuid()))


# The background path: the job's steps, each run in a unit of work of its own by server/jobs.


def start_job(territory_id: uuid.UUID) -> list[uuid.UUID] | None:
    """The accounts a queued re-assignment will examine, by id, its state set running; None
    when there is nothing to do (the territory is gone, or a later change already did it)."""
    territory = _locked(territory_id)
    if territory is None or territory.assignment_state != "queued":
        return None
    principal = SystemPrincipal(id=None, org_id=territory.org_id)
    query = select(Account.id).where(territory_candidates(principal, territory.id))
    ids = list(db.session.scalars(query.order_by(Account.id)))
    territory.assignment_state = "running" if ids else "done"
    territory.assignment_done, territory.assignment_total = 0, len(ids)
    db.session.flush()
    return ids


def run_job_batch(territory_id: uuid.UUID, batch: Sequence[uuid.UUID]) -> bool:
    """Re-assign one batch of a running job and count it; False when the job should stop (the
    territory is gone, or changed again: the job queued by that change redoes the work)."""
    territory = _locked(territory_id)
    if territory is None or territory.assignment_state != "running":
        return False
    principal = SystemPrincipal(id=None, org_id=territory.org_id)
    _reassign(principal, _one_of(batch))
    territory.assignment_done += len(batch)
    if territory.assignment_done >= territory.assignment_total:
        territory.assignment_state = "done"
    db.session.flush()
    return True


def _locked(territory_id: uuid.UUID) -> Territory | None:
    found: Territory | None = db.session.scalar(
        select(Territory).where(Territory.id == territory_id).with_for_update()
    )
    return found
