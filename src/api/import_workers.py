"""Where uploads are parsed and checked: in worker processes, at most so many at once.

A 64 MiB upload takes seconds of pure Python to parse. In a thread it would still hold the
interpreter's lock most of that time, and requests answered meanwhile measured a p99 of
120-300 ms on a busy machine; in a process of its own, other requests do not wait for it.
The bound on imports at once is a bound on the server's memory (each holds its checked rows,
16 bytes a record, in both processes for a moment) and on the cores it keeps busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import tempfile
from array import array
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager, contextmanager
from typing import IO

from litestar.exceptions import ServiceUnavailableException, TooManyRequestsException

from domain import transfer
from domain.upload import Upload

# Seconds a refused client is asked to wait: about what a large import takes to check.
RETRY_AFTER = 5
# Below this an upload is parsed where it arrives: in a few milliseconds, less than sending
# it to a worker and back.
INLINE_BYTES = 256 * 1024
# Lower priority for the workers: on a busy machine the event loop's short requests go first.
WORKER_NICENESS = 10


class ImportWorkers:
    def __init__(self, limit: int) -> None:
        self._free = limit
        self._limit = limit
        self._pool: ProcessPoolExecutor | None = None

    @contextmanager
    def slot(self) -> Iterator[None]:
        """One of the `limit` imports for the block, or 429 at once. One event loop takes
        and gives them, so no lock is needed."""
        if self._free == 0:
            many = f"{self._limit} imports are" if self._limit > 1 else "an import is"
            raise TooManyRequestsException(
                detail=f"{many} already under way (STOCKLINE_MAX_IMPORTS); "
                f"try again in {RETRY_AFTER} seconds",
                headers={"Retry-After": str(RETRY_AFTER)},
            )
        self._free -= 1
        try:
            yield
        finally:
            self._free += 1

    @asynccontextmanager
    async def received(self, body: AsyncIterator[bytes]) -> AsyncIterator[IO[bytes]]:
        """The upload in a temporary file for the block, received before any slot is taken:
        a client sending slowly keeps no other import waiting.

        A file, not memory: the worker reads it a piece at a time, so the upload is never
        held whole by either process. Measured for 64 MiB: the server's peak grows by 0.6x
        the file, the worker's by 1.4x; sent through a pipe, body and rows took 4.3x."""
        with tempfile.NamedTemporaryFile(prefix="stockline-upload-") as spool:
            try:
                async for chunk in body:
                    spool.write(chunk)
                spool.flush()
            except OSError as error:
                raise ServiceUnavailableException(
                    detail=f"no room to receive the upload ({error.strerror}); nothing was imported"
                ) from None
            yield spool

    async def parse(self, spool: IO[bytes]) -> Upload:
        """The checked rows of a received upload; call it within `slot()`."""
        if spool.tell() < INLINE_BYTES:
            return transfer.parse_file(spool)
        return await self._in_worker(spool.name)

    async def _in_worker(self, path: str) -> Upload:
        if self._pool is None:
            # Started, not forked: a fork of a process running an event loop and threads
            # may inherit locks that some thread held.
            self._pool = ProcessPoolExecutor(
                self._limit,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=os.nice,
                initargs=(WORKER_NICENESS,),
            )
        loop = asyncio.get_running_loop()
        try:
            checked, records = await loop.run_in_executor(self._pool, parse_file_at, path)
            await asyncio.to_thread(_load_columns, checked, path, records)
            return checked
        except BrokenProcessPool:
            self._pool = None  # a new one for the next import
            raise ServiceUnavailableException(
                detail="the process checking the upload stopped (out of memory?); "
                "nothing was imported"
            ) from None
        except OSError as error:
            raise ServiceUnavailableException(
                detail=f"could not check the upload ({error.strerror}); nothing was imported"
            ) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path + COLUMNS)

    def close(self) -> None:
        """Stop the checking processes now, and wait for them: none may outlive the server
        (uvicorn ends by raising SIGTERM again, which skips the pool's own exit handler). An
        upload still being checked belonged to a request cancelled already."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        workers = list((getattr(pool, "_processes", None) or {}).values())  # its only handles
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=5)


# The records' columns come back through a file beside the upload, not pickled with the rest:
# a pickle would hold them a second time on each side.
COLUMNS = ".columns"


def parse_file_at(path: str) -> tuple[Upload, int]:
    """In the worker: the upload read from its file a piece at a time, never whole; its
    columns written to the file `_load_columns` reads, the number of records returned."""
    with open(path, "rb") as file:
        checked = transfer.parse_file(file)
    records = checked.records
    with open(path + COLUMNS, "wb") as out:
        for column in _columns(checked):
            column.tofile(out)
            del column[:]
    return checked, records


def _load_columns(checked: Upload, path: str, records: int) -> None:
    with open(path + COLUMNS, "rb") as file:
        for column in _columns(checked):
            column.fromfile(file, records)


def _columns(checked: Upload) -> tuple[array[int], ...]:
    return checked.product_ids, checked.days, checked.levels
