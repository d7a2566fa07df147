"""uvicorn's HTTP/1.1 protocol, closing connections whose client sends too slowly.

uvicorn bounds only the idle time between requests (timeout_keep_alive), and only once a
response is sent: a client that connects and sends nothing, or sends a head a byte at a time
(slowloris), holds its connection for ever; so does one that, answered before its body was
read (a 405, a 413), goes on trickling that body, which uvicorn reads and drops. This one
arms a timer when the connection opens and at the first byte of each later request, closing
the connection if the head is not complete when it fires; gives the leftover body of an
answered request a bound of its own; and drops a connection whose client takes no more of its
answer for as long (a reader that stops reading would keep a long answer's snapshot, and on
SQL a pooled connection, for ever). The app then sees the client as gone.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import sys
import termios
from typing import Any

import h11
import msgspec
from uvicorn.config import Config
from uvicorn.protocols.http.flow_control import FlowControl
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


class _BoundedFlow(FlowControl):
    """Flow control that drops a client who takes nothing of an answer for `seconds`.

    The wait is for the send buffer to drain below its low-water mark, and one piece of an
    answer (a slice of history, a chunk of a file) is buffered whole: a slow reader can take
    longer than the bound over a piece while it keeps reading. So the bound is on progress:
    the wait goes on while less is waiting to be sent than at the last look, in the
    transport's buffer and in the kernel's (which empties first, and holds megabytes)."""

    def __init__(self, transport: asyncio.Transport, seconds: float) -> None:
        super().__init__(transport)
        self._seconds = seconds

    def _unsent(self) -> int:
        waiting = self._transport.get_write_buffer_size()
        connection = self._transport.get_extra_info("socket")
        try:
            queued = fcntl.ioctl(connection.fileno(), termios.TIOCOUTQ, b"\0" * 4)
        except (AttributeError, OSError, ValueError):
            return waiting  # no socket to ask: the transport's buffer alone
        return waiting + int.from_bytes(queued, sys.byteorder, signed=True)

    async def drain(self) -> None:
        left = self._unsent()
        while True:
            try:
                async with asyncio.timeout(self._seconds):
                    await super().drain()
                return
            except TimeoutError:
                now = self._unsent()
                if now < left:  # the client took some: still reading
                    left = now
                    continue
            logger.info("dropped a connection whose client took nothing for %g s", self._seconds)
            self._transport.abort()  # close() would wait for the client to take the rest
            await super().drain()  # until connection_lost: the request then sees a disconnect
            return


class BoundedConfig(Config):
    """uvicorn's Config with SlowClientProtocol's bounds (seconds). A worker process gets its
    config pickled, so the bounds live here rather than in a class made for them."""

    def __init__(self, *args: Any, head_timeout: float, body_timeout: float, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.head_timeout, self.body_timeout = head_timeout, body_timeout


class SlowClientProtocol(H11Protocol):
    """H11Protocol with bounds on the time a request head, and an answered request's leftover
    body, take to arrive, and on the wait for a client to take more of an answer (seconds, a
    BoundedConfig's; uvicorn's own Config gets these defaults)."""

    head_timeout = 10.0
    body_timeout = 30.0

    def __init__(self, config: Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.head_timeout = getattr(config, "head_timeout", self.head_timeout)
        self.body_timeout = getattr(config, "body_timeout", self.body_timeout)
        self._head_timer: asyncio.TimerHandle | None = None
        self._leftover_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.flow = _BoundedFlow(transport, self.body_timeout)
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.SEND_BODY:
            self._stop_leftover_timer()
        if self.conn.their_state is not h11.IDLE:
            self._stop_head_timer()  # the head is complete (or refused, and closing)
        elif self._head_timer is None and self.conn.trailing_data[0]:
            # the first bytes of a request on a kept-alive connection
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.SEND_BODY:
            self._leftover_timer = self.loop.call_later(self.body_timeout, self._close)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        self._stop_leftover_timer()
        super().connection_lost(exc)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _stop_leftover_timer(self) -> None:
        if self._leftover_timer is not None:
            self._leftover_timer.cancel()
            self._leftover_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.trailing_data[0]:  # part of a head came: say why we hang up
            self.transport.write(_request_timeout(self.head_timeout))
            logger.info("closed a connection whose request head took over %g s", self.head_timeout)
        self.transport.close()

    def _close(self) -> None:
        self._leftover_timer = None
        if not self.transport.is_closing():
            self.transport.close()
