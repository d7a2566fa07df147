"""What only the flat-file store promises: its exact format, atomic writes, hand edits."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from random import Random

import pytest

from adapters.csv_file import file_io, history_file, history_index, journal, saves
from adapters.csv_file.history_blocks import Block
from adapters.csv_file.storage import CsvStorage
from adapters.csv_file.stored_changes import stored
from domain import services, transfer
from domain.changes import Author, Cause, Change, ChangeQuery, Origin
from domain.errors import StorageUnavailable
from domain.flat_rows import FlatRow
from domain.model import HistoryRow, InventoryRecord, Product
from domain.transfer import ImportMode

DAY = dt.date(2025, 1, 31)
HEADER = "product_id;product_name;date;inventory_level\n"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[CsvStorage]:
    storage = CsvStorage(tmp_path / "data" / "inventory.csv")
    await storage.open()
    yield storage
    await storage.close()


async def write_sample(store: CsvStorage) -> None:
    async with store.unit_of_work() as uow:
        await uow.products.add(Product(2, "Semi;colon"))
        await uow.products.add(Product(1, "Lamp"))
        # Plain puts, which keep no history entry of their own: the tests below count theirs.
        await uow.inventory.put(InventoryRecord(1, DAY, 4))
        await uow.inventory.put(InventoryRecord(1, dt.date(2025, 1, 2), 7))
        await uow.commit()


async def test_the_file_is_the_briefs_format_ordered_by_product_then_date(
    store: CsvStorage,
) -> None:
    await write_sample(store)
    await store.fold()
    assert store.path.read_text(encoding="utf-8") == (
        HEADER + "1;Lamp;02-01-2025;7\n1;Lamp;31-01-2025;4\n" + '2;"Semi;colon";;\n'
    )
    assert store.journal.stat().st_size == 0


async def test_a_commit_is_one_sealed_append_to_the_journal(store: CsvStorage) -> None:
    await write_sample(store)
    assert not store.path.exists()
    lines = store.journal.read_text(encoding="utf-8").splitlines()
    assert lines[:5] == [
        HEADER.strip(),
        '2;"Semi;colon";;',
        "1;Lamp;;",
        "1;Lamp;31-01-2025;4",
        "1;Lamp;02-01-2025;7",
    ]
    assert re.fullmatch(r"=;4;;[0-9a-f]{8}", lines[5])
    async with store.unit_of_work() as uow:
        await uow.products.add(Product(3, "Dropped"))
    assert store.journal.read_text(encoding="utf-8").count("=;") == 1


def crash(storage: CsvStorage) -> None:
    """Let go of the store as a killed process would: no orderly close, so no fold."""
    os.close(storage._lock_fd or -1)
    storage._lock_fd = None


async def fails_at(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, work: Awaitable[object]
) -> None:
    """Run `work` with `owner.name` failing as a crash there would (an OSError), then put
    `owner.name` back."""

    def die(*_: object) -> None:
        raise OSError(5, f"simulated crash at {name}")

    monkeypatch.setattr(owner, name, die)
    with pytest.raises(OSError, match="simulated crash"):
        await work
    monkeypatch.undo()


async def test_a_restart_replays_the_journal_and_folds_it(tmp_path: Path) -> None:
    first = CsvStorage(tmp_path / "inventory.csv")
    await first.open()
    await write_sample(first)
    async with first.unit_of_work() as uow:
        await uow.products.remove(2)
        await uow.inventory.remove(1, DAY)
        await uow.products.update(Product(1, "Desk lamp"))
        await uow.commit()
    crash(first)
    second = CsvStorage(tmp_path / "inventory.csv")
    await second.open()
    assert second.path.read_text(encoding="utf-8") == HEADER + "1;Desk lamp;02-01-2025;7\n"
    await second.close()


async def test_a_commit_torn_by_a_crash_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    first = CsvStorage(tmp_path / "inventory.csv")
    await first.open()
    await write_sample(first)
    crash(first)
    with first.journal.open("ab") as journal:  # half a commit: lines without their seal
        journal.write(b"1;Lamp;03-01-2025;50\n1;Lamp;04-0")
    second = CsvStorage(tmp_path / "inventory.csv")
    await second.open()
    async with second.unit_of_work() as uow:
        assert await uow.inventory.get(1, dt.date(2025, 1, 3)) is None
        assert len(await uow.inventory.history(None, None, None)) == 2
    await second.close()


async def test_the_file_is_folded_once_writes_pause(
    store: CsvStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.csv_file.storage.FOLD_WHEN_IDLE", 0.05)
    await write_sample(store)
    for _ in range(100):
        if store.path.exists():
            break
        await asyncio.sleep(0.02)
    assert "1;Lamp;31-01-2025;4" in store.path.read_text(encoding="utf-8")


def stood_still(path: Path) -> None:
    """Date the file's last change back past the grace a save in progress is given."""
    then = time.time_ns() - int((saves.SAVE_GRACE + 1) * 1e9)
    os.utime(path, ns=(then, then))


