"""Forgetting what authentication no longer needs: closed rate-limit windows (failed logins and
the like), ended sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_

from server.config import current_settings
from server.core import rate_limits
from server.core.clock import now_utc
from server.extensions import db
from server.users.models import UserSession


def purge_stale_logins(now: datetime | None = None) -> tuple[int, int]:
    """Delete rate-limit counters whose window closed (they count toward no limit any more) and
    sessions that can no longer be used (expired, idle too long, or revoked); returns (counters,
    sessions) deleted."""
    now = now or now_utc()
    counters = rate_limits.forget_closed_windows(now)
    idle = timedelta(seconds=current_settings().session_idle_timeout_s)
    sessions = db.session.execute(
        delete(UserSession).where(
            or_(
                UserSession.expires_at <= now,
                UserSession.last_seen_at <= now - idle,
                UserSession.revoked_at.is_not(None),
            )
        )
    )
    db.session.flush()
    return counters, int(sessions.rowcount or 0)  # type: ignore[attr-defined]
