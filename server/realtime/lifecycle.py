"""The life of a socket on this process, from the Engine.IO handshake to its close.

1. Handshake (Engine.IO `connect`, before any Socket.IO packet): Engine.IO has already checked
   `Origin` (handshake.origin_check). The client address takes a place under
   SOCKETS_PER_ADDRESS, and a session cookie or bearer header that does not authenticate is
   refused there: 401, and no Engine.IO session is kept.
2. Connect (the Socket.IO CONNECT): the caller is authenticated again, from the cookie, the
   bearer header or `auth: {"token": ...}`, and the user takes a place under SOCKETS_PER_USER.
   An Engine.IO connection that has not connected within SOCKET_CONNECT_TIMEOUT_S, or whose
   connect was refused, is closed by the process's loop (python-socketio itself answers a
   refusal with CONNECT_ERROR and leaves the transport open for the client to close).
3. Close: once a change that ends a user's sessions or changes what they may hear commits, a
   CloseSockets goes to every process (Redis pub/sub with REDIS_URL, a direct call without),
   and each closes its own sockets of that user. A connect that authenticated before the change
   committed and registers after the message arrived is refused, so none slips between.

One loop per process (socketio.start_background_task, socketio.sleep: a thread in threading
mode, a greenlet under gevent) reads the close messages, closes overdue handshakes and renews the
sockets' leases in the shared counts. Without Redis it runs only while a handshake waits.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, NoReturn

import redis
from flask import Flask, request
from flask_socketio import ConnectionRefusedError as SocketRefused

from server.config import Settings
from server.core.auth import (
    Authenticated,
    Principal,
    authenticate,
    authenticate_token,
    presents_credentials,
)
from server.core.events import CloseSockets
from server.realtime.counts import LocalCounts, RedisCounts, SocketCounts, address_key, user_key
from server.realtime.handshake import client_address

log = logging.getLogger(__name__)

EXTENSION = "waypoint_sockets"
CLOSE_CHANNEL = "waypoint:sockets:close"
NAMESPACE = "/"
# How often the loop closes overdue handshakes (and, without messages, wakes at all).
TICK_S = 0.25
# A refused connect's CONNECT_ERROR goes out before its transport is closed.
REFUSED_GRACE_S = 0.1
# How long a close (or an Engine.IO connection that ended) is remembered, for connects that
# were still running when it happened.
CLOSE_MEMORY_S = 60.0


@dataclass(frozen=True)
class LiveSocket:
    """An authenticated Socket.IO connection of this process."""

    user_id: Any
    credential_id: Any
    by_session: bool
    eio_sid: str

    def closed_by(self, close: CloseSockets) -> bool:
        """True when `close` names this socket."""
        return (
            self.user_id == close.user_id
            and (close.credential_id is None or self.credential_id == close.credential_id)
            and (self.by_session or not close.sessions_only)
        )


def refusal(code: str, message: str) -> dict[str, Any]:
    """The body of a refused handshake (401), in the API's error shape."""
    return {"error": {"code": code, "message": message, "fields": {}}}


