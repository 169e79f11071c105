"""The one error shape: {"error": {"code", "message", "fields"}} with a 4xx or 5xx status."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from pydantic import ValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


class ApiError(Exception):
    """An error the client caused or must know about, rendered as the JSON envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def not_found(what: str = "resource") -> ApiError:
    """404 for something absent or belonging to another organisation (the two look the same)."""
    return ApiError(404, "not_found", f"{what} not found")


def conflict(message: str, fields: dict[str, str] | None = None) -> ApiError:
    """409 for a stale version or a reused id with different content."""
    return ApiError(409, "conflict", message, fields)


def invalid(fields: dict[str, str], message: str = "the request is not valid") -> ApiError:
    """422 with a reason per offending field."""
    return ApiError(422, "validation_error", message, fields)


def field_path(location: tuple[Any, ...], whole: str = "body") -> str:
    """Turn a pydantic error location into a dotted field name ("area.coordinates.0")."""
    return ".".join(str(part) for part in location) or whole


def from_validation_error(
    error: ValidationError, prefix: str = "", whole: str = "body"
) -> ApiError:
    """Translate pydantic's error list into the envelope, one message per field."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False):
        name = field_path(tuple(part for part in item["loc"] if part != "__root__"), whole)
        name = f"{prefix}{name}" if prefix else name
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        fields.setdefault(name, message)
    return invalid(fields)


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the JSON envelope response."""
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _handle_api_error(error: ApiError) -> Response:
    return error_response(error.status, error.code, error.message, error.fields, error.headers)


def _handle_validation_error(error: ValidationError) -> Response:
    return _handle_api_error(from_validation_error(error))


def _handle_http_exception(error: HTTPException) -> Response | HTTPException:
    status = error.code or 500
    if status == 404 and not request.path.startswith("/api/"):
        return error
    code = _HTTP_CODES.get(status, "error")
    headers = {}
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return error_response(status, code, error.description or code, None, headers)


def _handle_database_unavailable(error: DBAPIError) -> Response:
    log.warning("database unavailable: %s", error)
    return error_response(
        503, "unavailable", "the database is unavailable, try again", None, {"Retry-After": "5"}
    )


def _handle_pool_exhausted(error: PoolTimeoutError) -> Response:
    # Every pooled connection stayed busy for the pool's timeout: more requests at once than
    # the pool is sized for. The client comes back shortly instead of waiting on.
    log.warning("no database connection free: %s", error)
    return error_response(
        503, "unavailable", "the server is busy, try again", None, {"Retry-After": "1"}
    )


def _handle_integrity_error(error: IntegrityError) -> Response:
    # Two requests racing to create one client-chosen id (or another unique value) both pass
    # the check before the insert; the loser lands here. The data contradicts what is stored.
    log.info("integrity error answered 409: %s", error.orig)
    constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None) or ""
    fields = {"id": "already in use"} if constraint.endswith("_pkey") else {}
    return error_response(409, "conflict", "this contradicts stored data", fields)


def _handle_data_error(error: DataError) -> Response:
    # A value the database cannot take (out of range, say) that validation let through.
    log.warning("data error answered 422: %s", error.orig)
    return error_response(422, "validation_error", "a value cannot be stored")


def _handle_unexpected(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    return error_response(500, "internal_error", "something went wrong on our side")


def register_error_handlers(app: Flask) -> None:
    """Every error leaves the app as the JSON envelope."""
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(ValidationError, _handle_validation_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(OperationalError, _handle_database_unavailable)
    app.register_error_handler(PoolTimeoutError, _handle_pool_exhausted)
    app.register_error_handler(IntegrityError, _handle_integrity_error)
    app.register_error_handler(DataError, _handle_data_error)
    app.register_error_handler(Exception, _handle_unexpected)
