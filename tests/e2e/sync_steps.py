"""Steps of the offline-sync browser tests: record visits through the visit flow and contacts
through their form, read the device's IndexedDB, wait for the outbox to drain, and read what
the server stored."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import text

from server.extensions import db
from tests.sync.support import expected_checksum

# The visit flow driven from inside the page, through its own buttons and form, for as many
# visits as asked; resolves with the ids of the visits whose IndexedDB transaction completed
# (the flow announces "visit-saved" only then). Far faster than a round trip per click.
RECORD_VISITS_JS = """async ({count, outcome}) => {
  const flow = document.querySelector("wp-app").shadowRoot
    .querySelector("wp-account").shadowRoot.querySelector("wp-visit-flow");
  const ids = [];
  for (let i = 0; i < count; i++) {
    flow.shadowRoot.querySelector("button.check-in").click();
    await flow.updateComplete;
    flow.shadowRoot.querySelector(`input[value=${outcome}]`).click();
    await flow.updateComplete;
    const saved = new Promise((resolve, reject) => {
      flow.addEventListener("visit-saved", (event) => resolve(event.detail.id), { once: true });
      setTimeout(() => flow.error && reject(new Error(flow.error)), 0);
    });
    flow.shadowRoot.querySelector("form").requestSubmit();
    ids.push(await saved);
  }
  return ids;
}"""

# The account's contact form driven from inside the page: `count` new contacts, the first
# `edits` of them changed once right after (a contact.update); resolves with the ids of the
# contacts made and how many edits were saved, each counted once its IndexedDB transaction
# completed (the form announces "contact-saved" only then).
RECORD_CONTACTS_JS = """async ({count, edits}) => {
  const view = document.querySelector("wp-app").shadowRoot
    .querySelector("wp-account").shadowRoot.querySelector("wp-account-contacts");
  const root = view.shadowRoot;
  const submit = async (form) => {
    const saved = new Promise((resolve, reject) => {
      view.addEventListener("contact-saved", (event) => resolve(event.detail.id), { once: true });
      setTimeout(() => view.errors?.form && reject(new Error(view.errors.form)), 0);
    });
    form.requestSubmit();
    return saved;
  };
  const made = [];
  let edited = 0;
  for (let i = 0; i < count; i++) {
    root.querySelector("button.add-contact").click();
    await view.updateComplete;
    const form = root.querySelector("form.contact-form");
    form.elements.name.value = `Fault ${crypto.randomUUID().slice(0, 8)}`;
    const id = await submit(form);
    made.push(id);
    if (i >= edits) continue;
    await view.read();
    await view.updateComplete;
    root.querySelector(`li.contact[data-id="${id}"] button.edit-contact`).click();
    await view.updateComplete;
    const change = root.querySelector("form.contact-form");
    change.elements.title.value = "Edited";
    await submit(change);
    edited += 1;
  }
  return { made, edited };
}"""

# IndexedDB read without the app's code: how many mutations wait, and the sync state.
IDB_JS = """async (what) => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open("waypoint");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const read = (store, call) => new Promise((resolve, reject) => {
    const request = call(db.transaction(store).objectStore(store));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    if (what === "outbox") return await read("outbox", (s) => s.count());
    if (what === "state") return await read("meta", (s) => s.get("sync"));
    if (what === "visits") return await read("visits", (s) => s.getAll());
    if (what === "outbox-ids") return await read("outbox", (s) => s.getAllKeys());
    if (what === "drafts") return (await read("meta", (s) => s.get("visit_drafts"))) ?? {};
    if (what === "account-ids") return await read("accounts", (s) => s.getAllKeys());
    if (what === "task-ids") return await read("tasks", (s) => s.getAllKeys());
  } finally {
    db.close();
  }
}"""


def open_account(page: Any, account_id: Any) -> None:
    """The account's page, with the visit flow ready."""
    page.goto(f"/accounts/{account_id}")
    page.wait_for_selector("wp-visit-flow button.check-in")


def record_visit(page: Any, outcome: str = "met", notes: str = "") -> None:
    """One visit through the form, tap by tap: check in, outcome, notes, check out."""
    page.click("wp-visit-flow button.check-in")
    page.check(f"wp-visit-flow input[value={outcome}]")
    if notes:
        page.fill("wp-visit-flow textarea[name=notes]", notes)
    page.click("wp-visit-flow button.check-out")
    page.wait_for_selector("wp-visit-flow .saved")


