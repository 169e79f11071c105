"""Changing users and sessions: login, logout, adding and disabling users, API tokens.

Operations flush and never commit; the edge that calls them wraps them in unit_of_work().
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from server.audit.operations import record_token_for_other_user
from server.config import current_settings
from server.core import rate_limits
from server.core.auth import Authenticated, Principal, SystemPrincipal, digest, new_secret
from server.core.clock import new_id, now_utc
from server.core.errors import conflict, invalid
from server.core.events import CloseSockets, queue_event
from server.core.visibility import load_visible
from server.extensions import db
from server.geo.queries import point_to_store
from server.users import queries
from server.users.models import ApiToken, User, UserSession
from server.users.passwords import (
    hash_password,
    password_problem,
    spend_verification_time,
    verify_password,
)
from server.users.schemas import ApiTokenCreate, SelfPatch, UserCreate, UserPatch

# Refreshing last_seen_at on every request would turn every read into a write.
SESSION_TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class StartedSession:
    """A new login: the user, the cookie secret (shown once) and the session row."""

    user: User
    secret: str
    session: UserSession


@dataclass(frozen=True)
class LoginClaim:
    """A login attempt, counted before its password is checked: the user the email names (or
    None) and the throttle keys it was counted under (pair, account, address)."""

    user: User | None
    keys: tuple[str, str, str]


def throttle_key(email: str) -> str:
    """The one spelling of an email that failed logins are counted under (case, spaces)."""
    return email.strip().lower()[:254]


def throttle_keys(email: str, address: str) -> tuple[str, str, str]:
    """The keys one attempt is counted under: its account and address together, its account,
    its address."""
    account, client = throttle_key(email), address[:64]
    return f"login-pair:{account}|{client}", f"login-account:{account}", f"login-address:{client}"


def claim_login_attempt(email: str, address: str, now: datetime) -> LoginClaim:
    """Count a login attempt under its pair, account and address before the password is checked,
    so concurrent guesses cannot all pass one check; 429 with Retry-After (and nothing counted,
    since the caller's unit of work rolls back) when any of the three is spent.

    The pair's allowance is small and the account's much larger, so locking an account out for
    everyone by failing on purpose takes many addresses."""
    user = queries.find_user_by_email(email)
    # Count under the stored email, so no other spelling gets a fresh allowance.
    keys = throttle_keys(user.email if user is not None else email, address)
    settings = current_settings()
    limits = (
        settings.login_failures_per_minute,
        settings.login_failures_per_account_per_minute,
        settings.login_failures_per_address_per_minute,
    )
    # Always in this order (pair, account, address): concurrent claims never wait in a cycle.
    for key, limit in zip(keys, limits, strict=True):
        rate_limits.take(key, limit, now, "too many failed logins; try again later")
    return LoginClaim(user, keys)


def attempt_login(claim: LoginClaim, password: str) -> StartedSession | None:
    """Start a session for valid credentials, or None; the attempt was counted by
    claim_login_attempt, and a success gives it back."""
    user = claim.user
    if user is None:
        spend_verification_time(password)
    # The hash is checked first so a disabled account takes as long to refuse as any other.
    elif verify_password(user.password_hash, password) and user.is_active:
        _release_claim(claim)
        return start_session(user, now_utc())
    return None


def _release_claim(claim: LoginClaim) -> None:
    # A success clears its account's count and its own pair's (other addresses' pairs stay),
    # and gives the address back the attempt it took.
    pair, account, address = claim.keys
    rate_limits.forget(pair, account)
    rate_limits.give_back(address)


def start_session(user: User, now: datetime) -> StartedSession:
    """A fresh session id and CSRF token for `user`."""
    settings = current_settings()
    secret = new_secret()
    session = UserSession(
        id=new_id(),
        token_hash=digest(secret),
        user_id=user.id,
        org_id=user.org_id,
        csrf_token=new_secret(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(seconds=settings.session_absolute_lifetime_s),
    )
    db.session.add(session)
    db.session.flush()
    return StartedSession(user, secret, session)


def end_all_sessions(user_id: uuid.UUID) -> None:
    """Revoke every session of a user: logout, disabling and password changes do this. The
    sockets those sessions opened close once it is committed (API tokens' stay open)."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now_utc())
    )
    queue_event(db.session(), CloseSockets(user_id, sessions_only=True))


def resolve_session(secret: str) -> Authenticated | None:
    """The caller behind a session cookie, refreshing its idle clock now and then."""
    settings = current_settings()
    now = now_utc()
    found = queries.find_live_session(
        secret, now, timedelta(seconds=settings.session_idle_timeout_s)
    )
    if found is None:
        return None
    session, user = found
    if now - session.last_seen_at > SESSION_TOUCH_INTERVAL:
        session.last_seen_at = now
        db.session.flush()
    return Authenticated(principal=user, csrf_token=session.csrf_token, credential_id=session.id)


def resolve_token(secret: str) -> Authenticated | None:
    """The caller behind a bearer token; tokens need no CSRF token."""
    found = queries.find_live_token(secret)
    if found is None:
        return None
    token_id, user = found
    return Authenticated(principal=user, csrf_token=None, credential_id=token_id)


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise invalid({"password": problem})


def _check_manager(
    principal: Principal, manager_id: uuid.UUID | None, user_id: uuid.UUID | None = None
) -> None:
    if manager_id is None:
        return
    if manager_id == user_id:
        raise invalid({"manager_id": "a user cannot be their own manager"})
    manager = queries.get_user(principal, manager_id)
    if manager.role == "rep":
        raise invalid({"manager_id": "must be a manager or admin of this organisation"})


def create_user(principal: Principal, data: UserCreate) -> User:
    """Add a user to the caller's organisation."""
    _check_password(data.password)
    if queries.email_in_use(data.email):
        raise conflict("a user with this email already exists", {"email": "already in use"})
    if data.id is not None and db.session.get(User, data.id) is not None:
        raise conflict("this id is already used", {"id": "already in use"})
    _check_manager(principal, data.manager_id)
    user = User(
        id=data.id or new_id(),
        org_id=principal.org_id,
        email=data.email.strip(),
        name=data.name.strip(),
        role=data.role,
        manager_id=data.manager_id,
        password_hash=hash_password(data.password),
        is_active=True,
        home_location=point_to_store(data.home_base),
        version=1,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_first_admin(org_id: uuid.UUID, email: str, name: str, password: str) -> User:
    """The first admin of a new organisation (from the CLI)."""
    principal = SystemPrincipal(id=None, org_id=org_id)
    return create_user(
        principal, UserCreate(email=email, name=name, role="admin", password=password)
    )


def update_user(principal: Principal, user_id: uuid.UUID, patch: UserPatch) -> User:
    """Change a user; disabling one or changing their password ends their sessions. Disabling
    closes every socket of theirs; a new role closes them too, and their devices reconnect into
    the rooms of the new role."""
    user = queries.get_user(principal, user_id)
    if patch.version is not None and patch.version != user.version:
        raise conflict("the user changed since you read it", {"version": "stale"})
    changes = patch.model_dump(exclude_unset=True, exclude={"version", "password", "home_base"})
    if "home_base" in patch.model_fields_set:
        user.home_location = point_to_store(patch.home_base)
    if "manager_id" in changes:
        _check_manager(principal, patch.manager_id, user.id)
    if user.id == principal.id and (changes.get("is_active") is False or "role" in changes):
        raise invalid({"is_active": "you cannot disable yourself or change your own role"})
    _bump_sync_epochs_on_change(user, changes)
    new_role = changes.get("role", user.role) != user.role
    for name, value in changes.items():
        setattr(user, name, value)
    if patch.password is not None:
        _check_password(patch.password)
        user.password_hash = hash_password(patch.password)
    disabled = changes.get("is_active") is False
    if patch.password is not None or disabled:
        end_all_sessions(user.id)
    if disabled or new_role:
        queue_event(db.session(), CloseSockets(user.id, reconnect=not disabled))
    user.version += 1
    db.session.flush()
    return user


def update_own_settings(principal: Principal, patch: SelfPatch) -> User:
    """The caller changes their own settings (reminders); a new version of their user."""
    user: User = load_visible(User, principal, principal.id, for_update=True)
    changes = patch.model_dump(exclude_unset=True)
    if all(getattr(user, name) == value for name, value in changes.items()):
        return user
    for name, value in changes.items():
        setattr(user, name, value)
    user.version += 1
    db.session.flush()
    return user


# What a user may see, or what their managers see through them, depends on these.
SYNC_SCOPE_FIELDS = ("role", "manager_id", "is_active")


def _bump_sync_epochs_on_change(user: User, changes: dict[str, Any]) -> None:
    """When a change moves what the user's devices, or their old or new manager's, may hold,
    refuse those devices' pull cursors: the tombstones of rows that left them follow no row."""
    if all(
        changes.get(name, getattr(user, name)) == getattr(user, name) for name in SYNC_SCOPE_FIELDS
    ):
        return
    affected = {user.id, user.manager_id, changes.get("manager_id", user.manager_id)}
    bump_sync_epochs({user_id for user_id in affected if user_id is not None})


def bump_sync_epochs(user_ids: set[uuid.UUID]) -> None:
    """Add one to these users' sync epochs, in the caller's transaction: their devices' pull
    cursors are refused and they download their working set again."""
    if not user_ids:
        return
    db.session.execute(
        update(User)
        .where(User.id.in_(user_ids))
        .values(sync_epoch=User.sync_epoch + 1)
        .execution_options(synchronize_session=False)
    )


def create_api_token(principal: Principal, data: ApiTokenCreate) -> tuple[ApiToken, str]:
    """Issue a bearer token; its secret is returned once and only its hash is kept. A token
    that acts as another user is written to the audit log."""
    user = queries.get_user(principal, data.user_id or principal.id)
    secret = new_secret()
    token = ApiToken(
        id=new_id(),
        org_id=principal.org_id,
        user_id=user.id,
        name=data.name.strip(),
        token_hash=digest(secret),
        created_at=now_utc(),
    )
    db.session.add(token)
    db.session.flush()
    record_token_for_other_user(principal, user.id, token.id, token.name)
    return token, secret


def revoke_api_token(principal: Principal, token_id: uuid.UUID) -> None:
    """Revoke a token of the caller's organisation, or 404; sockets it opened close."""
    token: ApiToken = load_visible(ApiToken, principal, token_id)
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        db.session.flush()
        queue_event(db.session(), CloseSockets(token.user_id, credential_id=token.id))
