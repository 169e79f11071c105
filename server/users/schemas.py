"""What clients send and receive about users and sessions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, EmailStr, Field, StringConstraints, field_validator

from server.core.validation import PageQuery, Schema
from server.geo.geojson import Point, point_from_stored

Role = Literal["admin", "manager", "rep"]
# Spaces around a name are dropped before the length check, so "   " is no name at all.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# A day ahead at most; the table's users_reminder_minutes_range check holds the same bound.
MAX_REMINDER_MINUTES = 24 * 60


class LoginIn(Schema):
    """Credentials for POST /auth/login."""

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class UserOut(BaseModel):
    """A user as the API shows it."""

    id: uuid.UUID
    email: str
    name: str
    role: Role
    org_id: uuid.UUID
    manager_id: uuid.UUID | None
    is_active: bool
    home_base: Point | None = Field(
        default=None,
        validation_alias=AliasChoices("home_location", "home_base"),
        description="Where the user starts the day: the point nearest_rep assignment measures from",
    )
    created_at: datetime
    version: int

    @field_validator("home_base", mode="before")
    @classmethod
    def _stored_point(cls, value: object) -> object:
        # Read from a user row: the column's value, not yet GeoJSON.
        if value is None or isinstance(value, dict | Point):
            return value
        return point_from_stored(value)


class SelfOut(UserOut):
    """The logged-in user as they see themself: a user and their own settings."""

    reminder_minutes: int = Field(
        description="Minutes before a task is due that the app reminds its assignee; 0: never"
    )


class SessionOut(BaseModel):
    """The answer to login and /auth/me."""

    user: SelfOut
    csrf_token: str | None


class SelfPatch(Schema):
    """PATCH /auth/me: the logged-in user changes their own settings; fields left out stay."""

    reminder_minutes: int | None = Field(default=None, ge=0, le=MAX_REMINDER_MINUTES)

    @field_validator("reminder_minutes", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Off is 0, so null would mean nothing at all.
        if value is None:
            raise ValueError("may not be null (0 turns reminders off)")
        return value


class UserCreate(Schema):
    """POST /users: an admin adds a manager, a rep or another admin."""

    id: uuid.UUID | None = None
    email: EmailStr = Field(max_length=254)
    name: Name
    role: Role
    password: str = Field(min_length=1, max_length=1024)
    manager_id: uuid.UUID | None = None
    home_base: Point | None = None


class UserPatch(Schema):
    """PATCH /users/{id}: rename, change role or manager, disable, or set a new password."""

    name: Name | None = None
    role: Role | None = None
    manager_id: uuid.UUID | None = None
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=1024)
    home_base: Point | None = None
    version: int | None = Field(default=None, ge=1)

    @field_validator("name", "role", "is_active", "password", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Leaving a field out keeps it; null would blank a column every user must have.
        if value is None:
            raise ValueError("may not be null")
        return value


class UserListQuery(PageQuery):
    """Query string of GET /users."""

    role: Role | None = None


class UserList(BaseModel):
    """A page of users."""

    items: list[UserOut]
    next_cursor: str | None


class ApiTokenCreate(Schema):
    """POST /api-tokens: an admin issues a bearer token acting as a user (themself by default)."""

    name: Name
    user_id: uuid.UUID | None = None


class ApiTokenOut(BaseModel):
    """An API token; `token` is shown once, when it is created."""

    id: uuid.UUID
    name: str
    user_id: uuid.UUID
    created_at: datetime
    revoked_at: datetime | None
    token: str | None = None


class ApiTokenList(BaseModel):
    """A page of API tokens."""

    items: list[ApiTokenOut]
    next_cursor: str | None
