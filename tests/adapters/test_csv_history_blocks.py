"""The CSV store's history read from its file a block at a time (`StoredChanges`) answers every
query exactly as the in-memory `ChangeLog` does, over generated histories on a real file."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.csv_file import history_blocks
from adapters.csv_file.history_format import HEADER_LINE
from adapters.csv_file.history_index import refresh
from adapters.csv_file.history_writer import lines
from adapters.csv_file.stored_changes import StoredChanges
from adapters.memory.changes import ChangeLog
from domain.changes import Cause, ChangeQuery, LevelChange, Origin

START = dt.date(2026, 1, 1)
AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ACTORS = ["alice", "bob", 'a;"b"']  # the last one quoted in the file
IMPORTS = ["a", "b"]


@st.composite
def origins(draw: st.DrawFn) -> Origin:
    cause = draw(st.sampled_from(list(Cause)))
    import_id = draw(st.sampled_from(IMPORTS)) if cause is not Cause.EDIT else None
    note = draw(st.sampled_from([None, "n", "=1;2"]))
    seconds = draw(st.integers(0, 10**6))
    actor = draw(st.sampled_from(ACTORS))
    return Origin(AT + dt.timedelta(seconds=seconds), actor, cause, note, import_id)


def entries(count: int) -> st.SearchStrategy[list[LevelChange]]:
    levels = st.none() | st.integers(0, 50)
    entry = st.tuples(
        st.integers(1, 6),
        st.integers(0, 20).map(lambda n: START + dt.timedelta(days=n)),
        levels,
        levels,
        st.none() | st.integers(1, 40),
    )
    return st.lists(entry, min_size=1, max_size=count)


writes = st.lists(st.tuples(origins(), entries(12)), min_size=1, max_size=12)


@st.composite
def queries(draw: st.DrawFn) -> ChangeQuery:
    start = draw(st.none() | st.integers(0, 22).map(lambda n: START + dt.timedelta(days=n)))
    end = draw(st.none() | st.integers(0, 22).map(lambda n: START + dt.timedelta(days=n)))
    return ChangeQuery(
        product_ids=tuple(draw(st.lists(st.integers(1, 7), max_size=3))),
        start=start,
        end=end,
        actor=draw(st.none() | st.sampled_from([*ACTORS, "nobody"])),
        before_id=draw(st.none() | st.integers(1, 160)),
        limit=draw(st.integers(1, 30)),
    )


def in_memory(history: list[tuple[Origin, list[LevelChange]]]) -> ChangeLog:
    log = ChangeLog()
    for origin, changes in history:
        log.append(origin, changes)
    return log


def on_disk(
    folder: Path, history: list[tuple[Origin, list[LevelChange]]], folded: int
) -> StoredChanges:
    """The first `folded` writes in a history file, indexed in blocks; the rest in memory."""
    path = folder / "inventory.csv.changes"
    log = in_memory(history[:folded])
    text = "".join(lines(log, 0, len(log)))
    path.write_text(HEADER_LINE + "\n" + text, encoding="utf-8")
    changes = StoredChanges(path, refresh(path, None))
    for origin, entries_ in history[folded:]:
        changes.append(origin, entries_)
    return changes


@settings(max_examples=150, deadline=None)
@given(writes, st.data())
def test_the_log_on_disk_answers_as_the_log_in_memory(
    history: list[tuple[Origin, list[LevelChange]]], data: st.DataObject
) -> None:
    expected = in_memory(history)
    folded = data.draw(st.integers(0, len(history)), "folded")
    block_bytes = data.draw(st.sampled_from([1, 60, 200, 1 << 17]), "block bytes")
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(history_blocks, "BLOCK_BYTES", block_bytes)
        patch.setattr(history_blocks, "PRODUCTS_KEPT", data.draw(st.sampled_from([1, 256])))
        stored = on_disk(Path(folder), history, folded)
        assert len(stored) == len(expected)
        for change_id in range(-1, len(expected) + 2):
            assert stored.get(change_id) == expected.get(change_id), change_id
        for query in data.draw(st.lists(queries(), min_size=1, max_size=8), "queries"):
            assert stored.find(query) == expected.find(query), query
        for import_id in [*IMPORTS, "zz"]:
            after = data.draw(st.integers(0, len(expected) + 1), "after")
            limit = data.draw(st.integers(1, 40), "limit")
            found = stored.of_import(import_id, after, limit)
            assert found == expected.of_import(import_id, after, limit), (import_id, after)


@settings(max_examples=50, deadline=None)
@given(writes, st.data())
def test_a_rollback_takes_back_what_was_added_since_the_mark(
    history: list[tuple[Origin, list[LevelChange]]], data: st.DataObject
) -> None:
    marked = data.draw(st.integers(0, len(history)), "marked")
    with tempfile.TemporaryDirectory() as folder:
        stored = on_disk(Path(folder), history[:marked], data.draw(st.integers(0, marked)))
        stored.mark()
        for origin, changes in history[marked:]:
            stored.append(origin, changes)
        stored.rollback()
        expected = in_memory(history[:marked])
        assert len(stored) == stored.marked == len(expected)
        assert stored.find(ChangeQuery(limit=1000)) == expected.find(ChangeQuery(limit=1000))
