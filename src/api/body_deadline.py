"""A request body that stops arriving is answered 408, instead of holding its connection open.

At the ASGI level, so it holds under either server (uvicorn or granian): each wait for the next
piece of a body is bounded, not the whole body, so a large upload over a slow link still
passes while it keeps moving.
"""

from __future__ import annotations

import asyncio

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send


class BodyStalled(HTTPException):
    """No piece of the request body arrived within the bound; the connection is closed after
    the answer, as the rest of the body will not be read."""

    status_code = 408


def body_deadline(app: ASGIApp, seconds: float) -> ASGIApp:
    """`app`, with each wait for the next piece of a request's body bounded by `seconds`."""

    async def bounded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        body_done = False

        async def next_piece() -> ReceiveMessage:
            nonlocal body_done
            if body_done:  # later waits (a streamed export listening for a disconnect) are free
                return await receive()
            try:
                async with asyncio.timeout(seconds):
                    message = await receive()
            except TimeoutError:
                raise BodyStalled(
                    detail=f"the request body stopped arriving: nothing came for {seconds:g} s",
                    headers={"connection": "close"},
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await app(scope, next_piece, send)

    return bounded
