"""Parse request bodies and query strings into typed schemas, or fail with the error envelope."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from flask import request
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

from server.core.errors import ApiError, from_validation_error, invalid

SchemaT = TypeVar("SchemaT", bound=BaseModel)

MAX_JSON_BYTES = 1024 * 1024

# Query-string names that may repeat (?tag=a&tag=b); everything else takes its last value.
REPEATABLE_QUERY_NAMES = frozenset({"tag", "tags"})


class Schema(BaseModel):
    """Base for every input schema: unknown fields, non-finite numbers and text PostgreSQL
    cannot store (NUL characters, lone surrogates) are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _refuse_unstorable(cls, data: Any) -> Any:
        # PostgreSQL refuses these in text and jsonb; refuse them here rather than at INSERT.
        found = unstorable_field(data)
        if found is not None:
            raise ValueError(f"{found[0] or 'text'} {found[1]}")
        return data


class _NonFinite:
    """Where a JSON document said NaN, Infinity or -Infinity."""


NON_FINITE = _NonFinite()
NOT_FINITE = "must be a finite number"
NOT_STORABLE = "may not contain NUL characters or lone surrogates"
KEY_NOT_STORABLE = "has a key with a NUL character or a lone surrogate"


def unstorable_field(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first place in a JSON-like value PostgreSQL could not store, with why: a NUL or a
    lone surrogate in a string or key, a number that is not finite. None when there is none."""
    if isinstance(value, str):
        return (path, NOT_STORABLE) if not storable_text(value) else None
    if value is NON_FINITE or (isinstance(value, float) and not math.isfinite(value)):
        return path, NOT_FINITE
    if isinstance(value, dict):
        children: Any = value.items()
    elif isinstance(value, list | tuple):
        children = enumerate(value)
    else:
        return None
    for key, child in children:
        if isinstance(key, str) and not storable_text(key):
            # Named by where the key is, rather than echoing it back.
            return path, KEY_NOT_STORABLE
        found = unstorable_field(child, f"{path}.{key}".strip("."))
        if found is not None:
            return found
    return None


def storable_text(text: str) -> bool:
    """False for text PostgreSQL cannot store: a NUL character or a lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def load_json(raw: bytes | str) -> Any:
    """A JSON document as Python values, NaN and the infinities as NON_FINITE; 400 when it is
    not JSON. Unlike the schema parser it keeps lone surrogates, so they can be named."""
    try:
        return json.loads(raw, parse_constant=lambda _: NON_FINITE)
    except (ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "the request body is not valid JSON") from None


def refuse_unstorable(document: Any, prefix: str = "") -> None:
    """422 naming the first field of `document` PostgreSQL could not store."""
    found = unstorable_field(document)
    if found is not None:
        raise invalid({f"{prefix}{found[0] or 'body'}": found[1]})


def parse_json(schema: type[SchemaT], raw: bytes | str, prefix: str = "") -> SchemaT:
    """Validate raw JSON strictly: no type coercion, so "5" is not a number; NaN, Infinity,
    NUL characters and lone surrogates anywhere are a 422 naming the field."""
    refuse_unstorable(load_json(raw), prefix)
    return validate_json(schema, raw, prefix)


def validate_json(schema: type[SchemaT], raw: bytes | str, prefix: str = "") -> SchemaT:
    """Validate raw JSON strictly against `schema` (see parse_json, which checks more first)."""
    try:
        return schema.model_validate_json(raw, strict=True)
    except ValidationError as error:
        if any(item["type"] == "json_invalid" for item in error.errors()):
            raise ApiError(400, "malformed_json", "the request body is not valid JSON") from None
        raise from_validation_error(error, prefix) from None


def parse_body(schema: type[SchemaT]) -> SchemaT:
    """The JSON request body as `schema`; 415 when it isn't JSON, 400 when it is malformed."""
    return parse_json(schema, json_body())


def json_body() -> bytes:
    """The raw JSON request body; 415 when it isn't JSON, 413 when it is too large."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise _json_too_large()
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _json_too_large() from None
    if body_limit_passed():
        raise _json_too_large()
    return raw


def _json_too_large() -> ApiError:
    return ApiError(413, "too_large", f"JSON bodies may take at most {MAX_JSON_BYTES} bytes")


def max_content_length_for(limit: int) -> int:
    """The MAX_CONTENT_LENGTH that allows bodies of up to `limit` bytes. Werkzeug stops a
    chunked body (one with no Content-Length) at that length without a word, so one byte
    more is let in: a body that reaches it is known to be over `limit` (body_limit_passed)."""
    return limit + 1


def allow_body_up_to(limit: int) -> None:
    """Let this request's body be up to `limit` bytes instead of the app-wide MAX_JSON_BYTES
    (an upload, say). Call it before anything reads the body: the limit is counted while
    reading, so it holds for chunked bodies that announce no length too."""
    request.max_content_length = max_content_length_for(limit)


def body_limit_passed() -> bool:
    """True when reading the body stopped at the request's limit: the body was too large."""
    limit = request.max_content_length
    stream = request.stream
    return limit is not None and isinstance(stream, LimitedStream) and stream.tell() >= limit


def query_arguments() -> dict[str, Any]:
    """The query string as a dict; names in REPEATABLE_QUERY_NAMES become lists."""
    arguments: dict[str, Any] = {}
    for name in request.args:
        values = request.args.getlist(name)
        arguments[name] = values if name in REPEATABLE_QUERY_NAMES else values[-1]
    return arguments


def parse_query(schema: type[SchemaT]) -> SchemaT:
    """The query string as `schema` (strings are converted, as a query string has no types)."""
    try:
        return schema.model_validate(query_arguments())
    except ValidationError as error:
        raise from_validation_error(error, whole="query") from None


def _iso_time(value: Any) -> Any:
    # Strict validation (parse_json) takes a datetime only as a Python object once a "before"
    # model validator has run, so the ISO text is parsed here; other types still fail.
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("an ISO 8601 time with an offset, e.g. 2026-11-23T09:30:00Z") from None
    if parsed.tzinfo is None:
        raise ValueError("the time needs an offset (Z or +02:00)")
    try:
        # 9999-12-31T23:59-05:00 is in year 10000 in UTC: stored, it could never be read back.
        parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range (years 1 to 9999 in UTC)") from None
    return parsed


def _iso_date(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("an ISO 8601 date, e.g. 2026-11-23") from None


# A time with its UTC offset, and a calendar date, as ISO 8601 text in JSON.
IsoTime = Annotated[datetime, BeforeValidator(_iso_time)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class PageQuery(Schema):
    """?limit=1..500 (default 50) and ?cursor= of every list endpoint."""

    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=2000)
