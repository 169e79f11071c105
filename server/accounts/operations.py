"""Writing accounts: create, update, archive; an address without a location is geocoded later.

No geocoder is asked while a transaction is open: an account with an address and no location is
stored `pending`, and a background job (server/jobs) asks the geocoder, then records the answer.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import Select, select, update

from server.accounts.models import Account
from server.accounts.queries import existing_ids, load_account_for_update
from server.accounts.schemas import AccountCreate, AccountPatch
from server.core.auth import Principal
from server.core.clock import new_id, now_utc
from server.core.errors import ApiError, conflict, invalid
from server.core.events import queue_event, sync_poke
from server.core.queue import queue_job
from server.extensions import db
from server.geo import queries as geo
from server.geo.geojson import Point
from server.geocoding import GeocodingUnavailableError, get_geocoder
from server.territories.assignment import assign_accounts
from server.users.queries import active_user

log = logging.getLogger(__name__)

DEFAULT_STATUS = {"customer": "active", "prospect": "new"}
MANAGING_ROLES = ("admin", "manager")
# The background task that geocodes pending accounts (server/jobs registers it).
GEOCODE_TASK = "geocode-pending"


def geocode_address(address: str) -> tuple[Any, str]:
    """A location value and geocode_status for an address: ok, failed (no match) or pending.
    Asks the geocoder: never call it inside a transaction."""
    try:
        found = get_geocoder().geocode(address)
    except GeocodingUnavailableError as error:
        log.info("geocoder unavailable, account left pending: %s", error)
        return None, "pending"
    if found is None:
        return None, "failed"
    return geo.point_to_store(Point.at(found.lng, found.lat)), "ok"


def _locate(location: Point | None, address: str | None) -> tuple[Any, str]:
    if location is not None:
        return geo.point_to_store(location), "manual"
    if address and address.strip():
        return None, "pending"
    return None, "failed"


def _geocode_later(account: Account) -> None:
    """Ask for the account's address to be geocoded once this transaction has committed."""
    if account.geocode_status == "pending":
        geocode_later()


def _check_owner(principal: Principal, owner_id: uuid.UUID | None) -> None:
    if owner_id is None:
        return
    # Resolved first: a user the caller may not see is not found, whatever else is wrong.
    active = active_user(principal, owner_id)
    if principal.role not in MANAGING_ROLES and owner_id != principal.id:
        raise invalid({"owner_id": "reps can only own accounts themselves"})
    if not active:
        raise invalid({"owner_id": "no such active user in this organisation"})


def _check_frequency(principal: Principal, sent: bool) -> None:
    """Visit frequencies are the managers' to set; reps read them."""
    if sent and principal.role not in MANAGING_ROLES:
        raise ApiError(403, "forbidden", "only admins and managers set visit frequencies")


def _check_owner_change(principal: Principal, account: Account, owner_id: uuid.UUID | None) -> None:
    """A rep changes the owner only of an account they own: one they see through a territory
    they work (another rep's, or no one's) is handed out by a manager, never taken (403)."""
    if principal.role in MANAGING_ROLES or owner_id == account.owner_id:
        return
    if account.owner_id != principal.id:
        raise ApiError(
            403,
            "forbidden",
            "only a manager changes the owner of an account you do not own",
            {"owner_id": "reps cannot take an account they see through a territory"},
        )


def create_account(principal: Principal, data: AccountCreate) -> Account:
    """Add an account to the caller's organisation; reps own what they create."""
    [outcome] = create_accounts(principal, [data])
    if isinstance(outcome, ApiError):
        raise outcome
    return outcome


def create_accounts(principal: Principal, batch: list[AccountCreate]) -> list[Account | ApiError]:
    """Create a run of accounts at once (a device's backlog): each one's account, or why it was
    refused (nothing is written for that one); one insert, one poke per owner, one job."""
    taken = existing_ids([data.id for data in batch if data.id is not None])
    owners: dict[uuid.UUID | None, ApiError | None] = {}
    outcomes: list[Account | ApiError] = []
    for data in batch:
        try:
            outcomes.append(_new_account(principal, data, taken, owners))
        except ApiError as error:
            outcomes.append(error)
    created = [item for item in outcomes if isinstance(item, Account)]
    db.session.add_all(created)
    db.session.flush()
    assign_territories([account for account in created if account.location is not None])
    for owner_id in {account.owner_id for account in created}:
        queue_event(db.session(), sync_poke(principal.org_id, owner_id))
    if any(account.geocode_status == "pending" for account in created):
        geocode_later()
    return outcomes


def _new_account(
    principal: Principal,
    data: AccountCreate,
    taken: set[uuid.UUID],
    owners: dict[uuid.UUID | None, ApiError | None],
) -> Account:
    """One account of a batch, unsaved; `taken` and `owners` remember the ids and owners seen."""
    owner_id = data.owner_id
    if owner_id is None and principal.role == "rep":
        owner_id = principal.id
    if owner_id not in owners:
        try:
            _check_owner(principal, owner_id)
            owners[owner_id] = None
        except ApiError as error:
            owners[owner_id] = error
    refusal = owners[owner_id]
    if refusal is not None:
        raise refusal
    _check_frequency(principal, data.visit_every_days is not None)
    if data.id is not None:
        if data.id in taken:
            raise conflict("an account with this id already exists", {"id": "already in use"})
        taken.add(data.id)
    return build_account(principal, data, owner_id, *_locate(data.location, data.address))


