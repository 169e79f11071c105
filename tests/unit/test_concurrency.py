"""The async mode is chosen, never guessed: gevent only in a process patched in time."""

import pytest

from server.core.concurrency import check_async_mode


def test_threading_mode_needs_nothing():
    check_async_mode("threading")


def test_gevent_mode_is_refused_in_a_process_gevent_has_not_patched():
    """This test process runs plain threads, as the development server and the CLI do."""
    with pytest.raises(RuntimeError, match="not patched: socket"):
        check_async_mode("gevent")


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="WAYPOINT_ASYNC_MODE"):
        check_async_mode("eventlet")
