"""The OpenAPI 3.1 document, built from the same pydantic schemas that validate requests.

Each operation is one Route; JSON Schema 2020-12 (what pydantic emits) is native to OpenAPI 3.1,
so the schemas go into components as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from server.accounts.schemas import (
    AccountCreate,
    AccountFilters,
    AccountList,
    AccountListQuery,
    AccountMap,
    AccountOut,
    AccountPatch,
    AccountSearch,
    ImportReport,
)
from server.campaigns.schemas import (
    Audience,
    AudiencePreview,
    AudienceQuery,
    CampaignCreate,
    CampaignList,
    CampaignListQuery,
    CampaignOut,
    CampaignPatch,
    CampaignStats,
    DeliveryIn,
    DeliveryOut,
    LaunchAnswer,
    LaunchIn,
    RefreshOut,
    RefreshQuery,
    SigningSecretOut,
    TargetList,
)
from server.contacts.schemas import (
    AccountContactsQuery,
    ContactCreate,
    ContactList,
    ContactListQuery,
    ContactOut,
    ContactPatch,
)
from server.core.validation import PageQuery
from server.geocoding.schemas import PlaceList, ReverseAddress, ReverseQuery, SearchQuery
from server.notes.schemas import NoteCreate, NoteList, NoteListQuery, NoteOut
from server.planning.schemas import PlanOut, PlanRequest
from server.planning.week_schemas import PlanWeekIn, WeekPlanOut
from server.segments.schemas import (
    SegmentCreate,
    SegmentList,
    SegmentOut,
    SegmentPatch,
    VisitFrequency,
    VisitFrequencyResult,
)
from server.sync.schemas import ChecksumOut, PullOut, PullQuery, PushIn, PushOut
from server.tasks.schemas import TaskCreate, TaskList, TaskListQuery, TaskOut, TaskPatch
from server.team.schemas import TeamDay, TeamDayQuery
from server.territories.schemas import (
    FeatureCollection,
    Gaps,
    GapsQuery,
    ImportedTerritories,
    OverlapList,
    TerritoryCreate,
    TerritoryList,
    TerritoryOut,
    TerritoryPatch,
)
from server.users.schemas import (
    ApiTokenCreate,
    ApiTokenList,
    ApiTokenOut,
    LoginIn,
    SelfPatch,
    SessionOut,
    UserCreate,
    UserList,
    UserListQuery,
    UserOut,
    UserPatch,
)
from server.visits.schemas import VisitCreate, VisitList, VisitListQuery, VisitOut

REF = "#/components/schemas/{model}"
ERROR_REF = {"$ref": REF.format(model="Error")}
ERROR_DESCRIPTIONS = {
    400: "Malformed request (bad JSON, bad cursor)",
    401: "Not logged in",
    403: "Not allowed, or CSRF check failed (`csrf_failed`)",
    404: "Absent, or in another organisation",
    409: "Conflict: stale `version`, or an id reused with different content",
    413: "Too large",
    415: "The body is not in a supported media type",
    422: "Validation error; `fields` names each offending field",
    429: "Rate limited; see `Retry-After`",
    503: (
        "An outside service (`geocoding_unavailable`) or the database (`unavailable`) is down, "
        "or too many requests wait for the geocoder (`geocoder_busy`); nothing was changed; "
        "retry after `Retry-After`"
    ),
}
# The HTTP server (gunicorn) answers a request line over 4 KiB itself, before the app sees it.
URI_TOO_LONG = {"description": "Request line too long; answered by the HTTP server, not JSON"}
UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
Mode = Literal["validation", "serialization"]
# A response is a pydantic class, a plain JSON schema, a full `content` map, or None (no body).
Response = type[BaseModel] | dict[str, Any] | None
Refs = dict[tuple[type[BaseModel], Mode], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """One operation: method, path, the schemas of what goes in and comes out, and its errors."""

    method: str
    path: str
    summary: str
    tag: str
    responses: dict[int, Response]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    public: bool = False
    body_content: dict[str, Any] | None = None
    description: str | None = None


ERROR_ENVELOPE = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}
# A map answer with no clusters also fits AccountList's shape; `not` keeps the branches apart.
ACCOUNT_LIST_OR_MAP = {
    "oneOf": [
        {"$ref": REF.format(model="AccountList"), "not": {"required": ["clusters"]}},
        {"$ref": REF.format(model="AccountMap")},
    ]
}
CSV_UPLOAD = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "properties": {"file": {"type": "string", "contentMediaType": "text/csv"}},
            "required": ["file"],
        }
    },
    "text/csv": {"schema": {"type": "string"}},
}
CSV_DOWNLOAD = {"text/csv": {"schema": {"type": "string"}}}
GEOJSON_DOWNLOAD = {
    "application/geo+json": {
        "schema": {
            "type": "object",
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {"type": "array", "items": {"type": "object"}},
            },
            "required": ["type", "features"],
        }
    }
}
HEALTH = {
    "type": "object",
    "properties": {"status": {"type": "string"}, "db": {"type": "string"}},
    "required": ["status", "db"],
}
APP_CONFIG = {
    "type": "object",
    "properties": {"tile_url": {"type": "string"}, "tile_attribution": {"type": "string"}},
    "required": ["tile_url", "tile_attribution"],
}
AREA_DESCRIPTION = (
    "`area` is a GeoJSON Polygon or MultiPolygon (holes allowed), `{center: Point, radius_m}` "
    "(up to 500 km), `{line: LineString, within_m}` (a corridor: every place within 1 to 50,000 "
    "geodesic metres of the line, e.g. along today's route) or `{territory_id}`. Polygon and "
    "line edges are the shorter great-circle arcs between their positions, so an area may "
    "cross the antimeridian (179 then -179) without being cut; two consecutive positions may "
    "not be 179 degrees of arc or more apart, and a ring may not go around a pole. A point on "
    "an edge (a hole's included) is inside. Filters narrow the area; paging fields travel in "
    "the body."
)
# Every JSON body can be malformed (400), unauthenticated (401), refused (403), not JSON (415),
# over core.validation's size limit (413) or invalid (422).
WRITE_ERRORS = (400, 401, 403, 413, 415, 422)

ROUTES: tuple[Route, ...] = (
    Route(
        "post",
        "/api/v1/auth/login",
        "Log in",
        "auth",
        {200: SessionOut},
        body=LoginIn,
        errors=(*WRITE_ERRORS, 429),
        public=True,
        description="Sets the session cookie; send the returned csrf_token as X-CSRF-Token.",
    ),
    Route(
        "post",
        "/api/v1/auth/logout",
        "Log out: end every session of the caller",
        "auth",
        {204: None},
        errors=(401, 403),
    ),
    Route(
        "get",
        "/api/v1/auth/me",
        "The logged-in user and CSRF token",
        "auth",
        {200: SessionOut},
        errors=(401,),
    ),
    Route(
        "patch",
        "/api/v1/auth/me",
        "Change your own settings (reminders)",
        "auth",
        {200: SessionOut},
        body=SelfPatch,
        errors=WRITE_ERRORS,
        description=(
            "Any logged-in user, for themself: `reminder_minutes` (0 to 1440; 0 turns reminders "
            "off) is how long before a task is due the app reminds its assignee, on every device "
            "of theirs. Fields left out stay; each change is a new `version` of the user."
        ),
    ),
    Route(
        "get",
        "/api/v1/users",
        "List the organisation's users",
        "users",
        {200: UserList},
        query=UserListQuery,
        errors=(400, 401, 422),
    ),
    Route(
        "post",
        "/api/v1/users",
        "Add a user (admin)",
        "users",
        {201: UserOut},
        body=UserCreate,
        errors=(*WRITE_ERRORS, 404, 409),
    ),
    Route("get", "/api/v1/users/{user_id}", "One user", "users", {200: UserOut}, errors=(401, 404)),
    Route(
        "patch",
        "/api/v1/users/{user_id}",
        "Change or disable a user (admin)",
        "users",
        {200: UserOut},
        body=UserPatch,
        errors=(*WRITE_ERRORS, 404, 409),
    ),
    Route(
        "post",
        "/api/v1/api-tokens",
        "Issue a bearer token (admin); the secret is in this answer only",
        "users",
        {201: ApiTokenOut},
        body=ApiTokenCreate,
        errors=(*WRITE_ERRORS, 404),
    ),
    Route(
        "get",
        "/api/v1/api-tokens",
        "List bearer tokens (admin)",
        "users",
        {200: ApiTokenList},
        query=PageQuery,
        errors=(400, 401, 403, 422),
    ),
    Route(
        "delete",
        "/api/v1/api-tokens/{token_id}",
        "Revoke a bearer token (admin)",
        "users",
        {204: None},
        errors=(401, 403, 404),
    ),
    Route(
        "post",
        "/api/v1/accounts",
        "Create an account (geocoded in the background when only an address is given)",
        "accounts",
        {201: AccountOut},
        body=AccountCreate,
        errors=(*WRITE_ERRORS, 404, 409),
    ),
    Route(
        "get",
        "/api/v1/accounts",
        "List accounts: by name, nearest first, or for a map viewport",
        "accounts",
        {200: ACCOUNT_LIST_OR_MAP},
        query=AccountListQuery,
        errors=(400, 401, 422),
        description=(
            "Without a place: by name. With lat and lng (and radius_m): nearest first, each item "
            "with distance_m. With bbox=minLng,minLat,maxLng,maxLat (and zoom): an AccountMap, "
            "clustered when the viewport holds more accounts than a map can draw. Filters "
            "combine with each other and with any of these: `tags` (repeatable; `tag` is the "
            "same) must all be on the account, `not_visited_days=N` keeps accounts with no "
            "visit in N days (never visited included): prospects near me not visited in 30 "
            "days are `?lat=&lng=&radius_m=&kind=prospect&not_visited_days=30`."
        ),
    ),
    Route(
        "post",
        "/api/v1/accounts/search",
        "Accounts inside a Polygon, MultiPolygon, circle, corridor or territory",
        "accounts",
        {200: AccountList},
        body=AccountSearch,
        errors=(*WRITE_ERRORS, 404),
        description=AREA_DESCRIPTION,
    ),
    Route(
        "post",
        "/api/v1/accounts/import",
        "Import accounts from CSV (admins and managers; all or nothing)",
        "accounts",
        {201: ImportReport},
        body_content=CSV_UPLOAD,
        errors=(400, 401, 403, 413, 415, 422),
        description=(
            "One bad row stores nothing: the 422 names each bad row and column in `fields` "
            '("row 3.name", the header being row 1). Rows with an address and no coordinates '
            "are stored with geocode_status pending."
        ),
    ),
    Route(
        "get",
        "/api/v1/accounts/export.csv",
        "Export the accounts you can see as CSV",
        "accounts",
        {200: CSV_DOWNLOAD},
        query=AccountFilters,
        errors=(401, 422),
    ),
    Route(
        "get",
        "/api/v1/accounts/{account_id}",
        "One account",
        "accounts",
        {200: AccountOut},
        errors=(401, 404),
    ),
    Route(
        "patch",
        "/api/v1/accounts/{account_id}",
        "Change an account (send version)",
        "accounts",
        {200: AccountOut},
        body=AccountPatch,
        errors=(*WRITE_ERRORS, 404, 409),
    ),
    Route(
        "delete",
        "/api/v1/accounts/{account_id}",
        "Archive an account",
        "accounts",
        {204: None},
        errors=(401, 403, 404),
    ),
    Route(
        "post",
        "/api/v1/territories",
        "Add a territory (managers and admins)",
        "territories",
        {201: TerritoryOut},
        body=TerritoryCreate,
        errors=(*WRITE_ERRORS, 404),
        description=(
            "`area` is a GeoJSON MultiPolygon, or a Polygon (stored and shown as a MultiPolygon "
            "of one); an invalid surface is a 422 naming the field. `rep_ids` are active users "
            "with role rep (404 for an id you cannot see, 422 for one who is not an active "
            "rep). Every account whose location the area covers (edges included) gets this "
            "`territory_id` unless an older territory covers it too. When the change concerns "
            "many accounts a background job assigns them: `assignment.state` is `queued`, "
            "then `running` (`done` of `total` accounts examined), then `done`. Reps see the "
            "accounts of their territories as well as their own."
        ),
    ),
    Route(
        "get",
        "/api/v1/territories",
        "List the organisation's territories by name",
        "territories",
        {200: TerritoryList},
        query=PageQuery,
        errors=(400, 401, 422),
    ),
    Route(
        "get",
        "/api/v1/territories/overlaps",
        "Accounts covered by more than one territory",
        "territories",
        {200: OverlapList},
        query=PageQuery,
        errors=(400, 401, 422),
        description=(
            "The accounts you can see whose location more than one territory's area covers, "
            "by account id, each with those territories, the oldest (which holds it) first."
        ),
    ),
    Route(
        "get",
        "/api/v1/territories/gaps",
        "Accounts with a location and no territory in a map viewport",
        "territories",
        {200: Gaps},
        query=GapsQuery,
        errors=(401, 422),
        description=(
            "bbox=minLng,minLat,maxLng,maxLat (minLng > maxLng crosses the antimeridian). "
            "`count` counts the accounts you can see there with no territory, up to 10,000 "
            "(`count_capped` says it stopped); `items` are the first `limit` of them by id."
        ),
    ),
    Route(
        "get",
        "/api/v1/territories/export.geojson",
        "Every territory as a GeoJSON FeatureCollection",
        "territories",
        {200: GEOJSON_DOWNLOAD},
        errors=(401,),
        description=(
            "One Feature per territory: its id as the Feature's `id`, the area as a "
            "MultiPolygon, `name` and `rep_ids` as properties. POST it to the import to copy "
            "the territories."
        ),
    ),
    Route(
        "post",
        "/api/v1/territories/import",
        "Create territories from a GeoJSON FeatureCollection (all or none)",
        "territories",
        {201: ImportedTerritories},
        body=FeatureCollection,
        errors=WRITE_ERRORS,
        description=(
            "One territory per Feature (Polygon or MultiPolygon geometry; properties `name` and "
            "optional `rep_ids`, others ignored), in order. One bad feature stores nothing: the "
            "422 names it (`features.3.geometry`, `features.3.properties.rep_ids`)."
        ),
    ),
    Route(
        "get",
        "/api/v1/territories/{territory_id}",
        "One territory",
        "territories",
        {200: TerritoryOut},
        errors=(401, 404),
    ),
    Route(
        "patch",
        "/api/v1/territories/{territory_id}",
        "Change a territory (send version; managers and admins)",
        "territories",
        {200: TerritoryOut},
        body=TerritoryPatch,
        errors=(*WRITE_ERRORS, 404, 409),
        description=(
            "A new area re-assigns the accounts it concerns (see POST); new or removed reps "
            "download their working set again on their next sync."
        ),
    ),
    Route(
        "delete",
        "/api/v1/territories/{territory_id}",
        "Delete a territory (managers and admins)",
        "territories",
        {204: None},
        errors=(401, 403, 404),
        description="Its accounts go to the next oldest territory covering them, or to none.",
    ),
    Route(
        "post",
        "/api/v1/visits",
        "Record a visit (the device chooses the id)",
        "visits",
        {201: VisitOut, 200: VisitOut},
        body=VisitCreate,
        errors=(*WRITE_ERRORS, 404, 409),
        description=(
            "201 when new; the same id with the same content again answers 200 with the stored "
            "visit, with other content 409. `verification` is `verified` when distance_m minus "
            "accuracy_m is within the organisation's radius (150 m unless changed), "
            "`unverifiable` without a location or with accuracy_m over 500, else `out_of_range`."
        ),
    ),
    Route(
        "get",
        "/api/v1/visits",
        "List visits, newest first",
        "visits",
        {200: VisitList},
        query=VisitListQuery,
        errors=(400, 401, 422),
        description=(
            "Reps see their own visits, managers their team's, admins everyone's; filters only "
            "narrow that (another team's user_id lists nothing). `since` and `until` bound "
            "started_at to [since, until): a rep's day on a map is "
            "`?user_id=&since=<day start>&until=<day end>`. Each read of another user's "
            "coordinates is written to the audit log."
        ),
    ),
    Route(
        "post",
        "/api/v1/notes",
        "Write a note on an account (the device chooses the id)",
        "notes",
        {201: NoteOut, 200: NoteOut},
        body=NoteCreate,
        errors=(*WRITE_ERRORS, 404, 409),
        description=(
            "201 when new; the same id with the same content again answers 200 with the stored "
            "note, with other content 409. Notes are never edited. `written_at` (default now) "
            "is when the rep wrote it."
        ),
    ),
    Route(
        "get",
        "/api/v1/notes",
        "List notes, newest first",
        "notes",
        {200: NoteList},
        query=NoteListQuery,
        errors=(400, 401, 422),
        description="Reps see their own notes, managers their team's, admins everyone's.",
    ),
    Route(
        "get",
        "/api/v1/accounts/{account_id}/contacts",
        "List an account's contacts, the primary first, then by name",
        "contacts",
        {200: ContactList},
        query=AccountContactsQuery,
        errors=(400, 401, 404, 422),
        description=(
            "Whoever sees the account sees its contacts (404 for an account you cannot see). "
            "Deleted (archived) contacts are not listed. `q` keeps those whose name contains it."
        ),
    ),
    Route(
        "get",
        "/api/v1/contacts",
        "List contacts by name (of one account: the primary first)",
        "contacts",
        {200: ContactList},
        query=ContactListQuery,
        errors=(400, 401, 422),
        description=(
            "The live contacts of every account you can see, by name; `account_id` keeps one "
            "account's (none for an account you cannot see), `q` those whose name contains it."
        ),
    ),
    Route(
        "post",
        "/api/v1/contacts",
        "Add a contact to an account (a device may choose the id)",
        "contacts",
        {201: ContactOut, 200: ContactOut},
        body=ContactCreate,
        errors=(*WRITE_ERRORS, 404, 409),
        description=(
            "201 when new; the same id with the same content again answers 200 with the stored "
            "contact, with other content 409. `is_primary: true` makes it the account's one "
            "primary contact: the previous one is cleared (and gets a new version). `consent` "
            "holds when the contact agreed to marketing by `email`, `sms` and `phone` (null: "
            "not given). `language` is a BCP 47 tag (`ro`, `pt-BR`)."
        ),
    ),
    Route(
        "get",
        "/api/v1/contacts/{contact_id}",
        "One contact",
        "contacts",
        {200: ContactOut},
        errors=(401, 404),
    ),
    Route(
        "patch",
        "/api/v1/contacts/{contact_id}",
        "Change a contact (send version)",
        "contacts",
        {200: ContactOut},
        body=ContactPatch,
        errors=(*WRITE_ERRORS, 404, 409),
        description=(
            "Only the fields sent change; a stale `version` is a 409 naming the current one. "
            "A deleted contact cannot be changed (422)."
        ),
    ),
    Route(
        "delete",
        "/api/v1/contacts/{contact_id}",
        "Delete a contact (it is archived; devices drop it on their next pull)",
        "contacts",
        {204: None},
        errors=(401, 404),
    ),
    Route(
        "post",
        "/api/v1/tasks",
        "Add a task (reps for themselves, managers for their team)",
        "tasks",
        {201: TaskOut, 200: TaskOut},
        body=TaskCreate,
        errors=(*WRITE_ERRORS, 404, 409),
        description=(
            "The assignee defaults to the caller: reps assign to themselves, managers to "
            "themselves and their team (403 outside it), admins to anyone of the organisation. "
            "A client may choose the id: 201 when new; its creator sending the same id with the "
            "same content again answers 200 with the stored task, other content (or the task "
            "changed since) 409. Announced live as `task.created` to those who may GET it (the "
            "assignee, their manager, its creator, the admins)."
        ),
    ),
    Route(
        "get",
        "/api/v1/tasks",
        "List tasks (`?assignee=me&status=open`)",
        "tasks",
        {200: TaskList},
        query=TaskListQuery,
        errors=(400, 401, 422),
        description=(
            "Tasks the caller may see (reps theirs, managers their own and their team's, admins "
            "all), earliest created first; filters only narrow that. `assignee` is `me` or a "
            "user id; `due_from` and `due_to` bound due_at to [due_from, due_to) (tasks without "
            "a due time then drop out)."
        ),
    ),
    Route("get", "/api/v1/tasks/{task_id}", "One task", "tasks", {200: TaskOut}, errors=(401, 404)),
    Route(
        "patch",
        "/api/v1/tasks/{task_id}",
        "Change a task (send version)",
        "tasks",
        {200: TaskOut},
        body=TaskPatch,
        errors=(*WRITE_ERRORS, 404, 409),
        description="Announced live as `task.updated` (to the previous assignee too).",
    ),
    Route(
        "post",
        "/api/v1/routes/plan-week",
        "Plan my week: due accounts spread over the days around the appointments",
        "routes",
        {200: WeekPlanOut},
        body=PlanWeekIn,
        errors=(*WRITE_ERRORS,),
        description=(
            "Accounts with a `visit_every_days` are due when their last visit plus that many "
            "days falls on or before a planned day (never visited: due now); a due account is "
            "visited on its due day or later, at most once. Appointments (the caller's open "
            "tasks with an account, due at a time inside a day's working hours) stay at their "
            "time; accounts with any other open task of the caller's in these days are left "
            "out. Each day starts at `start` within `working_hours` (in `timezone`, an IANA "
            "name, default UTC) and ends at `end` (none: at its last visit); visits take 20 "
            "minutes. What does not fit is `unplanned` (at most the 200 most overdue accounts "
            "are weighed). With `create_tasks` the visits become the caller's open tasks at "
            "their planned times; planning the same days again moves or cancels the earlier "
            "plan's tasks nobody has changed, and never touches any other task. Each leg carries "
            "`links` for Google Maps, Apple Maps, Waze and `geo:` as in /routes/plan, and each "
            "day with visits its route as `navigation_urls` (Google Maps, at most 9 waypoints a "
            "URL, each starting where the one before ends)."
        ),
    ),
    Route(
        "get",
        "/api/v1/segments",
        "List saved segments, by name",
        "segments",
        {200: SegmentList},
        query=PageQuery,
        errors=(400, 401, 422),
        description=(
            "Managers and admins share the organisation's segments; reps see those they saved "
            "(none: only managers and admins save segments)."
        ),
    ),
    Route(
        "post",
        "/api/v1/segments",
        "Save an area and filters as a segment (managers and admins)",
        "segments",
        {201: SegmentOut},
        body=SegmentCreate,
        errors=(*WRITE_ERRORS, 404, 409),
        description=(
            "`area` is any area POST /accounts/search takes, or null for the filters alone; "
            "`filters` narrow it (kind, status, industry, tags: all present, owner_id, "
            "territory_id, not_visited_days). Its members are computed whenever they are asked "
            "for, never stored. A territory named as the area must exist (404 otherwise)."
        ),
    ),
    Route(
        "get",
        "/api/v1/segments/{segment_id}",
        "One saved segment",
        "segments",
        {200: SegmentOut},
        errors=(401, 404),
    ),
    Route(
        "patch",
        "/api/v1/segments/{segment_id}",
        "Change a segment (send version; managers and admins)",
        "segments",
        {200: SegmentOut},
        body=SegmentPatch,
        errors=(*WRITE_ERRORS, 404, 409),
        description="Fields left out stay; `filters` is replaced whole; `area` may become null.",
    ),
    Route(
        "delete",
        "/api/v1/segments/{segment_id}",
        "Delete a segment (managers and admins)",
        "segments",
        {204: None},
        errors=(401, 403, 404, 409),
        description="409 while a campaign was made from it.",
    ),
    Route(
        "get",
        "/api/v1/segments/{segment_id}/members",
        "The accounts a segment selects now, by name",
        "segments",
        {200: AccountList},
        query=PageQuery,
        errors=(400, 401, 404, 422),
        description=(
            "Computed at each request among the accounts the caller may see; paged like every list."
        ),
    ),
    Route(
        "post",
        "/api/v1/routes/plan",
        "Plan a day: the best order of up to 100 stops, with navigation links",
        "routes",
        {200: PlanOut},
        body=PlanRequest,
        errors=(*WRITE_ERRORS, 404),
        description=(
            'Orders the stops (account ids, or `"today"`: the caller\'s open or in-progress '
            "tasks due by the end of the day of `departure_at`, overdue ones included, whose "
            "account has a location; each account once) from `start` to `end` (without one "
            "the day ends at its last visit) to spend the least time on the road, within the "
            "working hours (default 08:00-18:00) and each stop's window in `windows` (the "
            "visit begins in it), each visit taking `service_s` seconds (default 1200). Times "
            "of day are read in the offset of `departure_at` (default now, UTC). Stops that "
            "cannot fit are in `unplanned` with a reason. An id the caller may not see is 404; "
            "an account without a location is 422 naming it (`stops.<index>`). Travel figures "
            "come from the routing service when one is configured and answers in time "
            "(`provider: osrm`), else from geodesic distances at an assumed speed "
            "(`provider: geodesic`); `matrix` holds them (rows and columns as `matrix.ids`) so "
            "a client can re-plan or re-total a reordered day itself. `arrivals` is when each "
            "visit begins (after any wait for its window), `departures` when it ends; totals "
            "are driving only. `navigation_urls` are Google Maps directions of at most 9 "
            "waypoints each, each starting where the previous ends; each leg has Apple Maps, "
            "Waze and `geo:` links too. `geometry` is the route along the roads (a GeoJSON "
            "LineString through the start and the stops in order, from the routing service's "
            "`route` service); null without a routing service or when it gives no route in "
            "time, and then a client draws straight lines between the stops."
        ),
    ),
    Route(
        "post",
        "/api/v1/segments/{segment_id}/visit-frequency",
        "Visit a segment's members every N days (managers and admins)",
        "segments",
        {200: VisitFrequencyResult},
        body=VisitFrequency,
        errors=(*WRITE_ERRORS, 404),
        description=(
            "Sets `visit_every_days` (1..365, or null: no fixed frequency) on the segment's "
            "current members that the caller may see, in one update; `updated` counts the "
            "accounts whose frequency changed. Later members do not inherit it: the frequency "
            "belongs to each account (PATCH /accounts/{id} changes one)."
        ),
    ),
    Route(
        "get",
        "/api/v1/team/day",
        "Each rep's day: tasks, visits and last sync (managers and admins)",
        "team",
        {200: TeamDay},
        query=TeamDayQuery,
        errors=(400, 401, 403, 422),
        description=(
            "Send your local day as `from` and `to` (ISO 8601 times with their offset; "
            "`from` < `to`, at most 7 days apart). Managers get the active reps who report "
            "to them, admins every active rep of the organisation, by name; reps get 403. Per "
            "rep: `tasks.due` counts their tasks with due_at in [from, to) that are not "
            "cancelled, of which `open` are open or in progress and `done` done; "
            "`tasks.overdue` counts their tasks still open or in progress whose due_at is "
            "before the time of the request, whatever the window; `visits` counts their visits "
            "started in [from, to) by verification; `last_sync_at` is the latest push or pull "
            "of any of their devices (a pull is noted at most once a minute), null when none. "
            "To stay live, ask again on the Socket.IO `sync.poke` (and `task.*`) events: "
            "managers and admins get a poke when a rep's visit is logged or a task changes, and "
            "a rep's managers and the admins when a device of the rep syncs after more than a "
            "minute."
        ),
    ),
    Route(
        "post",
        "/api/v1/sync/push",
        "Apply a device's outbox exactly once",
        "sync",
        {200: PushOut},
        body=PushIn,
        errors=(*WRITE_ERRORS, 503),
        description=(
            "Mutations with id <= last_mutation_id are `duplicate`; id == last + 1 is applied "
            "in a savepoint (`applied`, `conflict` for a stale base_version with the current "
            "entity, `rejected` for a permanent error) and advances the counter in the same "
            "transaction; a gap stops processing. At most 1,000 mutations or 1 MB (413). ops: "
            "visit.create, account.create, account.update, task.create, task.update, note.create, "
            "contact.create (the body of POST /contacts with a client-chosen `id`), "
            "contact.update, contact.archive (`{id}`), "
            "each with the validation and the answers of its REST call (task.create: the body "
            "of POST /tasks with a client-chosen `id`; the same content again is `applied`)."
        ),
    ),
    Route(
        "get",
        "/api/v1/sync/pull",
        "What changed in the caller's working set since the cursor",
        "sync",
        {200: PullOut},
        query=PullQuery,
        errors=(400, 401, 422),
        description=(
            "No cursor: a full snapshot. Keep pulling while has_more; store the cursor with the "
            "changes. Rows that left the working set (archived, reassigned) come as `delete`. "
            "last_mutation_id is the counter of `client_id`."
        ),
    ),
    Route(
        "get",
        "/api/v1/sync/checksum",
        "Count and hash of the caller's working set, per entity",
        "sync",
        {200: ChecksumOut},
        errors=(401, 429),
        description=(
            'hash = the sum, mod 2^64, of the first 8 bytes of SHA-256("<id>:<version>") read '
            "as a big-endian integer, over every row, as 16 lower-case hex digits (visits and "
            "notes have version 1); for accounts, visits, tasks, notes and contacts. Each user "
            "may ask CHECKSUMS_PER_MINUTE times a minute (429 with Retry-After past that)."
        ),
    ),
    Route(
        "get",
        "/api/v1/geocode/reverse",
        "The address at a position (for creating an account where you stand)",
        "geocoding",
        {200: ReverseAddress},
        query=ReverseQuery,
        errors=(401, 422, 503),
        description=(
            'Answers {"address": "..."}, or {"address": null} when the geocoder knows no address '
            "there. A missing or invalid lat/lng is a 422 naming the field, as in the accounts "
            "queries; a geocoder outage is a 503 `geocoding_unavailable`, and a lookup whose "
            "turn is too far away (or whose caller already waits for one) a 503 `geocoder_busy` "
            "at once; both carry Retry-After."
        ),
    ),
    Route(
        "get",
        "/api/v1/geocode/search",
        "Places and addresses matching a search (to search around a place without a GPS fix)",
        "geocoding",
        {200: PlaceList},
        query=SearchQuery,
        errors=(401, 422, 503),
        description=(
            "Free text (`q`, 1 to 200 characters) sent to the configured geocoder; answers its "
            "best matches, best first, at most `limit` (1 to 10, default 5), each with the "
            "address as the geocoder writes it and a GeoJSON Point. Not a paged list: there is "
            "no next page. Lookups share the reverse lookup's fair queue, so the same 503s apply: "
            "`geocoding_unavailable` during an outage, `geocoder_busy` at once when the turn is "
            "too far away or the caller already waits for one; both carry Retry-After."
        ),
    ),
    Route(
        "post",
        "/api/v1/campaigns",
        "Create a draft campaign (managers and admins)",
        "campaigns",
        {201: CampaignOut},
        body=CampaignCreate,
        errors=(*WRITE_ERRORS, 404, 409),
        description=(
            "Give either an `area` (Polygon, MultiPolygon, circle or territory) or a saved "
            "`segment_id`, and `filters` that narrow it. A segment or territory the caller may "
            "not see is a 404."
        ),
    ),
    Route(
        "get",
        "/api/v1/campaigns",
        "List campaigns, newest first",
        "campaigns",
        {200: CampaignList},
        query=CampaignListQuery,
        errors=(400, 401, 422),
        description=(
            "Managers and admins see the organisation's campaigns, reps those with a target "
            "assigned to them."
        ),
    ),
    Route(
        "get",
        "/api/v1/campaigns/signing-secret",
        "The organisation's secret that signs audience deliveries (managers and admins)",
        "campaigns",
        {200: SigningSecretOut},
        errors=(401, 403),
        description=(
            "Standard Webhooks: `whsec_` and base64 of the key. A delivery carries webhook-id, "
            "webhook-timestamp and webhook-signature `v1,<base64 HMAC-SHA256 of "
            '"id.timestamp.body">`.'
        ),
    ),
    Route(
        "post",
        "/api/v1/campaigns/audience-preview",
        "The audience of an unsaved campaign: count, first page, clusters",
        "campaigns",
        {200: Audience},
        body=AudiencePreview,
        errors=(*WRITE_ERRORS, 404),
        description=(
            "The accounts the caller may see in the area (or the segment) that pass the "
            "filters. `count` is exact up to 100,000 (`count_capped` past it); `items` is the "
            "first page by name; with a `bbox` (and `zoom`) `clusters` grid the viewport's "
            "members for the map."
        ),
    ),
    Route(
        "get",
        "/api/v1/campaigns/{campaign_id}",
        "One campaign",
        "campaigns",
        {200: CampaignOut},
        errors=(401, 404),
    ),
    Route(
        "patch",
        "/api/v1/campaigns/{campaign_id}",
        "Change a draft campaign, or mark one done (send version)",
        "campaigns",
        {200: CampaignOut},
        body=CampaignPatch,
        errors=(*WRITE_ERRORS, 404, 409),
        description='Once launched only `status: "done"` is taken (409 otherwise).',
    ),
    Route(
        "get",
        "/api/v1/campaigns/{campaign_id}/audience",
        "A campaign's audience now, as the caller sees it",
        "campaigns",
        {200: Audience},
        query=AudienceQuery,
        errors=(400, 401, 403, 404, 422),
    ),
    Route(
        "post",
        "/api/v1/campaigns/{campaign_id}/launch",
        "Launch: a background job makes one task per target account",
        "campaigns",
        {202: LaunchAnswer},
        body=LaunchIn,
        errors=(*WRITE_ERRORS, 404, 409),
        description=(
            "`owner` (unowned accounts: the nearest rep), `territory` (the territory's rep with "
            "the fewest targets so far; none: the nearest rep) or `nearest_rep` (by home base, "
            "no rep over ceil(n / reps x 1.1)). Candidate reps are the caller's team (admins: "
            "every active rep). The campaign's `launch` shows the job's progress; each task is "
            "announced as `task.created`, the launch as `campaign.launched` and progress as "
            "`campaign.updated` to managers and admins. Launching again creates nothing new."
        ),
    ),
    Route(
        "get",
        "/api/v1/campaigns/{campaign_id}/refresh",
        "Accounts that entered the audience since the launch, and targets that left it",
        "campaigns",
        {200: RefreshOut},
        query=RefreshQuery,
        errors=(400, 401, 403, 404, 422),
    ),
    Route(
        "post",
        "/api/v1/campaigns/{campaign_id}/refresh",
        "Add the accounts that entered the audience as targets (a background job)",
        "campaigns",
        {202: LaunchAnswer},
        errors=(401, 403, 404, 409),
    ),
    Route(
        "get",
        "/api/v1/campaigns/{campaign_id}/stats",
        "Targets, visited, converted, outcomes, per rep and per day",
        "campaigns",
        {200: CampaignStats},
        errors=(401, 403, 404),
        description=(
            "Over the targets whose accounts the caller may see and the visits to them (by "
            "anyone) since the launch; converted means a visit with outcome `order`; days are "
            "UTC dates."
        ),
    ),
    Route(
        "get",
        "/api/v1/campaigns/{campaign_id}/targets",
        "The targets by account name, with assignee, task and state",
        "campaigns",
        {200: TargetList},
        query=PageQuery,
        errors=(400, 401, 403, 404, 422),
    ),
    Route(
        "get",
        "/api/v1/campaigns/{campaign_id}/audience.csv",
        "The audience as CSV (the accounts export's columns)",
        "campaigns",
        {200: CSV_DOWNLOAD},
        errors=(401, 403, 404),
    ),
    Route(
        "post",
        "/api/v1/campaigns/{campaign_id}/audience/deliveries",
        "POST the audience, signed, to a URL (a background job, retried on failure)",
        "campaigns",
        {202: DeliveryOut},
        body=DeliveryIn,
        errors=(*WRITE_ERRORS, 404),
        description=(
            'The body is `{"campaign": {...}, "accounts": [...]}`, signed with the secret of '
            "GET /campaigns/signing-secret; a receiver that fails or answers other than 2xx is "
            "tried again after 2, 4, 8... seconds, eight times in all. A URL whose host does "
            "not resolve, or resolves to a loopback, private, link-local or unique-local "
            "address, is refused (422 on `url`) unless WEBHOOK_ALLOW_PRIVATE_TARGETS is set; "
            "each connection is checked again, and a blocked one ends the delivery `refused`."
        ),
    ),
    Route(
        "get",
        "/api/v1/campaigns/{campaign_id}/audience/deliveries/{delivery_id}",
        "One audience delivery and how it went (queued, retrying, delivered, failed, refused)",
        "campaigns",
        {200: DeliveryOut},
        errors=(401, 403, 404),
    ),
    Route(
        "get",
        "/healthz",
        "Liveness and database check",
        "operations",
        {200: HEALTH, 503: HEALTH},
        public=True,
    ),
    Route(
        "get",
        "/api/v1/config",
        "Public settings the app needs: map tiles",
        "operations",
        {200: APP_CONFIG},
        public=True,
    ),
    Route(
        "get",
        "/api/v1/openapi.json",
        "This document",
        "operations",
        {200: {"type": "object"}},
        public=True,
    ),
)


def _operation_id(method: str, path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", f"{method} {path}").strip("_")


def _link(method: str, path: str, **fields: Any) -> dict[str, Any]:
    """An OpenAPI link to another operation; `parameters` and `requestBody` hold runtime
    expressions such as "$response.body#/id"."""
    return {"operationId": _operation_id(method, path), **fields}


ACCOUNT = "/api/v1/accounts/{account_id}"
TASK = "/api/v1/tasks/{task_id}"
USER = "/api/v1/users/{user_id}"
CAMPAIGN = "/api/v1/campaigns/{campaign_id}"
THIS_CAMPAIGN = {"campaign_id": "$response.body#/id"}
THIS_ACCOUNT = {"account_id": "$response.body#/id"}
THIS_VERSION = {"version": "$response.body#/version"}
SEGMENT = "/api/v1/segments/{segment_id}"
THIS_SEGMENT = {"segment_id": "$response.body#/id"}
SEGMENT_LINKS = {
    "GetSegment": _link("get", SEGMENT, parameters=THIS_SEGMENT),
    "ChangeSegment": _link("patch", SEGMENT, parameters=THIS_SEGMENT, requestBody=THIS_VERSION),
    "SegmentMembers": _link("get", f"{SEGMENT}/members", parameters=THIS_SEGMENT),
    "DeleteSegment": _link("delete", SEGMENT, parameters=THIS_SEGMENT),
}
# What a client does next with what an answer names; it lets a fuzzer chain realistic calls.
TERRITORY = "/api/v1/territories/{territory_id}"
THIS_TERRITORY = {"territory_id": "$response.body#/id"}
TERRITORY_LINKS = {
    "GetTerritory": _link("get", TERRITORY, parameters=THIS_TERRITORY),
    "ChangeTerritory": _link(
        "patch", TERRITORY, parameters=THIS_TERRITORY, requestBody=THIS_VERSION
    ),
    "DeleteTerritory": _link("delete", TERRITORY, parameters=THIS_TERRITORY),
}
ACCOUNT_LINKS = {
    "GetAccount": _link("get", ACCOUNT, parameters=THIS_ACCOUNT),
    "ChangeAccount": _link("patch", ACCOUNT, parameters=THIS_ACCOUNT, requestBody=THIS_VERSION),
    "ArchiveAccount": _link("delete", ACCOUNT, parameters=THIS_ACCOUNT),
    "VisitAccount": _link(
        "post", "/api/v1/visits", requestBody={"account_id": "$response.body#/id"}
    ),
    "WriteNote": _link("post", "/api/v1/notes", requestBody={"account_id": "$response.body#/id"}),
    "AddTask": _link("post", "/api/v1/tasks", requestBody={"account_id": "$response.body#/id"}),
    "AddContact": _link(
        "post", "/api/v1/contacts", requestBody={"account_id": "$response.body#/id"}
    ),
}
CONTACT = "/api/v1/contacts/{contact_id}"
THIS_CONTACT = {"contact_id": "$response.body#/id"}
CONTACT_LINKS = {
    "GetContact": _link("get", CONTACT, parameters=THIS_CONTACT),
    "ChangeContact": _link("patch", CONTACT, parameters=THIS_CONTACT, requestBody=THIS_VERSION),
    "DeleteContact": _link("delete", CONTACT, parameters=THIS_CONTACT),
    "ContactsOfAccount": _link(
        "get", ACCOUNT + "/contacts", parameters={"account_id": "$response.body#/account_id"}
    ),
}
TASK_LINKS = {
    "GetTask": _link("get", TASK, parameters={"task_id": "$response.body#/id"}),
    "ChangeTask": _link(
        "patch", TASK, parameters={"task_id": "$response.body#/id"}, requestBody=THIS_VERSION
    ),
    "VisitForTask": _link(
        "post",
        "/api/v1/visits",
        requestBody={"account_id": "$response.body#/account_id", "task_id": "$response.body#/id"},
    ),
}
USER_LINKS = {
    "GetUser": _link("get", USER, parameters={"user_id": "$response.body#/id"}),
    "ChangeUser": _link(
        "patch", USER, parameters={"user_id": "$response.body#/id"}, requestBody=THIS_VERSION
    ),
    "IssueToken": _link(
        "post", "/api/v1/api-tokens", requestBody={"user_id": "$response.body#/id"}
    ),
}
BY_ACCOUNT = {"account_id": "$response.body#/account_id"}
CAMPAIGN_LINKS = {
    "GetCampaign": _link("get", CAMPAIGN, parameters=THIS_CAMPAIGN),
    "ChangeCampaign": _link("patch", CAMPAIGN, parameters=THIS_CAMPAIGN, requestBody=THIS_VERSION),
    "CampaignAudience": _link("get", CAMPAIGN + "/audience", parameters=THIS_CAMPAIGN),
    "LaunchCampaign": _link("post", CAMPAIGN + "/launch", parameters=THIS_CAMPAIGN),
    "CampaignStats": _link("get", CAMPAIGN + "/stats", parameters=THIS_CAMPAIGN),
    "CampaignTargets": _link("get", CAMPAIGN + "/targets", parameters=THIS_CAMPAIGN),
    "CampaignRefresh": _link("get", CAMPAIGN + "/refresh", parameters=THIS_CAMPAIGN),
}
LINKS: dict[tuple[str, str], dict[int, dict[str, Any]]] = {
    ("post", "/api/v1/accounts"): {201: ACCOUNT_LINKS},
    ("patch", ACCOUNT): {200: ACCOUNT_LINKS},
    ("post", "/api/v1/tasks"): {201: TASK_LINKS},
    ("post", "/api/v1/contacts"): {201: CONTACT_LINKS},
    ("patch", CONTACT): {200: CONTACT_LINKS},
    ("post", "/api/v1/segments"): {201: SEGMENT_LINKS},
    ("patch", SEGMENT): {200: SEGMENT_LINKS},
    ("patch", TASK): {200: TASK_LINKS},
    ("post", "/api/v1/users"): {201: USER_LINKS},
    ("post", "/api/v1/territories"): {201: TERRITORY_LINKS},
    ("patch", TERRITORY): {200: TERRITORY_LINKS},
    ("patch", USER): {200: USER_LINKS},
    ("post", "/api/v1/campaigns"): {201: CAMPAIGN_LINKS},
    ("patch", CAMPAIGN): {200: CAMPAIGN_LINKS},
    ("post", CAMPAIGN + "/audience/deliveries"): {
        202: {
            "GetDelivery": _link(
                "get",
                CAMPAIGN + "/audience/deliveries/{delivery_id}",
                parameters={
                    "campaign_id": "$request.path.campaign_id",
                    "delivery_id": "$response.body#/id",
                },
            )
        }
    },
    ("post", "/api/v1/api-tokens"): {
        201: {
            "RevokeToken": _link(
                "delete",
                "/api/v1/api-tokens/{token_id}",
                parameters={"token_id": "$response.body#/id"},
            )
        }
    },
    ("post", "/api/v1/notes"): {
        201: {"NotesOfAccount": _link("get", "/api/v1/notes", parameters=BY_ACCOUNT)}
    },
    ("post", "/api/v1/visits"): {
        201: {"VisitsOfAccount": _link("get", "/api/v1/visits", parameters=BY_ACCOUNT)}
    },
    ("get", "/api/v1/sync/pull"): {
        200: {
            "PullOn": _link(
                "get", "/api/v1/sync/pull", parameters={"cursor": "$response.body#/cursor"}
            )
        }
    },
}


def _models() -> list[tuple[type[BaseModel], Mode]]:
    inputs = {r.body for r in ROUTES if r.body} | {r.query for r in ROUTES if r.query}
    # The oneOf of GET /accounts names these two by hand.
    outputs: set[type[BaseModel]] = {AccountList, AccountMap}
    for route in ROUTES:
        outputs |= {r for r in route.responses.values() if isinstance(r, type)}
    pairs: list[tuple[type[BaseModel], Mode]] = [(model, "validation") for model in inputs]
    pairs += [(model, "serialization") for model in outputs]
    return sorted(pairs, key=lambda pair: (pair[0].__name__, pair[1]))


def _schemas() -> tuple[Refs, dict[str, Any]]:
    """Every schema, nested ones included, hoisted from `$defs` into components."""
    refs, top = models_json_schema(_models(), ref_template=REF)
    components = dict(top.get("$defs", {}))
    components["Error"] = ERROR_ENVELOPE
    models: Refs = {
        (model, mode): ref for (model, mode), ref in refs.items() if issubclass(model, BaseModel)
    }
    return models, components


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _responses(route: Route, refs: Refs) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, response in route.responses.items():
        if response is None:
            responses[str(status)] = {"description": "Done, no content"}
        elif isinstance(response, type):
            content = _json(refs[(response, "serialization")])
            responses[str(status)] = {"description": "Success", "content": content}
        elif "text/csv" in response:
            responses[str(status)] = {"description": "CSV", "content": response}
        elif "application/geo+json" in response:
            responses[str(status)] = {"description": "GeoJSON", "content": response}
        else:
            responses[str(status)] = {"description": "Answer", "content": _json(response)}
    for status in route.errors:
        description = ERROR_DESCRIPTIONS[status]
        responses[str(status)] = {"description": description, "content": _json(ERROR_REF)}
    if route.query is not None or "{" in route.path:
        responses["414"] = URI_TOO_LONG
    for status, links in LINKS.get((route.method, route.path), {}).items():
        responses[str(status)]["links"] = links
    return responses


# Path parameters that are not UUIDs (every other one is).
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "delivery_id": {"type": "string", "pattern": "^msg_[0-9a-f]{32}$"},
}


def _parameters(route: Route) -> list[dict[str, Any]]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": PATH_SCHEMAS.get(name, {"type": "string", "format": "uuid"}),
        }
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    if route.query is None:
        return parameters
    # Query schemas are flat (scalars and lists of scalars): their properties need no $defs.
    schema = route.query.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    parameters += [
        {"name": name, "in": "query", "required": name in required, "schema": property_schema}
        for name, property_schema in schema.get("properties", {}).items()
    ]
    return parameters


def _request_body(route: Route, refs: Refs) -> dict[str, Any] | None:
    if route.body is not None:
        return {"required": True, "content": _json(refs[(route.body, "validation")])}
    if route.body_content is not None:
        return {"required": True, "content": route.body_content}
    return None


def _security(route: Route) -> list[dict[str, list[str]]]:
    if route.public:
        return []
    # The CSRF header goes with the session cookie on unsafe methods only; bearer tokens need none.
    session: dict[str, list[str]] = {"session": []}
    if route.method in UNSAFE_METHODS:
        session["csrf"] = []
    return [session, {"bearerAuth": []}]


def _operation(route: Route, refs: Refs) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": route.summary,
        "tags": [route.tag],
        "operationId": _operation_id(route.method, route.path),
        "security": _security(route),
        "responses": _responses(route, refs),
    }
    if route.description:
        operation["description"] = route.description
    if parameters := _parameters(route):
        operation["parameters"] = parameters
    if body := _request_body(route, refs):
        operation["requestBody"] = body
    return operation


INFO = {
    "title": "Waypoint",
    "version": "1",
    "description": (
        "Field-sales CRM API. Log in at /api/v1/auth/login and send the returned csrf_token as "
        "the X-CSRF-Token header on every POST, PUT, PATCH or DELETE made with the session "
        "cookie; integrations use a bearer token instead. Errors are "
        '{"error": {"code", "message", "fields"}}. Coordinates are GeoJSON '
        "[longitude, latitude] (WGS 84); distances are geodesic metres."
    ),
}
SECURITY_SCHEMES = {
    "session": {"type": "apiKey", "in": "cookie", "name": "__Host-waypoint"},
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
        "description": "The csrf_token of the session, on unsafe methods with the cookie.",
    },
    "bearerAuth": {"type": "http", "scheme": "bearer"},
}


@cache
def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document, built once per process (it depends on no request)."""
    refs, schemas = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
        "security": [{"session": []}, {"bearerAuth": []}],
    }