async def test_a_file_edited_by_hand_is_picked_up_once_it_stands_still(store: CsvStorage) -> None:
    await write_sample(store)
    await store.fold()
    store.path.write_text(HEADER + "1;Lamp;02-01-2025;99\n5;Kettle;;\n", encoding="utf-8")
    async with store.unit_of_work() as uow:  # just saved: perhaps not whole yet
        assert [product.id for product in await uow.products.all()] == [1, 2]
    stood_still(store.path)
    async with store.unit_of_work() as uow:
        assert await uow.inventory.get(1, dt.date(2025, 1, 2)) == InventoryRecord(
            1, dt.date(2025, 1, 2), 99
        )
        assert [product.id for product in await uow.products.all()] == [1, 5]


async def test_a_second_store_on_the_same_file_sees_commits_at_once(store: CsvStorage) -> None:
    async with reopened(store.path) as other:
        await write_sample(store)
        async with other.unit_of_work() as uow:
            await uow.inventory.put(InventoryRecord(2, DAY, 1))
            await uow.commit()
        async with store.unit_of_work() as uow:
            assert await uow.inventory.get(2, DAY) == InventoryRecord(2, DAY, 1)


async def test_a_crash_before_the_rename_leaves_the_old_file_whole(
    store: CsvStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await write_sample(store)
    await store.fold()
    before = store.path.read_bytes()

    def crash(source: object, target: object) -> None:
        raise OSError(5, "simulated crash between temporary write and rename")

    monkeypatch.setattr(os, "replace", crash)
    async with store.unit_of_work() as uow:
        await uow.inventory.put(InventoryRecord(1, DAY, 1000))
        await uow.commit()
    with pytest.raises(StorageUnavailable, match="cannot write"):
        await store.fold()
    assert store.path.read_bytes() == before
    monkeypatch.undo()
    async with store.unit_of_work() as uow:  # the commit is safe in the journal
        assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 1000)
    await store.fold()
    assert "1;Lamp;31-01-2025;1000" in store.path.read_text(encoding="utf-8")


async def test_a_crash_while_a_large_commit_is_folded_keeps_the_newest_levels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = CsvStorage(tmp_path / "inventory.csv")
    await first.open()
    await write_sample(first)  # in the journal: Lamp on DAY at level 4

    async def replace_everything() -> None:  # which rewrites the file
        async with first.unit_of_work() as uow:
            await uow.products.remove_all()
            await uow.products.add(Product(1, "Lamp"))
            await uow.inventory.put(InventoryRecord(1, DAY, 99))
            await uow.commit()

    await fails_at(monkeypatch, journal, "cut", replace_everything())  # while folding
    crash(first)
    second = CsvStorage(tmp_path / "inventory.csv")
    await second.open()
    async with second.unit_of_work() as uow:  # the old journal is not replayed over it
        assert await uow.inventory.history(None, None, None) == [HistoryRow(1, "Lamp", DAY, 99)]
    await second.close()


