"""Who may change data, and the headers that keep the served UI to its own assets."""

from __future__ import annotations

import hmac
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The UI is served with a policy that allows only its own files (no CDN, no inline code).
UI_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


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
