"""A device whose IndexedDB an older app version made (version 2, before tasks) keeps its
outbox and rows when the app upgrades it, and sends what was waiting."""

from __future__ import annotations

import uuid

from tests.e2e.pages import log_in
from tests.e2e.sync_steps import server_visits, wait_until_sent

CENTRE = (26.1025, 44.4268)

# The database as the version-2 app left it: one visit recorded offline, waiting in the outbox.
OLD_DATABASE_JS = """async ({user, visit}) => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open("waypoint", 2);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore("accounts", { keyPath: "id" });
      db.createObjectStore("meta");
      db.createObjectStore("outbox", { keyPath: "id" });
      const visits = db.createObjectStore("visits", { keyPath: "id" });
      visits.createIndex("account_started", ["account_id", "started_at"]);
      db.createObjectStore("conflicts", { keyPath: "id" });
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const tx = db.transaction(["meta", "outbox", "visits"], "readwrite");
  const sync = {
    client_id: crypto.randomUUID(), user_id: user.id, user_name: user.name,
    next_id: 2, cursor: null,
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


def test_outbox_of_the_previous_app_version_survives_the_upgrade_and_is_sent(
    phone, app, rep, make_account, org
):
    """Version 2 -> 3 adds the tasks store and keeps the waiting visit, which then reaches the
    server exactly once."""
    shop = str(make_account(org, *CENTRE, owner_id=rep.id, name="Corner Shop"))
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
    page.evaluate(OLD_DATABASE_JS, {"user": {"id": str(rep.id), "name": rep.name}, "visit": visit})

    log_in(page, rep.email)
    wait_until_sent(page)

    version, stores = page.evaluate(STORES_JS)
    assert version == 3
    assert sorted(stores) == ["accounts", "conflicts", "meta", "outbox", "tasks", "visits"]
    [stored] = server_visits(app, rep.id)
    assert (str(stored["id"]), stored["outcome"]) == (visit["id"], "met")