async def test_a_commit_that_cannot_be_made_durable_is_undone(
    store: CsvStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await write_sample(store)

    def full_disk(handle: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(StorageUnavailable, match="No space left"):
        async with store.unit_of_work() as uow:
            await uow.inventory.put(InventoryRecord(1, DAY, 1000))
            await uow.commit()
    monkeypatch.undo()
    async with store.unit_of_work() as uow:
        assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 4)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("1;Lamp;02-01-2025;7\n1;Lamp;31-02-2025;4\n", "line 3: date"),
        ("1;Lamp;;\n2;LAMP;;\n", "line 3: the name 'LAMP' belongs to product 1"),
    ],
    ids=["impossible date", "duplicate name"],
)
async def test_a_bad_file_is_refused_at_start_with_its_line(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(HEADER + content, encoding="utf-8")
    stood_still(path)
    with pytest.raises(StorageUnavailable, match=reason):
        await CsvStorage(path).open()


# The change history: `inventory.csv.changes`, kept with the same guarantees as the file.

EDIT_AT = dt.datetime(2026, 11, 27, 10, 31, 2, 123456, tzinfo=dt.UTC)
HISTORY_HEADER = "id;product_id;date;level_before;level_after;undoes\n"


async def history_of(store: CsvStorage) -> list[Change]:
    async with store.unit_of_work() as uow:
        return list(reversed(await uow.changes.find(ChangeQuery(limit=1000))))


def ids_in_history_file(store: CsvStorage) -> list[int]:
    lines = store.history.read_text(encoding="utf-8").splitlines()[1:]
    return [int(line.split(";")[0]) for line in lines if not line.startswith("+")]


async def opened(path: Path) -> CsvStorage:
    storage = CsvStorage(path)
    await storage.open()
    return storage


@asynccontextmanager
async def reopened(path: Path) -> AsyncIterator[CsvStorage]:
    """Another store opened on the file (as after a crash or by another process), closed after."""
    storage = await opened(path)
    try:
        yield storage
    finally:
        await storage.close()


async def test_the_history_file_is_the_documented_format(store: CsvStorage) -> None:
    alice = Origin(EDIT_AT, "alice", Cause.EDIT, 'recount; after "delivery"')
    formula = Origin(EDIT_AT, "=cmd|' /C calc'!A0", Cause.UNDO, "+1")
    imported = Origin(EDIT_AT, "anonymous", Cause.IMPORT, None, "0123456789abcdef")
    async with store.unit_of_work() as uow:
        await uow.changes.record(alice, [(7, DAY, 40, 42, None)])
        await uow.changes.record(formula, [(7, DAY, 42, 40, 1)])
        await uow.changes.record(imported, [(7, DAY, 40, None, None), (8, DAY, None, 3, None)])
        await uow.commit()
    await store.fold()
    assert store.history.read_text(encoding="utf-8") == (
        HISTORY_HEADER
        + '+;2026-11-27T10:31:02.123456Z;edit;;alice;"recount; after ""delivery"""\n'
        + "1;7;31-01-2025;40;42;\n"
        + "+;2026-11-27T10:31:02.123456Z;undo;;'=cmd|' /C calc'!A0;'+1\n"
        + "2;7;31-01-2025;42;40;1\n"
        + "+;2026-11-27T10:31:02.123456Z;import;0123456789abcdef;anonymous;\n"
        + "3;7;31-01-2025;40;;\n"
        + "4;8;31-01-2025;;3;\n"
    )
    async with reopened(store.path) as again:  # and every field reads back as it was written
        assert [c.origin for c in await history_of(again)] == [
            alice,
            formula,
            imported,
            imported,
        ]


async def test_a_commits_entries_are_sealed_in_its_journal_commit(store: CsvStorage) -> None:
    await write_sample(store)
    await services.set_level(store.unit_of_work(), 1, DAY, 5, author=Author("alice"))
    lines = store.journal.read_text(encoding="utf-8").splitlines()
    assert lines[-4] == "1;Lamp;31-01-2025;5"
    assert re.fullmatch(r"#\+;\d{4}-\d\d-\d\dT[\d:.]{15}Z;edit;;alice;", lines[-3])
    assert lines[-2] == "#1;1;31-01-2025;4;5;"
    assert re.fullmatch(r"=;3;;[0-9a-f]{8}", lines[-1])
    assert not store.history.exists()  # until the journal is folded


async def test_entries_survive_a_restart_and_a_second_store_sees_them(tmp_path: Path) -> None:
    first = await opened(tmp_path / "inventory.csv")
    await write_sample(first)
    await services.set_level(first.unit_of_work(), 1, DAY, 5, author=Author("alice"))
    second = await opened(first.path)  # reads the first one's journal
    await services.set_level(second.unit_of_work(), 1, DAY, 6, author=Author("bob"))
    assert [(c.id, c.new_level, c.origin.actor) for c in await history_of(first)] == [
        (1, 5, "alice"),
        (2, 6, "bob"),
    ]
    await first.close()  # folds: the entries move from the journal to the history file
    assert first.journal.stat().st_size == 0
    await services.set_level(second.unit_of_work(), 1, DAY, 7)  # sees the fold, goes on
    await second.close()
    assert ids_in_history_file(second) == [1, 2, 3]
    async with reopened(first.path) as third:
        found = await history_of(third)
        assert [(c.id, c.previous_level, c.new_level) for c in found] == [
            (1, 4, 5),
            (2, 5, 6),
            (3, 6, 7),
        ]
        await services.set_level(third.unit_of_work(), 1, DAY, 8)
        assert (await history_of(third))[-1].id == 4


async def test_a_torn_commit_loses_its_entries_with_its_changes(tmp_path: Path) -> None:
    first = await opened(tmp_path / "inventory.csv")
    await write_sample(first)
    await services.set_level(first.unit_of_work(), 1, DAY, 5)
    crash(first)
    with first.journal.open("ab") as journal:  # half a commit: lines without their seal
        journal.write(b"1;Lamp;31-01-2025;6\n#+;2026-11-27T10:31:02.123456Z;edit;;bob;\n#2;1;3")
    async with reopened(first.path) as second:
        assert [(c.id, c.new_level) for c in await history_of(second)] == [(1, 5)]
        await services.set_level(second.unit_of_work(), 1, DAY, 7)
        assert [(c.id, c.previous_level, c.new_level) for c in await history_of(second)][-1] == (
            2,
            5,
            7,
        )


async def test_a_crash_between_history_append_and_journal_cut_writes_no_entry_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await opened(tmp_path / "inventory.csv")
    await write_sample(first)
    await services.set_level(first.unit_of_work(), 1, DAY, 5)
    await services.set_level(first.unit_of_work(), 1, DAY, 6)

    await fails_at(monkeypatch, journal, "cut", first.fold())  # after the history append
    crash(first)
    assert ids_in_history_file(first) == [1, 2]  # appended, and still in the journal
    assert "#2;1;31-01-2025;5;6;" in first.journal.read_text(encoding="utf-8")
    async with reopened(first.path) as second:  # finishes the fold the crash interrupted
        await services.set_level(second.unit_of_work(), 1, DAY, 7)
        await second.fold()
        assert ids_in_history_file(second) == [1, 2, 3]
        assert [c.id for c in await history_of(second)] == [1, 2, 3]


async def test_a_torn_history_append_is_written_again_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await opened(tmp_path / "inventory.csv")
    await write_sample(first)
    await services.set_level(first.unit_of_work(), 1, DAY, 5)
    await first.fold()
    await services.set_level(first.unit_of_work(), 1, DAY, 6, author=Author("bob"))

    await fails_at(monkeypatch, journal, "cut", first.fold())  # after the history append
    crash(first)
    whole = first.history.read_bytes()
    torn = whole[: whole.rindex(b"\n2;") + 4]  # the crash kept half of the append
    first.history.write_bytes(torn)
    async with reopened(first.path) as second:
        assert second.history.read_bytes() == whole
        assert [(c.id, c.origin.actor) for c in await history_of(second)] == [
            (1, "anonymous"),
            (2, "bob"),
        ]


async def test_a_large_commit_keeps_its_entries_through_a_crash_after_its_ready_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await opened(tmp_path / "inventory.csv")
    await write_sample(first)
    await services.set_level(first.unit_of_work(), 1, DAY, 5)  # in the journal, entry 1
    rows = [FlatRow(1, "Lamp", DAY, 50), FlatRow(3, "Stool", DAY, 30)]

    replacing = transfer.import_rows(first.unit_of_work(), rows, ImportMode.REPLACE)
    await fails_at(monkeypatch, history_file, "settle", replacing)  # right after the ready file
    crash(first)
    assert history_file.pending_path(first.path).exists()
    async with reopened(first.path) as second:
        found = await history_of(second)
        assert [
            (c.id, c.product_id, c.previous_level, c.new_level, c.origin.cause) for c in found
        ] == [
            (1, 1, 4, 5, "edit"),
            (2, 1, 7, None, "import"),  # the replace removes every record, then writes
            (3, 1, 5, None, "import"),
            (4, 1, None, 50, "import"),
            (5, 3, None, 30, "import"),
        ]
        assert ids_in_history_file(second) == [1, 2, 3, 4, 5]
        assert not history_file.pending_path(second.path).exists()
        async with second.unit_of_work() as uow:
            assert len(await uow.inventory.history(None, None, None)) == 2


async def test_a_pending_file_without_a_ready_file_is_a_commit_that_never_happened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await opened(tmp_path / "inventory.csv")
    await write_sample(first)
    await services.set_level(first.unit_of_work(), 1, DAY, 5)

    rows = [FlatRow(1, "Lamp", DAY, 50)]
    replacing = transfer.import_rows(first.unit_of_work(), rows, ImportMode.REPLACE)
    await fails_at(monkeypatch, file_io, "write_ready", replacing)  # before the ready file
    crash(first)
    assert history_file.pending_path(first.path).exists()
    async with reopened(first.path) as second:
        assert not history_file.pending_path(second.path).exists()
        assert [(c.id, c.new_level) for c in await history_of(second)] == [(1, 5)]
        await services.set_level(second.unit_of_work(), 1, DAY, 6)
        await second.fold()
        assert ids_in_history_file(second) == [1, 2]


async def test_a_bad_history_file_is_refused_at_start_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    history_file.history_path(path).write_text(
        HISTORY_HEADER + "+;2026-11-27T10:31:02.123456Z;edit;;alice;\n1;7;31-02-2025;;5;\n",
        encoding="utf-8",
    )
    with pytest.raises(StorageUnavailable, match=r"changes line 3: date '31-02-2025'"):
        await CsvStorage(path).open()


async def test_a_history_file_that_lost_entries_is_refused(tmp_path: Path) -> None:
    first = await opened(tmp_path / "inventory.csv")
    await write_sample(first)
    await services.set_level(first.unit_of_work(), 1, DAY, 5)
    await first.close()
    await services.set_level((second := await opened(first.path)).unit_of_work(), 1, DAY, 6)
    crash(second)  # entry 2 is in the journal, entry 1 in the history file
    first.history.unlink()
    with pytest.raises(StorageUnavailable, match="change 2 follows change 0"):
        await CsvStorage(first.path).open()


async def test_a_store_reads_only_what_another_stores_fold_appended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await opened(tmp_path / "inventory.csv")
    await write_sample(first)
    await services.set_level(first.unit_of_work(), 1, DAY, 5)
    await first.fold()
    folded = stored(first.index)
    assert folded.indexed.end == first.history.stat().st_size  # its own append: indexed
    assert not len(folded.recent)  # and no longer held in memory
    second = await opened(first.path)
    read_from: list[int] = []
    scan = history_index.scan

    def spy(path: Path, blocks: list[Block], offset: int) -> int:
        read_from.append(offset)
        return scan(path, blocks, offset)

    monkeypatch.setattr(history_index, "scan", spy)
    try:
        await services.set_level(first.unit_of_work(), 1, DAY, 6)
        before_fold = first.history.stat().st_size
        await first.fold()
        await services.set_level(second.unit_of_work(), 1, DAY, 7)
        # Each indexes from where it had read to, not from the start: the first what its own
        # fold appended, the second what the first's fold did.
        assert read_from == [before_fold, before_fold]
        assert [(c.id, c.new_level) for c in await history_of(second)] == [(1, 5), (2, 6), (3, 7)]
        assert [c.id for c in await history_of(first)] == [1, 2, 3]
    finally:
        await second.close()
        await first.close()
    assert ids_in_history_file(first) == [1, 2, 3]


async def test_a_commit_in_the_journal_stands_when_the_fold_after_it_fails(
    store: CsvStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await write_sample(store)
    monkeypatch.setattr("adapters.csv_file.storage.MIN_FOLD_BYTES", 0)  # fold at every commit

    def full_disk(path: Path, index: object) -> None:
        raise StorageUnavailable("cannot write inventory.csv: No space left on device")

    monkeypatch.setattr(file_io, "write_ready", full_disk)
    await services.set_level(store.unit_of_work(), 1, DAY, 5)  # durable once journaled
    monkeypatch.undo()
    assert [(c.id, c.new_level) for c in await history_of(store)] == [(1, 5)]
    async with store.unit_of_work() as uow:
        assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 5)
    await store.fold()
    assert ids_in_history_file(store) == [1]


async def test_every_entry_reads_back_as_written_after_a_restart(tmp_path: Path) -> None:
    """Edits (an origin each), imports (one origin, many entries), quoted notes and undoes,
    in blocks of every size: the loader splits them by hand, in bulk."""
    random = Random(5)
    first = await opened(tmp_path / "inventory.csv")
    for group in range(200):
        note = random.choice([None, "recount", 'a "b"; c', "=SUM(A1)"])
        actor = random.choice(["alice", "bob", "Zoë", "+1;x"])
        import_id = f"{group:016x}" if group % 7 == 0 else None
        origin = Origin(EDIT_AT, actor, Cause.IMPORT if import_id else Cause.EDIT, note, import_id)
        size = random.choice([1, 1, 1, 2, 50, 1500])
        entries = [
            (
                random.randint(1, 40),
                DAY + dt.timedelta(days=random.randint(0, 900)),
                random.choice([None, random.randint(0, 10**6)]),
                random.choice([None, random.randint(0, 2**31 - 1)]),
                random.choice([None, None, random.randint(1, 10**9)]),
            )
            for _ in range(size)
        ]
        async with first.unit_of_work() as uow:
            await uow.changes.record(origin, entries)
            await uow.commit()
        if group % 70 == 69:
            await first.fold()
    expected = await every_entry(first)
    crash(first)  # the last groups are in the journal only
    async with reopened(first.path) as second:
        assert len(expected) > 20_000  # several blocks of the reader
        assert await every_entry(second) == expected
        async with second.unit_of_work() as uow:
            for product_id in (1, 17):
                query = ChangeQuery(product_ids=(product_id,), limit=1000)
                wanted = [c for c in reversed(expected) if c.product_id == product_id]
                assert await uow.changes.find(query) == wanted[:1000]


async def every_entry(store: CsvStorage) -> list[Change]:
    """The whole history, oldest first, a page at a time."""
    found: list[Change] = []
    async with store.unit_of_work() as uow:
        while page := await uow.changes.find(
            ChangeQuery(before_id=found[-1].id if found else None, limit=1000)
        ):
            found.extend(page)
    return list(reversed(found))
