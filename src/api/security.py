"""Who may change data, what a write's body must be sent as, and the UI's own headers."""

from __future__ import annotations

import hmac
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.handlers import BaseRouteHandler
from litestar.params import BodyKwarg
from litestar.types import ASGIApp, Guard, Message, Receive, Scope, Send

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON = RequestEncodingType.JSON.value
# The handler option naming the media type of a body the handler reads raw (an import's CSV).
BODY_TYPE = "stockline_body_type"

# The UI is served with a policy that allows only its own files (no CDN, no inline code).
UI_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


# Every answer: no page of another site may frame it (clickjacking); X-Frame-Options for
# browsers older than CSP's frame-ancestors. An answer with no policy of its own (JSON, CSV,
# problems) loads nothing, so it gets one that allows nothing.
FRAME_OPTIONS = (b"x-frame-options", b"DENY")
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI (/api/ui, api.docs.SwaggerPage): its scripts and styles are files of this server,
# it fetches the spec and tries requests here, and draws its icons as data: images.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
_POLICY = b"content-security-policy"


def frame_guard(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app: every answer gets X-Frame-Options and, unless it has one, a policy
    (the docs' for an HTML page, which only Swagger UI serves without its own, else none)."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_frame_headers(list(message.get("headers", [])))
            await send(message)

        await app(scope, receive, send_guarded)

    return guarded


def _with_frame_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    names = {name.lower(): value for name, value in headers}
    if FRAME_OPTIONS[0] not in names:
        headers.append(FRAME_OPTIONS)
    if _POLICY not in names:
        is_html = names.get(b"content-type", b"").startswith(b"text/html")
        headers.append((_POLICY, (DOCS_POLICY if is_html else API_POLICY).encode()))
    return headers


def token_guard(token: str) -> Guard:
    """Reads stay open; every other method needs `Authorization: Bearer <token>`."""
    expected = f"Bearer {token}".encode()

    def require_token(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if connection.scope.get("method", "GET") in READ_METHODS:
            return
        given = connection.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):  # constant time: no guessing by timing
            raise NotAuthorizedException(
                detail="this server needs `Authorization: Bearer <token>` to change data",
                headers={"WWW-Authenticate": 'Bearer realm="stockline"'},
            )

    return require_token


def _expected_body_type(handler: BaseRouteHandler) -> str | None:
    """The media type the handler's body must have: its `BODY_TYPE`, or that of its `data`."""
    declared: str | None = handler.opt.get(BODY_TYPE)
    data = handler.parsed_fn_signature.parameters.get("data")
    if declared or data is None:
        return declared
    kwarg = data.kwarg_definition
    if not isinstance(kwarg, BodyKwarg):
        return JSON  # a bare `data` is JSON to the framework
    media_type = kwarg.media_type
    return media_type.value if isinstance(media_type, RequestEncodingType) else media_type


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _is_of_type(media_type: str, expected: str) -> bool:
    if expected == JSON:  # `application/merge-patch+json` and the like are JSON too
        return media_type == JSON or (
            media_type.startswith("application/") and media_type.endswith("+json")
        )
    return media_type == expected


def body_type_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """415 unless a write's body is declared as what the handler reads.

    Beyond catching mistakes, this keeps other sites out: a page elsewhere can send
    `text/plain` or a form without asking, but a browser asks this server first (a CORS
    preflight, which it refuses) before it sends JSON or CSV from another origin.
    """
    if connection.scope.get("method", "GET") in READ_METHODS:
        return
    expected = _expected_body_type(handler)
    given = _media_type(connection.headers.get("content-type", ""))
    if expected is not None and not _is_of_type(given, expected):
        raise HTTPException(
            status_code=415, detail=f"send the body as {expected}, not {given or 'no content type'}"
        )
