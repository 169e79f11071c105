"""Socket.IO events between server processes, through Redis, and what happens when Redis is not
there.

python-socketio's RedisManager carries the events; RedisQueue changes only how it talks to
Redis, because events are hints and every device pulls for the truth:

- A publish never holds a request for long: it waits at most REDIS_TIMEOUT_S for Redis, raises
  nothing, and after a failure the process does not try again for PUBLISH_PAUSE_S. Events are
  dropped for the other processes meanwhile; this process's own clients still get them.
- The listener subscribes again soon after Redis is back (LISTEN_RETRY_FIRST_S, doubling up to
  LISTEN_RETRY_MAX_S; the library's own listener waits up to a minute).
- What the outage may have cost is made up with pulls: once subscribed again, a process sends
  `sync.poke` to each of its own clients; once it can publish again after dropping events, it
  sends `sync.poke` to every client of every process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import redis
import socketio
from redis.backoff import NoBackoff
from redis.retry import Retry

from server.core.events import SYNC_POKE

logger = logging.getLogger(__name__)

# Flask-SocketIO's channel name, so processes configured either way hear each other.
CHANNEL = "flask-socketio"
# How long a publish waits for Redis to accept the connection, then to answer.
REDIS_TIMEOUT_S = 1.0
# After a failed publish, events for other processes are dropped without trying for this long.
PUBLISH_PAUSE_S = 1.0
LISTEN_RETRY_FIRST_S = 0.25
LISTEN_RETRY_MAX_S = 5.0


def message_queue(url: str | None) -> dict[str, Any]:
    """Flask-SocketIO's options for the message queue at `url`; none: events stay in this
    process. Other queues than Redis are left to Flask-SocketIO as they are."""
    if url is None:
        return {}
    if urlsplit(url).scheme in {"redis", "rediss"}:
        return {"client_manager": RedisQueue(url)}
    return {"message_queue": url}


class RedisQueue(socketio.RedisManager):  # type: ignore[misc]  # python-socketio is untyped
    """RedisManager with short waits, a quick resubscribe and pokes after an outage."""

    def __init__(self, url: str) -> None:
        super().__init__(url, channel=CHANNEL)
        self._publisher = self._client(socket_timeout=REDIS_TIMEOUT_S)
        self._paused_until = 0.0
        self._dropped = False

    def _client(self, **options: Any) -> redis.Redis:
        # One immediate reconnect, for a connection a Redis restart left dead; a Redis that is
        # down or silent fails the call at once or after REDIS_TIMEOUT_S.
        retry = Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))
        return redis.Redis.from_url(
            self.redis_url,
            socket_connect_timeout=REDIS_TIMEOUT_S,
            socket_keepalive=True,
            retry=retry,
            **options,
        )

    def _publish(self, data: Any) -> None:
        message = self.json.dumps(data)
        if time.monotonic() < self._paused_until:
            self._dropped = True
            return
        try:
            self._publisher.publish(self.channel, message)
        except Exception as error:  # down, silent, restarting: drop the event, never raise
            self._dropped = True
            self._paused_until = time.monotonic() + PUBLISH_PAUSE_S
            logger.warning(
                "cannot publish to Redis (%s): events for the other processes are dropped; "
                "their devices catch up when they pull",
                error,
            )
            return
        if self._dropped:
            self._dropped = False
            logger.warning("publishing to Redis again: every client is told to pull")
            self.emit(SYNC_POKE, {}, namespace="/")

    def _listen(self) -> Iterator[bytes]:
        channel = self.channel.encode()
        delay = LISTEN_RETRY_FIRST_S
        missed = False  # events may have been published while this process was not listening
        while True:
            pubsub = self._client().pubsub()
            confirmations = 0
            try:
                pubsub.subscribe(self.channel)
                for message in pubsub.listen():  # type: ignore[no-untyped-call]
                    if message["type"] == "subscribe":
                        # A second confirmation on one connection: redis-py reconnected by itself.
                        confirmations += 1
                        if missed or confirmations > 1:
                            self._poke_own_clients()
                        missed = False
                        delay = LISTEN_RETRY_FIRST_S
                    elif message["type"] == "message" and message["channel"] == channel:
                        yield message["data"]
            except Exception as error:  # whatever broke the connection, listen again
                logger.warning("lost Redis (%s); subscribing again in %.2f s", error, delay)
                time.sleep(delay)
                delay = min(2 * delay, LISTEN_RETRY_MAX_S)
            finally:
                pubsub.close()
            missed = True

    def _poke_own_clients(self) -> None:
        logger.warning("listening to Redis again: this process's clients are told to pull")
        self._paused_until = 0.0  # Redis answers again: publish at once
        self.server.emit(SYNC_POKE, {}, namespace="/", ignore_queue=True)
