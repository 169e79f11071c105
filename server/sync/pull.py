"""Pull: the caller's working set changed since the cursor, page by page.

A cursor names two PostgreSQL snapshots: `since` (what the device has) and `target` (what this
round of pages brings it to), plus where the last page stopped. Rows are picked by whether the
transaction that last wrote them is visible in each snapshot, never by commit time or sequence,
so a transaction that commits after a later one is still delivered (see core.changes).

A cursor also carries the caller's sync epoch (users.sync_epoch) from when it was made. Some
changes take rows from a device without any tombstone to say so: the caller's role or team
changed, or a row they held changed hands twice before they pulled. Those bump the epoch, and a
cursor of another epoch is refused, so the device downloads everything again.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from server.core.auth import Principal
from server.core.changes import current_snapshot
from server.core.pagination import MAX_CURSOR_INT, decode_cursor, encode_cursor, invalid_cursor
from server.extensions import db
from server.sync.feeds import FEEDS, Window
from server.sync.models import SyncClient
from server.sync.schemas import Change, PullOut
from server.users import queries as users

SNAPSHOT_TEXT = re.compile(r"^\d{1,19}:\d{1,19}:(\d{1,19}(,\d{1,19})*)?$")


@dataclass(frozen=True)
class PullCursor:
    """Where a device stands: the caller's sync epoch when it was made, the `since` snapshot
    (None before the first full pull), the round's `target` (None between rounds), the feed and
    the key the last page ended at."""

    epoch: int
    since: str | None
    target: str | None = None
    feed: int = 0
    after: tuple[int, str] | None = None

    def encode(self) -> str:
        """The opaque cursor text."""
        after = list(self.after) if self.after else [None, None]
        values = [self.epoch, self.since, self.target, self.feed, *after]
        return encode_cursor(values, "pull")

    @classmethod
    def decode(cls, text: str | None, epoch: int) -> PullCursor:
        """A cursor from its text (None: a full snapshot), or 400 when it was tampered with,
        is of an older format, or was made in another of the caller's sync epochs."""
        if text is None:
            return cls(epoch, since=None)
        made_in, since, target, feed, after_xid, after_id = decode_cursor(text, 6, "pull")
        if made_in != epoch or not (_snapshot_or_none(since) and _snapshot_or_none(target)):
            raise invalid_cursor()
        if not isinstance(feed, int) or not 0 <= feed < len(FEEDS):
            raise invalid_cursor()
        return cls(epoch, since, target, feed, _key(after_xid, after_id))


def _snapshot_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, str) and _is_snapshot(value))


def _is_snapshot(text: str) -> bool:
    """True for pg_snapshot text PostgreSQL takes: 0 < xmin <= xmax, then the transactions in
    progress in ascending order, each in [xmin, xmax), all within bigint (see core.changes)."""
    if SNAPSHOT_TEXT.match(text) is None:
        return False
    xmin_text, xmax_text, xip_text = text.split(":")
    xmin, xmax = int(xmin_text), int(xmax_text)
    running = [int(xid) for xid in xip_text.split(",")] if xip_text else []
    if not 0 < xmin <= xmax <= MAX_CURSOR_INT:
        return False
    return all(xmin <= xid < xmax for xid in running) and running == sorted(set(running))


def _key(after_xid: Any, after_id: Any) -> tuple[int, str] | None:
    if after_xid is None and after_id is None:
        return None
    if not isinstance(after_xid, int) or not isinstance(after_id, str) or after_xid < 0:
        raise invalid_cursor()
    try:
        return after_xid, str(uuid.UUID(after_id))
    except ValueError:
        raise invalid_cursor() from None


def pull(
    principal: Principal, client_id: uuid.UUID | None, cursor: str | None, limit: int
) -> PullOut:
    """Up to `limit` changes after `cursor`, the cursor to continue from and the device's counter.

    Runs in a REPEATABLE READ transaction, so the snapshot taken here, the rows read, the sync
    epoch and the counter all describe one moment.
    """
    db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    position = PullCursor.decode(cursor, users.sync_epoch(principal))
    target = position.target or str(db.session.scalar(select(current_snapshot())))
    changes: list[Change] = []
    feed_index, after = position.feed, position.after
    while feed_index < len(FEEDS):
        feed = FEEDS[feed_index]
        window = Window(position.since, target, after)
        rows = feed.changed(principal, window, limit - len(changes) + 1)
        room = limit - len(changes)
        changes.extend(_change(feed, principal, row) for row in rows[:room])
        if len(rows) > room:
            last = rows[room - 1] if room else None
            next_after = (int(last.change_xid), str(last.id)) if last else after
            following = PullCursor(position.epoch, position.since, target, feed_index, next_after)
            return _answer(changes, following, True, principal, client_id)
        feed_index, after = feed_index + 1, None
    done = PullCursor(position.epoch, since=target)
    return _answer(changes, done, False, principal, client_id)


def _change(feed: Any, principal: Principal, row: Any) -> Change:
    if row.visible:
        return Change(entity=feed.entity, op="upsert", data=feed.shape(principal, row))
    return Change(entity=feed.entity, op="delete", data={"id": str(row.id)})


def _answer(
    changes: list[Change],
    cursor: PullCursor,
    has_more: bool,
    principal: Principal,
    client_id: uuid.UUID | None,
) -> PullOut:
    return PullOut(
        changes=changes,
        cursor=cursor.encode(),
        has_more=has_more,
        last_mutation_id=last_mutation_id(principal, client_id),
    )


def last_mutation_id(principal: Principal, client_id: uuid.UUID | None) -> int:
    """The device's counter as this transaction sees it (0 for a device never heard from)."""
    if client_id is None:
        return 0
    found = db.session.scalar(
        select(SyncClient.last_mutation_id).where(
            SyncClient.id == client_id, SyncClient.user_id == principal.id
        )
    )
    return int(found or 0)
