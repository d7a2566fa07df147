"""Host names and origins, read the way browsers write them, so two spellings of one site match."""

from __future__ import annotations

import ipaddress
import re

DEFAULT_PORTS = {"http": 80, "https": 443}
# A DNS name: labels of letters, digits, `-` (and `_`, which container names use).
_DNS_NAME = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*")


def ip_of(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name spells, IPv4-mapped IPv6 as IPv4; None for a DNS name."""
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _checked_name(name: str) -> str:
    name = name.removesuffix(".")  # `example.com.` is `example.com`
    if ":" in name:
        if not isinstance(ip_of(name), ipaddress.IPv6Address):
            raise ValueError(f"{name!r} is not an IPv6 address")
    elif not _DNS_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a host name")
    return name


def _port(text: str) -> int | None:
    if text == "":
        return None  # `host:` has an empty port, which means the default
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError(f"{text!r} is not a port")
    return int(text)


def split_authority(authority: str) -> tuple[str, int | None]:
    """`host[:port]` as (name, port): lower case, IPv6 without brackets; ValueError if malformed.

    A bare IPv6 address (`::1`, as a person writes it in a setting) is a name without a port.
    """
    text = authority.strip().lower()
    if text.startswith("["):
        name, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"{authority!r} is not host[:port]")
        return _checked_name(name), _port(rest[1:])
    if text.count(":") > 1:
        return _checked_name(text), None
    name, _, port = text.partition(":")
    return _checked_name(name), _port(port)


def host_name(authority: str) -> str:
    """The name in `host[:port]`, port dropped: how allowed hosts are written and compared."""
    return split_authority(authority)[0]


def parse_origin(origin: str) -> tuple[str, str, int]:
    """`scheme://host[:port]` as (scheme, name, port), the port filled in; ValueError otherwise."""
    scheme, separator, authority = origin.strip().lower().partition("://")
    authority = authority.removesuffix("/")
    if not separator or scheme not in DEFAULT_PORTS or "/" in authority or "@" in authority:
        raise ValueError(f"{origin!r} is not an origin such as http://127.0.0.1:5173")
    name, port = split_authority(authority)
    return scheme, name, port or DEFAULT_PORTS[scheme]


def canonical_origin(origin: str) -> str:
    """An origin as a browser sends it in `Origin`: lower case, default port left out."""
    return origin_text(parse_origin(origin))


def origin_text(origin: tuple[str, str, int]) -> str:
    """(scheme, name, port) written as a browser writes it."""
    scheme, name, port = origin
    host = f"[{name}]" if ":" in name else name
    return f"{scheme}://{host}" if port == DEFAULT_PORTS[scheme] else f"{scheme}://{host}:{port}"
