"""A CSV commit cancelled while its files are written (the shutdown grace running out) is
finished before the store's locks are given back, and stands."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from adapters.csv_file import journal
from adapters.csv_file.storage import CsvStorage
from domain.model import Product


async def test_a_commit_cancelled_while_its_journal_is_written_is_finished_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = CsvStorage(tmp_path / "inventory.csv")
    await storage.open()
    writing, go_on = threading.Event(), threading.Event()
    append = journal.append

    def slow_append(*args: object) -> int:
        writing.set()
        assert go_on.wait(10)
        return append(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(journal, "append", slow_append)

    async def create() -> str:
        async with storage.unit_of_work() as uow:
            await uow.products.add(Product(1, "Lamp"))
            await uow.commit()
        return "committed"

    request = asyncio.create_task(create())
    assert await asyncio.to_thread(writing.wait, 10)
    request.cancel()  # as uvicorn does to requests still running when the grace ends
    await asyncio.sleep(0.05)
    closing = asyncio.create_task(storage.close())  # the lifespan's shutdown, right after
    await asyncio.sleep(0.05)
    assert not closing.done()  # it waits for the commit's files, not folds beside them
    go_on.set()
    assert await request == "committed"  # durable, so answered as done
    await closing
    monkeypatch.undo()

    reopened = CsvStorage(tmp_path / "inventory.csv")
    await reopened.open()
    try:
        async with reopened.unit_of_work() as uow:
            assert await uow.products.all() == [Product(1, "Lamp")]
    finally:
        await reopened.close()
