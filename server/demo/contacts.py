"""The demo's contacts: one to three people at every account, the first its primary contact,
each with a role that fits the kind of account, a mobile (and often the shop's line), an
e-mail address under a reserved domain, a language and the consents they gave."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from server.demo.activity import DemoAccount
from server.demo.names import FAMILY_NAMES, GIVEN_NAMES, ascii_slug

CONTACTS_PER_ACCOUNT = {1: 50, 2: 35, 3: 15}
PRIMARY_TITLES = {
    "customer": ("Owner", "Store manager", "Purchasing manager"),
    "prospect": ("Owner", "General manager", "Store manager"),
}
OTHER_TITLES = ("Buyer", "Shift lead", "Accountant", "Deputy manager", "Head chef", "Cashier")
# Most people at shops in Bucharest speak Romanian; some prefer another language.
LANGUAGES = {"ro": 80, "en": 10, "hu": 5, "de": 3, "fr": 2}
EMAIL_SHARE = 0.7
SHOP_LINE_SHARE = 0.3
# (consent, chance it was given)
CONSENTS = (("consent_email_at", 0.45), ("consent_phone_at", 0.3), ("consent_sms_at", 0.2))
NOTES = (
    "",
    "",
    "",
    "Best reached before 11:00.",
    "Decides on orders over 5,000 lei.",
    "Prefers WhatsApp for quick questions.",
    "On leave in August.",
    "Signs the delivery notes.",
    "Asks for the promotions calendar every quarter.",
)


def contact_rows(
    rng: random.Random, accounts: list[DemoAccount], now: datetime
) -> list[dict[str, Any]]:
    """The contacts of `accounts`, as rows for an INSERT into contacts (by their owners)."""
    rows: list[dict[str, Any]] = []
    for account in accounts:
        count = rng.choices(list(CONTACTS_PER_ACCOUNT), list(CONTACTS_PER_ACCOUNT.values()))[0]
        for number in range(count):
            rows.append(_contact(rng, account, number, now))
    return rows


def _contact(
    rng: random.Random, account: DemoAccount, number: int, now: datetime
) -> dict[str, Any]:
    given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
    primary = number == 0
    title = rng.choice(PRIMARY_TITLES[account.kind] if primary else OTHER_TITLES)
    phones = [f"+40 7{rng.randint(20, 89)} {rng.randint(100, 999)} {rng.randint(100, 999)}"]
    if rng.random() < SHOP_LINE_SHARE:
        phones.append(f"+40 21 {rng.randint(210, 799)} {rng.randint(10, 99)} {rng.randint(10, 99)}")
    emails = []
    if rng.random() < EMAIL_SHARE:
        emails.append(f"{ascii_slug(f'{given} {family}', '.')}@shops.example.com")
    created = min(now, account.created_at + timedelta(days=rng.randint(0, 200)))
    row: dict[str, Any] = {
        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
        "org_id": account.org_id,
        "account_id": account.id,
        "name": f"{given} {family}",
        "title": title,
        "phones": phones,
        "emails": emails,
        "language": rng.choices(list(LANGUAGES), list(LANGUAGES.values()))[0],
        "notes": rng.choice(NOTES),
        "is_primary": primary,
        "created_by": account.owner_id,
        "created_at": created,
        "updated_at": created,
        "version": 1,
    }
    for consent, chance in CONSENTS:
        row[consent] = created if rng.random() < chance else None
    return row
