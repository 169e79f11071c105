"""Logging out clears the device of the organisation's data (IndexedDB and the service worker's
caches, but the app's own files and the map tiles); changes still waiting hold it back until
they are sent or knowingly discarded."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.pages import log_in
from tests.e2e.sync_steps import (
    local_account_ids,
    open_account,
    outbox_count,
    record_visit,
    server_visits,
    sync_state,
    wait_for,
)

LOG_OUT = "wp-app header button:has-text('Log out')"
PROMPT = "wp-app wp-waiting-changes.leaving"
TILE = "https://tiles.example/15/1/1.png"

# How many rows each object store of the app's database holds, read without the app's code.
STORE_COUNTS_JS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open("waypoint");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    const counts = {};
    for (const name of db.objectStoreNames) {
      counts[name] = await new Promise((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return counts;
  } finally {
    db.close();
  }
}"""

# Caches as an older version of the app, or any later one, might have left them: an API answer
# and a map tile.
SEED_CACHES_JS = """async (tile) => {
  await (await caches.open("api-answers")).put("/api/v1/accounts?limit=50", new Response("[]"));
  await (await caches.open("map-tiles")).put(tile, new Response("png"));
}"""

# Every cache of the origin with the URLs it holds.
CACHES_JS = """async () => {
  const all = {};
  for (const name of await caches.keys()) {
    all[name] = (await (await caches.open(name)).keys()).map((request) => request.url);
  }
  return all;
}"""


def _store_counts(page: Any) -> dict[str, int]:
    counts: dict[str, int] = page.evaluate(STORE_COUNTS_JS)
    return counts


def _caches(page: Any) -> dict[str, list[str]]:
    caches: dict[str, list[str]] = page.evaluate(CACHES_JS)
    return caches


def _wait_until_synced(page: Any) -> None:
    """Until the device has finished a sync."""
    wait_for(page, "a sync", lambda: bool((sync_state(page) or {}).get("last_synced_at")), 30)


def _with_a_waiting_visit(phone: Any, page: Any, shop: Any) -> None:
    """A visit recorded while pushes cannot get through, so it stays in the outbox."""
    phone.route("**/api/v1/sync/push", lambda route: route.abort("connectionrefused"))
    open_account(page, shop)
    record_visit(page)
    assert outbox_count(page) == 1


def _cleared(page: Any) -> bool:
    counts = _store_counts(page)
    return bool(counts) and set(counts.values()) == {0}


def test_log_out_empties_every_store_and_api_cache_when_no_change_waits(shop, page):
    """Synced rows, the sync state and an API answer in a cache are gone; the app's own files
    and the map tiles stay."""
    _wait_until_synced(page)
    assert str(shop) in local_account_ids(page)
    page.evaluate(SEED_CACHES_JS, TILE)

    page.click(LOG_OUT)
    page.wait_for_selector("wp-login")

    assert _cleared(page), _store_counts(page)
    caches = _caches(page)
    assert "api-answers" not in caches
    assert caches["map-tiles"] == [TILE]
    assert any(name.startswith("workbox-precache") for name in caches)
    assert not [url for urls in caches.values() for url in urls if "/api/" in url]


def test_next_user_sees_nothing_of_the_previous_one_after_a_log_out(
    page, org, rep, shop, make_user, make_account
):
    """Rep A's accounts were on the device; after A logs out, rep B's device holds B's only."""
    other = make_user(org)
    theirs = make_account(org, 26.1030, 44.4270, owner_id=other.id)
    _wait_until_synced(page)
    first_client = sync_state(page)["client_id"]
    page.click(LOG_OUT)
    page.wait_for_selector("wp-login")

    log_in(page, other.email)
    _wait_until_synced(page)

    assert local_account_ids(page) == {str(theirs)}
    assert sync_state(page)["user_id"] == str(other.id)
    assert sync_state(page)["client_id"] != first_client


