"""Checksums of a working set, so a device can prove it holds exactly what the server has.

Per entity: the count of rows and the sum (mod 2^64) of their stored version digests, as 16
lower-case hex digits, where a row's digest is the first 8 bytes of sha256("<id>:<version>")
read as a big-endian integer (visits and notes are never changed: their version is 1). A sum
needs no order, so the database answers with one aggregate over a stored column; the device
adds up the same digests of its rows (pwa/src/sync/logic.js).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from server.core.auth import Principal
from server.extensions import db
from server.sync.feeds import FEEDS, Feed
from server.sync.schemas import ChecksumOut, EntityChecksum

DIGEST_MODULUS = 2**64


def digest_hex(total: int) -> str:
    """A sum of digests as the checksum's hash: mod 2^64, 16 lower-case hex digits."""
    return f"{total % DIGEST_MODULUS:016x}"


def entity_checksum(principal: Principal, feed: Feed) -> EntityChecksum:
    """Count and digest sum of one entity's rows in the caller's working set."""
    digests: Any = feed.model.version_digest
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(digests), 0)).where(feed.visibility(principal))
    ).one()
    return EntityChecksum(count=int(count), hash=digest_hex(int(total)))


def checksums(principal: Principal) -> ChecksumOut:
    """The checksum of every synced entity of the caller's working set."""
    return ChecksumOut(**{feed.entity: entity_checksum(principal, feed) for feed in FEEDS})
