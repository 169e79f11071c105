"""`python -m bench.contacts_pull`: a rep's full pull with and without contacts, printed, never
asserted.

On its own database (`<name>_bench_contacts`), against the production server configuration:
a rep owning ACCOUNTS accounts, each with CONTACTS_PER_ACCOUNT contacts, downloads their whole
working set (every page of GET /sync/pull, as a new device does) and asks for its checksum; then
the contacts are removed and the same is timed again, so the cost of contacts shows beside it.
"""

from __future__ import annotations

import argparse
import time
import uuid
from pathlib import Path

import psycopg

from bench.database import (
    BenchDatabase,
    create_bench_database,
    drop_bench_database,
    libpq_url,
    refill,
)
from bench.server import production_server
from bench.spatial import Timings
from bench.sync import Api
from server.core.auth import SystemPrincipal
from server.core.transaction import unit_of_work
from server.users.operations import create_api_token, create_user
from server.users.schemas import ApiTokenCreate, UserCreate

RESULTS = Path(__file__).resolve().parent / "results"
ACCOUNTS = 2_000
CONTACTS_PER_ACCOUNT = 2
PAGE = 500
REP_PASSWORD = "bench-rep-password-2026"  # noqa: S105 (a throwaway bench database)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.contacts_pull", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="full pulls to time per case")
    return parser.parse_args()


def rep_token(bench: BenchDatabase) -> tuple[uuid.UUID, str]:
    """A rep of the bench organisation and a bearer token acting as them."""
    with bench.app.app_context(), unit_of_work():
        admin = SystemPrincipal(id=None, org_id=bench.org_id)
        rep = create_user(
            admin,
            UserCreate(email="rep@example.com", name="Rep", role="rep", password=REP_PASSWORD),
        )
        # Issued as the rep themselves: a token for another user is an audited act of a person.
        own = SystemPrincipal(id=rep.id, org_id=bench.org_id)
        _, token = create_api_token(own, ApiTokenCreate(name="rep", user_id=rep.id))
        return rep.id, token


def give_contacts(url: str, rep_id: uuid.UUID) -> int:
    """Every account to the rep, with CONTACTS_PER_ACCOUNT contacts each (the first primary)."""
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        connection.execute("UPDATE accounts SET owner_id = %s", (rep_id,))
        connection.execute(
            """
            INSERT INTO contacts (id, org_id, account_id, name, title, phones, emails, language,
                                  is_primary, created_by, created_at, updated_at, version)
            SELECT gen_random_uuid(), a.org_id, a.id, 'Contact ' || n, 'Buyer',
                   ARRAY['+40 722 000 ' || lpad(n::text, 3, '0')],
                   ARRAY['contact' || n || '@shops.example.com'], 'ro',
                   n = 1, %s, now(), now(), 1
            FROM accounts a CROSS JOIN generate_series(1, %s) AS n
            """,
            (rep_id, CONTACTS_PER_ACCOUNT),
        )
        connection.execute("VACUUM ANALYZE contacts")
        return int(connection.execute("SELECT count(*) FROM contacts").fetchone()[0])


def full_pull(api: Api) -> tuple[float, int]:
    """Milliseconds and changes of a new device's download of the whole working set."""
    started = time.perf_counter()
    cursor, changes = None, 0
    while True:
        path = f"/api/v1/sync/pull?limit={PAGE}" + (f"&cursor={cursor}" if cursor else "")
        _, answer = api.call("GET", path)
        changes += len(answer["changes"])
        cursor = answer["cursor"]
        if not answer["has_more"]:
            return (time.perf_counter() - started) * 1000, changes


def measure(api: Api, repeats: int) -> tuple[Timings, Timings, int]:
    """Full pull and checksum timings, and the changes one full pull brings."""
    pulls, checksums, changes = [], [], 0
    for _ in range(repeats):
        elapsed, changes = full_pull(api)
        pulls.append(elapsed)
        checksums.append(api.call("GET", "/api/v1/sync/checksum")[0])
    return Timings.of(pulls), Timings.of(checksums), changes


def main() -> None:
    """Set up, measure with and without contacts, print, clean up."""
    args = _arguments()
    repeats = max(2, args.repeats)
    bench = create_bench_database("_bench_contacts")
    rows = []
    try:
        refill(bench, ACCOUNTS)
        rep_id, token = rep_token(bench)
        contacts = give_contacts(bench.url, rep_id)
        RESULTS.mkdir(exist_ok=True)
        with production_server(bench.url, RESULTS / "gunicorn-contacts.log") as port:
            api = Api(port, token)
            rows.append((f"with {contacts:,} contacts", *measure(api, repeats)))
            with psycopg.connect(libpq_url(bench.url), autocommit=True) as connection:
                connection.execute("DELETE FROM contacts")
            rows.append(("without contacts", *measure(api, repeats)))
    finally:
        drop_bench_database(bench)
    print(f"\nA rep's full pull ({ACCOUNTS:,} accounts, pages of {PAGE}), {repeats} runs each")
    print(f"  {'working set':<24}{'changes':>8}{'pull p50':>10}{'p95 ms':>9}{'checksum p50':>14}")
    for name, pull, checksum, changes in rows:
        print(f"  {name:<24}{changes:>8,}{pull.p50:>10.1f}{pull.p95:>9.1f}{checksum.p50:>14.1f}")


if __name__ == "__main__":
    main()
