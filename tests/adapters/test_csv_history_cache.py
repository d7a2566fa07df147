"""The block index of the CSV store's history file, kept beside it as a cache
(`inventory.csv.changes.index`): a start reads it instead of the history file, and one that is
missing, stale, torn or lying is noticed and made again from the file, the one truth."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from adapters.csv_file import history_blocks, history_index
from adapters.csv_file.history_blocks import Block
from adapters.csv_file.history_index import index_path
from adapters.csv_file.storage import CsvStorage
from adapters.csv_file.stored_changes import stored
from domain import services, transfer
from domain.changes import Author, Change, ChangeQuery
from domain.errors import StorageUnavailable
from domain.flat_rows import FlatRow
from tests.adapters.test_csv_file import (
    crash,
    history_of,
    ids_in_history_file,
    opened,
    reopened,
)

DAY = dt.date(2025, 3, 1)
EDITS = 40


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few entries, so that these small histories span many."""
    monkeypatch.setattr(history_blocks, "BLOCK_BYTES", 200)


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The byte each scan of the history file starts from."""
    offsets: list[int] = []
    scan = history_index.scan

    def spy(path: Path, blocks: list[Block], offset: int) -> int:
        offsets.append(offset)
        return scan(path, blocks, offset)

    monkeypatch.setattr(history_index, "scan", spy)
    return offsets


async def edits(store: CsvStorage, count: int, first_level: int = 0) -> None:
    for n in range(count):
        author = Author(["alice", "bob"][n % 2])
        await services.set_level(
            store.unit_of_work(), 1 + n % 3, DAY, first_level + n, author=author
        )


async def a_closed_store(path: Path) -> list[Change]:
    """A store with an import and EDITS edits, all folded into the history file; its history."""
    store = await opened(path)
    rows = [FlatRow(p, f"P{p}", DAY + dt.timedelta(days=d), d) for p in (1, 2, 3) for d in range(9)]
    await transfer.import_rows(store.unit_of_work(), rows)
    await edits(store, EDITS)
    history = await history_of(store)
    await store.close()
    assert len(stored(store.index).indexed.blocks) > 10
    return history


async def test_a_start_reads_the_index_and_not_the_history_file(
    tmp_path: Path, scans: list[int]
) -> None:
    history = await a_closed_store(tmp_path / "inventory.csv")
    scans.clear()
    async with reopened(tmp_path / "inventory.csv") as store:
        assert await history_of(store) == history
        assert scans == []


async def test_a_missing_index_is_made_again_by_one_scan(tmp_path: Path, scans: list[int]) -> None:
    history = await a_closed_store(path := tmp_path / "inventory.csv")
    index = index_path(path.with_name("inventory.csv.changes"))
    made = index.read_bytes()
    index.unlink()
    scans.clear()
    async with reopened(path) as store:
        assert await history_of(store) == history
        assert scans == [0]
    assert index.read_bytes() == made


def _garbage(text: bytes) -> bytes:
    return b"\x00\xff not json"


def _torn(text: bytes) -> bytes:
    return text[: len(text) // 2]


def _wrong_checksum(text: bytes) -> bytes:
    data = json.loads(text)
    data["checksum"] += 1
    return json.dumps(data).encode()


def _other_version(text: bytes) -> bytes:
    data = json.loads(text)
    data["version"] = 99
    return json.dumps(data).encode()


def _shifted_blocks(text: bytes) -> bytes:  # the checksum still matches its last block
    data = json.loads(text)
    data["blocks"] = [[row[0] + 1, *row[1:]] for row in data["blocks"][:-1]] + data["blocks"][-1:]
    return json.dumps(data).encode()


@pytest.mark.parametrize("damage", [_garbage, _torn, _wrong_checksum, _other_version])
async def test_a_damaged_index_is_ignored_and_made_again(
    tmp_path: Path, scans: list[int], damage: object
) -> None:
    history = await a_closed_store(path := tmp_path / "inventory.csv")
    index = index_path(path.with_name("inventory.csv.changes"))
    made = index.read_bytes()
    assert callable(damage)
    index.write_bytes(damage(made))
    scans.clear()
    async with reopened(path) as store:
        assert await history_of(store) == history
        assert scans == [0]
    assert index.read_bytes() == made


async def test_an_index_whose_blocks_lie_is_refused_when_a_block_is_read(tmp_path: Path) -> None:
    await a_closed_store(path := tmp_path / "inventory.csv")
    index = index_path(path.with_name("inventory.csv.changes"))
    index.write_bytes(_shifted_blocks(index.read_bytes()))
    async with reopened(path) as store:
        with pytest.raises(StorageUnavailable, match="no longer holds changes"):
            await history_of(store)
        assert not index.exists()  # so that the next start scans the file
    async with reopened(path) as store:
        assert len(await history_of(store)) == 27 + EDITS


async def test_a_stale_index_is_extended_over_what_was_appended_since(
    tmp_path: Path, scans: list[int]
) -> None:
    await a_closed_store(path := tmp_path / "inventory.csv")
    history_path = path.with_name("inventory.csv.changes")
    index = index_path(history_path)
    old, covered = index.read_bytes(), history_path.stat().st_size
    async with reopened(path) as store:
        await edits(store, 10, 100)
        history = await history_of(store)
    index.write_bytes(old)  # as a crash before the cache was written again would leave it
    scans.clear()
    async with reopened(path) as store:
        assert await history_of(store) == history
        assert scans == [covered]  # only what was appended since


async def test_a_history_file_cut_short_is_read_afresh(tmp_path: Path, scans: list[int]) -> None:
    history = await a_closed_store(path := tmp_path / "inventory.csv")
    history_path = path.with_name("inventory.csv.changes")
    text = history_path.read_bytes()
    kept = [change for change in history if change.id <= 30]
    history_path.write_bytes(text[: text.index(b"\n31;") + 1])
    scans.clear()
    async with reopened(path) as store:
        assert await history_of(store) == kept
        assert scans == [0]


async def test_a_history_file_changed_in_its_last_block_is_read_afresh(
    tmp_path: Path, scans: list[int]
) -> None:
    await a_closed_store(path := tmp_path / "inventory.csv")
    history_path = path.with_name("inventory.csv.changes")
    text = history_path.read_bytes()
    at = text.rindex(b";alice;")
    history_path.write_bytes(text[:at] + b";alicf;" + text[at + 7 :])  # the same size
    scans.clear()
    async with reopened(path) as store:
        assert (await history_of(store))[-2].origin.actor == "alicf"
        assert scans == [0]


async def test_another_store_sees_what_a_fold_appended_and_reads_its_blocks(
    tmp_path: Path, scans: list[int]
) -> None:
    await a_closed_store(path := tmp_path / "inventory.csv")
    async with reopened(path) as first, reopened(path) as second:
        before = second.history.stat().st_size
        await edits(first, 10, 200)
        await first.fold()
        scans.clear()
        await services.set_level(second.unit_of_work(), 1, DAY, 999)
        assert scans == [before]  # the tail its fold appended, and nothing before it
        history = await history_of(first)
        assert await history_of(second) == history
        async with second.unit_of_work() as uow:
            assert (await uow.changes.get(1)) == history[0]
            found = await uow.changes.find(ChangeQuery(product_ids=(2,), actor="bob", limit=3))
        assert [c.new_level for c in found] == [207, 201, 37]  # in its fold, and before


async def test_a_crash_mid_append_leaves_the_index_over_whole_entries_only(
    tmp_path: Path,
) -> None:
    await a_closed_store(path := tmp_path / "inventory.csv")
    store = await opened(path)
    await edits(store, 3, 300)
    crash(store)  # the three are in the journal
    history_path = path.with_name("inventory.csv.changes")
    whole = history_path.read_bytes()
    history_path.write_bytes(whole + b"+;2026-11-27T10:31:02.123456Z;edit;;alice;\n68;1;01-0")
    async with reopened(path) as second:  # the torn append is cut and written whole again
        history = await history_of(second)
        assert [c.new_level for c in history[-3:]] == [300, 301, 302]
        assert ids_in_history_file(second) == list(range(1, 27 + EDITS + 4))
        indexed = stored(second.index).indexed
        assert indexed.end == history_path.stat().st_size
    async with reopened(path) as third:
        assert await history_of(third) == history


async def test_the_index_stays_small_and_no_folded_entry_stays_in_memory(tmp_path: Path) -> None:
    await a_closed_store(path := tmp_path / "inventory.csv")
    async with reopened(path) as store:
        changes = stored(store.index)
        assert len(changes.recent) == 0
        assert changes.base == 27 + EDITS
        assert index_path(changes.history).stat().st_size < changes.indexed.end
