"""The service worker's Background Sync event, dispatched for real by Chromium (through the
DevTools protocol), makes the open page's engine send what waits in the outbox."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.pages import log_in
from tests.e2e.sync_steps import (
    open_account,
    outbox_count,
    record_visit,
    server_visits,
    wait_until_sent,
)

TAG = "waypoint-outbox"  # the tag the page registers when it saves a change
QUIET_S = 3.0

# What the service worker posts to the page, seen beside the app's own listener (every load).
WATCH_WORKER_JS = """
window.workerMessages = [];
navigator.serviceWorker.addEventListener("message", (event) => {
  window.workerMessages.push(event.data);
});
"""
SYNC_TAGS_JS = "() => navigator.serviceWorker.ready.then((found) => found.sync.getTags())"
WAKES_JS = "() => window.workerMessages.filter((message) => message.type === 'SYNC').length"


class Pushes:
    """Route for the sync pushes: 503 with a Retry-After of an hour while `down`, so the engine's
    own retry is far away; through to the server otherwise. Counts both."""

    def __init__(self) -> None:
        self.down = True
        self.refused = 0
        self.sent = 0

    def __call__(self, route: Any) -> None:
        if self.down:
            self.refused += 1
            error = {"error": {"code": "unavailable", "message": "down", "fields": {}}}
            route.fulfill(status=503, headers={"Retry-After": "3600"}, json=error)
            return
        self.sent += 1
        route.continue_()


def _wait_until_settled(page: Any, pushes: Pushes, calm_s: float = 1.0) -> None:
    """Until the browser's own sync events for the saves have come and gone: a push refused, no
    tag registered, and nothing new (refusal, wake-up, tag) for `calm_s`."""
    deadline = time.monotonic() + 15
    last, since = None, time.monotonic()
    while True:
        now = (pushes.refused, page.evaluate(WAKES_JS), tuple(page.evaluate(SYNC_TAGS_JS)))
        if now != last:
            last, since = now, time.monotonic()
        elif now[0] > 0 and not now[2] and time.monotonic() - since >= calm_s:
            return
        assert time.monotonic() < deadline, f"never settled: {now}"
        page.wait_for_timeout(100)


def _registration_id(page: Any, session: Any, scope: str) -> str:
    """The service worker registration's id as DevTools knows it (announced after enable)."""
    found: dict[str, str] = {}

    def seen(event: dict[str, Any]) -> None:
        for registration in event["registrations"]:
            if registration["scopeURL"] == scope and not registration["isDeleted"]:
                found["id"] = registration["registrationId"]

    session.on("ServiceWorker.workerRegistrationUpdated", seen)
    session.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while "id" not in found:
        assert time.monotonic() < deadline, "no service worker registration announced"
        page.wait_for_timeout(50)
    return found["id"]


@pytest.fixture
def page(phone, rep):
    """The rep logged in, the service worker in control; Socket.IO kept away, so no poke or
    reconnection can start the engine during the test."""
    phone.route("**/socket.io/**", lambda route: route.abort("connectionrefused"))
    page = phone.new_page()
    log_in(page, rep.email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return page


def test_background_sync_event_makes_the_page_push_the_outbox_when_nothing_else_would(
    phone, page, app, rep, shop, live_server
):
    """Two visits wait while the server answers 503 "retry in an hour" (the browser's own sync
    event for them has come and gone); the server comes back and, for a while, nothing sends
    them. Chromium then dispatches the `sync` event: the worker wakes the page and the visits
    reach the server."""
    pushes = Pushes()
    phone.route("**/api/v1/sync/push", pushes)
    page.add_init_script(WATCH_WORKER_JS)
    open_account(page, shop)
    record_visit(page)
    record_visit(page)
    _wait_until_settled(page, pushes)
    session = phone.new_cdp_session(page)
    registration = _registration_id(page, session, f"{live_server.url}/")
    pushes.down = False
    page.wait_for_timeout(QUIET_S * 1000)
    quiet = (pushes.sent, outbox_count(page), len(server_visits(app, rep.id)))
    wakes_before = page.evaluate(WAKES_JS)

    session.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registration,
            "tag": TAG,
            "lastChance": False,
        },
    )
    wait_until_sent(page)

    assert quiet == (0, 2, 0)
    assert page.evaluate(WAKES_JS) == wakes_before + 1
    assert pushes.sent >= 1
    assert len(server_visits(app, rep.id)) == 2
