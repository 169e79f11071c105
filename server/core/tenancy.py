"""Every query starts from the caller's organisation: nothing of another one is ever visible."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select

from server.core.auth import Principal

ModelT = TypeVar("ModelT")


def org_scoped(model: type[ModelT], principal: Principal) -> Select[Any]:
    """SELECT model rows of the caller's organisation only."""
    org_column: Any = model.org_id  # type: ignore[attr-defined]
    return select(model).where(org_column == principal.org_id)


def scoped_columns(model: type[Any], principal: Principal, *columns: Any) -> Select[Any]:
    """SELECT some columns of `model` rows of the caller's organisation only."""
    return select(*columns).where(model.org_id == principal.org_id)
