"""Read use cases of saved segments, and their visibility rule."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from server.core.auth import Principal
from server.core.visibility import register
from server.segments.models import Segment


def may_see(principal: Principal) -> ColumnElement[bool]:
    """Managers and admins share the organisation's segments; a rep sees the ones they saved."""
    if principal.role in ("admin", "manager"):
        return true()
    own: ColumnElement[bool] = Segment.created_by == principal.id
    return own


register(Segment, "segment", may_see)
