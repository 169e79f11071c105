"""Live updates under the page's Content-Security-Policy, whose connect-src names no ws: or wss:
host: Chromium lets 'self' reach the app's own websocket, and the socket is a websocket, not a
fallback to long polling."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.pages import log_in


def test_live_updates_open_a_websocket_to_our_own_origin_when_connect_src_is_only_self(
    phone, rep, live_server
):
    """The Socket.IO connection upgrades to a websocket on the page's own host and port, and
    the browser reports no policy violation."""
    page = phone.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    with page.expect_websocket(lambda socket: "/socket.io/" in socket.url) as opened:
        log_in(page, rep.email)
    socket = opened.value
    socket.wait_for_event("framereceived")

    expect(page.locator("wp-app")).to_be_visible()
    assert urlsplit(socket.url).netloc == urlsplit(live_server.url).netloc
    assert urlsplit(socket.url).scheme == "ws"
    assert not socket.is_closed()
    assert violations == []
