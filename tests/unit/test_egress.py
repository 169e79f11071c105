"""Which addresses outgoing requests to user-given URLs may reach."""

from __future__ import annotations

import ipaddress

import pytest

from server.core.egress import BlockedTargetError, check_url, is_blocked

BLOCKED = [
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.0.10",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "169.254.169.254",  # cloud metadata
    "0.0.0.0",  # noqa: S104 (an address checked; nothing binds to it)
    "224.0.0.251",  # multicast
    "255.255.255.255",
    "::1",
    "::",
    "fd00:ec2::254",  # unique-local (a cloud's IPv6 metadata)
    "fc00::1",
    "fe80::1",
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:10.0.0.1",
    "ff02::1",
]
PUBLIC = ["1.1.1.1", "8.8.8.8", "93.184.215.14", "172.32.0.1", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", BLOCKED)
def test_addresses_inside_a_network_are_blocked(address: str) -> None:
    assert is_blocked(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_not(address: str) -> None:
    assert not is_blocked(ipaddress.ip_address(address))


def test_a_url_is_checked_by_the_addresses_its_host_resolves_to() -> None:
    check_url("https://1.1.1.1/hook", allow_private=False)
    check_url("http://localhost:8080/hook", allow_private=True)
    with pytest.raises(BlockedTargetError, match="loopback, private or link-local"):
        check_url("http://localhost:8080/hook", allow_private=False)
    with pytest.raises(BlockedTargetError):
        check_url("http://[fe80::1]/hook", allow_private=False)
