"""CSV import and export of accounts.

Import is all or nothing: every row is checked first, and one bad row means nothing is stored
and the answer names each bad row and field ("row 3.name", with the header as row 1). Rows with an
address but no coordinates are stored as geocode_status "pending", not geocoded on the spot: the
public geocoder allows one request a second, so background jobs locate them afterwards.
An id that is already taken is an error of its row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from server.accounts.csv_io import (
    CsvProblem,
    read_rows,
    split_tags,
    unknown_columns,
    write_rows,
)
from server.accounts.operations import (
    MANAGING_ROLES,
    assign_territories,
    build_account,
    geocode_later,
    location_without_geocoding,
)
from server.accounts.queries import existing_ids, list_accounts
from server.accounts.schemas import AccountCreate, AccountData, AccountFilters, ImportReport
from server.core.auth import Principal
from server.core.errors import ApiError, field_path, invalid
from server.extensions import db
from server.users.queries import emails_by_user_id, user_ids_by_email

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
MAX_MESSAGES = 100
EXPORT_CHUNK = 500


def import_accounts(principal: Principal, raw: bytes) -> ImportReport:
    """Create every account of a CSV upload, or none of them."""
    if principal.role not in MANAGING_ROLES:
        raise ApiError(403, "forbidden", "only admins and managers import accounts")
    if len(raw) > MAX_BYTES:
        raise too_large()
    rows = _readable_rows(raw)
    owners = user_ids_by_email(principal)
    checked: list[tuple[AccountCreate, uuid.UUID | None]] = []
    problems: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        result = _check_row(row, owners, f"row {number}.", problems)
        if result is not None:
            checked.append(result)
    _check_ids(checked, problems)
    if problems:
        raise invalid(dict(list(problems.items())[:MAX_MESSAGES]), "the file has invalid rows")
    accounts = [
        build_account(principal, data, owner_id, *location_without_geocoding(data))
        for data, owner_id in checked
    ]
    db.session.add_all(accounts)
    db.session.flush()
    assign_territories([account for account in accounts if account.location is not None])
    pending = sum(1 for account in accounts if account.geocode_status == "pending")
    if pending:
        geocode_later()
    return ImportReport(created=len(accounts), geocode_pending=pending)


def too_large() -> ApiError:
    """413: the file is over the import's size limit."""
    return ApiError(413, "too_large", f"import at most {MAX_BYTES // (1024 * 1024)} MB at once")


def _readable_rows(raw: bytes) -> list[dict[str, str]]:
    try:
        header, rows = read_rows(raw)
    except CsvProblem as problem:
        raise invalid({"file": str(problem)}) from None
    unknown = unknown_columns(header)
    if unknown:
        raise invalid({"file": f"unknown columns: {', '.join(unknown)}"})
    if "name" not in header or "kind" not in header:
        raise invalid({"file": "the columns kind and name are required"})
    if len(rows) > MAX_ROWS:
        raise ApiError(413, "too_large", f"import at most {MAX_ROWS} rows at once")
    return rows


def _check_row(
    row: dict[str, str], owners: dict[str, uuid.UUID], prefix: str, problems: dict[str, str]
) -> tuple[AccountCreate, uuid.UUID | None] | None:
    data: dict[str, Any] = {
        name: value
        for name, value in row.items()
        if value
        and name in {"id", "kind", "name", "address", "status", "industry", "phone", "email"}
    }
    if row.get("tags"):
        data["tags"] = split_tags(row["tags"])
    owner_id = None
    if row.get("owner_email"):
        owner_id = owners.get(row["owner_email"].lower())
        if owner_id is None:
            problems[prefix + "owner_email"] = "no active user with this email"
    location = _location(row, prefix, problems)
    if location is not None:
        data["location"] = location
    try:
        return AccountCreate.model_validate(data), owner_id
    except ValidationError as error:
        for item in error.errors(include_url=False):
            problems.setdefault(prefix + field_path(item["loc"]), item["msg"])
        return None


def _location(row: dict[str, str], prefix: str, problems: dict[str, str]) -> dict[str, Any] | None:
    lat, lng = row.get("lat", ""), row.get("lng", "")
    if not lat and not lng:
        return None
    try:
        return {"type": "Point", "coordinates": [float(lng), float(lat)]}
    except ValueError:
        problems[prefix + "location"] = "lat and lng must both be numbers"
        return None


def _check_ids(
    checked: list[tuple[AccountCreate, uuid.UUID | None]], problems: dict[str, str]
) -> None:
    ids = [data.id for data, _ in checked if data.id is not None]
    taken = existing_ids(ids)
    seen: set[uuid.UUID] = set()
    for data, _ in checked:
        if data.id is None:
            continue
        if data.id in taken or data.id in seen:
            problems.setdefault(f"id {data.id}", "this id is already used")
        seen.add(data.id)


def export_accounts(principal: Principal, filters: AccountFilters) -> Iterator[str]:
    """The accounts the caller can see, as CSV text in chunks (a page of rows at a time)."""
    return export_pages(principal, _pages(principal, filters))


def export_pages(principal: Principal, pages: Iterable[list[AccountData]]) -> Iterator[str]:
    """Accounts the caller can see, given a page at a time, as CSV text in chunks: the columns
    of the accounts export, every cell defused for spreadsheets."""
    emails = emails_by_user_id(principal)
    return write_rows(_export_rows(pages, emails))


def _pages(principal: Principal, filters: AccountFilters) -> Iterator[list[AccountData]]:
    cursor: str | None = None
    while True:
        page = list_accounts(principal, filters, EXPORT_CHUNK, cursor)
        yield page.items
        cursor = page.next_cursor
        if cursor is None:
            return


def _export_rows(
    pages: Iterable[list[AccountData]], emails: dict[uuid.UUID, str]
) -> Iterator[dict[str, Any]]:
    for page in pages:
        for account in page:
            row: dict[str, Any] = dict(account)
            location = account["location"]
            row["lng"], row["lat"] = location["coordinates"] if location else (None, None)
            owner_id = account["owner_id"]
            row["owner_email"] = emails.get(owner_id) if owner_id else None
            row["tags"] = "; ".join(account["tags"])
            yield row
