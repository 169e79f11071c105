"""The browser process killed in the middle of a push loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import CHROMIUM_ARGS, PHONE, close_context
from tests.e2e.pages import log_in
from tests.e2e.sync_steps import (
    open_account,
    outbox_count,
    record_visits,
    server_ledger,
    server_visits,
    sync_state,
    wait_until_sent,
)

CENTRE = (26.1025, 44.4268)
VISITS = 150  # two pushes: the kill lands in the first, the second was never sent


def _launch(browser, live_server, profile: Path):
    """Chromium on a profile kept on disk (a default context keeps IndexedDB in memory)."""
    return browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=shutil.which("chromium"),
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
        viewport=PHONE,
        geolocation={"latitude": CENTRE[1], "longitude": CENTRE[0], "accuracy": 12},
        permissions=["geolocation"],
    )


def _browser_pid(profile: Path) -> int:
    """The main browser process of this profile (its children carry --type=...)."""
    marker = f"--user-data-dir={profile}"
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        texts = [arg.decode(errors="replace") for arg in args]
        if marker in texts and not any(arg.startswith("--type=") for arg in texts):
            return int(entry.name)
    raise AssertionError("browser process not found")


def test_browser_killed_mid_push_applies_every_mutation_exactly_once_after_relaunch(
    browser, live_server, app, org, rep, make_account, tmp_path
):
    """SIGKILL while the server is answering the first push: after a relaunch on the same
    profile every visit saved on the device is on the server once."""
    shop = make_account(org, *CENTRE, owner_id=rep.id)
    profile = tmp_path / "profile"
    context = _launch(browser, live_server, profile)
    page = context.new_page()
    log_in(page, rep.email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    open_account(page, shop)
    context.set_offline(True)
    saved = record_visits(page, VISITS)
    client_id = sync_state(page)["client_id"]
    pid = _browser_pid(profile)
    killed = []

    def kill_after_the_server_applied(route):
        route.fetch()  # the server has applied the batch and answered...
        os.kill(pid, signal.SIGKILL)  # ...and the browser dies before it sees the answer
        killed.append(True)

    context.route("**/api/v1/sync/push", kill_after_the_server_applied)
    context.set_offline(False)
    try:
        while not killed:
            page.wait_for_timeout(100)
    except PlaywrightError:
        pass  # the browser is gone
    try:
        close_context(context)
    except PlaywrightError:
        pass
    applied_before = len(server_visits(app, rep.id))

    context = _launch(browser, live_server, profile)
    try:
        page = context.new_page()
        page.goto("/")
        waiting_after_relaunch = outbox_count(page)
        # The session cookie dies with the browser unless Chromium had written it to the
        # profile before the kill: log in again only when it is gone.
        if page.request.get("/api/v1/auth/me").status == 401:
            log_in(page, rep.email)
        wait_until_sent(page)
        visits = server_visits(app, rep.id)
        ledger = server_ledger(app, client_id)
    finally:
        close_context(context)

    assert killed
    assert 0 < applied_before < VISITS
    assert waiting_after_relaunch == VISITS
    assert sorted(str(visit["id"]) for visit in visits) == sorted(saved)
    assert [row["mutation_id"] for row in ledger] == list(range(1, VISITS + 1))
    assert {row["status"] for row in ledger} == {"applied"}
