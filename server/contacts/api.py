"""HTTP edge for contacts: lists (one account's, or by name), create, read, change, delete.
No SQL here."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response

from server.contacts import operations, queries
from server.contacts.schemas import (
    AccountContactsQuery,
    ContactCreate,
    ContactList,
    ContactListQuery,
    ContactPatch,
)
from server.core.auth import current_principal, require_login
from server.core.http import json_response
from server.core.transaction import unit_of_work
from server.core.validation import parse_body, parse_query

blueprint = Blueprint("contacts", __name__, url_prefix="/api/v1")


@blueprint.get("/accounts/<uuid:account_id>/contacts")
@require_login
def list_account_contacts(account_id: uuid.UUID) -> Response:
    """An account's contacts, the primary first, then by name; `?q=` narrows by name."""
    filters = parse_query(AccountContactsQuery)
    page = queries.account_contacts(current_principal(), account_id, filters)
    return json_response(ContactList(items=page.items, next_cursor=page.next_cursor))


@blueprint.get("/contacts")
@require_login
def list_contacts() -> Response:
    """Contacts of the accounts the caller sees, by name (`?account_id=`: one account's,
    the primary first); `?q=` narrows by name."""
    filters = parse_query(ContactListQuery)
    page = queries.list_contacts(current_principal(), filters)
    return json_response(ContactList(items=page.items, next_cursor=page.next_cursor))


@blueprint.post("/contacts")
@require_login
def create_contact() -> Response:
    """Add a contact to an account; the same client-chosen id with the same content again
    answers 200 with the stored contact."""
    data = parse_body(ContactCreate)
    with unit_of_work():
        contact, created = operations.create_contact(current_principal(), data)
        body = queries.to_out(contact)
    return json_response(body, 201 if created else 200)


@blueprint.get("/contacts/<uuid:contact_id>")
@require_login
def get_contact(contact_id: uuid.UUID) -> Response:
    """One contact."""
    return json_response(queries.get_contact(current_principal(), contact_id))


@blueprint.patch("/contacts/<uuid:contact_id>")
@require_login
def update_contact(contact_id: uuid.UUID) -> Response:
    """Change a contact; send `version` to be told (409) when someone changed it first."""
    patch = parse_body(ContactPatch)
    with unit_of_work():
        contact = operations.update_contact(current_principal(), contact_id, patch)
        body = queries.to_out(contact)
    return json_response(body)


@blueprint.delete("/contacts/<uuid:contact_id>")
@require_login
def archive_contact(contact_id: uuid.UUID) -> Response:
    """Delete (archive) a contact: 204."""
    with unit_of_work():
        operations.archive_contact(current_principal(), contact_id)
    return Response(status=204)
