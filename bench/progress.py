"""Progress lines for steps that take a while (filling a million rows takes a minute or two)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

TICK_S = 10.0


@contextmanager
def progress(label: str) -> Iterator[None]:
    """Print `label`, then the elapsed time every TICK_S seconds, then the total."""
    started = time.perf_counter()
    done = threading.Event()
    print(f"  {label} ...", flush=True)

    def tick() -> None:
        while not done.wait(TICK_S):
            print(f"    ... {time.perf_counter() - started:.0f} s", flush=True)

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
