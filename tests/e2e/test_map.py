"""The Map screen in a real browser: clusters, markers, the account card, tiles and lazy loading."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.distance import geodesic

from server.accounts.models import Account
from server.core.clock import now_utc
from server.core.transaction import unit_of_work
from server.extensions import db
from server.geo.geojson import Point
from server.geo.queries import point_to_store
from tests.e2e.pages import log_in

# Where the phone fixture puts the rep.
CENTRE = (26.1025, 44.4268)
# 30 x 20 accounts, 0.004 deg (318 m) apart east-west and 0.0045 deg (500 m) north-south: at
# zoom 15 a phone shows a score of them far enough apart to be single markers; at zoom 12
# it shows all 600, more than the server's 500, so the server answers clusters.
COLUMNS, ROWS = 30, 20
STEP_LNG, STEP_LAT = 0.004, 0.0045
# The grid is shifted a little so that no account sits under the rep's own position marker.
SHIFT = 0.001


def _grid_position(row, column):
    lng = CENTRE[0] + (column - COLUMNS // 2) * STEP_LNG + SHIFT
    lat = CENTRE[1] + (row - ROWS // 2) * STEP_LAT + SHIFT
    return lng, lat


@pytest.fixture
def rep_with_grid(app, make_org, make_user):
    """A rep owning 600 accounts on a grid around the phone's position; their ids by name."""
    org = make_org()
    rep = make_user(org)
    now = now_utc()
    ids = {}
    rows = []
    for row in range(ROWS):
        for column in range(COLUMNS):
            name = f"Grid {row}-{column}"
            ids[name] = uuid.uuid4()
            rows.append(
                Account(
                    id=ids[name],
                    org_id=org.id,
                    kind="customer" if column % 2 else "prospect",
                    name=name,
                    location=point_to_store(Point.at(*_grid_position(row, column))),
                    geocode_status="manual",
                    status="active",
                    tags=[],
                    custom={},
                    owner_id=rep.id,
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
    with app.app_context(), unit_of_work():
        db.session.add_all(rows)
    return rep, ids


def _is_viewport(zoom):
    def matches(response):
        parts = urlsplit(response.url)
        query = parse_qs(parts.query)
        return (
            parts.path == "/api/v1/accounts"
            and "bbox" in query
            and query.get("zoom") == [str(zoom)]
        )

    return matches


def _open_map(page):
    """Tap "Map" in the header; return the first viewport answer (at street zoom)."""
    with page.expect_response(_is_viewport(15)) as first:
        page.click("wp-app header a[href='/map']")
    return first.value.json()


def _zoom_out_to(page, zoom):
    with page.expect_response(_is_viewport(zoom)) as answer:
        page.click("wp-map .leaflet-control-zoom-out")
    return answer.value.json()


# Playwright's wait_for_function does not await promises, so checks that need IndexedDB or
# the Cache API poll inside the page instead, up to a bound. (Inlined, not eval'd: the CSP.)
POLL = """async (arg) => {
  const test = CHECK;
  const until = Date.now() + 10000;
  while (Date.now() < until) {
    if (await test(arg)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}"""


def _eventually(page, check, arg=None):
    """True once the async JS function `check` answers true for `arg` (within 10 s)."""
    return page.evaluate(POLL.replace("CHECK", check), arg)


def _cluster_counts(page, source):
    return page.eval_on_selector_all(
        f"wp-map .wp-cluster.{source} .count",
        "labels => labels.map(label => Number(label.textContent.replace(/\\D/g, '')))",
    )


def test_map_shows_server_clusters_with_counts_when_zoomed_out_over_600_accounts(
    phone, rep_with_grid
):
    """At city zoom the viewport holds 600 accounts: the server's clusters are drawn with counts."""
    rep, _ = rep_with_grid
    page = phone.new_page()
    log_in(page, rep.email, then_wait_for="wp-near li")
    _open_map(page)
    _zoom_out_to(page, 14)
    _zoom_out_to(page, 13)

    answer = _zoom_out_to(page, 12)

    assert answer["items"] == []
    page.wait_for_selector("wp-map .wp-cluster.server")
    counts = _cluster_counts(page, "server")
    assert len(counts) == len(answer["clusters"]) > 1
    assert sorted(counts) == sorted(cluster["count"] for cluster in answer["clusters"])
    assert sum(counts) == ROWS * COLUMNS
    assert page.locator("wp-map .wp-pin").count() == 0


def test_map_shows_single_markers_at_street_zoom_and_client_clusters_when_zoomed_out(
    phone, rep_with_grid
):
    """Below the server's threshold the accounts come as items: single pins up close, grouped
    by the browser a little further out."""
    rep, _ = rep_with_grid
    page = phone.new_page()
    log_in(page, rep.email, then_wait_for="wp-near li")

    street = _open_map(page)

    assert street["clusters"] == [] and street["items"]
    page.wait_for_selector("wp-map .wp-pin")
    titles = page.eval_on_selector_all("wp-map .wp-pin", "pins => pins.map(pin => pin.title)")
    assert sorted(titles) == sorted(item["name"] for item in street["items"])
    assert page.locator("wp-map .wp-cluster").count() == 0

    _zoom_out_to(page, 14)
    wider = _zoom_out_to(page, 13)

    assert wider["clusters"] == [] and len(wider["items"]) > len(street["items"])
    page.wait_for_selector("wp-map .wp-cluster.client")
    assert page.locator("wp-map .wp-cluster.server").count() == 0


def test_tapping_a_server_cluster_zooms_in_to_its_accounts_when_zoomed_out(phone, rep_with_grid):
    """A server cluster is a way in: tapping it zooms to its extent, where items come back."""
    rep, _ = rep_with_grid
    page = phone.new_page()
    log_in(page, rep.email, then_wait_for="wp-near li")
    _open_map(page)
    for zoom in (14, 13, 12):
        _zoom_out_to(page, zoom)
    page.wait_for_selector("wp-map .wp-cluster.server")

    with page.expect_response(lambda r: "bbox=" in r.url and "zoom=12" not in r.url) as closer:
        page.locator("wp-map .wp-cluster.server").first.click()

    assert closer.value.json()["items"]
    page.wait_for_selector("wp-map .wp-pin, wp-map .wp-cluster.client")
    assert page.locator("wp-map .wp-cluster.server").count() == 0


def test_tapping_a_marker_shows_its_card_and_the_link_opens_the_account(phone, rep_with_grid):
    """The card names the account, its kind, status and distance; its link opens the account."""
    rep, ids = rep_with_grid
    name = f"Grid {ROWS // 2}-{COLUMNS // 2 + 1}"  # a prospect about 400 m from the rep
    lng, lat = _grid_position(ROWS // 2, COLUMNS // 2 + 1)
    metres = geodesic((CENTRE[1], CENTRE[0]), (lat, lng)).meters
    page = phone.new_page()
    log_in(page, rep.email, then_wait_for="wp-near li")
    _open_map(page)

    page.click(f"wp-map .wp-pin[title='{name}']")

    card = page.locator("wp-map .card")
    card.wait_for()
    assert card.locator("h2").inner_text() == name
    meta = card.locator(".meta").inner_text()
    assert "Prospect" in meta and "active" in meta
    shown = int(re.search(r"([\d,]+) m away", meta).group(1).replace(",", ""))
    assert abs(shown - metres) <= max(2, metres * 0.005)
    card.locator("a.open").click()
    page.wait_for_url(f"**/accounts/{ids[name]}")
    page.wait_for_selector("wp-account")
    assert page.locator("wp-map").count() == 0


def test_map_tiles_come_from_the_configured_tile_server_and_nothing_else_off_site(
    phone, rep_with_grid, fake_tiles, live_server
):
    """Tiles are fetched from TILE_URL (the fake server), with the configured attribution; the
    page asks nothing of any other host and the CSP refuses nothing."""
    rep, _ = rep_with_grid
    page = phone.new_page()
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, rep.email, then_wait_for="wp-near li")
    fake_tiles.reset()

    _open_map(page)
    page.wait_for_selector("wp-map img.leaflet-tile-loaded")

    tiles = fake_tiles.seen()
    assert tiles and {tile.z for tile in tiles} == {15}
    sources = page.eval_on_selector_all("wp-map img.leaflet-tile", "tiles => tiles.map(t => t.src)")
    assert all(source.startswith(fake_tiles.origin + "/15/") for source in sources)
    assert "OpenStreetMap contributors" in page.inner_text("wp-map .leaflet-control-attribution")
    allowed = {urlsplit(live_server.url).netloc, urlsplit(fake_tiles.origin).netloc}
    assert set(filter(None, hosts)) <= allowed
    assert refused == []


# True once some cache of the page's origin holds a tile from `origin`.
CACHED_TILE = """async (origin) => {
  for (const name of await caches.keys()) {
    const keys = await (await caches.open(name)).keys();
    if (keys.some((request) => request.url.startsWith(origin + "/"))) return true;
  }
  return false;
}"""


def test_map_tiles_load_through_the_service_worker_when_it_controls_the_page(
    phone, rep_with_grid, fake_tiles
):
    """The worker fetches and caches the tiles it intercepts, which the CSP must allow too."""
    rep, _ = rep_with_grid
    page = phone.new_page()
    log_in(page, rep.email, then_wait_for="wp-near li")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("wp-near li")
    fake_tiles.reset()

    _open_map(page)

    page.wait_for_selector("wp-map img.leaflet-tile-loaded")
    assert fake_tiles.seen()
    assert _eventually(page, CACHED_TILE, fake_tiles.origin)


def test_map_code_is_not_loaded_when_the_near_me_screen_shows(phone, rep_with_grid):
    """Leaflet and the map screen arrive only when the map is opened."""
    rep, _ = rep_with_grid
    page = phone.new_page()
    scripts = []
    page.on(
        "request",
        lambda request: scripts.append(request.url) if request.resource_type == "script" else None,
    )
    log_in(page, rep.email, then_wait_for="wp-near li")

    assert not [url for url in scripts if "map-view" in url or "leaflet" in url]
    assert page.evaluate("customElements.get('wp-map') === undefined")

    _open_map(page)

    page.wait_for_selector("wp-map .leaflet-container")
    assert [url for url in scripts if "map-view" in url]


# How many accounts the app's IndexedDB holds (a promise).
STORED_ACCOUNTS = """new Promise((resolve) => {
  const opening = indexedDB.open("waypoint");
  opening.onsuccess = () => {
    const counting = opening.result.transaction("accounts").objectStore("accounts").count();
    counting.onsuccess = () => { resolve(counting.result); opening.result.close(); };
  };
})"""


def test_map_opens_offline_with_the_accounts_seen_last_when_the_network_is_gone(
    phone, rep_with_grid
):
    """Offline, the map still opens from the app's cache and shows the stored accounts."""
    rep, _ = rep_with_grid
    page = phone.new_page()
    log_in(page, rep.email, then_wait_for="wp-near li")
    street = _open_map(page)
    page.wait_for_selector("wp-map .wp-pin")
    stored = f"async () => (await {STORED_ACCOUNTS}) >= {len(street['items'])}"
    assert _eventually(page, stored)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    phone.set_offline(True)
    page.reload()

    page.wait_for_selector("wp-map .note[role=status]")
    assert "Offline" in page.inner_text("wp-map .note")
    page.wait_for_selector("wp-map .wp-pin")
    titles = set(page.eval_on_selector_all("wp-map .wp-pin", "pins => pins.map(p => p.title)"))
    assert {item["name"] for item in street["items"]} <= titles
