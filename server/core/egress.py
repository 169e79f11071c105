"""Where the server's own outgoing requests may go: not into the network it runs in.

A URL a user gives (a webhook receiver) must not turn the server into a way to reach what only
the server can: loopback, private (RFC 1918), shared (RFC 6598), link-local (and the cloud
metadata address in it), unique-local IPv6 and the other non-global ranges are refused, unless
the WEBHOOK_ALLOW_PRIVATE_TARGETS setting allows them (a receiver on the same machine, tests).

Two checks: `check_url` resolves the URL's host when the request is made, so the caller hears
at once; `guarded_session` checks the address each connection actually reached, before a byte
is sent over it, because the name may resolve elsewhere by the time the job connects.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedTargetError(Exception):
    """The URL's host is, or resolves to, an address outgoing requests may not reach."""


def is_blocked(address: IPAddress) -> bool:
    """Whether outgoing requests may not reach `address`: anything not globally routable
    (loopback, private, shared, link-local, unique-local, reserved...) and multicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a literal address resolves to itself)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise BlockedTargetError("the host name does not resolve") from error
    # The scope of a link-local IPv6 address (fe80::1%eth0) is not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]


def check_url(url: str, allow_private: bool) -> None:
    """Nothing when an http(s) `url` may be requested; BlockedTargetError (its message says
    why) when its host does not resolve or any of its addresses is blocked. With
    `allow_private` every address may be reached: nothing is looked up."""
    if allow_private:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if any(is_blocked(address) for address in addresses):
        raise BlockedTargetError("the host is a loopback, private or link-local address")


class _PeerChecked:
    """A connection that closes itself, unused, when it reached a blocked address."""

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
        if is_blocked(peer):
            sock.close()
            raise BlockedTargetError("the host is a loopback, private or link-local address")
        return sock


class _CheckedHTTPConnection(_PeerChecked, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerChecked, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    """requests' adapter whose connections check the address they reached."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def guarded_session(allow_private: bool) -> requests.Session:
    """A requests session for user-given URLs; the caller closes it. Unless `allow_private`,
    every connection it opens is checked against is_blocked, and it goes direct (no proxy from
    the environment: the address checked must be the receiver's)."""
    session = requests.Session()
    if allow_private:
        return session
    session.trust_env = False
    adapter = _CheckedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
