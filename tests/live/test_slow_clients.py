"""Clients that send too slowly lose their connection, and the server goes on answering.

One server with short bounds (1 s for a head, 1 s between pieces of a body); every client
here is on 127.0.0.1 and gives up by itself after a few seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.live.conftest import csv_store
from tests.live.server import serving

HEAD_S = 1.0
BODY_S = 1.0
CONNECTIONS = 50
GIVE_UP_S = 10.0  # a client still connected after this long has not been closed by the server
HEADER = "product_id;product_name;date;inventory_level\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("slow")
    env = {"STOCKLINE_HEADER_TIMEOUT": str(HEAD_S), "STOCKLINE_BODY_TIMEOUT": str(BODY_S)}
    with serving(csv_store(folder), folder, **env) as base:
        yield base


async def _trickle(port: int, head: bytes, every_s: float) -> tuple[float, bytes]:
    """Send `head` a byte every `every_s` (then nothing), until the server closes; how long
    the connection lived and what the server said."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    answer = b""
    try:
        async with asyncio.timeout(GIVE_UP_S):
            for byte in head:
                writer.write(bytes([byte]))
                try:
                    answer += await asyncio.wait_for(reader.read(4096), every_s)
                    break  # the server spoke (or closed): read the rest below
                except TimeoutError:
                    continue
                except ConnectionError:
                    break
            while chunk := await reader.read(4096):
                answer += chunk
    except (TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()
    return time.monotonic() - started, answer


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


async def _health_while(base: str, clients: asyncio.Future[list[tuple[float, bytes]]]) -> float:
    """The slowest health answer while the slow clients hold their connections."""
    slowest = 0.0
    async with httpx.AsyncClient(timeout=5) as http:
        while not clients.done():
            started = time.monotonic()
            assert (await http.get(f"{base}/api/health")).status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            await asyncio.sleep(0.1)
    return slowest


@pytest.mark.slow
def test_slowloris_connections_are_closed_within_the_header_bound(server: str) -> None:
    head = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200

    async def run() -> tuple[list[tuple[float, bytes]], list[tuple[float, bytes]], float]:
        slow = [_trickle(_port(server), head, 0.05) for _ in range(CONNECTIONS)]
        silent = [_trickle(_port(server), b"", 0.05) for _ in range(CONNECTIONS)]
        clients = asyncio.gather(asyncio.gather(*slow), asyncio.gather(*silent))
        slowest_health = await _health_while(server, clients)
        trickled, said_nothing = await clients
        return trickled, said_nothing, slowest_health

    trickled, said_nothing, slowest_health = asyncio.run(run())
    lifetimes = [lived for lived, _ in trickled + said_nothing]
    assert max(lifetimes) < HEAD_S + 1.5, max(lifetimes)
    assert min(lifetimes) > HEAD_S - 0.2, min(lifetimes)
    # A client that sent part of a head is told why; one that sent nothing is just closed.
    assert all(answer.startswith(b"HTTP/1.1 408 ") for _, answer in trickled)
    assert all(b'"status":408' in answer for _, answer in trickled)
    assert all(answer == b"" for _, answer in said_nothing)
    assert slowest_health < 2.0  # answered meanwhile (a busy 2-core machine: some slack)


@pytest.mark.slow
def test_a_kept_alive_connection_gets_the_bound_again_for_its_next_head(server: str) -> None:
    async def run() -> tuple[bytes, tuple[float, bytes]]:
        reader, writer = await asyncio.open_connection("127.0.0.1", _port(server))
        writer.write(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = await reader.readuntil(b'"storage":"csv"}')
        started = time.monotonic()
        writer.write(b"GET /api/health HTTP/1.1\r\nHost: 127")  # ... and no more
        second = await asyncio.wait_for(reader.read(4096), GIVE_UP_S)
        writer.close()
        return first, (time.monotonic() - started, second)

    first, (lived, second) = asyncio.run(run())
    assert first.startswith(b"HTTP/1.1 200 ")
    assert second.startswith(b"HTTP/1.1 408 ")
    assert HEAD_S - 0.2 < lived < HEAD_S + 1.5


async def _stalled_upload(port: int, sent: bytes) -> tuple[float, bytes]:
    """An import whose body stops after `sent`: the answer and when the connection ended."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(
        b"POST /api/inventory/import HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\n" + sent
    )
    answer = b""
    try:
        async with asyncio.timeout(GIVE_UP_S):
            while chunk := await reader.read(4096):
                answer += chunk
    except TimeoutError:
        pass
    finally:
        writer.close()
    return time.monotonic() - started, answer


@pytest.mark.slow
def test_stalled_uploads_are_answered_408_and_closed(server: str) -> None:
    sent = (HEADER + "1;Stalled;01-01-2025;5\n").encode()

    async def run() -> list[tuple[float, bytes]]:
        return await asyncio.gather(
            *(_stalled_upload(_port(server), sent) for _ in range(CONNECTIONS))
        )

    ended = asyncio.run(run())
    assert max(lived for lived, _ in ended) < BODY_S + 1.5
    for _, answer in ended:  # each whole: the server closed after the answer
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
        assert b"application/problem+json" in answer
        assert answer.endswith(
            b'"detail":"the request body stopped arriving: nothing came for 1 s"}'
        )
    assert httpx.get(f"{server}/api/products").json()["total"] == 0


@pytest.mark.slow
def test_a_slow_upload_that_keeps_moving_is_imported(server: str) -> None:
    lines = [HEADER] + [f"{n};Steady {n};;\n" for n in range(1, 6)]

    def body() -> Iterator[bytes]:
        for line in lines:  # 6 pieces 0.6 s apart: 3 s in all, each gap under the bound
            yield line.encode()
            time.sleep(0.6)

    response = httpx.post(
        f"{server}/api/inventory/import",
        content=body(),
        headers={"content-type": "text/csv"},
        timeout=GIVE_UP_S,
    )
    assert response.status_code == 200, response.text
    assert response.json()["products_created"] == 5


@pytest.mark.slow
def test_the_leftover_body_of_an_answered_request_gets_the_body_bound(server: str) -> None:
    """Answered before its body was read (a 405 here), a client trickling that body on is
    closed after the body bound, not read for as long as it trickles."""
    head = (
        b"POST /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n"
    )

    async def run() -> tuple[float, bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", _port(server))
        writer.write(head)
        answer = await reader.readuntil(b"}")
        started = time.monotonic()
        try:
            async with asyncio.timeout(GIVE_UP_S):
                while True:
                    writer.write(b" ")
                    try:
                        if await asyncio.wait_for(reader.read(4096), 0.2) == b"":
                            break  # closed by the server
                    except TimeoutError:
                        continue
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()
        return time.monotonic() - started, answer

    lived, answer = asyncio.run(run())
    assert answer.startswith(b"HTTP/1.1 405 ")
    assert BODY_S - 0.2 < lived < BODY_S + 1.5
