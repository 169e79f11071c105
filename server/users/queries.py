"""Reading users, sessions and tokens."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, false, func, or_, select, true

from server.core.auth import Principal, digest
from server.core.pagination import Page, keyset_page
from server.core.visibility import load_visible, register, visible
from server.extensions import db
from server.users.models import ApiToken, User, UserSession


def admins_only(principal: Principal) -> ColumnElement[bool]:
    """The rule of API tokens: only admins see (and revoke) them."""
    return true() if principal.role == "admin" else false()


# Every member of an organisation may see its users; its API tokens only its admins.
register(User, "user")
register(ApiToken, "API token", admins_only)


def get_user(principal: Principal, user_id: uuid.UUID) -> User:
    """A user of the caller's organisation, or 404."""
    user: User = load_visible(User, principal, user_id)
    return user


def list_users(
    principal: Principal, limit: int, cursor: str | None, role: str | None = None
) -> Page[Any]:
    """Users of the caller's organisation by email."""
    query = select(User).where(visible(User, principal))
    if role is not None:
        query = query.where(User.role == role)
    keys = [User.email, User.id]
    page = keyset_page(query, keys, limit, cursor, lambda row: [row[0].email, str(row[0].id)])
    return Page([row[0] for row in page.items], page.next_cursor)


def find_user_by_email(email: str) -> User | None:
    """The user with this email, any organisation (login does not know the organisation yet)."""
    # PostgreSQL lowers both sides, as the unique index does: Python's lower() differs for
    # some letters ("İ"), which would hide a user from login or let a duplicate past the check.
    return db.session.scalar(
        select(User).where(func.lower(User.email) == func.lower(email.strip()))
    )


def email_in_use(email: str) -> bool:
    """True when any user already has this email (emails identify people at login)."""
    return find_user_by_email(email) is not None


def find_live_session(
    secret: str, now: datetime, idle: timedelta
) -> tuple[UserSession, User] | None:
    """The active session and user behind a cookie secret, unless expired, idle or revoked."""
    parameters = {"token_hash": digest(secret), "now": now, "seen_after": now - idle}
    row = db.session.execute(_live_session_statement(), parameters).first()
    return (row[0], row[1]) if row else None


def find_live_token(secret: str) -> tuple[uuid.UUID, User] | None:
    """The id of an unrevoked bearer token and its active user, by the token's secret."""
    row = db.session.execute(_live_token_statement(), {"token_hash": digest(secret)}).first()
    return (row[0], row[1]) if row else None


# Every request runs one of these two, so each is built once and only its values are bound:
# building and hashing the statement again cost more than running it.
@cache
def _live_session_statement() -> Select[UserSession, User]:
    return (
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.token_hash == bindparam("token_hash"),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > bindparam("now"),
            UserSession.last_seen_at > bindparam("seen_after"),
            User.is_active.is_(True),
        )
    )


@cache
def _live_token_statement() -> Select[uuid.UUID, User]:
    return (
        select(ApiToken.id, User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == bindparam("token_hash"),
            ApiToken.revoked_at.is_(None),
            User.is_active.is_(True),
        )
    )


def list_api_tokens(principal: Principal, limit: int, cursor: str | None) -> Page[Any]:
    """API tokens of the caller's organisation, newest first by id order."""
    keys = [ApiToken.id]
    page = keyset_page(
        select(ApiToken).where(visible(ApiToken, principal)),
        keys,
        limit,
        cursor,
        lambda r: [str(r[0].id)],
    )
    return Page([row[0] for row in page.items], page.next_cursor)


def team_member_ids(principal: Principal) -> Any:
    """A subquery of the ids of the users who report to the caller."""
    return select(User.id).where(visible(User, principal), User.manager_id == principal.id)


def managers_of(user_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """The managers these users report to (those who see their rows by the team rule)."""
    if not user_ids:
        return set()
    query = select(User.manager_id).where(User.id.in_(set(user_ids)), User.manager_id.is_not(None))
    return set(db.session.scalars(query))


def written_by_seen_users(principal: Principal, user_id: Any) -> ColumnElement[bool]:
    """A role rule for rows written by one user (`user_id` column): admins see everyone's,
    managers their own and their team's, reps their own (core.visibility adds the tenant)."""
    if principal.role == "admin":
        return true()
    if principal.role == "manager":
        return or_(user_id == principal.id, user_id.in_(team_member_ids(principal)))
    own: ColumnElement[bool] = user_id == principal.id
    return own


def active_user(principal: Principal, user_id: uuid.UUID) -> bool:
    """True when `user_id` is an active user; 404 when the caller may not see that user."""
    user: User = load_visible(User, principal, user_id)
    return user.is_active


def user_ids_by_email(principal: Principal) -> dict[str, uuid.UUID]:
    """Active users of the caller's organisation by lower-cased email."""
    rows = db.session.execute(
        select(User.email, User.id).where(visible(User, principal), User.is_active.is_(True))
    )
    return {email.lower(): user_id for email, user_id in rows}


def emails_by_user_id(principal: Principal) -> dict[uuid.UUID, str]:
    """Every user of the caller's organisation: id to email."""
    rows = db.session.execute(select(User.id, User.email).where(visible(User, principal)))
    return {row.id: row.email for row in rows}


def sync_epoch(principal: Principal) -> int:
    """The caller's sync epoch as this transaction sees it (read from the table, not from the
    user loaded at login, so it matches the snapshot a pull takes)."""
    return int(db.session.scalar(select(User.sync_epoch).where(User.id == principal.id)) or 0)
