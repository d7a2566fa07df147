"""A bounded HTTP/1.1 load: N keep-alive connections to 127.0.0.1 for a fixed time.

Raw asyncio streams rather than an HTTP library, so the client spends little of the
machine's two cores; it reads Content-Length and chunked bodies, nothing else.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"  # never anything else: this is a load generator
Request = Callable[[int], bytes]  # the n-th request of a connection, as bytes to send


@dataclass
class LoadResult:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered request
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def request_bytes(
    method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: */*\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    if body or method in ("PUT", "POST"):
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one whole response; its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif "chunked" in headers.get("transfer-encoding", ""):
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return status


async def _connection(
    port: int, make: Request, until: float, result: LoadResult, offset: int
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 20)
    n = offset
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(make(n))
            status = await read_response(reader)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            n += 1
    except (OSError, asyncio.IncompleteReadError, ValueError):
        result.errors += 1
    finally:
        writer.close()


async def run_load(port: int, make: Request, connections: int, seconds: float) -> LoadResult:
    """Keep `connections` requests in flight for `seconds`; every answer counted."""
    result = LoadResult()
    started = time.perf_counter()
    until = started + seconds
    tasks = [_connection(port, make, until, result, i * 100_003) for i in range(connections)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 30)
    result.seconds = time.perf_counter() - started
    return result


def load(port: int, make: Request, connections: int, seconds: float) -> LoadResult:
    """run_load on its own event loop (uvloop when present, as the servers use)."""
    try:
        import uvloop

        return uvloop.run(run_load(port, make, connections, seconds))
    except ImportError:
        return asyncio.run(run_load(port, make, connections, seconds))
