"""Writing contacts: create (idempotent by a client-chosen id), update (with version), archive.
One primary contact per account: making one primary clears the others (their version moves on,
so devices see it). Each change pokes the account owner's and the writer's devices to pull."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update

from server.accounts.models import Account
from server.contacts import queries
from server.contacts.models import Contact
from server.contacts.schemas import ContactCreate, ContactPatch
from server.core.auth import Principal
from server.core.clock import new_id, now_utc
from server.core.errors import conflict, invalid
from server.core.events import queue_event, sync_poke
from server.core.inserts import insert_once
from server.core.visibility import load_visible
from server.extensions import db

# What a create compares with the stored contact when its id comes again: is_primary is left
# out, as another contact made primary since clears it.
COMPARED_ON_REPEAT = (
    "account_id",
    "name",
    "title",
    "phones",
    "emails",
    "language",
    "notes",
    *queries.CONSENT_COLUMNS.values(),
)


def create_contact(principal: Principal, data: ContactCreate) -> tuple[Contact, bool]:
    """Add a contact to an account the caller sees (live). (contact, True) when new; the same
    id sent again by its creator with the same content gives (the stored one, False), other
    content a 409."""
    if data.id is not None:
        stored = db.session.get(Contact, data.id)
        if stored is not None:
            return _repeat(principal, data, stored), False
    account = _live_account(principal, data.account_id, lock=data.is_primary)
    if data.is_primary:
        _clear_primary(account.id)
    now = now_utc()
    row = {
        **_columns(data),
        "id": data.id or new_id(),
        "org_id": principal.org_id,
        "created_by": principal.id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    contact, earlier = insert_once(Contact, row)
    if contact is None:
        return _repeat(principal, data, earlier), False
    _poke(principal, account)
    return contact, True


def _repeat(principal: Principal, data: ContactCreate, stored: Contact | None) -> Contact:
    """A contact id seen before: its creator sending what it holds is the same contact;
    anything else is a 409 that shows nothing of it."""
    if stored is not None and stored.created_by == principal.id:
        sent = _columns(data)
        if all(getattr(stored, name) == sent[name] for name in COMPARED_ON_REPEAT):
            return stored
    raise conflict("a contact with this id exists with other content", {"id": "already in use"})


def _columns(data: ContactCreate) -> dict[str, Any]:
    """The column values a create writes (but its id)."""
    fields = data.model_dump(exclude={"id", "consent"})
    return fields | queries.consent_columns(data.consent)


def update_contact(principal: Principal, contact_id: uuid.UUID, patch: ContactPatch) -> Contact:
    """Change the fields sent; 409 when `version` is stale, 422 for an archived contact."""
    contact = queries.load_contact_for_update(principal, contact_id)
    if patch.version is not None and patch.version != contact.version:
        raise conflict(
            "the contact changed since you read it", {"version": f"current is {contact.version}"}
        )
    if contact.archived_at is not None:
        raise invalid({"id": "the contact was deleted"})
    changes = patch.model_dump(exclude_unset=True, exclude={"version", "consent"})
    if patch.consent is not None:
        changes |= queries.consent_columns(patch.consent, sent_only=True)
    account = _live_account(principal, contact.account_id, lock=bool(changes.get("is_primary")))
    if changes.get("is_primary") and not contact.is_primary:
        _clear_primary(contact.account_id)
    for name, value in changes.items():
        setattr(contact, name, value)
    _touch(contact)
    _poke(principal, account)
    return contact


def archive_contact(principal: Principal, contact_id: uuid.UUID) -> Contact:
    """Delete a contact by archiving it (devices drop it on their next pull); archiving one
    already archived changes nothing."""
    contact = queries.load_contact_for_update(principal, contact_id)
    if contact.archived_at is not None:
        return contact
    contact.archived_at = now_utc()
    contact.is_primary = False
    _touch(contact)
    account = db.session.get_one(Account, contact.account_id)
    _poke(principal, account)
    return contact


def _live_account(principal: Principal, account_id: uuid.UUID, lock: bool) -> Account:
    """The live account the caller sees, else 404. Locked when its primary contact is to
    change, so two such changes at once take turns."""
    live = Account.archived_at.is_(None)
    account: Account = load_visible(Account, principal, account_id, live, for_update=lock)
    return account


def _clear_primary(account_id: uuid.UUID) -> None:
    """No contact of the account is primary any more (each one cleared gets a new version)."""
    db.session.execute(
        update(Contact)
        .where(Contact.account_id == account_id, Contact.is_primary.is_(True))
        .values(is_primary=False, version=Contact.version + 1, updated_at=now_utc())
        .execution_options(synchronize_session="fetch")
    )


def _touch(contact: Contact) -> None:
    contact.updated_at = now_utc()
    contact.version += 1
    db.session.flush()


def _poke(principal: Principal, account: Account) -> None:
    queue_event(db.session(), sync_poke(principal.org_id, principal.id, account.owner_id))
