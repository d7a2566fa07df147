"""The flat-file store under faults: its answers tell the truth.

A full disk is made at the OS boundary: `os.write` (through which the store writes every byte)
writes what still fits and then fails with ENOSPC, as a filling disk does.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from pathlib import Path

import pytest

from adapters.csv_file.storage import CsvStorage
from domain import services, transfer
from domain.changes import ChangeQuery
from domain.errors import StorageUnavailable
from domain.flat_rows import FlatRow
from domain.model import HistoryRow
from tests.adapters.test_csv_file import opened, reopened

DAY = dt.date(2025, 3, 1)
FULL = os.strerror(errno.ENOSPC)  # "No space left on device"
Contents = tuple[list[HistoryRow], list[tuple[object, ...]]]


def rows(products: range, days: int, level: int) -> list[FlatRow]:
    return [
        FlatRow(product, f"Product {product}", DAY + dt.timedelta(days=day), level + day)
        for product in products
        for day in range(days)
    ]


async def contents(store: CsvStorage) -> Contents:
    """Every record and every history entry, as a client reads them."""
    async with store.unit_of_work() as uow:
        records = await uow.inventory.history(None, None, None)
        found = await uow.changes.find(ChangeQuery(limit=1000))
    entries = [(c.id, c.product_id, c.date, c.before, c.after, c.origin.cause) for c in found]
    return records, entries


async def a_store_with_history(path: Path) -> CsvStorage:
    """20 products of 10 records in the file and the history file, one edit in the journal."""
    store = await opened(path)
    await transfer.import_rows(store.unit_of_work(), rows(range(1, 21), 10, 5))
    await store.fold()
    await services.set_level(store.unit_of_work(), 1, DAY, 999)
    return store


class FillingDisk:
    """`os.write` on a disk with `free` bytes left (None: no limit), which counts what it
    writes. Space freed is not given back: the disk stays full until the fault is removed."""

    def __init__(self, free: int | None = None) -> None:
        self.free = free
        self.written = 0
        self._write = os.write

    def write(self, descriptor: int, data: bytes) -> int:
        if self.free is not None and self.free <= 0:
            raise OSError(errno.ENOSPC, FULL)
        size = len(data) if self.free is None else min(len(data), self.free)
        written = self._write(descriptor, data[:size])
        self.written += written
        if self.free is not None:
            self.free -= written
        return written


async def test_an_edit_that_finds_the_disk_full_is_refused_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    """A single edit on a full disk, or on one that fills halfway through its journal
    commit: refused naming the cause, the journal as it was, the record not there after."""
    for free in (0, 20):
        store = await a_store_with_history(tmp_path / str(free) / "inventory.csv")
        before, journal = await contents(store), store.journal.read_bytes()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "write", FillingDisk(free).write)
            with pytest.raises(StorageUnavailable, match=FULL):
                await services.set_level(store.unit_of_work(), 3, DAY, 1234)
            assert store.journal.read_bytes() == journal
            assert await contents(store) == before
        assert await contents(store) == before
        async with reopened(store.path) as again:
            assert await contents(again) == before
        await store.close()
