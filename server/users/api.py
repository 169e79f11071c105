"""HTTP edge for auth, users and API tokens: parse, call an operation, dump."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, request

from server.config import current_settings
from server.core.auth import current_auth, require_login, require_role, session_cookie_names
from server.core.clock import now_utc
from server.core.errors import ApiError
from server.core.http import json_response
from server.core.transaction import unit_of_work
from server.core.validation import PageQuery, parse_body, parse_query
from server.users import operations, queries
from server.users.schemas import (
    ApiTokenCreate,
    ApiTokenList,
    ApiTokenOut,
    LoginIn,
    SelfOut,
    SelfPatch,
    SessionOut,
    UserCreate,
    UserList,
    UserListQuery,
    UserOut,
    UserPatch,
)

blueprint = Blueprint("users", __name__, url_prefix="/api/v1")

INVALID_LOGIN = "the email or password is not correct"


@blueprint.post("/auth/login")
def login() -> Response:
    """Exchange email and password for a session cookie and a CSRF token."""
    started = _log_in(parse_body(LoginIn))
    body = SessionOut(
        user=SelfOut.model_validate(started.user, from_attributes=True),
        csrf_token=started.session.csrf_token,
    )
    response = json_response(body)
    settings = current_settings()
    for name in session_cookie_names(settings.cookie_secure):
        response.set_cookie(
            name,
            started.secret,
            max_age=settings.session_absolute_lifetime_s,
            path="/",
            secure=settings.cookie_secure,
            httponly=True,
            samesite="Lax",
        )
    return response


def _log_in(data: LoginIn) -> operations.StartedSession:
    """A new session for valid credentials, or 401 (429 past the throttle). The attempt is
    counted and committed before the password is checked, so concurrent guesses see each
    other; the check itself holds no lock on the counters."""
    with unit_of_work():
        claim = operations.claim_login_attempt(data.email, request.remote_addr or "", now_utc())
    with unit_of_work():
        started = operations.attempt_login(claim, data.password)
    if started is None:
        raise ApiError(401, "invalid_credentials", INVALID_LOGIN)
    return started


@blueprint.post("/auth/logout")
@require_login
def logout() -> Response:
    """End every session of the caller."""
    with unit_of_work():
        operations.end_all_sessions(current_auth().principal.id)
    response = Response(status=204)
    settings = current_settings()
    for name in session_cookie_names(settings.cookie_secure):
        response.delete_cookie(
            name, path="/", secure=settings.cookie_secure, httponly=True, samesite="Lax"
        )
    return response


@blueprint.get("/auth/me")
@require_login
def me() -> Response:
    """Who is logged in, and the CSRF token to send with writes."""
    auth = current_auth()
    user = SelfOut.model_validate(auth.principal, from_attributes=True)
    return json_response(SessionOut(user=user, csrf_token=auth.csrf_token))


@blueprint.patch("/auth/me")
@require_login
def update_me() -> Response:
    """The logged-in user changes their own settings; answers like GET /auth/me."""
    patch = parse_body(SelfPatch)
    auth = current_auth()
    with unit_of_work():
        user = operations.update_own_settings(auth.principal, patch)
        body = SessionOut(
            user=SelfOut.model_validate(user, from_attributes=True), csrf_token=auth.csrf_token
        )
    return json_response(body)


@blueprint.post("/users")
@require_role("admin")
def create_user() -> Response:
    """An admin adds a user to the organisation."""
    data = parse_body(UserCreate)
    with unit_of_work():
        user = operations.create_user(current_auth().principal, data)
        body = UserOut.model_validate(user, from_attributes=True)
    return json_response(body, 201)


@blueprint.get("/users")
@require_login
def list_users() -> Response:
    """The organisation's users, by email."""
    args = parse_query(UserListQuery)
    page = queries.list_users(current_auth().principal, args.limit, args.cursor, args.role)
    items = [UserOut.model_validate(user, from_attributes=True) for user in page.items]
    return json_response(UserList(items=items, next_cursor=page.next_cursor))


@blueprint.get("/users/<uuid:user_id>")
@require_login
def get_user(user_id: uuid.UUID) -> Response:
    """One user of the organisation."""
    user = queries.get_user(current_auth().principal, user_id)
    return json_response(UserOut.model_validate(user, from_attributes=True))


@blueprint.patch("/users/<uuid:user_id>")
@require_role("admin")
def update_user(user_id: uuid.UUID) -> Response:
    """An admin changes a user; disabling ends their sessions."""
    patch = parse_body(UserPatch)
    with unit_of_work():
        user = operations.update_user(current_auth().principal, user_id, patch)
        body = UserOut.model_validate(user, from_attributes=True)
    return json_response(body)


@blueprint.post("/api-tokens")
@require_role("admin")
def create_api_token() -> Response:
    """Issue a bearer token for an integration; the secret is in this answer only."""
    data = parse_body(ApiTokenCreate)
    with unit_of_work():
        token, secret = operations.create_api_token(current_auth().principal, data)
        body = ApiTokenOut.model_validate(token, from_attributes=True)
    body.token = secret
    return json_response(body, 201)


@blueprint.get("/api-tokens")
@require_role("admin")
def list_api_tokens() -> Response:
    """The organisation's API tokens (never their secrets)."""
    args = parse_query(PageQuery)
    page = queries.list_api_tokens(current_auth().principal, args.limit, args.cursor)
    items = [ApiTokenOut.model_validate(token, from_attributes=True) for token in page.items]
    return json_response(ApiTokenList(items=items, next_cursor=page.next_cursor))


@blueprint.delete("/api-tokens/<uuid:token_id>")
@require_role("admin")
def revoke_api_token(token_id: uuid.UUID) -> Response:
    """Revoke a bearer token."""
    with unit_of_work():
        operations.revoke_api_token(current_auth().principal, token_id)
    return Response(status=204)
