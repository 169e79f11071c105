"""When each device last synced (sync_clients.last_synced_at), what a manager sees as a rep's
last sync. Every push sets it, on the device's row the push has locked anyway; a pull sets it
at most once every SEEN_EVERY, in a short transaction of its own after the pull's snapshot
read, so most pulls stay reads.

When a rep's device syncs after more than SEEN_EVERY, the rep's managers and the organisation's
admins get a contentless `sync.poke` after the commit, so an open Team screen refreshes; a rep's
device polling every few seconds still costs them at most one poke a minute."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_
from sqlalchemy.dialects.postgresql import insert

from server.core.auth import Principal
from server.core.events import SYNC_POKE, Audience, Event, Queued, queue_event, queued
from server.extensions import db
from server.sync.models import SyncClient
from server.users.queries import managers_of

SEEN_EVERY = timedelta(minutes=1)
ADMINS = frozenset({"admin"})


def record_push(principal: Principal, client: SyncClient, now: datetime) -> bool:
    """The caller's device (its row locked by the push) synced now; True, and those who oversee
    a rep are poked, when the time it had was older than SEEN_EVERY (or it had none). Called
    once the mutations are applied: a poke they queued for the same people is enough."""
    stale = client.last_synced_at is None or client.last_synced_at <= now - SEEN_EVERY
    client.last_synced_at = now
    if stale:
        _tell_overseers(principal)
    return stale


def record_pull(principal: Principal, client_id: uuid.UUID, now: datetime) -> bool:
    """The caller's device pulled now: its time is set when it had none or one older than
    SEEN_EVERY (a device that never pushed gets its row here). True when it was set; a client
    id of another user's device changes nothing."""
    statement = (
        insert(SyncClient)
        .values(
            id=client_id,
            org_id=principal.org_id,
            user_id=principal.id,
            last_mutation_id=0,
            created_at=now,
            updated_at=now,
            last_synced_at=now,
        )
        .on_conflict_do_update(
            index_elements=["id"],
            set_={"last_synced_at": now},
            where=and_(
                SyncClient.user_id == principal.id,
                or_(
                    SyncClient.last_synced_at.is_(None),
                    SyncClient.last_synced_at <= now - SEEN_EVERY,
                ),
            ),
        )
        .returning(SyncClient.id)
    )
    noted = db.session.scalar(statement) is not None
    if noted:
        _tell_overseers(principal)
    return noted


def _tell_overseers(principal: Principal) -> None:
    """A rep's last sync moved: a poke for their managers and the admins (a Team screen shows
    it), unless the transaction already pokes them all (a visit of the push, say)."""
    if principal.role != "rep":
        return  # the Team screen shows reps only
    managers = frozenset(managers_of({principal.id}))
    if not any(_reaches(event, managers) for event in queued(db.session())):
        audience = Audience(principal.org_id, managers, ADMINS)
        queue_event(db.session(), Event(SYNC_POKE, audience))


def _reaches(event: Queued, managers: frozenset[uuid.UUID]) -> bool:
    """True when `event` is a poke reaching the admins and these managers (by name, or every
    manager of the organisation)."""
    if not isinstance(event, Event):
        return False  # a socket close waiting for the commit
    roles = event.audience.roles
    return (
        event.name == SYNC_POKE
        and ADMINS <= roles
        and ("manager" in roles or managers <= event.audience.user_ids)
    )