def test_log_out_with_a_waiting_change_asks_first_and_clears_nothing(phone, page, shop):
    """The rep is told the change has not been sent; staying logged in keeps everything."""
    _wait_until_synced(page)
    _with_a_waiting_visit(phone, page, shop)
    before = _store_counts(page)

    page.click(LOG_OUT)

    expect(page.locator(PROMPT)).to_contain_text("have not reached the server")
    page.click(f"{PROMPT} button.stay")
    expect(page.locator(PROMPT)).to_have_count(0)
    expect(page.locator(LOG_OUT)).to_be_visible()
    assert _store_counts(page) == before


def test_send_first_sends_the_waiting_change_then_clears_the_device(phone, page, app, rep, shop):
    """Once the connection is back, "Send them, then log out" delivers the visit, then logs out
    and clears the device."""
    _with_a_waiting_visit(phone, page, shop)
    page.click(LOG_OUT)
    page.wait_for_selector(PROMPT)
    phone.unroute("**/api/v1/sync/push")

    page.click(f"{PROMPT} button.send")
    page.wait_for_selector("wp-login")

    assert len(server_visits(app, rep.id)) == 1
    assert _cleared(page), _store_counts(page)


def test_send_first_that_cannot_reach_the_server_says_so_and_keeps_the_change(
    phone, page, app, rep, shop
):
    """The push still fails: the rep stays logged in, is told, and the visit still waits."""
    _with_a_waiting_visit(phone, page, shop)
    page.click(LOG_OUT)

    page.click(f"{PROMPT} button.send")

    expect(page.locator(f"{PROMPT} .not-sent")).to_be_visible()
    expect(page.locator(LOG_OUT)).to_be_visible()
    assert outbox_count(page) == 1
    assert server_visits(app, rep.id) == []


def test_discard_clears_the_device_after_a_warning_and_sends_nothing(phone, page, app, rep, shop):
    """ "Discard them and log out" asks once more; accepted, the visit is dropped with the rest."""
    _with_a_waiting_visit(phone, page, shop)
    page.click(LOG_OUT)
    warnings = []

    def accept(dialog: Any) -> None:
        warnings.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.click(f"{PROMPT} button.discard")
    page.wait_for_selector("wp-login")

    assert warnings and "(1)" in warnings[0]
    assert _cleared(page), _store_counts(page)
    phone.unroute("**/api/v1/sync/push")
    log_in(page, rep.email)
    _wait_until_synced(page)
    assert server_visits(app, rep.id) == []


def test_discard_declined_at_the_warning_keeps_the_change(phone, page, shop):
    """Dismissing the warning leaves the device as it was, the rep still logged in."""
    _with_a_waiting_visit(phone, page, shop)
    page.click(LOG_OUT)
    before = _store_counts(page)

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(f"{PROMPT} button.discard")

    expect(page.locator(PROMPT)).to_be_visible()
    assert _store_counts(page) == before


def test_other_tab_shows_the_login_form_when_one_tab_logs_out(phone, page):
    """A second tab of the app does not go on showing (or syncing) data the device no longer
    holds."""
    other = phone.new_page()
    other.goto("/near")
    other.wait_for_selector("wp-near")

    page.click(LOG_OUT)
    page.wait_for_selector("wp-login")

    other.wait_for_selector("wp-login")
    expect(other.locator(LOG_OUT)).to_have_count(0)
    assert _cleared(other), _store_counts(other)


def test_reload_while_the_log_out_is_on_its_way_neither_keeps_the_rep_logged_in_nor_loses_it(
    phone, page, shop
):
    """The device is cleared before the logout request goes out, and that request outlives the
    page: a navigation while it is still on its way shows the login form, and the server ends
    the session once the request arrives."""
    held: list[Any] = []
    phone.route("**/api/v1/auth/logout", lambda route: held.append(route))
    page.click(LOG_OUT)
    wait_for(page, "the logout request", lambda: bool(held), 30)

    page.goto("/login")
    page.wait_for_selector("wp-login input[name=email]")
    assert _cleared(page), _store_counts(page)
    held[0].continue_()

    wait_for(
        page, "the session to end", lambda: page.request.get("/api/v1/auth/me").status == 401, 30
    )
