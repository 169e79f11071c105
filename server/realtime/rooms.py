"""Room names live only here."""

from __future__ import annotations

from typing import Any


def user_room(user_id: Any) -> str:
    """Everything addressed to one user."""
    return f"user:{user_id}"


def org_role_room(org_id: Any, role: str) -> str:
    """Everyone of one role in one organisation (managers and admins get team-wide news)."""
    return f"org:{org_id}:{role}"
