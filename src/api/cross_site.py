"""Refuse what a page on another site can make a visitor's browser send to this server.

Two checks, made before routing so that they cover every path:
- a Host this server does not answer to is 400, reads included: a page on a name that its
  owner points at this server's address (DNS rebinding) would otherwise read it as its own;
- a write from another origin is 403: any page can make a browser send a form or a
  `text/plain` body without asking, but the browser says where it comes from (`Origin`,
  or `Sec-Fetch-Site`). Clients that are not browsers (curl, scripts) send neither, and pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from litestar.enums import ScopeType
from litestar.response.base import ASGIResponse
from litestar.types import ASGIApp, HTTPScope, Receive, Scope, Send

from api.errors import PROBLEM_JSON
from api.origins import DEFAULT_PORTS, host_name, ip_of, parse_origin, split_authority
from api.schemas import Problem
from api.scope_headers import header_values
from api.security import READ_METHODS
from api.settings import Settings

Origin = tuple[str, str, int]  # (scheme, host name, port)

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
FOREIGN_SITES = frozenset({"cross-site", "same-site"})  # a sibling subdomain is another origin too
ALLOWED_WRITERS = "only this server's own pages and the origins in STOCKLINE_CORS_ORIGINS may"


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    title: str
    detail: str


@dataclass(frozen=True, slots=True)
class SitePolicy:
    """The host names this server answers to, and the other origins that may change data."""

    hosts: frozenset[str] | None  # None: any
    by_default: bool  # no list given: the IP address a request arrived at is allowed too
    origins: frozenset[Origin] | None  # None: any

    @classmethod
    def of(cls, settings: Settings) -> SitePolicy:
        listed = settings.allowed_hosts
        hosts = listed if listed is not None else (*_name_of(settings.host), *LOOPBACK_NAMES)
        origins = settings.cors_origins
        return cls(
            hosts=None if "*" in hosts else frozenset(hosts),
            by_default=listed is None,
            origins=None if "*" in origins else frozenset(parse_origin(o) for o in origins),
        )


def _name_of(listen_host: str) -> tuple[str, ...]:
    try:
        return (host_name(listen_host),)
    except ValueError:  # not a name a browser could send: nothing to add
        return ()


def _arrived_at(name: str, scope: HTTPScope) -> bool:
    """The Host is the IP address the connection came in on: typed by the visitor, since no
    DNS name is involved that another site could point here (how a server on 0.0.0.0 is
    reached from another machine)."""
    server = scope.get("server")
    address = ip_of(name)
    return address is not None and server is not None and address == ip_of(str(server[0]))


def host_refusal(policy: SitePolicy, scope: HTTPScope) -> Refusal | None:
    if policy.hosts is None:
        return None
    for raw in header_values(scope, b"host"):  # should there be several, each must be allowed
        try:
            name = host_name(raw)
        except ValueError:
            return Refusal(400, "Bad Host header", f"the Host header {raw!r} is not host[:port]")
        if name not in policy.hosts and not (policy.by_default and _arrived_at(name, scope)):
            return Refusal(
                400,
                "Host not allowed",
                f"this server does not answer to the host {name!r}; if that is one of this "
                "machine's names, add it to STOCKLINE_ALLOWED_HOSTS (comma-separated)",
            )
    return None


def _own_origin(scope: HTTPScope) -> Origin | None:
    """scheme://host:port of this server as the request addressed it (its Host)."""
    scheme = scope["scheme"]
    hosts = header_values(scope, b"host")
    if scheme not in DEFAULT_PORTS or not hosts:
        return None
    try:
        name, port = split_authority(hosts[0])
    except ValueError:
        return None
    return scheme, name, port or DEFAULT_PORTS[scheme]


def _is_allowed_origin(policy: SitePolicy, scope: HTTPScope, origin: str) -> bool:
    if origin.strip().lower() == "null":  # opaque: a sandboxed frame, a local file, a redirect
        return False
    try:
        parsed = parse_origin(origin)
    except ValueError:
        return False
    return parsed == _own_origin(scope) or policy.origins is None or parsed in policy.origins


def _page_at(origin: str) -> str:
    if origin.strip().lower() == "null":
        return "a page with an opaque origin (Origin: null: a sandboxed frame, a file, a redirect)"
    return f"a page at {origin.strip()}"


def origin_refusal(policy: SitePolicy, scope: HTTPScope) -> Refusal | None:
    """A write is refused when a browser says it comes from a page of another origin."""
    if scope["method"] in READ_METHODS:
        return None
    origins = header_values(scope, b"origin")
    if origins:
        foreign = [o for o in origins if not _is_allowed_origin(policy, scope, o)]
        if not foreign:
            return None
        return Refusal(
            403,
            "Cross-site request refused",
            f"{_page_at(foreign[0])} may not change data here; {ALLOWED_WRITERS}",
        )
    # Without Origin (an older browser), Sec-Fetch-Site still tells where the page was.
    site = next(iter(header_values(scope, b"sec-fetch-site")), "").strip().lower()
    if site in FOREIGN_SITES:
        return Refusal(
            403,
            "Cross-site request refused",
            f"a request from a {site} page (Sec-Fetch-Site) may not change data here; "
            f"{ALLOWED_WRITERS}",
        )
    return None


async def _refuse(refusal: Refusal, scope: HTTPScope, receive: Receive, send: Send) -> None:
    problem = Problem(title=refusal.title, status=refusal.status, detail=refusal.detail)
    response = ASGIResponse(
        body=msgspec.json.encode(problem),
        status_code=refusal.status,
        media_type=PROBLEM_JSON,
        headers={"X-Content-Type-Options": "nosniff"},
        is_head_response=scope["method"] == "HEAD",
    )
    await response(scope, receive, send)


def same_site_only(app: ASGIApp, policy: SitePolicy) -> ASGIApp:
    """Wrap an ASGI app: refuse a foreign Host, and writes from foreign pages, with a problem."""

    async def checked(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            refusal = host_refusal(policy, scope) or origin_refusal(policy, scope)
            if refusal is not None:
                await _refuse(refusal, scope, receive, send)
                return
        await app(scope, receive, send)

    return checked
