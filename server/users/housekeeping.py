"""Forgetting what authentication no longer needs: old failed logins, ended sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_

from server.config import current_settings
from server.core.clock import now_utc
from server.extensions import db
from server.users.models import LoginFailure, UserSession

# Failed logins older than this count toward no throttle any more.
FAILURES_KEPT = timedelta(days=1)


def purge_stale_logins(now: datetime | None = None) -> tuple[int, int]:
    """Delete failed logins past every throttle window and sessions that can no longer be used
    (expired, idle too long, or revoked); returns (failures, sessions) deleted."""
    now = now or now_utc()
    idle = timedelta(seconds=current_settings().session_idle_timeout_s)
    failures = db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - FAILURES_KEPT))
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
    return int(failures.rowcount or 0), int(sessions.rowcount or 0)  # type: ignore[attr-defined]
