"""Events that domain operations queue for after the commit: held on the session, never sent here.

An event says what happened and who should hear of it (an Audience); the realtime publisher turns
audiences into Socket.IO rooms and emits once the transaction has committed. A rollback, or the
rollback of the savepoint the event was queued in, drops it.
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


def queued(session: Session) -> list[Event]:
    """The events waiting on this session's transaction (the list itself, to append to)."""
    events: list[Event] = session.info.setdefault(QUEUE_KEY, [])
    return events


def queue_event(session: Session, event: Event) -> None:
    """Hold `event` until the session commits."""
    queued(session).append(event)


def take_queued(session: Session) -> list[Event]:
    """Remove and return every event waiting on the session."""
    events: list[Event] = session.info.pop(QUEUE_KEY, [])
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
