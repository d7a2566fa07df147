"""Reading and durably replacing the CSV file. Blocking: call these off the event loop."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from adapters.memory.index import Index
from domain import flat_rows
from domain.errors import InvalidValue, StorageUnavailable
from domain.flat_rows import FlatRow
from domain.transfer import find_conflicts


@dataclass(frozen=True, slots=True)
class Stamp:
    """What tells that the file changed on disk since we read it."""

    inode: int
    size: int
    mtime_ns: int


def stamp_of(path: Path) -> Stamp | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return Stamp(status.st_ino, status.st_size, status.st_mtime_ns)


def load(path: Path) -> Index:
    """The file's content as an index; an absent file is an empty store."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Index()
    except OSError as error:
        raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None
    try:
        rows, errors = flat_rows.parse(flat_rows.decode(data))
    except InvalidValue as error:
        raise StorageUnavailable(f"{path}: {error}") from None
    errors = errors or find_conflicts(rows, {})
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more bad lines)" if len(errors) > 1 else ""
        raise StorageUnavailable(f"{path} line {first.line}: {first.message}{more}")
    return _index_of(rows)


def _index_of(rows: list[FlatRow]) -> Index:
    index = Index()
    for row in rows:
        if row.product_id not in index.names:
            index.add_product(row.product_id, row.product_name)
        if row.date is not None and row.level is not None:
            index.levels[row.product_id][row.date] = row.level
    index.record_total = sum(len(levels) for levels in index.levels.values())
    index.forget_undo()
    return index


def rows_of(index: Index) -> Iterator[FlatRow]:
    """The index in file order: by product id, then date."""
    for product_id in sorted(index.names):
        name, levels = index.names[product_id], index.levels[product_id]
        if not levels:
            yield FlatRow(product_id, name, None, None)
        for date in sorted(levels):
            yield FlatRow(product_id, name, date, levels[date])


def replace_atomically(path: Path, index: Index) -> Stamp:
    """Write a temporary file, fsync it, rename it over the old one, fsync the folder.

    A crash at any instant leaves either the old file or the new one, never a mix.
    """
    temporary = path.with_name(path.name + ".tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="") as handle:
            for chunk in flat_rows.format_rows(rows_of(index)):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None
    stamp = stamp_of(path)
    assert stamp is not None
    return stamp
