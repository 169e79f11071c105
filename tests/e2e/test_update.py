"""A new deploy reaches a phone that has the app open: "Update ready", applied only on Reload."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.e2e.conftest import close_context
from tests.support.live_server import serving

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 180

# The second build is the project's own, plus a marker in the shell's <head>: the shell's
# precache revision changes, so sw.js changes too, as with any real new version.
LABELLED_CONFIG = """\
import config from {project_config};

const label = {{
  name: "waypoint-test-build-label",
  transformIndexHtml: (html) => html.replace("</head>", {marker} + "</head>"),
}};
export default {{ ...config, plugins: [...config.plugins, label] }};
"""


@dataclass(frozen=True)
class Builds:
    """Two different builds of the app, in their own folders."""

    first: Path
    second: Path


def _vite_build(out_dir: Path, *extra: str) -> None:
    npx = shutil.which("npx")
    assert npx, "npx is missing: Node.js is needed to build the app"
    command = [npx, "--no-install", "vite", "build", "--logLevel", "warn"]
    command += [*extra, "--outDir", str(out_dir), "--emptyOutDir"]
    subprocess.run(command, cwd=ROOT, check=True, timeout=BUILD_TIMEOUT_S)


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The app built twice per session (a few seconds each): as it is, then with a marker."""
    folder = tmp_path_factory.mktemp("builds")
    config = folder / "labelled.vite.config.mjs"
    config.write_text(
        LABELLED_CONFIG.format(
            project_config=json.dumps((ROOT / "vite.config.js").as_uri()),
            marker=json.dumps('<meta name="waypoint-build" content="second" />'),
        )
    )
    first, second = folder / "first", folder / "second"
    _vite_build(first)
    _vite_build(second, "--config", str(config), "--configLoader", "native")
    assert (first / "sw.js").read_bytes() != (second / "sw.js").read_bytes()
    return Builds(first, second)


class Deploy:
    """A WSGI app that forwards to whichever app version is deployed right now."""

    def __init__(self, current: Flask) -> None:
        self.current = current

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.current(environ, start_response)


@pytest.fixture
def deploy(app_with: Callable[..., Flask], builds: Builds) -> Iterator[tuple[Any, Any]]:
    """The first build served over HTTP; `switch()` deploys the second on the same origin."""
    first, second = (app_with(pwa_dist_dir=str(build)) for build in (builds.first, builds.second))
    current = Deploy(first)

    def switch() -> None:
        current.current = second

    with serving(current) as server:
        yield server, switch


@pytest.fixture
def controlled_page(browser: Any, deploy: tuple[Any, Any]) -> Iterator[Any]:
    """A phone-sized page on the first build, controlled by its service worker."""
    server, _ = deploy
    context = browser.new_context(base_url=server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/login")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    yield page
    close_context(context)


def _build_marker(page: Any) -> str | None:
    return page.evaluate("document.querySelector('meta[name=waypoint-build]')?.content ?? null")


def test_update_ready_banner_appears_when_a_new_build_is_deployed(controlled_page, deploy):
    """Coming back to the app after a deploy finds the new worker and shows "Update ready",
    while the old version keeps running."""
    page, (_, switch) = controlled_page, deploy
    page.evaluate("window.openedBeforeTheDeploy = true")

    switch()
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    page.wait_for_selector("wp-app .update")
    assert page.evaluate("window.openedBeforeTheDeploy === true")
    assert _build_marker(page) is None
    assert page.evaluate("navigator.serviceWorker.getRegistration().then(r => !!r.waiting)")


def test_reload_runs_the_new_build_when_the_user_accepts_the_update(controlled_page, deploy):
    """Clicking Reload activates the waiting worker and the page reloads under it."""
    page, (_, switch) = controlled_page, deploy
    switch()
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_selector("wp-app .update")
    page.evaluate("window.openedBeforeTheDeploy = true")

    with page.expect_navigation():
        page.click("wp-app .update button")

    page.wait_for_selector("meta[name=waypoint-build][content=second]", state="attached")
    assert page.evaluate("window.openedBeforeTheDeploy === undefined")
    assert page.evaluate("navigator.serviceWorker.getRegistration().then(r => !r.waiting)")
    assert page.locator("wp-app .update").count() == 0
