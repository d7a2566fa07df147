"""The few calls through which the CSV store's files reach the disk. Blocking.

Every byte the store writes goes through `os.write` here, and nowhere through a buffered
file object: a full disk answers ENOSPC to the call that wrote, which can then take back what
it began, where a buffered file would raise it again from `close()` or from `truncate()`
(which flushes first), after the caller had tried to clean up.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

BATCH_CHARS = 1 << 20  # text is encoded and written this much at a time
CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


def write_all(descriptor: int, data: bytes) -> None:
    """Write all of `data`: `os.write` may write less (a disk filling up) before it fails."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def write_text(descriptor: int, chunks: Iterable[str]) -> None:
    """Write text as UTF-8, gathered into batches of about a megabyte."""
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size >= BATCH_CHARS:
            write_all(descriptor, "".join(batch).encode())
            batch, size = [], 0
    if batch:
        write_all(descriptor, "".join(batch).encode())


def write_file(path: Path, chunks: Iterable[str]) -> None:
    """Create (or empty) `path`, write the text and fsync it; on failure remove what was
    written, so that a full disk gets its space back."""
    try:
        descriptor = os.open(path, CREATE, 0o666)
        try:
            write_text(descriptor, chunks)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError:
        remove(path)
        raise


def remove(path: Path) -> None:
    """Remove a half-written file we are giving up on, if we can (nothing reads it)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
