"""HTTP edge for the offline protocol: push, pull, checksum. No SQL here."""

from __future__ import annotations

from flask import Blueprint, Response

from server.config import current_settings
from server.core import rate_limits
from server.core.auth import current_principal, require_login
from server.core.clock import now_utc
from server.core.errors import ApiError
from server.core.http import json_response
from server.core.transaction import unit_of_work
from server.core.validation import json_body, parse_query
from server.sync import checksum, pull, push, seen
from server.sync.schemas import MAX_MUTATIONS, PullQuery, read_push

blueprint = Blueprint("sync", __name__, url_prefix="/api/v1/sync")


@blueprint.post("/push")
@require_login
def push_mutations() -> Response:
    """Apply a device's outbox exactly once; the answer says how far it got."""
    data = read_push(json_body())
    if len(data.mutations) > MAX_MUTATIONS:
        raise ApiError(413, "too_large", f"push at most {MAX_MUTATIONS} mutations at a time")
    with unit_of_work():
        answer = push.push(current_principal(), data.client_id, data.mutations)
    return json_response(answer)


@blueprint.get("/pull")
@require_login
def pull_changes() -> Response:
    """What changed in the caller's working set since the cursor (none: everything)."""
    args = parse_query(PullQuery)
    principal = current_principal()
    with unit_of_work():
        answer = pull.pull(principal, args.client_id, args.cursor, args.limit)
    if args.client_id is not None:
        # Its own transaction: the pull's is a REPEATABLE READ snapshot, where a write could
        # fail on a push of the same device committed meanwhile.
        with unit_of_work():
            seen.record_pull(principal, args.client_id, now_utc())
    return json_response(answer)


@blueprint.get("/checksum")
@require_login
def working_set_checksum() -> Response:
    """Per entity, a count and a hash over (id, version) of the caller's working set; each
    user may ask CHECKSUMS_PER_MINUTE times a minute (429 with Retry-After past that)."""
    principal = current_principal()
    with unit_of_work():
        rate_limits.take(
            f"sync-checksum:{principal.id}",
            current_settings().checksums_per_minute,
            now_utc(),
            "too many checksum requests; try again later",
        )
        answer = checksum.checksums(principal)
    return json_response(answer)