def build_account(
    principal: Principal,
    data: AccountCreate,
    owner_id: uuid.UUID | None,
    location: Any,
    geocode_status: str,
) -> Account:
    """A new, unsaved account of the caller's organisation from checked input."""
    now = now_utc()
    return Account(
        id=data.id or new_id(),
        org_id=principal.org_id,
        kind=data.kind,
        name=data.name.strip(),
        address=data.address,
        location=location,
        geocode_status=geocode_status,
        status=data.status or DEFAULT_STATUS[data.kind],
        industry=data.industry,
        phone=data.phone,
        email=data.email,
        owner_id=owner_id,
        tags=list(dict.fromkeys(data.tags)),
        custom=data.custom,
        visit_every_days=data.visit_every_days,
        created_at=now,
        updated_at=now,
        version=1,
    )


def location_without_geocoding(data: AccountCreate) -> tuple[Any, str]:
    """Location and status for bulk input: an address alone waits as pending for the geocoder."""
    if data.location is not None:
        return geo.point_to_store(data.location), "manual"
    if data.address and data.address.strip():
        return None, "pending"
    return None, "failed"


def update_account(principal: Principal, account_id: uuid.UUID, patch: AccountPatch) -> Account:
    """Change the fields sent; 409 when `version` is stale; re-geocode a changed address."""
    account = load_account_for_update(principal, account_id)
    if patch.version is not None and patch.version != account.version:
        raise conflict(
            "the account changed since you read it", {"version": f"current is {account.version}"}
        )
    previous_owner, previous_location = account.owner_id, account.location
    changes = patch.model_dump(exclude_unset=True, exclude={"version", "location"})
    if "owner_id" in changes:
        _check_owner(principal, patch.owner_id)
        _check_owner_change(principal, account, patch.owner_id)
    _check_frequency(principal, "visit_every_days" in changes)
    if "tags" in changes:
        changes["tags"] = list(dict.fromkeys(changes["tags"]))
    for name, value in changes.items():
        setattr(account, name, value)
    _relocate(account, patch)
    account.updated_at = now_utc()
    account.version += 1
    db.session.flush()
    if account.location != previous_location:
        assign_territories([account])
    queue_event(db.session(), sync_poke(account.org_id, previous_owner, account.owner_id))
    _geocode_later(account)
    return account


def _relocate(account: Account, patch: AccountPatch) -> None:
    if "location" in patch.model_fields_set:
        if patch.location is not None:
            account.location, account.geocode_status = geo.point_to_store(patch.location), "manual"
        else:
            account.location, account.geocode_status = _locate(None, account.address)
    elif "address" in patch.model_fields_set and account.geocode_status != "manual":
        account.location, account.geocode_status = _locate(None, account.address)


def set_visit_frequency(principal: Principal, audience: Select[Any], every_days: int | None) -> int:
    """Visit every `every_days` days (None: no fixed frequency) for the accounts of `audience`
    (a SELECT whose first column is account ids, as accounts_in_area gives it: only accounts
    the caller may see), in one UPDATE; only admins and managers may. Returns how many
    accounts changed: those that had this frequency already keep their version."""
    _check_frequency(principal, True)
    ids = audience.with_only_columns(Account.id).scalar_subquery()
    statement = (
        update(Account)
        .where(Account.id.in_(ids), Account.visit_every_days.is_distinct_from(every_days))
        .values(visit_every_days=every_days, updated_at=now_utc(), version=Account.version + 1)
        .returning(Account.owner_id)
        .execution_options(synchronize_session=False)
    )
    owners = list(db.session.scalars(statement))
    if owners:
        queue_event(db.session(), sync_poke(principal.org_id, *set(owners)))
    return len(owners)


def archive_account(principal: Principal, account_id: uuid.UUID) -> None:
    """Archive an account: it leaves every list; only admins and managers may."""
    if principal.role not in MANAGING_ROLES:
        raise ApiError(403, "forbidden", "only admins and managers archive accounts")
    account = load_account_for_update(principal, account_id)
    account.archived_at = now_utc()
    account.updated_at = account.archived_at
    account.version += 1
    db.session.flush()
    queue_event(db.session(), sync_poke(account.org_id, account.owner_id))


def assign_territories(accounts: list[Account]) -> None:
    """Point accounts just located (or moved, or left without a place) at the territory that
    covers them; the database works it out for all of them at once."""
    if accounts:
        assign_accounts(accounts[0].org_id, [account.id for account in accounts])
        for account in accounts:
            db.session.expire(account, ["territory_id"])


def pending_address(account_id: uuid.UUID) -> str | None:
    """The address of an account still waiting to be geocoded, None when it waits no more."""
    address: str | None = db.session.scalar(
        select(Account.address).where(
            Account.id == account_id,
            Account.geocode_status == "pending",
            Account.archived_at.is_(None),
        )
    )
    return address


def record_geocode(account_id: uuid.UUID, address: str, location: Any, status: str) -> bool:
    """Store the geocoder's answer for `address` on a still-pending account (a new version its
    owner's devices are poked to pull); False when the account changed meanwhile."""
    account = db.session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    if account is None or account.geocode_status != "pending" or account.address != address:
        return False
    account.location, account.geocode_status = location, status
    account.updated_at = now_utc()
    account.version += 1
    db.session.flush()
    assign_territories([account])
    queue_event(db.session(), sync_poke(account.org_id, account.owner_id))
    return True


def pending_account_ids(limit: int = 100) -> list[uuid.UUID]:
    """Accounts waiting to be geocoded, longest waiting first."""
    statement = select(Account.id).where(
        Account.geocode_status == "pending", Account.archived_at.is_(None)
    )
    return list(db.session.scalars(statement.order_by(Account.updated_at).limit(limit)))


def geocode_later() -> None:
    """Ask for the pending accounts to be geocoded once this transaction has committed (one job
    goes through all of them; asking again while it waits queues nothing more)."""
    queue_job(db.session(), GEOCODE_TASK)
