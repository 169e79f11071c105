"""A device whose working set shrank while it had no cursor (the diagnostics' resync): the full
snapshot that follows spans several pull pages, is cut off between two of them and resumed after
a reload, and in the end the device holds exactly the rows the snapshot listed."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import text

from server.extensions import db
from tests.e2e.pages import log_in
from tests.e2e.sync_steps import local_account_ids, sync_state, wait_for
from tests.support.bulk import fill_accounts

# The engine pulls 500 changes a page: the rep's accounts make a snapshot of five pages.
ACCOUNTS = 2_100
PULLS = "**/api/v1/sync/pull?*"


def _server_account_ids(app: Flask, owner_id: Any) -> set[str]:
    with app.app_context():
        ids = db.session.scalars(
            text("SELECT id FROM accounts WHERE owner_id = :owner"), {"owner": owner_id}
        ).all()
        db.session.remove()
    return {str(account_id) for account_id in ids}


def _reassign(app: Flask, account_ids: list[uuid.UUID], owner_id: Any) -> None:
    """Straight in the database: no poke, so nothing but a pull can tell the device."""
    with app.app_context():
        db.session.execute(
            text("UPDATE accounts SET owner_id = :owner WHERE id = ANY(:ids)"),
            {"owner": owner_id, "ids": account_ids},
        )
        db.session.commit()
        db.session.remove()


@pytest.fixture
def territory(app: Flask, org: Any, rep: Any) -> None:
    """The rep's accounts, more than one pull page holds."""
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            with connection.cursor() as cursor:
                fill_accounts(cursor, org.id, ACCOUNTS, owner_id=rep.id)
            connection.commit()
        finally:
            connection.close()


class CutAfter:
    """Route for the pulls. Until a full snapshot begins, a pull from a cursor fails as offline
    (the device must not hear of the change before its cursor is gone); then the snapshot's
    first `pages` pages go through and every pull after them fails as a dead network would,
    until `resume()`. Records the cursor each pull sent (None: a full snapshot)."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.resumed = False
        self.held_back: list[str | None] = []
        self.passed: list[str | None] = []
        self.cut: list[str | None] = []
        self.after_resume: list[str | None] = []

    def __call__(self, route: Any) -> None:
        cursor = parse_qs(urlparse(route.request.url).query).get("cursor", [None])[0]
        if self.resumed:
            self.after_resume.append(cursor)
        elif not self.passed and cursor is not None:
            self.held_back.append(cursor)
            route.abort("internetdisconnected")
            return
        elif len(self.passed) >= self.pages:
            self.cut.append(cursor)
            route.abort("internetdisconnected")
            return
        else:
            self.passed.append(cursor)
        route.continue_()

    def resume(self) -> None:
        self.resumed = True


def test_snapshot_cut_between_pages_forgets_unlisted_rows_after_its_last_page_when_resumed(
    phone, app, org, rep, make_user, make_account, territory
):
    """Two accounts are reassigned away while the device holds them; the resync's snapshot
    (five pages) is cut after page 2, the page reloads offline, the network comes back: the
    sync resumes from the stored cursor, the reassigned accounts are gone and every account
    the server lists is on the device."""
    reassigned = [make_account(org, 26.1, 44.43, owner_id=rep.id) for _ in range(2)]
    page = phone.new_page()
    log_in(page, rep.email)
    wait_for(page, "the first sync", lambda: len(local_account_ids(page)) == ACCOUNTS + 2)
    pulls = CutAfter(pages=2)
    phone.route(PULLS, pulls)
    page.goto("/diagnostics")
    _reassign(app, reassigned, make_user(org).id)
    page.click("wp-diagnostics button.compare")
    expect(page.locator("wp-diagnostics dd[data-entity=account]")).to_have_class("differs")

    page.click("wp-diagnostics button.resync")
    wait_for(page, "the cut", lambda: len(pulls.cut) > 0)
    phone.set_offline(True)
    cut_state = sync_state(page)
    held_when_cut = local_account_ids(page)
    page.reload()
    page.wait_for_selector("wp-diagnostics")
    pulls.resume()
    phone.set_offline(False)
    listed = _server_account_ids(app, rep.id)
    wait_for(page, "the snapshot's end", lambda: local_account_ids(page) == listed)

    assert len(pulls.passed) == 2  # the snapshot's first two pages, and no other pull
    assert pulls.passed[0] is None
    assert cut_state["cursor"] is not None
    assert cut_state["snapshot_open"] is True
    assert {str(account_id) for account_id in reassigned} <= held_when_cut
    assert pulls.after_resume[0] == cut_state["cursor"]
    assert None not in pulls.after_resume
    assert len(pulls.after_resume) >= 3
    assert sync_state(page)["snapshot_open"] is False
    page.click("wp-diagnostics button.compare")
    expect(page.locator("wp-diagnostics dl.checksums")).to_have_attribute("data-same", "true")
