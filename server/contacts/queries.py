"""Reading contacts: a contact is seen by whoever sees its account; the API shape."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, select

from server.accounts import queries as accounts
from server.accounts.models import Account
from server.contacts.models import Contact
from server.contacts.schemas import AccountContactsQuery, Consent, ContactListQuery, ContactOut
from server.core.auth import Principal
from server.core.errors import not_found
from server.core.pagination import Page, keyset_page
from server.core.tenancy import in_org
from server.core.visibility import load_visible, register, visible
from server.extensions import db

# Each channel of ContactOut.consent and the column that stores it.
CONSENT_COLUMNS = {
    "email": "consent_email_at",
    "sms": "consent_sms_at",
    "phone": "consent_phone_at",
}
COLUMN_FIELDS = (
    *(name for name in ContactOut.model_fields if name != "consent"),
    *CONSENT_COLUMNS.values(),
)
# An account's list: its primary contact first, then by name.
PRIMARY_RANK = case((Contact.is_primary, 0), else_=1)


def contact_columns() -> list[Any]:
    """The columns a ContactOut is built from."""
    return [getattr(Contact, name) for name in COLUMN_FIELDS]


def to_out(row: Any) -> ContactOut:
    """A ContactOut from a row selected with contact_columns() (or a Contact)."""
    values = {name: getattr(row, name) for name in COLUMN_FIELDS}
    values["consent"] = {channel: values.pop(column) for channel, column in CONSENT_COLUMNS.items()}
    return ContactOut.model_validate(values)


def consent_columns(consent: Consent, sent_only: bool = False) -> dict[str, Any]:
    """The consent columns and their values: of every channel, or of those sent only."""
    channels = consent.model_fields_set if sent_only else CONSENT_COLUMNS.keys()
    return {CONSENT_COLUMNS[name]: getattr(consent, name) for name in channels}


def may_see(principal: Principal) -> ColumnElement[bool]:
    """The role rule: the accounts' (core.visibility), through the contact's account, archived
    accounts included (an edit made offline before the archive still resolves)."""
    return Contact.account_id.in_(select(Account.id).where(visible(Account, principal)))


register(Contact, "contact", may_see)


def visibility(principal: Principal) -> ColumnElement[bool]:
    """Live contacts of the live accounts the caller sees: what lists, GET and the pull show."""
    live_accounts = select(Account.id).where(accounts.visibility(principal))
    return and_(
        in_org(Contact, principal),
        Contact.archived_at.is_(None),
        Contact.account_id.in_(live_accounts),
    )


def may_have_held(principal: Principal) -> ColumnElement[bool]:
    """Contacts a device of the caller may hold though it may not see them now: those of the
    accounts it may hold (archived, or reassigned away) and the archived ones of the accounts
    it sees. A change of an account's owner, territory or archive restamps its contacts (a
    trigger), so they follow it in the pull."""
    held_accounts = select(Account.id).where(accounts.may_have_held(principal))
    return and_(in_org(Contact, principal), Contact.account_id.in_(held_accounts))


def visible_contacts(principal: Principal) -> Select[Any]:
    """SELECT contact_columns() of the contacts the caller may see."""
    return select(*contact_columns()).where(visibility(principal))


def list_contacts(principal: Principal, filters: ContactListQuery) -> Page[ContactOut]:
    """Visible live contacts: one account's, the primary first, then by name (an account the
    caller may not see lists none); without an account, every visible one by name."""
    query = _named(visible_contacts(principal), filters.q)
    if filters.account_id is None:
        page = keyset_page(
            query,
            [Contact.name, Contact.id],
            filters.limit,
            filters.cursor,
            lambda row: [row.name, str(row.id)],
        )
    else:
        query = query.where(Contact.account_id == filters.account_id)
        page = keyset_page(
            query,
            [PRIMARY_RANK, Contact.name, Contact.id],
            filters.limit,
            filters.cursor,
            lambda row: [0 if row.is_primary else 1, row.name, str(row.id)],
        )
    return Page([to_out(row) for row in page.items], page.next_cursor)


def account_contacts(
    principal: Principal, account_id: uuid.UUID, filters: AccountContactsQuery
) -> Page[ContactOut]:
    """One visible account's live contacts, the primary first (404 for an account the caller
    may not see)."""
    accounts.get_account(principal, account_id)
    return list_contacts(principal, ContactListQuery(**dict(filters), account_id=account_id))


def _named(query: Select[Any], text: str | None) -> Select[Any]:
    """`query` narrowed to the contacts whose name contains `text` (any case)."""
    if text is None:
        return query
    return query.where(Contact.name.ilike(f"%{accounts.escape_like(text)}%", escape="\\"))


def get_contact(principal: Principal, contact_id: uuid.UUID) -> ContactOut:
    """One visible live contact, or 404."""
    row = db.session.execute(visible_contacts(principal).where(Contact.id == contact_id)).first()
    if row is None:
        raise not_found("contact")
    return to_out(row)


def load_contact_for_update(principal: Principal, contact_id: uuid.UUID) -> Contact:
    """The contact entity, row-locked, if the caller may see it (archived too); else 404."""
    contact: Contact = load_visible(Contact, principal, contact_id, for_update=True)
    return contact
