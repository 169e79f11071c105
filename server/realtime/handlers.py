"""Socket.IO connect handling: refuse strangers, put callers in their rooms."""

from __future__ import annotations

from typing import Any, cast

from flask import current_app, request
from flask_socketio import join_room

from server.extensions import socketio
from server.realtime.lifecycle import EXTENSION, SocketLifecycle
from server.realtime.rooms import org_role_room, user_room


def sockets() -> SocketLifecycle:
    """The socket lifecycle of the app handling this event."""
    return cast(SocketLifecycle, current_app.extensions[EXTENSION])


@socketio.on("connect")
def connect(auth: Any = None) -> bool:
    """Accept only callers with a valid session cookie, bearer header or `auth: {"token"}`,
    within their socket cap; join the rooms of who they are now (the user row just read, so a
    new role counts from the next connect)."""
    lifecycle = sockets()
    principal = lifecycle.connect(request.sid, auth)  # type: ignore[attr-defined]
    join_room(user_room(principal.id))
    join_room(org_role_room(principal.org_id, principal.role))
    lifecycle.confirm(request.sid)  # type: ignore[attr-defined]
    return True


@socketio.on("disconnect")
def disconnect(reason: Any = None) -> None:
    """Free the user's place; the Engine.IO connection under it has no other use."""
    sockets().release(request.sid, close_transport=True)  # type: ignore[attr-defined]