class SocketLifecycle:
    """Admission, counting and closing of one Socket.IO server's sockets (one per app)."""

    def __init__(self, app: Flask, server: Any, settings: Settings) -> None:
        self.app = app
        self.server = server
        self.settings = settings
        self.process_id = uuid.uuid4().hex
        self._redis = (
            redis.Redis.from_url(
                settings.redis_url,
                socket_timeout=5,
                socket_connect_timeout=5,
                health_check_interval=30,
            )
            if settings.redis_url
            else None
        )
        self.counts: SocketCounts = (
            RedisCounts(self._redis, settings.socket_lease_s)
            if self._redis is not None
            else LocalCounts()
        )
        # Held only around dictionary updates, never across anything that waits (the gevent
        # worker's monkey-patching makes it a cooperative lock).
        self._lock = threading.Lock()
        self._sockets: dict[str, LiveSocket] = {}  # Socket.IO sid -> socket
        self._by_user: dict[Any, set[str]] = {}
        self._by_eio: dict[str, str] = {}  # Engine.IO sid -> Socket.IO sid
        self._addresses: dict[str, str] = {}  # Engine.IO sid -> its address count
        self._deadlines: dict[str, float] = {}  # Engine.IO sid -> when to close it
        self._closes: deque[tuple[float, CloseSockets]] = deque()
        # Engine.IO connections that ended before a Socket.IO connect registered on them.
        self._ended: dict[str, float] = {}
        self._pubsub: Any = None
        self._subscribing = threading.Lock()
        # With Redis the loop, once started, runs for the life of the process: a close message
        # left unread while it stopped could close a later socket.
        self._keep_running = False
        self._loop_running = False
        self._next_renewal = 0.0

    # -- wiring ---------------------------------------------------------------------------

    def install(self) -> None:
        """Put the handshake check and the clean-up around python-socketio's Engine.IO
        handlers; the app's socket events find this object in its extensions."""
        self.app.extensions[EXTENSION] = self
        eio = self.server.eio
        on_connect, on_disconnect = eio.handlers["connect"], eio.handlers["disconnect"]

        def connect(eio_sid: str, environ: dict[str, Any]) -> Any:
            refused = self.admit_handshake(eio_sid, environ)
            return refused if refused is not None else on_connect(eio_sid, environ)

        def disconnect(eio_sid: str, *args: Any) -> Any:
            try:
                return on_disconnect(eio_sid, *args)
            finally:
                self.forget_handshake(eio_sid)

        eio.on("connect", connect)
        eio.on("disconnect", disconnect)

    # -- 1. the Engine.IO handshake -------------------------------------------------------

    def admit_handshake(self, eio_sid: str, environ: dict[str, Any]) -> dict[str, Any] | None:
        """None to let a new Engine.IO connection in, else the reason it is refused."""
        if self._redis is not None and not self._keep_running:
            self._listen()  # before the first socket is let in; the loop retries if it failed
        key = address_key(client_address(environ))
        if not self.counts.take(key, self._member(eio_sid), self.settings.sockets_per_address):
            return refusal("too_many_sockets", "too many live connections from this address")
        admitted = False
        try:
            with self.app.request_context(environ):
                admitted = not presents_credentials(request) or authenticate(request) is not None
        finally:
            if not admitted:
                self.counts.give_back(key, self._member(eio_sid))
        if not admitted:
            return refusal("unauthorized", "log in first")
        with self._lock:
            self._addresses[eio_sid] = key
            self._deadlines[eio_sid] = time.monotonic() + self.settings.socket_connect_timeout_s
            self._keep_running = self._redis is not None
        self._start_loop()
        return None

    def forget_handshake(self, eio_sid: str) -> None:
        """The Engine.IO connection ended: free its places."""
        now = time.monotonic()
        with self._lock:
            key = self._addresses.pop(eio_sid, None)
            self._deadlines.pop(eio_sid, None)
            sid = self._by_eio.get(eio_sid)
            if sid is None:
                # A connect still running on it must not register afterwards.
                self._ended.pop(eio_sid, None)
                self._ended[eio_sid] = now
                while self._ended:
                    oldest, at = next(iter(self._ended.items()))
                    if at >= now - CLOSE_MEMORY_S:
                        break
                    del self._ended[oldest]
        if sid is not None:
            self.release(sid)
        if key is not None:
            self.counts.give_back(key, self._member(eio_sid))

    # -- 2. the Socket.IO connect ---------------------------------------------------------

    def connect(self, sid: str, auth: Any) -> Principal:
        """Authenticate a Socket.IO connect (in its request context) and count it; raises
        ConnectionRefusedError, after which the transport is closed too."""
        started = time.monotonic()
        eio_sid = self.server.manager.eio_sid_from_sid(sid, NAMESPACE) or ""
        caller = self._authenticate(auth)
        if caller is None:
            self._refuse(eio_sid, "unauthorized", "log in first")
        principal = caller.principal
        key = user_key(principal.id)
        if not self.counts.take(key, self._member(sid), self.settings.sockets_per_user):
            self._refuse(eio_sid, "too_many_sockets", "too many live connections for this user")
        live = LiveSocket(principal.id, caller.credential_id, caller.by_session, eio_sid)
        with self._lock:
            # A close that arrived after this connect began may have been committed after the
            # caller was read: the caller read may be stale, so refuse.
            closed = eio_sid in self._ended or any(
                at >= started and live.closed_by(close) for at, close in self._closes
            )
            if not closed:
                self._sockets[sid] = live
                self._by_user.setdefault(live.user_id, set()).add(sid)
                self._by_eio[eio_sid] = sid
                self._deadlines.pop(eio_sid, None)
        if closed:
            self.counts.give_back(key, self._member(sid))
            self._refuse(eio_sid, "unauthorized", "the session ended")
        return principal

    def confirm(self, sid: str) -> None:
        """Refuse a connect whose socket was closed while it joined its rooms."""
        with self._lock:
            live = self._sockets.get(sid)
        if live is None:
            raise SocketRefused("the session ended", {"code": "unauthorized"})

    def release(self, sid: str, close_transport: bool = False) -> None:
        """The Socket.IO connection ended: free the user's place (once, whoever calls first);
        with `close_transport`, its Engine.IO connection, now useless, closes too."""
        with self._lock:
            live = self._sockets.pop(sid, None)
            if live is None:
                return
            sids = self._by_user.get(live.user_id, set())
            sids.discard(sid)
            if not sids:
                self._by_user.pop(live.user_id, None)
            self._by_eio.pop(live.eio_sid, None)
            if close_transport and live.eio_sid in self._addresses:
                self._deadlines[live.eio_sid] = time.monotonic()
        self.counts.give_back(user_key(live.user_id), self._member(sid))
        if close_transport:
            self._start_loop()

    def _authenticate(self, auth: Any) -> Authenticated | None:
        if isinstance(auth, dict) and "token" in auth:
            token = auth["token"]
            return authenticate_token(token) if isinstance(token, str) and token else None
        return authenticate(request)

    def _refuse(self, eio_sid: str, code: str, message: str) -> NoReturn:
        with self._lock:
            if eio_sid in self._addresses:
                self._deadlines[eio_sid] = time.monotonic() + REFUSED_GRACE_S
        self._start_loop()
        raise SocketRefused(message, {"code": code})

    # -- 3. closing -----------------------------------------------------------------------

    def close(self, close: CloseSockets) -> None:
        """Close the sockets `close` names on every process (called after the commit)."""
        if self._redis is None:
            self.close_here(close)
            return
        message = {
            "user_id": str(close.user_id),
            "sessions_only": close.sessions_only,
            "credential_id": str(close.credential_id) if close.credential_id else None,
            "reconnect": close.reconnect,
        }
        try:
            self._redis.publish(CLOSE_CHANNEL, json.dumps(message))
        except redis.RedisError:
            log.exception("could not tell other processes to close sockets; closing ours")
            self.close_here(close)

    def close_here(self, close: CloseSockets) -> None:
        """Close this process's sockets that `close` names."""
        now = time.monotonic()
        with self._lock:
            self._closes.append((now, close))
            while self._closes and self._closes[0][0] < now - CLOSE_MEMORY_S:
                self._closes.popleft()
            sids = self._by_user.get(close.user_id, set())
            lives = [(sid, self._sockets[sid]) for sid in sids]
        for sid, live in lives:
            if not live.closed_by(close):
                continue
            if not close.reconnect:
                # A DISCONNECT first: a Socket.IO client does not come back after one.
                try:
                    self.server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
                except Exception:
                    log.exception("could not send a disconnect to socket %s", sid)
            self.release(sid)
            # Dropped without a word, a connection looks lost: the client reconnects at once.
            self.close_transport(live.eio_sid, abort=close.reconnect)

    def close_transport(self, eio_sid: str, abort: bool = False) -> None:
        """Close an Engine.IO connection without waiting for the client to read what is queued
        (a polling client that stopped polling would never let the wait end); `abort` drops it
        without a CLOSE packet."""
        socket = self.server.eio.sockets.get(eio_sid)
        if socket is not None:
            socket.close(wait=False, abort=abort)
            self.server.eio.sockets.pop(eio_sid, None)
        self.forget_handshake(eio_sid)

    # -- the loop ------------------------------------------------------------------------

    def _listen(self) -> None:
        """Subscribe to close messages (once; the pub/sub resubscribes by itself after Redis
        comes back)."""
        if self._redis is None or self._pubsub is not None:
            return
        with self._subscribing:
            if self._pubsub is not None:
                return
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(CLOSE_CHANNEL)
            except redis.RedisError as error:
                pubsub.close()
                log.warning("cannot listen for socket closes yet, Redis unavailable: %s", error)
                return
            self._pubsub = pubsub

    def _start_loop(self) -> None:
        with self._lock:
            if self._loop_running or not self._loop_needed():
                return
            self._loop_running = True
        self.server.start_background_task(self._run)

    def _loop_needed(self) -> bool:
        return self._keep_running or bool(self._deadlines)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._loop_needed():
                    self._loop_running = False
                    return
            for step in (self._read_closes, self._close_overdue, self._renew_leases):
                try:
                    step()
                except redis.RedisError as error:
                    # Redis restarting: the pub/sub resubscribes on its next read.
                    log.warning("socket lifecycle loop: Redis unavailable: %s", error)
                    self.server.sleep(1.0)
                except Exception:
                    log.exception("socket lifecycle loop: %s failed", step.__name__)
                    self.server.sleep(TICK_S)

    def _read_closes(self) -> None:
        if self._redis is not None and self._pubsub is None:
            self._listen()
            if self._pubsub is None:
                self.server.sleep(1.0)
        if self._pubsub is None:
            self.server.sleep(TICK_S)
            return
        message = self._pubsub.get_message(timeout=TICK_S)
        while message is not None:
            if message.get("type") == "message":
                self.close_here(_close_from(message["data"]))
            message = self._pubsub.get_message(timeout=0)

    def _close_overdue(self) -> None:
        now = time.monotonic()
        with self._lock:
            due = [eio_sid for eio_sid, deadline in self._deadlines.items() if deadline <= now]
            for eio_sid in due:
                del self._deadlines[eio_sid]
        for eio_sid in due:
            self.close_transport(eio_sid)

    def _renew_leases(self) -> None:
        if self._redis is None or time.monotonic() < self._next_renewal:
            return
        self._next_renewal = time.monotonic() + self.settings.socket_lease_s / 3
        with self._lock:
            places = [(key, self._member(eio_sid)) for eio_sid, key in self._addresses.items()]
            places += [
                (user_key(live.user_id), self._member(sid)) for sid, live in self._sockets.items()
            ]
        self.counts.renew(places)

    def _member(self, sid: str) -> str:
        return f"{self.process_id}:{sid}"

    # -- for tests and benchmarks ---------------------------------------------------------

    def live_count(self) -> int:
        """Authenticated sockets on this process."""
        with self._lock:
            return len(self._sockets)


def _close_from(data: bytes | str) -> CloseSockets:
    fields = json.loads(data)
    credential = fields.get("credential_id")
    return CloseSockets(
        uuid.UUID(fields["user_id"]),
        sessions_only=bool(fields.get("sessions_only")),
        credential_id=uuid.UUID(credential) if credential else None,
        reconnect=bool(fields.get("reconnect")),
    )
