"""Users, their server-side sessions and API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.geo.types import geography_point

ROLES = ("admin", "manager", "rep")
# Minutes before a task is due that its assignee's app reminds them; 0 turns reminders off.
DEFAULT_REMINDER_MINUTES = 30


class User(db.Model):  # type: ignore[name-defined,misc]
    """Someone who logs in; belongs to one organisation and has one role."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'manager', 'rep')", name="users_role_known"),
        CheckConstraint(
            "reminder_minutes BETWEEN 0 AND 1440",
            name="users_reminder_minutes_range",
        ),
        Index("users_email_key", text("lower(email)"), unique=True),
        Index("users_org_id_idx", "org_id", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    manager_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Bumped when the rows this user's devices may hold change in a way a pull's tombstones
    # cannot follow (their role or team changed, a row they held was forgotten): a pull cursor
    # of an older epoch is refused, and the device downloads everything again.
    sync_epoch: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The user's own setting, on the server so that each of their devices reminds alike.
    reminder_minutes: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_REMINDER_MINUTES, server_default=str(DEFAULT_REMINDER_MINUTES)
    )

    # Where the rep starts their days (home or depot): campaigns launched "nearest_rep" assign
    # each account to the rep whose home base is nearest.
    home_location: Mapped[Any] = mapped_column(geography_point(), nullable=True)

    # Flask-Login reads these.
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    def get_id(self) -> str:
        """The id Flask-Login keeps for this user."""
        return str(self.id)


class UserSession(db.Model):  # type: ignore[name-defined,misc]
    """A logged-in browser; deleting or revoking the row ends the session at once."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("user_sessions_user_idx", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A bearer token for an integration; acts as the user it was issued for."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("api_tokens_org_idx", "org_id", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
