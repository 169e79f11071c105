"""Writing the audit log (flush only; the caller's unit of work commits it)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from server.audit.models import AuditEntry
from server.core.auth import Principal
from server.core.clock import now_utc
from server.extensions import db

VISIT_LOCATION_READ = "visit.location.read"
TOKEN_FOR_OTHER_USER = "api_token.create_for_other_user"  # noqa: S105  (an action name)


def record_location_reads(
    principal: Principal, visits: Iterable[tuple[uuid.UUID, uuid.UUID]]
) -> None:
    """Log that `principal` read the raw coordinates of these (visit id, visit user id) pairs,
    one entry per other user whose location was shown; reading your own is not logged."""
    by_user: dict[uuid.UUID, list[str]] = defaultdict(list)
    for visit_id, user_id in visits:
        if user_id != principal.id:
            by_user[user_id].append(str(visit_id))
    for user_id, visit_ids in by_user.items():
        _add(principal, VISIT_LOCATION_READ, user_id, {"visit_ids": visit_ids})
    db.session.flush()


def record_token_for_other_user(
    principal: Principal, user_id: uuid.UUID, token_id: uuid.UUID, name: str
) -> None:
    """Log that `principal` minted a bearer token that acts as another user; a token for
    oneself is not logged."""
    if user_id == principal.id:
        return
    _add(principal, TOKEN_FOR_OTHER_USER, user_id, {"token_id": str(token_id), "name": name})
    db.session.flush()


def _add(
    principal: Principal, action: str, subject_user_id: uuid.UUID, details: dict[str, Any]
) -> None:
    db.session.add(
        AuditEntry(
            org_id=principal.org_id,
            actor_id=principal.id,
            action=action,
            subject_user_id=subject_user_id,
            details=details,
            at=now_utc(),
        )
    )
