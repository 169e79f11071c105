"""Checksums of a working set, so a device can prove it holds exactly what the server has."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from server.core.auth import Principal
from server.extensions import db
from server.sync.feeds import FEEDS, Feed
from server.sync.schemas import ChecksumOut, EntityChecksum


def entity_checksum(principal: Principal, feed: Feed) -> EntityChecksum:
    """Count and sha256 hex of "id:version" joined by "," in id order (uuid order is the order
    of their lower-case text, so a device can sort its strings the same way). Visits and
    notes are append-only: their version is always 1."""
    version: Any = getattr(feed.model, "version", literal(1))
    item = cast(feed.model.id, Text) + literal(":") + cast(version, Text)
    joined = func.coalesce(
        func.string_agg(item, aggregate_order_by(literal(","), feed.model.id)), ""
    )
    digest = func.encode(func.sha256(func.convert_to(joined, "UTF8")), "hex")
    count, hashed = db.session.execute(
        select(func.count(), digest).where(feed.visibility(principal))
    ).one()
    return EntityChecksum(count=int(count), hash=str(hashed))


def checksums(principal: Principal) -> ChecksumOut:
    """The checksum of every synced entity of the caller's working set."""
    return ChecksumOut(**{feed.entity: entity_checksum(principal, feed) for feed in FEEDS})
