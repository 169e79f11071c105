"""Shared fixtures live in tests/support; this file only loads them."""

pytest_plugins = [
    "tests.support.net_guard",
    "tests.support.fixtures",
    "tests.support.live_server",
    "tests.support.app_process",
    "tests.support.sockets",
]
