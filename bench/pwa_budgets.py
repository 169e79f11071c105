"""`python -m bench.pwa_budgets`: the installable app's budgets, printed with PASS/FAIL.

Figures (issue 3, item 7), each printed next to its budget, never asserted in tests:

- initial JS of the shell, brotli: the entry chunk named by index.html plus every chunk it
  imports statically, not the lazily imported screens (the map) ≤ 60 KB;
- the service worker (sw.js), brotli ≤ 10 KB;
- offline cold start: log in online, let the service worker take control, cut the network,
  then open a new page on /near and time from navigation start to a visible `wp-near li`;
  the median of several runs in headless Debian Chromium ≤ 1 s;
- Lighthouse 12, default mobile settings, on `/` (a new visitor: the login screen) and on
  the Near-me screen (logged in through a session cookie): performance ≥ 95,
  accessibility 100, best practices 100.

By default the app is built into a temporary folder (`vite build`, the project's config), so
pwa/dist is left alone; `--dist pwa/dist` reads an existing build instead. Brotli sizes come
from Node's built-in zlib (quality 11), so nothing extra is installed in Python. The browser
figures need DATABASE_URL (PostGIS): the script creates its own database `<name>_pwa_bench`
with one organisation, a user and a few accounts, serves the app with the production server
configuration (gunicorn.conf.py) and drops the database at the end. Lighthouse is the npm
devDependency, run with Debian's Chromium (CHROME_PATH).

    python -m bench.pwa_budgets [--dist DIR] [--runs N] [--lighthouse-runs N]
                                [--skip-browser] [--skip-lighthouse]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import psycopg
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from bench.database import libpq_url
from bench.server import ROOT, production_server
from server import create_app
from server.config import Settings
from server.core.transaction import unit_of_work
from server.extensions import db
from server.orgs.operations import create_organisation
from server.users.operations import create_first_admin
from tests.support.bulk import CITY_CENTRE, fill_accounts
from tests.support.database import drop_database, recreate_database

KB = 1024
SHELL_JS_BUDGET = 60 * KB
SW_BUDGET = 10 * KB
COLD_START_BUDGET_MS = 1000.0
LIGHTHOUSE_BUDGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
EMAIL, PASSWORD = "budgets@example.com", "budget pass phrase 9"
ACCOUNTS = 50
LIGHTHOUSE_TIMEOUT_S = 300

# `import{a as b}from"./x.js"`, `import"./x.js"`, `export{c}from"./x.js"`; never `import(...)`,
# which is how the lazily loaded screens are reached.
STATIC_IMPORT = re.compile(
    r"""\b(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["']([^"']+)["']"""
)
ENTRY_SCRIPT = re.compile(r"""<script[^>]*type=["']module["'][^>]*src=["']([^"']+)["']""")
BROTLI_JS = (
    "const fs = require('fs'), zlib = require('zlib'); const sizes = {};"
    "for (const file of process.argv.slice(1)) sizes[file] = zlib.brotliCompressSync("
    "fs.readFileSync(file), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;"
    "console.log(JSON.stringify(sizes));"
)


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


# --- build and sizes -------------------------------------------------------------------------


def build(out_dir: Path) -> None:
    """The project's production build into `out_dir`."""
    npx = shutil.which("npx") or "npx"
    command = [npx, "--no-install", "vite", "build", "--logLevel", "warn"]
    subprocess.run([*command, "--outDir", str(out_dir), "--emptyOutDir"], cwd=ROOT, check=True)


def shell_chunks(dist: Path) -> list[Path]:
    """The entry chunk named by index.html and every chunk reachable by static imports."""
    entry = ENTRY_SCRIPT.search((dist / "index.html").read_text())
    if entry is None:
        raise SystemExit(f"no <script type=module src=...> in {dist / 'index.html'}")
    pending, seen = [dist / entry.group(1).lstrip("/")], []
    while pending:
        chunk = pending.pop().resolve()
        if chunk in seen:
            continue
        seen.append(chunk)
        for target in STATIC_IMPORT.findall(chunk.read_text()):
            if target.endswith(".js") and target.startswith((".", "/")):
                base = dist if target.startswith("/") else chunk.parent
                pending.append(base / target.lstrip("/"))
    return seen


def brotli_sizes(files: list[Path]) -> dict[Path, int]:
    """Brotli (quality 11) size of each file, from Node's built-in zlib."""
    result = subprocess.run(
        ["node", "-e", BROTLI_JS, *map(str, files)], check=True, capture_output=True, text=True
    )
    return {Path(name): size for name, size in json.loads(result.stdout).items()}


def report_sizes(dist: Path) -> None:
    """Print the shell's initial JS and the service worker against their budgets."""
    chunks = shell_chunks(dist)
    lazy = sorted(set((dist / "assets").glob("*.js")) - {c.resolve() for c in chunks})
    sizes = brotli_sizes([*chunks, *lazy, dist / "sw.js"])
    print("\nJavaScript, brotli (quality 11)")
    for chunk in chunks:
        print(f"  initial  {chunk.name:<40}{sizes[chunk] / KB:>8.1f} KB")
    for chunk in lazy:
        print(f"  lazy     {chunk.name:<40}{sizes[chunk] / KB:>8.1f} KB")
    shell = sum(sizes[chunk] for chunk in chunks)
    sw = sizes[dist / "sw.js"]
    print(
        f"  shell initial JS {shell / KB:.1f} KB <= {SHELL_JS_BUDGET / KB:.0f} KB"
        f" → {verdict(shell <= SHELL_JS_BUDGET)}"
    )
    print(
        f"  service worker   {sw / KB:.1f} KB <= {SW_BUDGET / KB:.0f} KB"
        f" → {verdict(sw <= SW_BUDGET)}"
    )


# --- a served app with data ------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    """Where the production server answers."""

    url: str


def budgets_database_url() -> str:
    """DATABASE_URL's server with a database of its own (the spatial bench uses `_bench`)."""
    url = make_url(Settings.from_environment().database_url)
    return url.set(database=f"{url.database}_pwa_bench").render_as_string(hide_password=False)


def fill(url: str) -> None:
    """Migrate; one organisation, its admin (who owns every account) and a few accounts."""
    settings = Settings.from_environment().replace(database_url=url, redis_url=None)
    app = create_app(settings)
    try:
        with app.app_context():
            upgrade()
            with unit_of_work():
                org = create_organisation("Budgets")
                user = create_first_admin(org.id, EMAIL, "Budget Rep", PASSWORD)
            org_id, user_id = org.id, user.id
    finally:
        with app.app_context():
            db.engine.dispose()
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        with connection.cursor() as cursor:
            fill_accounts(cursor, org_id, ACCOUNTS, owner_id=user_id)
        connection.execute("VACUUM ANALYZE accounts")


@contextmanager
def served_app(dist: Path, log_path: Path) -> Iterator[Served]:
    """The built app and a filled database behind gunicorn; everything removed afterwards."""
    url = budgets_database_url()
    recreate_database(url)
    os.environ["PWA_DIST_DIR"] = str(dist)
    try:
        fill(url)
        with production_server(url, log_path) as port:
            yield Served(f"http://127.0.0.1:{port}")
    finally:
        drop_database(url)


# --- offline cold start ----------------------------------------------------------------------


def cold_start_ms(served: Served, runs: int) -> list[float]:
    """Milliseconds from navigation start to a visible Near-me list, offline, per run."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise RuntimeError("Debian's chromium is not on PATH (scripts/ensure-browser.sh)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(
            base_url=served.url,
            viewport={"width": 390, "height": 844},
            geolocation={"latitude": CITY_CENTRE[1], "longitude": CITY_CENTRE[0], "accuracy": 20},
            permissions=["geolocation"],
        )
        try:
            _first_visit_online(context.new_page())
            context.set_offline(True)
            return [_offline_start(context) for _ in range(runs)]
        finally:
            context.close()
            browser.close()


def _first_visit_online(page: Any) -> None:
    page.goto("/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("wp-near li")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("wp-near li")
    page.close()


def _offline_start(context: Any) -> float:
    page = context.new_page()
    try:
        page.goto("/near", wait_until="commit")
        page.wait_for_selector("wp-near li", state="visible")
        return float(page.evaluate("performance.now()"))
    finally:
        page.close()


def report_cold_start(served: Served, runs: int) -> None:
    """Print the offline cold start's median against its budget."""
    times = cold_start_ms(served, runs)
    median = statistics.median(times)
    print(f"\nOffline cold start to a visible Near-me list ({runs} runs, headless Chromium)")
    print(f"  runs ms: {', '.join(f'{t:.0f}' for t in times)}")
    print(
        f"  median {median:.0f} ms <= {COLD_START_BUDGET_MS:.0f} ms"
        f" → {verdict(median <= COLD_START_BUDGET_MS)}"
    )


# --- Lighthouse ------------------------------------------------------------------------------


def session_cookie(served: Served) -> str:
    """A logged-in session as a Cookie header value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
    request = urllib.request.Request(  # noqa: S310 (an http:// URL built here)
        f"{served.url}/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with opener.open(request, timeout=10):
        pass
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def lighthouse(url: str, out: Path, cookie: str | None) -> dict[str, Any]:
    """One Lighthouse run (default mobile configuration); its JSON report."""
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    chromium = shutil.which("chromium")
    if not binary.exists():
        raise RuntimeError("npm package lighthouse is not installed (npm install)")
    if chromium is None:
        raise RuntimeError("Debian's chromium is not on PATH")
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility,best-practices",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": chromium}
    subprocess.run(command, check=True, env=env, timeout=LIGHTHOUSE_TIMEOUT_S, capture_output=True)
    return json.loads(out.read_text())


def print_lighthouse(label: str, report: dict[str, Any]) -> None:
    """Scores against budgets, the lab metrics, and what cost points (with where)."""
    categories, audits = report["categories"], report["audits"]
    print(f"  {label}")
    for key, budget in LIGHTHOUSE_BUDGETS.items():
        score = round(float(categories[key]["score"] or 0) * 100)
        print(f"    {key:<15}{score:>4} >= {budget:<4}→ {verdict(score >= budget)}")
        for ref in categories[key]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] and audit["score"] is not None and float(audit["score"]) < 1:
                print(f"      - {ref['id']}: {audit.get('displayValue') or audit['title']}")
                for where in _culprits(audit):
                    print(f"          {where}")
    metrics = {
        "FCP": "first-contentful-paint",
        "LCP": "largest-contentful-paint",
        "TBT": "total-blocking-time",
        "CLS": "cumulative-layout-shift",
    }
    lab = ", ".join(f"{name} {audits[key]['displayValue']}" for name, key in metrics.items())
    print(f"    lab: {lab}")


def _culprits(audit: dict[str, Any], limit: int = 2) -> list[str]:
    """The first few elements or messages an audit blames, one line each."""
    found = []
    for item in (audit.get("details") or {}).get("items", [])[:limit]:
        node = item.get("node") if isinstance(item.get("node"), dict) else {}
        text = item.get("description") or node.get("explanation") or node.get("nodeLabel") or ""
        where = node.get("selector") or item.get("sourceLocation", {}).get("url", "")
        if where or text:
            found.append(f"{where}: {' '.join(str(text).split())[:160]}")
    return found


def report_lighthouse(served: Served, work: Path, runs: int) -> None:
    """Lighthouse on `/` (new visitor) and on /near (logged in); of `runs` runs per page, the
    one with the median performance score, as Lighthouse's docs advise for noisy machines."""
    print(
        f"\nLighthouse 12, mobile (default throttling and emulation), Debian Chromium;"
        f" the median of {runs} runs per page"
    )
    try:
        cookie = session_cookie(served)
        pages = (
            ("/ (new visitor: login screen)", "/", None, "root"),
            ("/near (logged in)", "/near", cookie, "near"),
        )
        for label, path, with_cookie, name in pages:
            reports = [
                lighthouse(served.url + path, work / f"lighthouse-{name}-{run}.json", with_cookie)
                for run in range(runs)
            ]
            reports.sort(key=lambda report: report["categories"]["performance"]["score"] or 0)
            scores = [round((r["categories"]["performance"]["score"] or 0) * 100) for r in reports]
            print_lighthouse(f"{label}; performance per run: {scores}", reports[len(reports) // 2])
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", "") or ""
        print(f"  Lighthouse could not run: {error}\n  {str(detail)[-800:]}")


# --- main ------------------------------------------------------------------------------------


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pwa_budgets",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("--dist", type=Path, help="read this build instead of building one")
    parser.add_argument("--runs", type=int, default=7, help="offline cold starts to time")
    parser.add_argument("--skip-browser", action="store_true", help="sizes only")
    parser.add_argument("--skip-lighthouse", action="store_true", help="no Lighthouse runs")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="runs per page")
    return parser.parse_args()


def main() -> None:
    """Build (or read) the app, then print every figure with its budget."""
    args = _arguments()
    with tempfile.TemporaryDirectory(prefix="waypoint-budgets-") as folder:
        work = Path(folder)
        dist = args.dist.resolve() if args.dist else work / "dist"
        if not args.dist:
            print(f"Building the app into {dist} ...", flush=True)
            build(dist)
        report_sizes(dist)
        if args.skip_browser:
            return
        with served_app(dist, work / "gunicorn.log") as served:
            print(f"\nServing {dist} with gunicorn -c gunicorn.conf.py at {served.url}", flush=True)
            report_cold_start(served, args.runs)
            if not args.skip_lighthouse:
                report_lighthouse(served, work, args.lighthouse_runs)


if __name__ == "__main__":
    main()
