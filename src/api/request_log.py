"""One log line per request: method, path, status and duration, as key=value pairs."""

from __future__ import annotations

import logging
import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

logger = logging.getLogger("stockline.requests")


def request_log(app: ASGIApp) -> ASGIApp:
    async def logged(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        http: HTTPScope = scope
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, capture)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.info(
                "method=%s path=%s status=%d duration_ms=%.1f",
                http["method"],
                http["path"],
                status,
                elapsed_ms,
            )

    return logged
