"""Reading and durably replacing the CSV file. Blocking: call these off the event loop."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from adapters.csv_file import disk, loader
from adapters.csv_file.disk import fsync_folder
from adapters.memory.index import Index
from domain import flat_columns, flat_lines, flat_rows
from domain.errors import StorageUnavailable
from domain.flat_rows import FlatRow


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
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise StorageUnavailable(f"{path} is not valid UTF-8") from None
    del data
    return loader.load_text(text, str(path), _add)


def _add(index: Index, row: FlatRow) -> str | None:
    """Put a row of the file in the index, or say why the file is inconsistent."""
    product_id = row.product_id
    known = index.products.get(product_id)
    if known is None:
        owner = index.hold_name(product_id, row.product_name)
        # Names equal in letter case were never allowed twice: the file was edited by hand.
        # Names equal only under today's wider key (width, composition) were: they still read.
        if owner != product_id and _cased(index.products[owner].name) == _cased(row.product_name):
            return f"the name {row.product_name!r} belongs to product {owner} too"
        index.products[product_id] = row.product()
        index.levels[product_id] = {}
    elif known.name != row.product_name:
        return f"product {product_id} is named {known.name!r} on an earlier line"
    elif known.unit != (row.unit or ""):
        return f"product {product_id} has the unit {known.unit!r} on an earlier line"
    if row.date is not None and row.level is not None:
        levels = index.levels[product_id]
        if row.date in levels:
            return f"product {product_id} on {flat_rows.format_date(row.date)} appears twice"
        levels[row.date] = row.level
    return None


def _cased(name: str) -> str:
    """The key names had before name_key folded width and composition (casefold alone)."""
    return name.casefold()


def text_of(index: Index) -> Iterator[str]:
    """The index in the file's format, a product at a time: by product id, then date.

    Written straight from the index (the domain's quoting and date format, no row objects):
    a fold of a million rows is this loop. A unit column only when some product has a unit.
    """
    layout = flat_columns.written_for(index.products.values())
    yield layout.header_line + "\n"
    dates: dict[dt.date, str] = {}
    for product_id in sorted(index.products):
        prefix, end = flat_lines.product_cells(index.products[product_id], layout)
        levels = index.levels[product_id]
        if not levels:
            yield f"{prefix};{end}"
            continue
        yield "".join(
            [
                f"{prefix}{dates.get(day) or dates.setdefault(day, flat_rows.format_date(day))}"
                f";{levels[day]}{end}"
                for day in sorted(levels)
            ]
        )


def temporary_path(path: Path) -> Path:
    """Where a new file is written before it is fsynced and renamed to `ready_path`."""
    return path.with_name(path.name + ".tmp")


def ready_path(path: Path) -> Path:
    """Where a complete new file waits, fsynced, before it replaces the old one."""
    return path.with_name(path.name + ".ready")


def write_ready(path: Path, index: Index) -> Stamp:
    """Write the index to a temporary file, fsync it, then rename it to `ready_path`; the
    ready file's stamp, which the file will keep once renamed into place.

    A crash while writing leaves only the temporary file, which nothing reads; a file
    under the ready name is always whole. A failure (a full disk) leaves neither behind: the
    ready file is the commit, which must not happen after its error was answered.
    """
    temporary, ready = temporary_path(path), ready_path(path)
    try:
        disk.write_file(temporary, text_of(index))
        os.replace(temporary, ready)
    except OSError as error:
        disk.remove(temporary)
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None
    try:
        stamp = stamp_of(ready)
        fsync_folder(path.parent)
    except OSError as error:
        discard_ready(path)
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None
    assert stamp is not None
    return stamp


def discard_ready(path: Path) -> None:
    """Take back a fold whose ready file waits, durably: the old file and its journal stand.
    Only before the journal is emptied, which the ready file then alone holds."""
    try:
        ready_path(path).unlink(missing_ok=True)
        fsync_folder(path.parent)
    except OSError as error:
        raise StorageUnavailable(f"cannot remove {ready_path(path)}: {error.strerror}") from None


def publish_ready(path: Path) -> Stamp:
    """Rename the ready file over the old one (atomic), fsync the folder."""
    try:
        os.replace(ready_path(path), path)
        fsync_folder(path.parent)
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None
    stamp = stamp_of(path)
    assert stamp is not None
    return stamp
