"""The flat-file store under faults a person or a disk brings: its answers tell the truth.

A full disk is made at the OS boundary: `os.write` (through which the store writes every byte)
writes what still fits and then fails with ENOSPC, as a filling disk does, or the n-th
`os.fsync` fails. A person's slow save is made by writing the file in two halves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import os
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.csv_file import file_io, history_file, saves
from adapters.csv_file.storage import CsvStorage
from adapters.memory.index import Index
from domain import services, transfer
from domain.changes import ChangeQuery
from domain.errors import StorageUnavailable
from domain.flat_rows import FlatRow
from domain.model import HistoryRow
from domain.transfer import ImportMode
from tests.adapters.test_csv_file import (
    HEADER,
    crash,
    history_of,
    opened,
    reopened,
    stood_still,
)

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
    entries = [
        (c.id, c.product_id, c.date, c.previous_level, c.new_level, c.origin.cause) for c in found
    ]
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


class FailingFsync:
    """`os.fsync` failing with ENOSPC at call number `failing` only (0: never), counting."""

    def __init__(self, failing: int = 0) -> None:
        self.failing = failing
        self.calls = 0
        self._fsync = os.fsync

    def fsync(self, descriptor: int) -> None:
        self.calls += 1
        if self.calls == self.failing:
            raise OSError(errno.ENOSPC, FULL)
        self._fsync(descriptor)


def leftovers(folder: Path) -> list[str]:
    """Files that a later transaction would put in place, or that take up a full disk."""
    return sorted(p.name for p in folder.iterdir() if p.suffix in {".ready", ".pending", ".tmp"})


async def replace_import(store: CsvStorage) -> None:
    await transfer.import_rows(
        store.unit_of_work(), rows(range(11, 41), 15, 50), ImportMode.REPLACE
    )


async def bytes_an_import_writes(folder: Path) -> int:
    disk = FillingDisk()
    store = await a_store_with_history(folder / "inventory.csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "write", disk.write)
        await replace_import(store)
    await store.close()
    return disk.written


async def test_a_disk_that_fills_during_a_replace_import_leaves_the_store_as_it_was(
    tmp_path: Path,
) -> None:
    """Wherever the disk fills (the pending entries, the new file, the history append), the
    import answers the cause, reads answer meanwhile from the data before it, and once space
    is freed the same store and a reopened one still hold that data: no ready file waited."""
    total = await bytes_an_import_writes(tmp_path / "measure")
    for free in [*range(0, total, max(1, total // 40)), total - 1]:
        folder = tmp_path / str(free)
        store = await a_store_with_history(folder / "inventory.csv")
        before = await contents(store)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "write", FillingDisk(free).write)
            with pytest.raises(StorageUnavailable, match=FULL):
                await replace_import(store)
            assert leftovers(folder) == [], free
            assert await contents(store) == before, free  # reads answer on a full disk
            async with reopened(store.path) as again:  # and a store opened on it
                assert await contents(again) == before, free
            with pytest.raises(StorageUnavailable, match=FULL):  # writes say why they fail
                await services.set_level(store.unit_of_work(), 2, DAY, 1)
        assert await contents(store) == before, free
        async with reopened(store.path) as again:
            assert await contents(again) == before, free
        await services.set_level(store.unit_of_work(), 2, DAY, 1)  # and the ids go on
        assert (await contents(store))[1][0][:5] == (len(before[1]) + 1, 2, DAY, 5, 1)
        await store.close()


async def test_an_import_answers_what_became_of_it_whichever_fsync_fails(
    tmp_path: Path,
) -> None:
    """The n-th fsync of a replace import fails, for every n: the import answers an error
    and the store holds the data from before, or it answers success and holds the import;
    before the history append an error, after it (emptying the journal, renaming) success."""
    fsyncs = FailingFsync()
    store = await a_store_with_history(tmp_path / "measure" / "inventory.csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", fsyncs.fsync)
        await replace_import(store)
    imported = await contents(store)
    await store.close()
    outcomes = []
    for failing in range(1, fsyncs.calls + 1):
        store = await a_store_with_history(tmp_path / str(failing) / "inventory.csv")
        before = await contents(store)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "fsync", FailingFsync(failing).fsync)
            outcomes.append(await outcome(replace_import(store)))
        expected = imported if outcomes[-1] == "done" else before
        assert await contents(store) == expected, failing
        async with reopened(store.path) as again:
            assert await contents(again) == expected, failing
        assert leftovers(store.path.parent) == [], failing
        await store.close()
    done = outcomes.index("done")  # refused up to the point of no return, then done
    assert set(outcomes[:done]) == {f"refused: {FULL}"}, outcomes
    assert set(outcomes[done:]) == {"done"}, outcomes


async def outcome(work: Awaitable[object]) -> str:
    """What a client is answered: done, or refused and why (the cause named last)."""
    try:
        await work
    except StorageUnavailable as error:
        return f"refused: {str(error).rsplit(': ', 1)[-1]}"
    return "done"


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


async def test_a_fold_a_crash_left_is_taken_back_when_the_disk_is_full_at_restart(
    tmp_path: Path,
) -> None:
    """A crash right after a replace import's ready file, and no space at restart to append
    its entries: the store opens, reads answer the data from before, and nothing waits to
    be put in place later (the import was never answered)."""
    store = await a_store_with_history(tmp_path / "inventory.csv")
    before = await contents(store)

    def crash_here(*_: object) -> None:
        raise OSError(errno.EIO, "simulated crash")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(history_file, "settle", crash_here)
        with pytest.raises(OSError, match="simulated crash"):
            await replace_import(store)
    crash(store)
    assert leftovers(tmp_path) == ["inventory.csv.changes.pending", "inventory.csv.ready"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "write", FillingDisk(0).write)
        async with reopened(store.path) as again:
            assert await contents(again) == before
        assert leftovers(tmp_path) == []
    async with reopened(store.path) as again:
        assert await contents(again) == before


# A person's save. The grace is shortened to keep the tests short.

GRACE = 1.0


def a_persons_file(level: int) -> str:
    """What a person saves: 40 products of 10 records, in the store's own format."""
    lines = [
        f"{row.product_id};{row.product_name};{row.date:%d-%m-%Y};{row.level}\n"
        for row in rows(range(1, 41), 10, level)
    ]
    return HEADER + "".join(lines)


