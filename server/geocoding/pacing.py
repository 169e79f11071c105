"""Request spacing for a geocoder, without a lock held while anyone waits or asks.

Every caller reserves the next free slot under a lock held only for that arithmetic, then sleeps
until its slot outside it: callers go in the order they arrived. Slots are `min_interval_s` apart,
or as long as the geocoder lately took to answer when that is longer, so a slow geocoder is not
asked more and more at once. An interactive caller names who it is and how long it may wait:
when its slot would be further away than that, or it already has a request waiting, it is
refused at once with the time to come back, so one user cannot fill the queue and nobody
queues for long.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from server.geocoding.base import GeocoderBusyError

# Requests one user may have waiting or under way at once in an interactive queue.
PER_CALLER = 1
# Weight of the latest answer time in the running estimate of how long an answer takes.
LATENCY_WEIGHT = 0.3


class Pacer:
    """Spaces requests `min_interval_s` apart, first come first served."""

    def __init__(self, min_interval_s: float) -> None:
        self._min_interval_s = min_interval_s
        self._next_at = 0.0
        self._latency_s = 0.0
        self._waiting: Counter[str] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def turn(self, caller: str | None = None, max_wait_s: float | None = None) -> Iterator[None]:
        """Wait for this request's slot (GeocoderBusyError when it is too far away for this
        caller), then run the block."""
        delay = self._reserve(caller, max_wait_s)
        try:
            if delay > 0:
                time.sleep(delay)
            started = time.monotonic()
            yield
            self._record(time.monotonic() - started)
        finally:
            if caller is not None:
                with self._lock:
                    self._waiting[caller] -= 1
                    if self._waiting[caller] <= 0:
                        del self._waiting[caller]

    def _reserve(self, caller: str | None, max_wait_s: float | None) -> float:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_at)
            delay = start - now
            if caller is not None and self._waiting[caller] >= PER_CALLER:
                raise GeocoderBusyError(max(1, math.ceil(delay)))
            if max_wait_s is not None and delay > max_wait_s:
                raise GeocoderBusyError(math.ceil(delay - max_wait_s) or 1)
            self._next_at = start + max(self._min_interval_s, self._latency_s)
            if caller is not None:
                self._waiting[caller] += 1
            return delay

    def _record(self, latency_s: float) -> None:
        with self._lock:
            self._latency_s += LATENCY_WEIGHT * (latency_s - self._latency_s)
