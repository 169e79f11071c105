"""Body size limits hold while the body is read, against the production server (gunicorn):
a chunked body announces no length, so a check of Content-Length alone lets it through."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import requests

from server.core.validation import MAX_JSON_BYTES
from tests.support.app_process import AppProcess
from tests.support.database import libpq
from tests.support.fixtures import PASSWORD

CHUNK = 16 * 1024
MB = 1024 * 1024


@pytest.fixture
def session(app, production_server: AppProcess, org, make_user):
    """A requests session of an admin logged in on the gunicorn server, with its CSRF token."""
    user = make_user(org, role="admin")
    http_session = requests.Session()
    response = http_session.post(
        f"{production_server.url}/api/v1/auth/login",
        json={"email": user.email, "password": PASSWORD},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    http_session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return http_session


def _pieces(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), CHUNK):
        yield body[start : start + CHUNK]


def send_chunked(server: AppProcess, session, path: str, body: bytes, content_type: str):
    """POST `body` with Transfer-Encoding: chunked and no Content-Length over a raw socket:
    (status, decoded JSON answer). The body is sent from a thread while the answer is read, so
    an answer given before the whole body arrived is read as soon as it comes."""
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    cookies = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n"
        f"Cookie: {cookies}\r\nX-CSRF-Token: {session.headers['X-CSRF-Token']}\r\n\r\n"
    )
    sender = threading.Thread(target=_send_body, args=(connection, head.encode(), body))
    sender.start()
    try:
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, json.loads(response.read())
    finally:
        connection.close()
        sender.join()


def _send_body(connection: socket.socket, head: bytes, body: bytes) -> None:
    try:
        connection.sendall(head)
        for piece in _pieces(body):
            connection.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        connection.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed before taking the rest: that is the point


def _push_body(client_id: str, size: int) -> bytes:
    """A push of 1,000 visit.create mutations, padded to about `size` bytes."""
    padding = "x" * (size // 1_000)
    mutations = [
        {
            "id": number,
            "op": "visit.create",
            "data": {"id": str(uuid.uuid4()), "notes": padding},
            "at": "2026-12-01T10:00:00Z",
        }
        for number in range(1, 1_001)
    ]
    return json.dumps({"client_id": client_id, "mutations": mutations}).encode()


def _stored_mutations(database_url: str) -> int:
    with psycopg.connect(libpq(database_url), autocommit=True) as connection:
        return int(connection.execute("SELECT count(*) FROM sync_mutations").fetchone()[0])


def test_chunked_push_over_one_megabyte_answers_413_when_it_announces_no_length(
    production_server, session, database_url
):
    """A 3 MB push sent chunked is refused with the error envelope; nothing is recorded."""
    body = _push_body(str(uuid.uuid4()), 3 * MB)

    status, answer = send_chunked(
        production_server, session, "/api/v1/sync/push", body, "application/json"
    )

    assert status == 413, answer
    assert answer["error"]["code"] == "too_large"
    assert _stored_mutations(database_url) == 0


def test_chunked_json_body_over_the_limit_answers_413_when_any_endpoint_takes_it(
    production_server, session
):
    """The limit is the app's, not the push's: an account create is held to it too."""
    body = json.dumps({"kind": "customer", "name": "x" * (MAX_JSON_BYTES + 1)}).encode()

    status, answer = send_chunked(
        production_server, session, "/api/v1/accounts", body, "application/json"
    )

    assert status == 413
    assert answer["error"]["code"] == "too_large"


def test_chunked_json_body_under_the_limit_is_taken_when_it_announces_no_length(
    production_server, session
):
    """Chunked bodies themselves are fine: a small account create sent chunked is created."""
    body = json.dumps({"kind": "customer", "name": "Chunked"}).encode()

    status, answer = send_chunked(
        production_server, session, "/api/v1/accounts", body, "application/json"
    )

    assert status == 201
    assert answer["name"] == "Chunked"


def _csv(rows: int, address_bytes: int) -> bytes:
    lines = ["kind,name,address"]
    lines += [f"customer,Shop {n},{'x' * address_bytes}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_chunked_csv_import_over_one_megabyte_is_taken_when_under_its_own_limit(
    production_server, session
):
    """The CSV import keeps its larger limit: 2 MB of CSV sent chunked is imported."""
    body = _csv(4_500, 480)

    status, answer = send_chunked(
        production_server, session, "/api/v1/accounts/import", body, "text/csv"
    )

    assert len(body) > 2 * MB
    assert status == 201, answer
    assert answer["created"] == 4_500


def test_chunked_csv_import_answers_413_when_over_its_own_limit(production_server, session):
    """A CSV body past the import's limit is refused while it is read."""
    body = _csv(14_000, 480)

    status, answer = send_chunked(
        production_server, session, "/api/v1/accounts/import", body, "text/csv"
    )

    assert status == 413
    assert answer["error"]["code"] == "too_large"
