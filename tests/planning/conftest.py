"""The local OSRM stand-in the planner's real HTTP client talks to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_osrm import FakeOsrm


@pytest.fixture
def fake_osrm() -> Iterator[FakeOsrm]:
    """A fresh fake routing service for the test."""
    fake = FakeOsrm().start()
    yield fake
    fake.stop()