def with_level(text: str, product: int, level: int) -> str:
    old = f"\n{product};Product {product};{DAY:%d-%m-%Y};"
    start = text.index(old) + len(old)
    return text[:start] + str(level) + text[text.index("\n", start) :]


async def until(condition: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("waited in vain")


@pytest.fixture
def short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(saves, "SAVE_GRACE", GRACE)
    monkeypatch.setattr("adapters.csv_file.storage.FOLD_WHEN_IDLE", 0.05)


@pytest.mark.usefixtures("short_grace")
async def test_a_slow_save_by_hand_is_read_whole_with_the_write_made_meanwhile(
    tmp_path: Path,
) -> None:
    """An editor empties the file, writes half (whole lines: it parses), a client writes,
    the idle fold comes, the editor writes the rest: no row is lost, and the file ends as
    the person's with the client's write over it. Reads meanwhile answer the last read."""
    store = await a_store_with_history(tmp_path / "inventory.csv")
    await store.fold()
    before = await contents(store)
    text = a_persons_file(7000)
    half = text.index("\n", len(text) // 2) + 1
    with open(store.path, "r+", encoding="utf-8", newline="") as editor:  # noqa: ASYNC230
        editor.truncate(0)
        editor.write(text[:half])
        editor.flush()
        await services.set_level(store.unit_of_work(), 5, DAY, 1)  # acknowledged
        assert (await contents(store))[0] == [  # the last read, and the write
            row if (row.product_id, row.date) != (5, DAY) else replace(row, level=1)
            for row in before[0]
        ]
        await asyncio.sleep(GRACE / 3)  # the idle fold comes, and waits
        assert store.journal.stat().st_size > 0
        assert os.fstat(editor.fileno()).st_ino == store.path.stat().st_ino
        editor.write(text[half:])
    # Folded: the journal is emptied first, then the ready file renamed over the file.
    ready = file_io.ready_path(store.path)
    await until(lambda: store.journal.stat().st_size == 0 and not ready.exists())
    expected = with_level(text, 5, 1)
    assert store.path.read_text(encoding="utf-8") == expected
    async with store.unit_of_work() as uow:
        assert len(await uow.inventory.history(None, None, None)) == 400
    await store.close()


async def test_a_fold_is_taken_back_when_someone_begins_saving_the_file_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save that begins while the journal is folded (after the new file is ready, before
    it is renamed in place): the rename would leave the person writing into a file nobody
    reads, so the fold is taken back and the journal kept, to be replayed over their file."""
    store = await a_store_with_history(tmp_path / "inventory.csv")
    text = a_persons_file(7000)
    settle = history_file.settle

    def a_person_saves(main: Path, from_journal: bytes) -> history_file.Settled | None:
        settled = settle(main, from_journal)
        main.write_text(text, encoding="utf-8")  # in place, as an editor saves
        return settled

    monkeypatch.setattr(history_file, "settle", a_person_saves)
    await store.fold()
    monkeypatch.undo()
    assert store.path.read_text(encoding="utf-8") == text
    assert leftovers(tmp_path) == []
    assert b"1;Product 1;01-03-2025;999" in store.journal.read_bytes()
    stood_still(store.path)
    await store.fold()
    assert store.path.read_text(encoding="utf-8") == with_level(text, 1, 999)
    assert [c.id for c in await history_of(store)] == list(range(1, 202))
    await store.close()


async def test_a_file_that_changes_while_it_is_read_is_read_again_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await a_store_with_history(tmp_path / "inventory.csv")
    await store.fold()
    before = await contents(store)
    text = a_persons_file(7000)
    half = text.index("\n", len(text) // 2) + 1
    store.path.write_text(text[:half], encoding="utf-8")
    stood_still(store.path)  # as if the editor paused longer than the grace
    load = file_io.load

    def the_editor_goes_on(path: Path) -> Index:
        index = load(path)
        with path.open("a", encoding="utf-8") as editor:
            editor.write(text[half:])
        return index

    monkeypatch.setattr(file_io, "load", the_editor_goes_on)
    assert await contents(store) == before  # the half read is not taken
    monkeypatch.undo()
    stood_still(store.path)
    async with store.unit_of_work() as uow:
        assert len(await uow.inventory.history(None, None, None)) == 400
    await store.close()


@pytest.mark.usefixtures("short_grace")
async def test_an_import_that_rewrites_the_file_waits_until_a_save_by_hand_is_over(
    tmp_path: Path,
) -> None:
    """A replace import rewrites the whole file: while someone may still be saving it, the
    import is refused, saying so (the person's save would be lost), and the store unchanged."""
    store = await a_store_with_history(tmp_path / "inventory.csv")
    before = await contents(store)
    store.path.write_text(a_persons_file(7000), encoding="utf-8")
    with pytest.raises(StorageUnavailable, match=r"may still be being saved.*try again"):
        await replace_import(store)
    assert store.path.read_text(encoding="utf-8") == a_persons_file(7000)
    assert await contents(store) == before
    stood_still(store.path)
    await replace_import(store)
    async with store.unit_of_work() as uow:
        assert len(await uow.inventory.history(None, None, None)) == 30 * 15
    await store.close()


async def test_a_data_file_deleted_under_the_store_is_refused_naming_it_until_it_is_back(
    tmp_path: Path,
) -> None:
    store = await a_store_with_history(tmp_path / "inventory.csv")
    await store.fold()
    saved = store.path.read_bytes()
    store.path.unlink()
    try:
        with pytest.raises(StorageUnavailable, match=f"{store.path} is gone"):
            await services.list_products(store.unit_of_work(), None, 10, 0)
        with pytest.raises(StorageUnavailable, match=f"{store.path} is gone"):
            await services.create_product(store.unit_of_work(), "Lamp")
        assert not store.path.exists()  # nothing was written in its place
        store.path.write_bytes(saved)
        stood_still(store.path)
        async with store.unit_of_work() as uow:
            assert len(await uow.products.all()) == 20
    finally:
        await store.close()


async def test_a_folder_deleted_under_the_store_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = await opened(folder / "inventory.csv")
    await services.create_product(store.unit_of_work(), "Lamp")  # in the journal only
    shutil.rmtree(folder)
    with pytest.raises(StorageUnavailable, match="is gone"):
        await services.create_product(store.unit_of_work(), "Kettle")
    assert not folder.exists()  # nothing was written in its place
    crash(store)


async def test_a_temporary_file_a_crash_left_is_removed_on_start(tmp_path: Path) -> None:
    store = await a_store_with_history(tmp_path / "inventory.csv")
    await store.fold()  # so that the start has nothing to fold, which would write over it
    before = await contents(store)
    crash(store)
    leftover = file_io.temporary_path(store.path)
    leftover.write_text(HEADER + "1;Half a fold", encoding="utf-8")
    async with reopened(store.path) as again:
        assert not leftover.exists()
        assert await contents(again) == before
