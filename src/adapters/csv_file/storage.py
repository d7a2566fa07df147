"""`csv:///path`: the flat file, locked between processes, replaced atomically on commit."""

from __future__ import annotations

import asyncio
import fcntl
import os
from pathlib import Path
from types import TracebackType
from typing import Self

from adapters.csv_file import file_io
from adapters.memory.index import Index
from adapters.memory.repositories import MemoryInventoryRepository, MemoryProductRepository
from domain.errors import StorageUnavailable
from domain.ports import UnitOfWork


class CsvStorage:
    kind = "csv"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.index = Index()
        self.stamp: file_io.Stamp | None = None
        self.lock = asyncio.Lock()
        self._lock_fd: int | None = None

    async def open(self) -> None:
        """Create the folder if needed and read the file (it stays absent until a first write)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock_path = self.path.with_name(self.path.name + ".lock")
            self._lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StorageUnavailable(f"cannot use {self.path}: {error.strerror}") from None
        async with self.unit_of_work():
            pass

    async def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def unit_of_work(self) -> CsvUnitOfWork:
        return CsvUnitOfWork(self)

    async def lock_file(self) -> None:
        """Take the inter-process lock: at once when free, else waiting in a thread."""
        assert self._lock_fd is not None, "open() the storage first"
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            await asyncio.to_thread(fcntl.flock, self._lock_fd, fcntl.LOCK_EX)

    def unlock_file(self) -> None:
        assert self._lock_fd is not None
        fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    async def refresh(self) -> None:
        """Re-read the file when another process or a person changed it."""
        current = await asyncio.to_thread(file_io.stamp_of, self.path)
        if current != self.stamp:
            self.index = await asyncio.to_thread(file_io.load, self.path)
            self.stamp = current


class CsvUnitOfWork(UnitOfWork):
    """Holds both locks for the transaction; changes the index in place, undoing on rollback."""

    def __init__(self, storage: CsvStorage) -> None:
        self._storage = storage

    async def __aenter__(self) -> Self:
        await self._storage.lock.acquire()
        try:
            await self._storage.lock_file()
            try:
                await self._storage.refresh()
            except BaseException:
                self._storage.unlock_file()
                raise
        except BaseException:
            self._storage.lock.release()
            raise
        index = self._storage.index
        index.forget_undo()
        self.products = MemoryProductRepository(index)
        self.inventory = MemoryInventoryRepository(index)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.rollback()
        finally:
            self._storage.unlock_file()
            self._storage.lock.release()

    async def commit(self) -> None:
        storage = self._storage
        if not storage.index.undo_log:
            return
        try:
            storage.stamp = await asyncio.to_thread(
                file_io.replace_atomically, storage.path, storage.index
            )
        except BaseException:
            await self.rollback()
            raise
        storage.index.forget_undo()

    async def rollback(self) -> None:
        self._storage.index.undo()
