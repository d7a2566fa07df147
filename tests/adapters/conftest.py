"""Every adapter runs the same contract suite: add a backend to STORAGES to enroll it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from adapters.storage import Storage, storage_from_url

StorageMaker = Callable[[Path], str]

STORAGES: dict[str, StorageMaker] = {
    "memory": lambda tmp: "memory://",
    "csv": lambda tmp: f"csv:///{tmp}/inventory.csv",
}


@pytest.fixture(params=sorted(STORAGES))
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    url = STORAGES[request.param](tmp_path)
    opened = storage_from_url(url)
    await opened.open()
    yield opened
    await opened.close()
