"""Contacts at accounts: created with the device's id (idempotent), edited with a version, one
primary per account, deleted by archiving, seen by whoever sees the account."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.fixtures import SHOP
from tests.sync.support import contact_data

ACCOUNTS = "/api/v1/accounts"
CONTACTS = "/api/v1/contacts"


def create(api: Any, account: Any, **fields: Any) -> dict[str, Any]:
    response = api.post(CONTACTS, json=contact_data(account, **fields))
    assert response.status_code == 201, response.json
    created: dict[str, Any] = response.json
    return created


def listed(api: Any, account: Any, **query: Any) -> list[str]:
    response = api.get(f"{ACCOUNTS}/{account}/contacts", query_string=query)
    assert response.status_code == 200, response.json
    return [item["name"] for item in response.json["items"]]


def test_contact_is_created_with_every_field(rep_api, rep, shop):
    sent = contact_data(
        shop,
        notes="Prefers mornings",
        consent={"email": "2026-11-30T10:00:00Z"},
        is_primary=True,
        emails=["Ioana@Example.com"],
    )

    response = rep_api.post(CONTACTS, json=sent)

    assert response.status_code == 201
    contact = response.json
    assert contact["id"] == sent["id"]
    assert contact["account_id"] == str(shop)
    assert (contact["name"], contact["title"]) == ("Ioana Marin", "Buyer")
    assert contact["phones"] == ["+40 21 555 0101"]
    assert contact["emails"] == ["ioana@example.com"]
    assert contact["language"] == "ro"
    assert contact["consent"]["email"].startswith("2026-11-30T10:00:00")
    assert (contact["consent"]["sms"], contact["consent"]["phone"]) == (None, None)
    assert contact["is_primary"] is True
    assert contact["archived_at"] is None
    assert contact["created_by"] == str(rep.id)
    assert contact["version"] == 1
    assert rep_api.get(f"{CONTACTS}/{sent['id']}").json == contact


def test_same_contact_sent_again_answers_200_and_is_stored_once(rep_api, shop):
    sent = contact_data(shop)
    first = rep_api.post(CONTACTS, json=sent)

    again = rep_api.post(CONTACTS, json=sent)

    assert again.status_code == 200
    assert again.json == first.json
    assert listed(rep_api, shop) == ["Ioana Marin"]


def test_contact_id_reused_with_other_content_answers_409(rep_api, shop):
    sent = contact_data(shop)
    rep_api.post(CONTACTS, json=sent)

    response = rep_api.post(CONTACTS, json=sent | {"name": "Other"})

    assert response.status_code == 409
    assert listed(rep_api, shop) == ["Ioana Marin"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"phones": ["call me"]}, "phones.0"),
        ({"emails": ["not-an-email"]}, "emails.0"),
        ({"emails": [f"a{n}@example.com" for n in range(11)]}, "emails"),
        ({"language": "English please"}, "language"),
        ({"consent": {"sms": "yesterday"}}, "consent.sms"),
        ({"consent": {"sms": "2026-11-30T10:00:00"}}, "consent.sms"),
        ({"consent": {"fax": None}}, "consent.fax"),
        ({"account_id": "nope"}, "account_id"),
        ({"is_primary": "yes"}, "is_primary"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_contact_answers_422_naming_the_field(rep_api, shop, fields, field):
    response = rep_api.post(CONTACTS, json=contact_data(shop) | fields)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["fields"], response.json
    assert listed(rep_api, shop) == []


def test_contact_without_a_name_answers_422(rep_api, shop):
    sent = contact_data(shop)
    del sent["name"]

    response = rep_api.post(CONTACTS, json=sent)

    assert response.status_code == 422
    assert "name" in response.json["error"]["fields"]


def test_list_shows_the_primary_first_then_by_name_and_pages(rep_api, shop):
    for name in ("Dan", "Ana", "Bogdan"):
        create(rep_api, shop, name=name)
    create(rep_api, shop, name="Zoe", is_primary=True)

    first = rep_api.get(f"{ACCOUNTS}/{shop}/contacts", query_string={"limit": 2}).json
    rest = rep_api.get(
        f"{ACCOUNTS}/{shop}/contacts", query_string={"limit": 2, "cursor": first["next_cursor"]}
    ).json

    names = [c["name"] for c in first["items"]] + [c["name"] for c in rest["items"]]
    assert names == ["Zoe", "Ana", "Bogdan", "Dan"]
    assert rest["next_cursor"] is None
    assert listed(rep_api, shop, q="dan") == ["Bogdan", "Dan"]


def test_contacts_list_by_name_across_the_accounts_the_caller_sees(
    org, rep, rep_api, shop, make_account, make_user, logged_in
):
    second = make_account(org, *SHOP, owner_id=rep.id)
    theirs = make_account(org, *SHOP, owner_id=make_user(org).id)
    create(rep_api, shop, name="Dan Pop")
    create(rep_api, second, name="Ana Dan", is_primary=True)
    create(rep_api, second, name="Victor")
    create(logged_in(make_user(org, role="admin")), theirs, name="Dana Hidden")

    everyone = rep_api.get(CONTACTS).json["items"]
    named = rep_api.get(CONTACTS, query_string={"q": "DAN"}).json["items"]
    of_second = rep_api.get(CONTACTS, query_string={"account_id": str(second)}).json["items"]
    of_theirs = rep_api.get(CONTACTS, query_string={"account_id": str(theirs)}).json["items"]

    assert [c["name"] for c in everyone] == ["Ana Dan", "Dan Pop", "Victor"]
    assert [c["name"] for c in named] == ["Ana Dan", "Dan Pop"]
    assert [c["name"] for c in of_second] == ["Ana Dan", "Victor"]
    assert of_theirs == []


def test_making_a_contact_primary_clears_the_other(rep_api, shop):
    first = create(rep_api, shop, name="Ana", is_primary=True)
    second = create(rep_api, shop, name="Dan")

    response = rep_api.patch(f"{CONTACTS}/{second['id']}", json={"is_primary": True})

    assert response.status_code == 200
    assert response.json["is_primary"] is True
    before = rep_api.get(f"{CONTACTS}/{first['id']}").json
    assert before["is_primary"] is False
    assert before["version"] == 2  # devices holding it see the change
    assert listed(rep_api, shop) == ["Dan", "Ana"]


def test_a_new_primary_contact_clears_the_other(rep_api, shop):
    first = create(rep_api, shop, name="Ana", is_primary=True)

    create(rep_api, shop, name="Dan", is_primary=True)

    assert rep_api.get(f"{CONTACTS}/{first['id']}").json["is_primary"] is False


def test_update_changes_the_fields_sent_and_the_version(rep_api, shop):
    contact = create(rep_api, shop, consent={"email": "2026-11-30T10:00:00Z"})

    response = rep_api.patch(
        f"{CONTACTS}/{contact['id']}",
        json={
            "title": "Owner",
            "phones": ["+40 722 000 111", "021 555 0101"],
            "consent": {"sms": "2026-12-01T08:00:00Z"},
            "version": 1,
        },
    )

    assert response.status_code == 200
    assert response.json["title"] == "Owner"
    assert response.json["phones"] == ["+40 722 000 111", "021 555 0101"]
    assert response.json["name"] == contact["name"]
    assert response.json["consent"]["email"] == contact["consent"]["email"]
    assert response.json["consent"]["sms"].startswith("2026-12-01T08:00:00")
    assert response.json["version"] == 2


def test_stale_version_answers_409_and_changes_nothing(rep_api, shop):
    contact = create(rep_api, shop)
    rep_api.patch(f"{CONTACTS}/{contact['id']}", json={"title": "Owner"})

    response = rep_api.patch(f"{CONTACTS}/{contact['id']}", json={"title": "Clerk", "version": 1})

    assert response.status_code == 409
    assert response.json["error"]["fields"] == {"version": "current is 2"}
    assert rep_api.get(f"{CONTACTS}/{contact['id']}").json["title"] == "Owner"


@pytest.mark.parametrize("field", ["name", "phones", "consent", "is_primary"])
def test_required_field_set_to_null_answers_422(rep_api, shop, field):
    contact = create(rep_api, shop)

    response = rep_api.patch(f"{CONTACTS}/{contact['id']}", json={field: None})

    assert response.status_code == 422


def test_delete_archives_the_contact(rep_api, shop):
    contact = create(rep_api, shop, is_primary=True)

    response = rep_api.delete(f"{CONTACTS}/{contact['id']}")

    assert response.status_code == 204
    assert rep_api.get(f"{CONTACTS}/{contact['id']}").status_code == 404
    assert listed(rep_api, shop) == []
    assert rep_api.delete(f"{CONTACTS}/{contact['id']}").status_code == 204
    edit = rep_api.patch(f"{CONTACTS}/{contact['id']}", json={"title": "Back"})
    assert edit.status_code == 422
    # The archived one was primary: another may be now.
    assert create(rep_api, shop, name="Next", is_primary=True)["is_primary"] is True


def test_contacts_of_an_archived_account_are_hidden(org, make_user, logged_in, make_account):
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    shop = make_account(org, *SHOP, owner_id=rep.id)
    contact = create(logged_in(rep), shop)

    assert logged_in(manager).delete(f"{ACCOUNTS}/{shop}").status_code == 204

    assert logged_in(rep).get(f"{CONTACTS}/{contact['id']}").status_code == 404
    assert logged_in(rep).get(f"{ACCOUNTS}/{shop}/contacts").status_code == 404


def test_contacts_are_seen_by_whoever_sees_the_account(
    org, make_org, make_user, logged_in, make_account
):
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    other_manager = make_user(org, role="manager")
    other_rep = make_user(org, manager_id=other_manager.id)
    stranger = make_user(make_org(), role="admin")
    shop = make_account(org, *SHOP, owner_id=rep.id)
    contact = create(logged_in(rep), shop)
    path = f"{CONTACTS}/{contact['id']}"

    seen = {
        name: logged_in(user).get(path).status_code
        for name, user in (
            ("rep", rep),
            ("manager", manager),
            ("other team's manager", other_manager),
            ("other team's rep", other_rep),
            ("other organisation's admin", stranger),
        )
    }

    assert seen == {
        "rep": 200,
        "manager": 200,
        "other team's manager": 404,
        "other team's rep": 404,
        "other organisation's admin": 404,
    }
    assert logged_in(other_rep).patch(path, json={"name": "Z"}).status_code == 404
    assert logged_in(rep).get(path).json["name"] == contact["name"]


def test_manager_edits_a_contact_of_their_reps_account(org, make_user, logged_in, make_account):
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    shop = make_account(org, *SHOP, owner_id=rep.id)
    contact = create(logged_in(rep), shop)

    response = logged_in(manager).patch(f"{CONTACTS}/{contact['id']}", json={"notes": "VIP"})

    assert response.status_code == 200
    assert logged_in(rep).get(f"{CONTACTS}/{contact['id']}").json["notes"] == "VIP"