def record_visits(page: Any, count: int, outcome: str = "met") -> list[str]:
    """`count` visits through the flow, driven in the page; the ids saved on the device."""
    ids: list[str] = page.evaluate(RECORD_VISITS_JS, {"count": count, "outcome": outcome})
    return ids


def record_contacts(page: Any, count: int, edits: int = 0) -> tuple[list[str], int]:
    """`count` contacts through the account's form, the first `edits` of them edited once,
    driven in the page: the ids saved on the device and the number of edits saved."""
    result: dict[str, Any] = page.evaluate(RECORD_CONTACTS_JS, {"count": count, "edits": edits})
    return list(result["made"]), int(result["edited"])


def server_contacts(app: Flask, user_id: Any) -> list[dict[str, Any]]:
    """The contacts a user made, as the server stores them (id, title, version)."""
    with app.app_context():
        rows = db.session.execute(
            text("SELECT id, title, version FROM contacts WHERE created_by = :u"), {"u": user_id}
        ).mappings()
        result = [dict(row) for row in rows]
        db.session.remove()
    return result


def outbox_count(page: Any) -> int:
    """Mutations waiting on the device."""
    count: int = page.evaluate(IDB_JS, "outbox")
    return count


def sync_state(page: Any) -> dict[str, Any]:
    """The device's sync state (client id, counter, cursor, last sync)."""
    state: dict[str, Any] = page.evaluate(IDB_JS, "state")
    return state


def local_visits(page: Any) -> list[dict[str, Any]]:
    """The visits stored on the device."""
    visits: list[dict[str, Any]] = page.evaluate(IDB_JS, "visits")
    return visits


def local_account_ids(page: Any) -> set[str]:
    """The ids of the accounts stored on the device."""
    ids: list[str] = page.evaluate(IDB_JS, "account-ids")
    return set(ids)


def local_task_ids(page: Any) -> set[str]:
    """The ids of the tasks stored on the device."""
    ids: list[str] = page.evaluate(IDB_JS, "task-ids")
    return set(ids)


def visit_drafts(page: Any) -> dict[str, dict[str, Any]]:
    """The visits in progress on the device (checked in, not yet out), by account id."""
    drafts: dict[str, dict[str, Any]] = page.evaluate(IDB_JS, "drafts")
    return drafts


def wait_for(page: Any, what: str, ready: Callable[[], bool], timeout_s: float = 60.0) -> None:
    """Until `ready()` holds, polled from here: wait_for_function does not await an
    asynchronous predicate (it takes the promise itself as a truthy answer). Playwright's own
    wait between polls lets route handlers run meanwhile."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        page.wait_for_timeout(100)


def wait_until_sent(page: Any, timeout_s: float = 60.0) -> None:
    """Until the outbox is empty."""
    wait_for(page, "the outbox to empty", lambda: outbox_count(page) == 0, timeout_s)


def open_inbox(page: Any) -> None:
    """Open the inbox from the sync status line, by keyboard: the link moves sideways while a
    sync runs (the state text before it comes and goes), which a pointer click can miss."""
    link = page.locator("wp-sync-status a.inbox")
    link.focus()
    link.press("Enter")


def sync_now(page: Any) -> None:
    """Tap "Sync now" on the diagnostics screen (the engine runs at once)."""
    page.goto("/diagnostics")
    page.click("wp-diagnostics button.sync-now")


def server_visits(app: Flask, user_id: Any) -> list[dict[str, Any]]:
    """The visits the server stored for a user."""
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT id, account_id, outcome, verification, notes, started_at, accuracy_m "
                "FROM visits WHERE user_id = :u"
            ),
            {"u": user_id},
        ).mappings()
        result = [dict(row) for row in rows]
        db.session.remove()
    return result


def server_ledger(app: Flask, client_id: str) -> list[dict[str, Any]]:
    """The server's mutation ledger of one device, in id order."""
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT mutation_id, op, status, entity_id FROM sync_mutations "
                "WHERE client_id = :c ORDER BY mutation_id"
            ),
            {"c": uuid.UUID(client_id)},
        ).mappings()
        result = [dict(row) for row in rows]
        db.session.remove()
    return result


def expected_hash(rows: list[tuple[Any, int]]) -> str:
    """The checksum the contract defines, computed here independently of server and client."""
    return expected_checksum(rows)
