"""A history read's answer: the JSON array of its rows, sent as the slices are read."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

import msgspec
from litestar import MediaType, Response
from litestar.background_tasks import BackgroundTask
from litestar.response import Stream

from api.schemas import RowOut
from domain.model import HistoryRow

_encoder = msgspec.json.Encoder()


async def rows_answer(slices: AsyncGenerator[list[HistoryRow], None]) -> Response[Any]:
    """The rows as one JSON array, byte for byte what `list[RowOut]` encodes to.

    An answer of one slice is sent whole; a longer one is streamed, each slice encoded as it
    comes, so neither the rows nor their text are ever held whole. The first two slices are
    read before the answer begins: a failure there is still a proper error answer. Once it
    has begun, a failure can only cut the answer short.
    """
    first = await anext(slices, None)
    second = None if first is None else await anext(slices, None)
    if second is None:
        return Response(
            _encoder.encode([RowOut.of(row) for row in first or ()]), media_type=MediaType.JSON
        )
    body = _array(first or [], second, slices)
    # Closed once the answer ends, a client gone included: Litestar stops iterating then,
    # and the unit of work would stay open until a garbage collection found the generator.
    return Stream(body, media_type=MediaType.JSON, background=BackgroundTask(body.aclose))


async def _array(
    first: list[HistoryRow],
    second: list[HistoryRow],
    rest: AsyncGenerator[list[HistoryRow], None],
) -> AsyncGenerator[bytes, None]:
    async with aclosing(rest):
        yield b"[" + _items(first)
        yield b"," + _items(second)
        async for rows in rest:
            if rows:
                yield b"," + _items(rows)
        yield b"]"


def _items(rows: list[HistoryRow]) -> bytes:
    """The rows' JSON objects, comma-separated, without the array's brackets."""
    return _encoder.encode([RowOut.of(row) for row in rows])[1:-1]
