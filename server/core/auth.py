"""Who is calling: session cookie or bearer token, CSRF and Fetch Metadata checks, roles.

The user and session records live in the users package; it hands its loaders to init_auth(),
so this module knows how to check a request without knowing any business table.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, Request, current_app, g, request
from flask_login import current_user

from server.core.errors import ApiError
from server.extensions import login_manager

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "X-CSRF-Token"

F = TypeVar("F", bound=Callable[..., Any])


class Principal(Protocol):
    """What the rest of the app needs to know about the caller."""

    id: Any
    org_id: Any
    role: str

    @property
    def is_authenticated(self) -> bool: ...


@dataclass(frozen=True)
class Authenticated:
    """The caller and how they proved it; csrf_token is None for bearer tokens."""

    principal: Principal
    csrf_token: str | None
    # The id of the session or API token the caller proved themselves with.
    credential_id: Any = None

    @property
    def by_session(self) -> bool:
        """True for a browser session (cookie), False for an API token."""
        return self.csrf_token is not None


@dataclass
class SystemPrincipal:
    """Acts for an organisation outside any request (CLI commands, scheduled jobs)."""

    id: Any
    org_id: Any
    role: str = "admin"
    is_authenticated: bool = True


SessionLoader = Callable[[str], Authenticated | None]
TokenLoader = Callable[[str], Authenticated | None]


def new_secret() -> str:
    """A fresh random token for a session, a CSRF check or an API token."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> bytes:
    """What we store instead of a secret: a stolen table gives no usable token."""
    return hashlib.sha256(secret.encode()).digest()


SESSION_COOKIE = "__Host-waypoint"
# Browsers and curl refuse a `__Host-` cookie that lacks Secure, and plain-HTTP local development
# cannot send Secure cookies to every client. There, the same session also travels under this
# unprefixed name; with cookie_secure on (any real deployment) only the `__Host-` cookie exists.
DEVELOPMENT_SESSION_COOKIE = "waypoint-dev-session"


def session_cookie_names(secure: bool) -> tuple[str, ...]:
    """The cookie names a login sets: `__Host-` keeps the cookie bound to this exact origin."""
    return (SESSION_COOKIE,) if secure else (SESSION_COOKIE, DEVELOPMENT_SESSION_COOKIE)


AUTH_LOADERS = "waypoint_auth_loaders"


def init_auth(app: Flask, load_session: SessionLoader, load_token: TokenLoader) -> None:
    """Teach Flask-Login to recognise callers by session cookie or bearer token."""
    app.extensions[AUTH_LOADERS] = (load_session, load_token)
    login_manager.init_app(app)
    login_manager.session_protection = None
    # Flask-Login skips the request loader whenever a cookie with this name arrives, so a stray
    # `remember_token` (set by another app on the same host) would log our users out. A name
    # holding ";" can never be parsed out of a Cookie header, so that branch never runs.
    app.config["REMEMBER_COOKIE_NAME"] = "waypoint;no-remember-cookie"

    # The login manager is shared by every app of the process: read the app per request.
    @login_manager.request_loader
    def _load_caller(req: Request) -> Any:
        authenticated = _authenticate(req, current_app, load_session, load_token)
        g.auth = authenticated
        return authenticated.principal if authenticated else None

    app.before_request(_refuse_cross_site_writes)


def _authenticate(
    req: Request, app: Flask, load_session: SessionLoader, load_token: TokenLoader
) -> Authenticated | None:
    header = req.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return load_token(header[7:].strip())
    cookie = req.cookies.get(SESSION_COOKIE)
    if cookie is None and not app.config["WAYPOINT_SETTINGS"].cookie_secure:
        cookie = req.cookies.get(DEVELOPMENT_SESSION_COOKIE)
    return load_session(cookie) if cookie else None


def authenticate(req: Request) -> Authenticated | None:
    """The caller behind a request's session cookie or bearer header, checked as every HTTP
    request is (for the Socket.IO handshake, which is no Flask view)."""
    load_session, load_token = current_app.extensions[AUTH_LOADERS]
    return _authenticate(req, current_app, load_session, load_token)


def authenticate_token(secret: str) -> Authenticated | None:
    """The caller behind an API token sent other than in a header (the Socket.IO `auth`)."""
    _, load_token = current_app.extensions[AUTH_LOADERS]
    result: Authenticated | None = load_token(secret)
    return result


def presents_credentials(req: Request) -> bool:
    """True when a request carries a session cookie or a bearer header, valid or not."""
    if req.headers.get("Authorization", "").lower().startswith("bearer "):
        return True
    secure = current_app.config["WAYPOINT_SETTINGS"].cookie_secure
    return any(name in req.cookies for name in session_cookie_names(secure))


def same_origin(origin: str, host: str) -> bool:
    """True when a browser's `Origin` names the host (and port) the request came to."""
    parts = urlsplit(origin)
    return parts.netloc.lower() == host.lower() and parts.scheme in {"http", "https"}


def _refuse_cross_site_writes() -> None:
    """Fetch Metadata first, Origin as the fallback; neither header means a non-browser client."""
    if request.method not in UNSAFE_METHODS:
        return
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site == "cross-site":
            raise ApiError(403, "csrf_failed", "cross-site requests are not allowed")
        return
    origin = request.headers.get("Origin")
    # "null" comes from sandboxed frames and cross-site redirects: never from our own pages.
    if origin and not same_origin(origin, request.host):
        raise ApiError(403, "csrf_failed", "cross-origin requests are not allowed")


def current_auth() -> Authenticated:
    """The authenticated caller of this request, or 401."""
    if not current_user.is_authenticated:
        raise ApiError(401, "unauthorized", "log in first")
    return cast(Authenticated, g.auth)


def current_principal() -> Principal:
    """The user making this request, or 401."""
    return current_auth().principal


def check_csrf(auth: Authenticated) -> None:
    """Cookie-authenticated unsafe requests must echo the session's CSRF token."""
    if request.method not in UNSAFE_METHODS or auth.csrf_token is None:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    # Compared as bytes: compare_digest refuses str holding non-ASCII characters.
    if not sent or not hmac.compare_digest(sent.encode(), auth.csrf_token.encode()):
        raise ApiError(403, "csrf_failed", "missing or invalid X-CSRF-Token header")


def require_login(view: F) -> F:
    """The view needs a logged-in caller (and, for cookie sessions, a CSRF token on writes)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        check_csrf(current_auth())
        return view(*args, **kwargs)

    return cast(F, guarded)


def require_role(*roles: str) -> Callable[[F], F]:
    """The view needs a logged-in caller with one of `roles`."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            auth = current_auth()
            check_csrf(auth)
            if auth.principal.role not in roles:
                raise ApiError(403, "forbidden", "your role may not do this")
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate
