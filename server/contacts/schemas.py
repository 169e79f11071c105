"""What clients send and receive about contacts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, EmailStr, Field, StringConstraints, field_validator, model_validator

from server.core.validation import IsoTime, PageQuery, Schema

MAX_NOTES_CHARS = 10_000
MAX_PER_LIST = 10
Phone = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=50, pattern=r"^[0-9+() .\-/]+$"
    ),
]
Email = Annotated[EmailStr, Field(max_length=254)]
# A BCP 47 language tag as devices name languages: "de", "pt-BR", "zh-Hant".
Language = Annotated[
    str, StringConstraints(max_length=35, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class Consent(Schema):
    """When the contact agreed to marketing through each channel; null: not given."""

    email: IsoTime | None = None
    sms: IsoTime | None = None
    phone: IsoTime | None = None


class ContactCreate(Schema):
    """POST /contacts and the sync op contact.create (which must carry the id)."""

    id: uuid.UUID | None = None
    account_id: uuid.UUID
    name: Name
    title: Title = ""
    phones: list[Phone] = Field(default_factory=list, max_length=MAX_PER_LIST)
    emails: list[Email] = Field(default_factory=list, max_length=MAX_PER_LIST)
    language: Language | None = None
    notes: str = Field(default="", max_length=MAX_NOTES_CHARS)
    consent: Consent = Field(default_factory=Consent)
    is_primary: bool = False

    @field_validator("emails")
    @classmethod
    def _emails_lower_case(cls, emails: list[str]) -> list[str]:
        return [email.lower() for email in emails]


class ContactPatch(Schema):
    """PATCH /contacts/{id} and the sync op contact.update: only the fields sent change (in
    `consent`, only the channels sent)."""

    name: Name | None = None
    title: Title | None = None
    phones: list[Phone] | None = Field(default=None, max_length=MAX_PER_LIST)
    emails: list[Email] | None = Field(default=None, max_length=MAX_PER_LIST)
    language: Language | None = None
    notes: str | None = Field(default=None, max_length=MAX_NOTES_CHARS)
    consent: Consent | None = None
    is_primary: bool | None = None
    version: int | None = Field(default=None, ge=1)

    @field_validator("emails")
    @classmethod
    def _emails_lower_case(cls, emails: list[str] | None) -> list[str] | None:
        return None if emails is None else [email.lower() for email in emails]

    @model_validator(mode="after")
    def _required_stay_set(self) -> ContactPatch:
        for name in ("name", "title", "phones", "emails", "notes", "consent", "is_primary"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class ContactArchive(Schema):
    """The sync op contact.archive (DELETE /contacts/{id} names it in the path)."""

    id: uuid.UUID


class ConsentOut(BaseModel):
    """When the contact agreed to marketing through each channel; null: not given."""

    email: datetime | None
    sms: datetime | None
    phone: datetime | None


class ContactOut(BaseModel):
    """A contact as the API shows it; `archived_at` set means it was deleted."""

    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    title: str
    phones: list[str]
    emails: list[str]
    language: str | None
    notes: str
    consent: ConsentOut
    is_primary: bool
    archived_at: datetime | None
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


class AccountContactsQuery(PageQuery):
    """GET /accounts/{id}/contacts: `q` narrows by name."""

    q: str | None = Field(default=None, min_length=1, max_length=200)


class ContactListQuery(AccountContactsQuery):
    """GET /contacts: one account's (`account_id`), or those of every account the caller sees;
    `q` narrows by name."""

    account_id: uuid.UUID | None = None


class ContactList(BaseModel):
    """A page of live contacts: the primary first, then by name (one account's), or by name."""

    items: list[ContactOut]
    next_cursor: str | None
