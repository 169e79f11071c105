"""Events that domain operations queue for after the commit: held on the session, never sent here.

An event says what happened and who should hear of it (an Audience); the realtime publisher turns
audiences into Socket.IO rooms and emits once the transaction has committed. A rollback, or the
rollback of the savepoint the event was queued in, drops it. A CloseSockets waits in the same
queue: the live sockets of a user whose session ended or whose access changed are closed only
once that change is committed (on every process).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

QUEUE_KEY = "waypoint_events"


@dataclass(frozen=True)
class Audience:
    """Who hears an event: some users of one organisation, and everyone there with some roles."""

    org_id: uuid.UUID
    user_ids: frozenset[uuid.UUID] = frozenset()
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Event:
    """One message to send after commit."""

    name: str
    audience: Audience
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CloseSockets:
    """Close live Socket.IO connections of one user: every one, only those opened with a browser
    session (`sessions_only`: the sessions ended, API tokens still hold), or only those opened
    with one session or token (`credential_id`). With `reconnect` the client is not told to stay
    away: what they may hear changed, not their right to connect, so they come back at once and
    join the rooms of who they are now."""

    user_id: uuid.UUID
    sessions_only: bool = False
    credential_id: uuid.UUID | None = None
    reconnect: bool = False


Queued = Event | CloseSockets


def queued(session: Session) -> list[Queued]:
    """What waits on this session's transaction (the list itself, to append to)."""
    events: list[Queued] = session.info.setdefault(QUEUE_KEY, [])
    return events


def queue_event(session: Session, event: Queued) -> None:
    """Hold `event` until the session commits."""
    queued(session).append(event)


def take_queued(session: Session) -> list[Queued]:
    """Remove and return everything waiting on the session."""
    events: list[Queued] = session.info.pop(QUEUE_KEY, [])
    return events


def discard_after(session: Session, mark: int) -> None:
    """Forget the events queued after the first `mark` ones (a savepoint rolled back)."""
    del queued(session)[mark:]


SYNC_POKE = "sync.poke"
# Admins and managers see every changed row of their organisation's working sets.
OVERSEEING_ROLES = frozenset({"admin", "manager"})


def sync_poke(org_id: uuid.UUID, *user_ids: uuid.UUID | None) -> Event:
    """A contentless `sync.poke` for these users and the organisation's managers and admins:
    their working set changed, so their devices should pull."""
    users = frozenset(user_id for user_id in user_ids if user_id is not None)
    return Event(SYNC_POKE, Audience(org_id, users, OVERSEEING_ROLES))
