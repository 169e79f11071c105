"""The rules a Socket.IO handshake is judged by: which origins are ours, which address a socket
counts against, and which SOCKET_ALLOWED_ORIGINS values start the app at all."""

from __future__ import annotations

import pytest

from server.config import parse_origins
from server.realtime.handshake import client_address, origin_check

PARTNER = "https://partner.example"


def environ(host: str, scheme: str = "http") -> dict[str, str]:
    return {"HTTP_HOST": host, "wsgi.url_scheme": scheme, "SERVER_NAME": "x", "SERVER_PORT": "80"}


@pytest.mark.parametrize(
    ("origin", "host", "scheme", "accepted"),
    [
        ("http://crm.example.com:8000", "crm.example.com:8000", "http", True),
        ("https://crm.example.com", "crm.example.com:443", "https", True),  # default port
        ("https://CRM.example.com", "crm.example.com", "https", True),
        (PARTNER, "crm.example.com", "https", True),
        (PARTNER + "/", "crm.example.com", "https", True),
        ("https://crm.example.com.evil.example", "crm.example.com", "https", False),
        ("https://crm.example.com:8443", "crm.example.com", "https", False),
        ("https://partner.example:444", "crm.example.com", "https", False),
        ("null", "crm.example.com", "https", False),
        ("file://crm.example.com", "crm.example.com", "https", False),
        (None, "crm.example.com", "https", True),  # not a browser: credentials decide
    ],
)
def test_an_origin_is_ours_when_it_names_the_host_asked_for_or_is_listed(
    origin, host, scheme, accepted
):
    assert origin_check((PARTNER,))(origin, environ(host, scheme)) is accepted


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", "unknown"),
    ],
)
def test_a_socket_counts_against_its_ipv4_address_or_its_ipv6_network(remote, counted_as):
    assert client_address({"REMOTE_ADDR": remote}) == counted_as


def test_allowed_origins_are_lower_cased_and_checked_at_start_up():
    assert parse_origins(" https://A.example/ ,http://localhost:5173,") == (
        "https://a.example",
        "http://localhost:5173",
    )
    for bad in ["a.example", "ftp://a.example", "https://a.example/app", "https://a:x", "null"]:
        with pytest.raises(ValueError, match="not a web origin"):
            parse_origins(bad)
