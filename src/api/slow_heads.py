"""uvicorn's HTTP/1.1 protocol, closing connections whose request head does not arrive in time.

uvicorn bounds only the idle time between requests (timeout_keep_alive), and only once a
first response is sent: a client that connects and sends nothing, or sends a head a byte at
a time (slowloris), holds its connection for ever. This one arms a timer when the connection
opens and at the first byte of each later request, and closes the connection if the head is
not complete when it fires.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import msgspec
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.schemas import Problem

logger = logging.getLogger("stockline")


def _request_timeout(seconds: float) -> bytes:
    """A 408 problem written straight to the socket: no request exists for the app to answer."""
    body = msgspec.json.encode(
        Problem(
            title="Request Timeout",
            status=408,
            detail=f"the request head was not complete within {seconds:g} s",
        )
    )
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class HeadTimeoutProtocol(H11Protocol):
    """H11Protocol with a bound on the time a request head takes to arrive."""

    head_timeout = 10.0  # seconds; a subclass per server sets its own (see `head_timeout`)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and self.conn.their_state is h11.IDLE:
            self._arm()  # the first byte of a request on a kept-alive connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # the head is complete (or refused, and the connection closing)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.trailing_data[0]:  # part of a head came: say why we hang up
            self.transport.write(_request_timeout(self.head_timeout))
            logger.info("closed a connection whose request head took over %g s", self.head_timeout)
        self.transport.close()


def head_timeout(seconds: float) -> type[HeadTimeoutProtocol]:
    """The protocol class to give uvicorn (`http=`), bounding request heads to `seconds`."""
    return type("BoundedH11Protocol", (HeadTimeoutProtocol,), {"head_timeout": seconds})
