"""Per-address budgets (SPEC §5.1): an IPv4 address, or an IPv6 /64."""

from __future__ import annotations

from casino_club.resolvers.guards import address_bucket


def test_ipv4_addresses_are_their_own_bucket() -> None:
    assert address_bucket("203.0.113.7") == "203.0.113.7"
    assert address_bucket("203.0.113.8") != address_bucket("203.0.113.7")


def test_one_ipv6_host_cannot_rotate_through_its_64() -> None:
    first = address_bucket("2001:db8:1:2::1")
    assert first == "2001:db8:1:2::/64"
    assert address_bucket("2001:db8:1:2:ffff:ffff:ffff:ffff") == first
    assert address_bucket("2001:db8:1:3::1") != first


def test_unknown_or_odd_addresses_keep_a_bucket() -> None:
    assert address_bucket(None) == "unknown"
    assert address_bucket("testclient") == "testclient"
