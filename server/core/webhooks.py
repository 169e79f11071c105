"""Outgoing webhooks, signed the Standard Webhooks way (https://www.standardwebhooks.com).

Each organisation has its own signing secret, derived from SECRET_KEY and the organisation's id
(nothing to store, the same on every process): `whsec_` and the base64 of 32 bytes. A delivery
carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
(`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" under the secret's bytes>`), so a receiver
checks where it came from, and that it is neither altered nor replayed.

`post` is the one place that sends a delivery: a short timeout, no redirects, never inside a
database transaction (it is called from a job, between units of work), and never to an address
inside the server's own network unless the settings allow it (server/core/egress.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

import requests

from server.config import current_settings
from server.core import egress

SECRET_PREFIX = "whsec_"  # noqa: S105 (the form of a secret, not one)
USER_AGENT = "Waypoint-Webhooks/1"
TIMEOUT_S = 10.0


class DeliveryFailedError(Exception):
    """The receiver could not be reached or did not answer 2xx; the delivery is tried again."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def signing_secret(org_id: uuid.UUID, purpose: str = "webhooks") -> str:
    """The organisation's signing secret for `purpose`, in Standard Webhooks' `whsec_` form."""
    key = current_settings().secret_key.encode()
    raw = hmac.new(key, f"{purpose}:{org_id}".encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(raw).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value of one delivery."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header of a signed JSON delivery."""
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


class DeliveryRefusedError(Exception):
    """The receiver's address is one deliveries may not reach; trying again would not help."""


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST a delivery; its status when 2xx, else DeliveryFailedError (so the job retries), or
    DeliveryRefusedError when the receiver's address is blocked (egress.is_blocked)."""
    allow_private = current_settings().webhook_allow_private_targets
    with egress.guarded_session(allow_private) as session:
        try:
            response = session.post(
                url, data=body, headers=headers, timeout=TIMEOUT_S, allow_redirects=False
            )
        except egress.BlockedTargetError as error:
            raise DeliveryRefusedError(str(error)) from error
        except requests.RequestException as error:
            raise DeliveryFailedError(f"could not reach the receiver: {error}") from error
    if not 200 <= response.status_code < 300:
        raise DeliveryFailedError(
            f"the receiver answered {response.status_code}", response.status_code
        )
    return response.status_code
