"""contact.create / contact.update / contact.archive through sync: the same operations as the
REST routes, applied exactly once however often a push is replayed, in the pull (with
tombstones) and the checksum of the account's working set."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from server.contacts.models import Contact
from server.extensions import db
from tests.sync.support import SHOP, contact_data, expected_checksum, mutation, pull_all, push


def stored_contacts(app, account_id) -> list[tuple[str, str, int]]:
    """(id, name, version) of every contact row of the account, archived ones too."""
    with app.app_context():
        rows = db.session.execute(
            select(Contact.id, Contact.name, Contact.version)
            .where(Contact.account_id == account_id)
            .order_by(Contact.id)
        )
        return [(str(row.id), row.name, row.version) for row in rows]


def test_offline_create_and_update_replayed_apply_exactly_once(app, rep_api, shop):
    """The acknowledgement was lost twice: the device sends the same batch three times."""
    client = uuid.uuid4()
    data = contact_data(shop)
    batch = [
        mutation(1, "contact.create", data),
        mutation(2, "contact.update", {"id": data["id"], "title": "Owner"}, base_version=1),
    ]

    answers = [push(rep_api, client, batch) for _ in range(3)]

    assert [r["status"] for r in answers[0].json["results"]] == ["applied", "applied"]
    assert [r["status"] for r in answers[2].json["results"]] == ["duplicate", "duplicate"]
    assert answers[2].json["last_mutation_id"] == 2
    assert stored_contacts(app, shop) == [(data["id"], data["name"], 2)]
    assert rep_api.get(f"/api/v1/contacts/{data['id']}").json["title"] == "Owner"


def test_create_sent_by_rest_then_pushed_is_stored_once(app, rep_api, shop):
    """The device's REST attempt timed out after the server stored it; the outbox sends it."""
    data = contact_data(shop)
    assert rep_api.post("/api/v1/contacts", json=data).status_code == 201

    response = push(rep_api, uuid.uuid4(), [mutation(1, "contact.create", data)])

    assert response.json["results"][0]["status"] == "applied"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 1


def test_stale_update_is_a_conflict_carrying_the_servers_contact(rep_api, shop):
    data = contact_data(shop)
    client = uuid.uuid4()
    push(rep_api, client, [mutation(1, "contact.create", data)])
    rep_api.patch(f"/api/v1/contacts/{data['id']}", json={"title": "Owner"})

    response = push(
        rep_api,
        client,
        [mutation(2, "contact.update", {"id": data["id"], "title": "Clerk"}, base_version=1)],
    )

    [result] = response.json["results"]
    assert result["status"] == "conflict"
    assert result["entity"]["title"] == "Owner"
    assert result["entity"]["version"] == 2


def test_invalid_contact_is_rejected_with_data_fields_and_the_counter_moves_on(rep_api, shop):
    batch = [
        mutation(1, "contact.create", contact_data(shop, emails=["nope"])),
        mutation(2, "contact.create", contact_data(shop)),
        mutation(3, "contact.create", {k: v for k, v in contact_data(shop).items() if k != "id"}),
    ]

    response = push(rep_api, uuid.uuid4(), batch)

    assert response.json["last_mutation_id"] == 3
    first, second, third = response.json["results"]
    assert first["status"] == "rejected"
    assert "data.emails.0" in first["error"]["fields"]
    assert second["status"] == "applied"
    assert third["status"] == "rejected"
    assert "data.id" in third["error"]["fields"]


def test_contacts_arrive_in_the_pull_and_the_checksum_and_leave_as_tombstones(
    org, make_user, make_account, logged_in
):
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    shop = make_account(org, *SHOP, owner_id=rep.id)
    rep_api = logged_in(rep)
    _, cursor = pull_all(rep_api)
    kept, archived = contact_data(shop), contact_data(shop, name="Dan Pop")
    client = uuid.uuid4()
    push(
        rep_api,
        client,
        [mutation(1, "contact.create", kept), mutation(2, "contact.create", archived)],
    )

    changes, cursor = pull_all(rep_api, cursor)

    contacts = {c["data"]["id"]: c["op"] for c in changes if c["entity"] == "contact"}
    assert contacts == {kept["id"]: "upsert", archived["id"]: "upsert"}

    push(rep_api, client, [mutation(3, "contact.archive", {"id": archived["id"]})])
    changes, cursor = pull_all(rep_api, cursor)

    assert [(c["op"], c["data"]["id"]) for c in changes if c["entity"] == "contact"] == [
        ("delete", archived["id"])
    ]
    checksum = rep_api.get("/api/v1/sync/checksum").json["contact"]
    assert checksum == {"count": 1, "hash": expected_checksum([(kept["id"], 1)])}
    assert logged_in(manager).get("/api/v1/sync/checksum").json["contact"]["count"] == 1


def test_contacts_follow_their_account_to_its_new_owner(org, make_user, make_account, logged_in):
    """An account reassigned: its contacts leave the old owner's device and reach the new
    owner's, though no contact was written."""
    admin = make_user(org, role="admin")
    before, after = make_user(org), make_user(org)
    shop = make_account(org, *SHOP, owner_id=before.id)
    data = contact_data(shop)
    push(logged_in(before), uuid.uuid4(), [mutation(1, "contact.create", data)])
    _, before_cursor = pull_all(logged_in(before))
    _, after_cursor = pull_all(logged_in(after))

    moved = logged_in(admin).patch(f"/api/v1/accounts/{shop}", json={"owner_id": str(after.id)})
    assert moved.status_code == 200, moved.json

    left, _ = pull_all(logged_in(before), before_cursor)
    arrived, _ = pull_all(logged_in(after), after_cursor)
    assert [(c["op"], c["data"]["id"]) for c in left if c["entity"] == "contact"] == [
        ("delete", data["id"])
    ]
    assert [(c["op"], c["data"]["id"]) for c in arrived if c["entity"] == "contact"] == [
        ("upsert", data["id"])
    ]


def test_archive_replayed_is_applied_once(app, rep_api, shop):
    data = contact_data(shop)
    client = uuid.uuid4()
    push(rep_api, client, [mutation(1, "contact.create", data)])
    archive = [mutation(2, "contact.archive", {"id": data["id"]})]

    first, again = push(rep_api, client, archive), push(rep_api, client, archive)

    assert first.json["results"][0]["status"] == "applied"
    assert first.json["results"][0]["entity"]["archived_at"] is not None
    assert again.json["results"][0]["status"] == "duplicate"
    assert stored_contacts(app, shop) == [(data["id"], data["name"], 2)]
