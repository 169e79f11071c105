"""Socket.IO connect handling: refuse strangers, put callers in their rooms."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_socketio import join_room

from server.core.auth import current_principal
from server.extensions import socketio
from server.realtime.rooms import org_role_room, user_room


@socketio.on("connect")
def connect(auth: Any = None) -> bool:
    """Accept only callers with a valid session cookie (or bearer token); join their rooms."""
    if not current_user.is_authenticated:
        return False
    principal = current_principal()
    join_room(user_room(principal.id))
    join_room(org_role_room(principal.org_id, principal.role))
    return True
