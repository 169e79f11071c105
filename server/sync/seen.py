"""When each device last synced (sync_clients.last_synced_at), what a manager sees as a rep's
last sync. Every push sets it, on the device's row the push has locked anyway; a pull sets it
at most once every SEEN_EVERY, in a short transaction of its own after the pull's snapshot
read, so most pulls stay reads."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_
from sqlalchemy.dialects.postgresql import insert

from server.core.auth import Principal
from server.extensions import db
from server.sync.models import SyncClient

SEEN_EVERY = timedelta(minutes=1)


def record_push(client: SyncClient, now: datetime) -> bool:
    """The device (its row locked by the push) synced now; True when the time it had was older
    than SEEN_EVERY (or it had none)."""
    stale = client.last_synced_at is None or client.last_synced_at <= now - SEEN_EVERY
    client.last_synced_at = now
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
    return db.session.scalar(statement) is not None
