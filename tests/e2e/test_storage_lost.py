"""The page's IndexedDB connection taken away by the browser: the next change reopens it and is
saved and sent; when the database can no longer be opened, the rep is asked to reload."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.sync_steps import (
    open_account,
    record_visit,
    server_visits,
    wait_for,
    wait_until_sent,
)

# Chromium's own page for IndexedDB: "Force close" closes every connection of an origin's
# database as the browser does when its storage goes away (the pages get a "close" event and
# their next request fails), and keeps the data.
INTERNALS = "chrome://indexeddb-internals/"

# What a newer version of the app does in another tab: open the database at a higher version.
UPGRADE_JS = """() => new Promise((resolve, reject) => {
  const probe = indexedDB.open("waypoint");
  probe.onsuccess = () => {
    const version = probe.result.version;
    probe.result.close();
    const open = indexedDB.open("waypoint", version + 1);
    open.onsuccess = () => resolve(open.result.version);
    open.onerror = () => reject(open.error);
  };
  probe.onerror = () => reject(probe.error);
})"""


def _open_connections(internals: Any, origin: str) -> int:
    """How many connections to the app's database the internals page shows open (a database
    with none is not listed)."""
    internals.goto(INTERNALS)
    bucket = internals.locator(".indexeddb-origin", has_text=origin).locator("indexeddb-bucket")
    expect(bucket).to_be_visible()
    database = bucket.locator("indexeddb-database", has_text="waypoint")
    if database.count() == 0:
        return 0
    return int(database.locator(".connection-count.open .value").inner_text())


# A connection of the test's own to the app's database that notes when the browser closes it:
# the app may reopen its own at any moment (a reminder check, a pull), so the count of open
# connections right after "Force close" says nothing; this connection's close event does.
WATCH_CLOSE_JS = """() => new Promise((resolve, reject) => {
  const request = indexedDB.open("waypoint");
  request.onsuccess = () => {
    window.watchedConnectionClosed = false;
    request.result.onclose = () => (window.watchedConnectionClosed = true);
    resolve(true);
  };
  request.onerror = () => reject(request.error);
})"""


def _force_close(internals: Any, origin: str) -> None:
    internals.goto(INTERNALS)
    origin_section = internals.locator(".indexeddb-origin", has_text=origin)
    origin_section.locator("indexeddb-bucket .control.force-close").click()


def test_visit_saved_after_the_browser_force_closed_the_database_reaches_the_server(
    phone, page, app, rep, shop, live_server
):
    """A visit, then the browser closes the page's database connection (data kept): the next
    visit reopens it, is saved on the device and reaches the server; no reload asked."""
    open_account(page, shop)
    record_visit(page)
    wait_until_sent(page)
    internals = phone.new_page()
    before = _open_connections(internals, live_server.url)
    page.evaluate(WATCH_CLOSE_JS)
    _force_close(internals, live_server.url)
    wait_for(
        page,
        "the browser to close the database",
        lambda: page.evaluate("window.watchedConnectionClosed"),
    )

    record_visit(page, "no_answer")
    wait_until_sent(page)

    assert before == 1
    assert sorted(visit["outcome"] for visit in server_visits(app, rep.id)) == ["met", "no_answer"]
    assert _open_connections(internals, live_server.url) == 1  # reopened
    expect(page.locator("wp-app .db-lost")).to_have_count(0)


def test_rep_is_asked_to_reload_when_a_newer_app_took_the_database(phone, page, rep, shop):
    """Another tab upgrades the database (a newer app version): this page lets its connection
    go and, at its next sync, cannot open the database again: it asks the rep to reload."""
    open_account(page, shop)
    phone.route(
        "**/blank", lambda route: route.fulfill(body="<!doctype html>", content_type="text/html")
    )
    newer = phone.new_page()
    newer.goto("/blank")
    newer.evaluate(UPGRADE_JS)

    phone.set_offline(True)
    phone.set_offline(False)  # "online": the engine runs

    expect(page.locator("wp-app .db-lost")).to_contain_text("Reload to continue")
    expect(page.locator("wp-app .db-lost button")).to_have_text("Reload")
