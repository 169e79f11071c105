"""Every query starts from the caller's organisation: nothing of another one is ever visible.

core.visibility adds each entity's role rule to this condition; resolve ids through it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from server.core.auth import Principal


def in_org(model: Any, principal: Principal) -> ColumnElement[bool]:
    """The tenant condition: rows of `model` that belong to the caller's organisation."""
    condition: ColumnElement[bool] = model.org_id == principal.org_id
    return condition
