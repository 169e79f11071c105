"""`python -m bench.offline_drain`: a 500-visit backlog recorded offline in headless Chromium,
then drained by the app's own sync engine over an emulated slow 4G link (150 ms round trip,
1.6 Mbps each way), against the production server configuration. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import psycopg
from playwright.sync_api import Page, sync_playwright

from bench.database import PASSWORD, create_bench_database, drop_bench_database, libpq_url, refill
from bench.server import production_server
from tests.e2e.conftest import CHROMIUM_ARGS, PHONE
from tests.e2e.sync_steps import open_account, outbox_count, record_visits

RESULTS = Path(__file__).resolve().parent / "results"
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 200_000,
    "uploadThroughput": 200_000,
}
TARGET_S = 5.0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.offline_drain", description=__doc__)
    parser.add_argument("--visits", type=int, default=500, help="visits in the backlog")
    return parser.parse_args()


def log_in(page: Page, email: str) -> None:
    """Through the login form, as a rep would."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("wp-near")


def stored_visits(url: str) -> int:
    """Visits the server has committed."""
    with psycopg.connect(libpq_url(url)) as connection:
        return int(connection.execute("SELECT count(*) FROM visits").fetchone()[0])  # type: ignore[index]


def drain(base_url: str, database_url: str, account_id: str, visits: int) -> float:
    """Seconds from the link coming back to the outbox empty and every visit on the server."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            base_url=base_url,
            viewport=PHONE,
            geolocation={"latitude": 44.4268, "longitude": 26.1025, "accuracy": 12},
            permissions=["geolocation"],
        )
        page = context.new_page()
        log_in(page, "bench@example.com")
        open_account(page, account_id)
        network = context.new_cdp_session(page)
        network.send("Network.enable")
        network.send("Network.emulateNetworkConditions", {**SLOW_4G, "offline": True})
        record_visits(page, visits)
        started = time.perf_counter()
        network.send("Network.emulateNetworkConditions", SLOW_4G)
        while outbox_count(page) or stored_visits(database_url) < visits:
            page.wait_for_timeout(20)
        elapsed = time.perf_counter() - started
        browser.close()
    return elapsed


def main() -> None:
    """Set up, record offline, drain, print."""
    args = _arguments()
    bench = create_bench_database("_bench_drain")
    try:
        refill(bench, 200)
        with psycopg.connect(libpq_url(bench.url)) as connection:
            account_id = str(connection.execute("SELECT id FROM accounts LIMIT 1").fetchone()[0])  # type: ignore[index]
        RESULTS.mkdir(exist_ok=True)
        with production_server(bench.url, RESULTS / "gunicorn-drain.log") as port:
            seconds = drain(f"http://127.0.0.1:{port}", bench.url, account_id, args.visits)
    finally:
        drop_bench_database(bench)
    verdict = "PASS" if seconds <= TARGET_S else "FAIL"
    print(f"\n{args.visits} visits recorded offline, drained over slow 4G (150 ms RTT, 1.6 Mbps)")
    print(f"  drained in {seconds:.2f} s; target <= {TARGET_S:.0f} s: {verdict}", flush=True)


if __name__ == "__main__":
    main()
