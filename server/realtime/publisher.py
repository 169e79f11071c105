"""Sends queued domain events over Socket.IO, and closes the sockets a change names, only after
their transaction has committed."""

from __future__ import annotations

from typing import cast

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from server.core.events import Audience, CloseSockets, Queued, take_queued
from server.extensions import socketio
from server.realtime.lifecycle import EXTENSION, SocketLifecycle
from server.realtime.rooms import org_role_room, user_room


def rooms_for(audience: Audience) -> list[str]:
    """The Socket.IO rooms that together reach an audience."""
    rooms = [user_room(user_id) for user_id in sorted(audience.user_ids, key=str)]
    rooms += [org_role_room(audience.org_id, role) for role in sorted(audience.roles)]
    return rooms


def publish(events: list[Queued]) -> None:
    """Emit each event once to the rooms of its audience (a user in two rooms gets it once);
    close the sockets each CloseSockets names, on every process."""
    for queued_event in events:
        if isinstance(queued_event, CloseSockets):
            cast(SocketLifecycle, current_app.extensions[EXTENSION]).close(queued_event)
            continue
        rooms = rooms_for(queued_event.audience)
        if rooms:
            socketio.emit(queued_event.name, queued_event.payload, to=rooms)


def _after_commit(session: Session) -> None:
    # SQLAlchemy calls this on a savepoint's release too: its events wait for the real commit.
    if session.get_nested_transaction() is None:
        publish(take_queued(session))


def _after_rollback(session: Session) -> None:
    # A rollback of the whole transaction (not a savepoint's) drops what it queued.
    if not session.in_transaction():
        take_queued(session)


def install_publisher() -> None:
    """Hook the publisher to every session's commit; safe to call more than once."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
