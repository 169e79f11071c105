"""A device whose IndexedDB an older app version made (version 2, before tasks; version 3,
before notes; version 4, before contacts) keeps its outbox and rows when the app upgrades it,
and sends what was waiting."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import log_in
from tests.e2e.sync_steps import server_ledger, server_visits, sync_state, wait_until_sent

CENTRE = (26.1025, 44.4268)
STORES = ["accounts", "conflicts", "meta", "outbox", "tasks", "visits"]

# The database as the version-2, -3 or -4 app left it: one visit recorded offline, waiting in the
# outbox, and the cursor of the last pull (none, or one the server gave).
OLD_DATABASE_JS = """async ({version, user, visit, cursor}) => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open("waypoint", version);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore("accounts", { keyPath: "id" });
      db.createObjectStore("meta");
      db.createObjectStore("outbox", { keyPath: "id" });
      const visits = db.createObjectStore("visits", { keyPath: "id" });
      visits.createIndex("account_started", ["account_id", "started_at"]);
      db.createObjectStore("conflicts", { keyPath: "id" });
      if (version >= 3) db.createObjectStore("tasks", { keyPath: "id" });
      if (version >= 4) {
        const notes = db.createObjectStore("notes", { keyPath: "id" });
        notes.createIndex("account_written", ["account_id", "written_at"]);
      }
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const tx = db.transaction(["meta", "outbox", "visits"], "readwrite");
  const sync = {
    client_id: crypto.randomUUID(), user_id: user.id, user_name: user.name,
    next_id: 2, cursor,
  };
  tx.objectStore("meta").put(sync, "sync");
  tx.objectStore("outbox").put({ id: 1, op: "visit.create", data: visit, at: visit.ended_at });
  tx.objectStore("visits").put({ ...visit, pending: true });
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}"""

STORES_JS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("waypoint");
  open.onsuccess = () => {
    resolve([open.result.version, [...open.result.objectStoreNames]]);
    open.result.close();
  };
  open.onerror = () => reject(open.error);
})"""


def _old_device(phone, rep, shop, version, cursor=None):
    """A page of the app's origin holding the database of app `version`; returns the page and
    the visit waiting in its outbox."""
    page = phone.new_page()
    # A page of the app's origin that runs none of its code, to build the old database in.
    phone.route(
        "**/blank", lambda route: route.fulfill(body="<!doctype html>", content_type="text/html")
    )
    page.goto("/blank")
    visit = {
        "id": str(uuid.uuid4()),
        "account_id": shop,
        "started_at": "2026-11-23T09:00:00Z",
        "ended_at": "2026-11-23T09:10:00Z",
        "location": None,
        "accuracy_m": None,
        "outcome": "met",
        "notes": "before the upgrade",
        "next_step": None,
    }
    user = {"id": str(rep.id), "name": rep.name}
    page.evaluate(
        OLD_DATABASE_JS, {"version": version, "user": user, "visit": visit, "cursor": cursor}
    )
    return page, visit


def test_outbox_of_the_previous_app_version_survives_the_upgrade_and_is_sent(
    phone, app, rep, make_account, org
):
    """Version 2 -> 5 adds the tasks, notes and contacts stores and keeps the waiting visit,
    which then reaches the server exactly once."""
    shop = str(make_account(org, *CENTRE, owner_id=rep.id, name="Corner Shop"))
    page, visit = _old_device(phone, rep, shop, version=2)

    log_in(page, rep.email)
    wait_until_sent(page)

    version, stores = page.evaluate(STORES_JS)
    assert version == 5
    assert sorted(stores) == sorted([*STORES, "notes", "contacts"])
    [stored] = server_visits(app, rep.id)
    assert (str(stored["id"]), stored["outcome"]) == (visit["id"], "met")


@dataclass(frozen=True)
class Skipped:
    """A row of an entity the device's app version had no store for: where the server takes
    it, its text, and where the account's page shows it."""

    path: str
    field: str
    text: str
    shown: str


# Per old version: what its pulls skipped (version 4 added notes, 5 contacts).
SKIPPED = {
    3: Skipped("/api/v1/notes", "body", "Written on the office PC", "wp-visit-history li"),
    4: Skipped("/api/v1/contacts", "name", "Ioana Marin", "wp-account-contacts li"),
}


@pytest.mark.parametrize("old_version", sorted(SKIPPED))
def test_older_device_keeps_its_outbox_and_gets_the_rows_its_pulls_skipped(
    phone, app, rep, rep_api, make_account, org, old_version
):
    """The old version pulled past a row it had no store for: the upgrade adds the store,
    keeps the device's id and waiting visit (sent once, as mutation 1), and pulls everything
    again, so the skipped row appears on the account."""
    skipped = SKIPPED[old_version]
    shop = str(make_account(org, *CENTRE, owner_id=rep.id, name="Corner Shop"))
    row = {"id": str(uuid.uuid4()), "account_id": shop, skipped.field: skipped.text}
    assert rep_api.post(skipped.path, json=row).status_code == 201
    cursor = rep_api.get("/api/v1/sync/pull").json["cursor"]
    page, visit = _old_device(phone, rep, shop, version=old_version, cursor=cursor)
    client_id = sync_state(page)["client_id"]

    log_in(page, rep.email)
    wait_until_sent(page)
    page.goto(f"/accounts/{shop}")

    expect(page.locator(f"{skipped.shown}[data-id='{row['id']}']")).to_contain_text(skipped.text)
    version, stores = page.evaluate(STORES_JS)
    assert (version, sorted(stores)) == (5, sorted([*STORES, "notes", "contacts"]))
    assert sync_state(page)["client_id"] == client_id
    ledger = server_ledger(app, client_id)
    assert [(entry["mutation_id"], str(entry["entity_id"])) for entry in ledger] == [
        (1, visit["id"])
    ]
