"""The built PWA against the production server (`gunicorn -c gunicorn.conf.py`: gunicorn's gevent
worker, Flask-SocketIO in gevent mode, secure cookies), not the threaded server the other browser
tests use: a rep logs in through the form and the first sync fills the device, then a manager on
another device assigns work and it reaches the rep's Today without a reload, over a socket whose
transport was upgraded to a websocket by the gevent worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import close_context, new_laptop, new_phone
from tests.e2e.pages import assign_work, log_in
from tests.e2e.sync_steps import local_account_ids, wait_for
from tests.support.app_process import AppProcess
from tests.support.fake_nominatim import FakeNominatim
from tests.support.fake_tiles import FakeTileServer

SHOP = (26.1031, 44.4279)  # about 130 m from the phone's position
PROBE_ANSWER = "3probe"
UPGRADE = "5"


@pytest.fixture
def manager(org, make_user):
    return make_user(org, role="manager", name="Maria Manager")


@pytest.fixture
def rep(org, make_user, manager):
    """A rep of the manager's team."""
    return make_user(org, name="Radu Rep", manager_id=manager.id)


@pytest.fixture
def shop(org, rep, make_account):
    return str(make_account(org, *SHOP, owner_id=rep.id, name="Farmacia Centrală"))


@pytest.fixture
def server(
    app: Any,
    database_url: str,
    fake_tiles: FakeTileServer,
    fake_geocoder: FakeNominatim,
    tmp_path: Path,
) -> Iterator[AppProcess]:
    """gunicorn -c gunicorn.conf.py on the worker's database, configured as deployed (secure
    cookies), with the fake tile server and geocoder; killed afterwards."""
    process = AppProcess(
        database_url,
        tmp_path / "gunicorn.log",
        env={
            "WAYPOINT_ENV": "production",
            "TILE_URL": fake_tiles.url_template,
            "GEOCODER_URL": fake_geocoder.url,
            "GEOCODER_MIN_INTERVAL_S": "0",
            "GEOCODER_TIMEOUT_S": "2",
        },
    )
    try:
        yield process.start()
    finally:
        process.kill()


@pytest.fixture
def phone(browser: Browser, server: AppProcess) -> Iterator[Any]:
    context = new_phone(browser, server.url)
    yield context
    close_context(context)


@pytest.fixture
def laptop(browser: Browser, server: AppProcess) -> Iterator[Any]:
    context = new_laptop(browser, server.url)
    yield context
    close_context(context)


def test_work_assigned_through_the_production_server_reaches_the_reps_today_over_a_websocket(
    server, phone, laptop, rep, manager, shop
):
    """Login, first sync and a live task, all through the gevent worker: the rep's socket
    upgrades to a websocket on the server's port, the task event arrives on it, and Today shows
    the task in the page the rep already had open."""
    mine = phone.new_page()
    websockets: list[Any] = []
    received: list[str] = []
    sent: list[str] = []
    violations: list[str] = []

    def watch(websocket: Any) -> None:
        websockets.append(websocket)
        websocket.on("framereceived", lambda payload: received.append(str(payload)))
        websocket.on("framesent", lambda payload: sent.append(str(payload)))

    def note_violation(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    mine.on("websocket", watch)
    mine.on("console", note_violation)

    log_in(mine, rep.email)
    wait_for(mine, "the first sync to bring the shop", lambda: shop in local_account_ids(mine))
    mine.click("wp-app nav a[href='/today']")
    expect(mine.locator("wp-today .empty")).to_be_visible()
    # Engine.IO's upgrade: the probe answered on the websocket, then "5" moves the session to it
    # (from then on the server sends on the websocket only).
    wait_for(mine, "the socket to upgrade to a websocket", lambda: UPGRADE in sent)
    assert PROBE_ANSWER in received
    mine.evaluate("window.__samePage = true")

    desk = laptop.new_page()
    log_in(desk, manager.email, then_wait_for="wp-team")
    assign_work(
        desk, rep.id, shop, "farmacia centrala", "Farmacia Centrală", "Bring the new price list"
    )

    item = mine.locator("wp-today li", has_text="Bring the new price list")
    expect(item).to_be_visible()
    expect(item.locator(".account")).to_contain_text("Farmacia Centrală")
    assert mine.evaluate("window.__samePage") is True
    [websocket] = websockets
    assert websocket.url.startswith(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4")
    assert "transport=websocket" in websocket.url
    assert "sid=" in websocket.url  # an upgrade of the polling session, not a fresh one
    assert not websocket.is_closed()
    assert any(frame.startswith('42["task.created"') for frame in received), received
    assert violations == []
    assert "Using worker: gevent" in server.log_path.read_text(errors="replace")
