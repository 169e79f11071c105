"""A local webhook receiver speaking Standard Webhooks, for the audience deliveries' tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.loopback import LoopbackHttpServer


class WebhookReceiver:
    """Keeps each request it is sent (lower-cased headers, body) and answers 500 to the first
    `failures` of them and whenever it is not `accepting`, 204 otherwise."""

    def __init__(self, *, accepting: bool = True, failures: int = 0) -> None:
        self.accepting = accepting
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.receive(dict(self.headers), body)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = LoopbackHttpServer(Handler)
        self.url = f"{self.server.origin}/hooks/audience"

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        """Keep one request; the status to answer it with."""
        with self.lock:
            self.received.append(({k.lower(): v for k, v in headers.items()}, body))
            if len(self.received) <= self.failures or not self.accepting:
                return 500
            return 204

    @property
    def requests(self) -> int:
        """How many requests came."""
        with self.lock:
            return len(self.received)

    def stop(self) -> None:
        """Shut the receiver down."""
        self.server.stop()


def signed_by(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Whether a request carries the Standard Webhooks signature of `secret` (whsec_...)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return f"v1,{expected}" in headers["webhook-signature"].split(" ")
