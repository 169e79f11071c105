"""Live sockets counted per user and per client address, with a cap on each.

With REDIS_URL the counts are shared by every process: each count is a sorted set in Redis with
one member per socket (the process's id and the socket's), scored by the time its lease ends on
Redis's own clock. A process renews the leases of its live sockets every third of the lease, so
the sockets of a process that died stop counting within one lease. Without Redis the counts live
in the process, which is then the only one.

Counting never blocks a connection on Redis being down: a socket is let in uncounted (and
logged), and the next renewal adds it once Redis answers again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from typing import Protocol

import redis

log = logging.getLogger(__name__)

KEY_PREFIX = "waypoint:sockets:"
# Leases renewed in one script call, so a renewal never holds Redis for long.
RENEW_BATCH = 500

# KEYS[1] the count; ARGV: member, limit, lease in seconds. 1 when the member holds a place.
TAKE_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1])
    and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3]) * 1000))
return 1
"""

# KEYS: the counts; ARGV[1] the lease in seconds, ARGV[i + 1] the member of KEYS[i].
RENEW_SCRIPT = """
local clock = redis.call('TIME')
local ends = tonumber(clock[1]) + tonumber(clock[2]) / 1000000 + tonumber(ARGV[1])
local ttl = math.ceil(tonumber(ARGV[1]) * 1000)
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, ends, ARGV[i + 1])
  redis.call('PEXPIRE', key, ttl)
end
return #KEYS
"""


def user_key(user_id: object) -> str:
    """The count of one user's sockets."""
    return f"{KEY_PREFIX}user:{user_id}"


def address_key(address: str) -> str:
    """The count of the sockets from one client address."""
    return f"{KEY_PREFIX}address:{address}"


class SocketCounts(Protocol):
    """Places taken under a cap, one per live socket."""

    def take(self, key: str, member: str, limit: int) -> bool:
        """Count `member` under `key` unless `limit` places are taken; True when it holds one."""

    def give_back(self, key: str, member: str) -> None:
        """Free the place of `member` (nothing when it held none)."""

    def renew(self, places: Collection[tuple[str, str]]) -> None:
        """Extend the leases of these (key, member) places, adding any that went missing."""


class LocalCounts:
    """The counts of a process that shares them with nobody."""

    def __init__(self) -> None:
        self._members: dict[str, set[str]] = {}
        # Held only around dictionary updates, never across anything that waits.
        self._lock = threading.Lock()

    def take(self, key: str, member: str, limit: int) -> bool:
        with self._lock:
            members = self._members.setdefault(key, set())
            if member not in members and len(members) >= limit:
                return False
            members.add(member)
            return True

    def give_back(self, key: str, member: str) -> None:
        with self._lock:
            members = self._members.get(key)
            if members is not None:
                members.discard(member)
                if not members:
                    del self._members[key]

    def renew(self, places: Collection[tuple[str, str]]) -> None:
        """Nothing expires here: the counts die with the process."""


class RedisCounts:
    """Counts shared through Redis, each place leased for `lease_s` seconds."""

    def __init__(self, client: redis.Redis, lease_s: float) -> None:
        self._client = client
        self._lease_s = lease_s
        self._take = client.register_script(TAKE_SCRIPT)
        self._renew = client.register_script(RENEW_SCRIPT)

    def take(self, key: str, member: str, limit: int) -> bool:
        try:
            return bool(self._take(keys=[key], args=[member, limit, self._lease_s]))
        except redis.RedisError as error:
            log.warning("socket counts unavailable, letting %s in uncounted: %s", key, error)
            return True

    def give_back(self, key: str, member: str) -> None:
        try:
            self._client.zrem(key, member)
        except redis.RedisError as error:
            # Its lease runs out on its own.
            log.warning("socket counts unavailable, %s stays counted a while: %s", key, error)

    def renew(self, places: Collection[tuple[str, str]]) -> None:
        ordered = list(places)
        for start in range(0, len(ordered), RENEW_BATCH):
            batch = ordered[start : start + RENEW_BATCH]
            keys = [key for key, _ in batch]
            self._renew(keys=keys, args=[self._lease_s, *(member for _, member in batch)])
