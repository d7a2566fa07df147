"""The journal beside the CSV file: each commit appended in the file's own row format.

Lines (the file's header comes first):

    7;Blue Widget;27-11-2026;42    set the level of product 7 on that date
    7;Blue Widget;27-11-2026;      remove that record
    7;Blue Widget;;                create product 7, or change it (rename it)
    7;Blue Widget;;;kg             the same for a product with a unit: any line naming a
                                   product ends with its unit when it has one
    7;;;                           delete product 7 with its records
    *;;;                           delete everything
    #+;2026-11-27T10:31:02.123456Z;edit;;alice;   the commit's history entries: lines of the
    #17;7;27-11-2026;40;42;                       history file (`history_file.py`) behind a `#`
    =;5;;1c291ca3                  end of a commit: its 5 lines and their CRC-32

A commit is one append and one fsync: its changes and their history entries land together.
A commit cut short by a crash has no valid end line and is dropped, entries included, when
the journal is read again: it was never acknowledged. No data line starts with `#` (they
start with a product id or `*`), and the history lines come after the data lines.
Blocking: call these off the event loop.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from adapters.csv_file.disk import fsync_folder, write_all
from adapters.memory.index import Change, Index
from domain import flat_rows
from domain.errors import StorageUnavailable
from domain.model import Product

HEADER = (flat_rows.HEADER_LINE + "\n").encode()
_END = re.compile(rb"^=;(\d+);;([0-9a-f]{8})\n", re.MULTILINE)


def journal_path(main: Path) -> Path:
    return main.with_name(main.name + ".journal")


def _line(change: Change) -> str:
    product = change.product
    if change.kind == "drop":
        return f"{change.product_id};;;\n"
    if product is None:
        return "*;;;\n"
    # The product's cells: journals written before units had four fields, and still read.
    head = f"{product.id};{flat_rows.quote_name(product.name)};"
    end = f";{flat_rows.quote_name(product.unit)}\n" if product.unit else "\n"
    date = flat_rows.format_date(change.date) if change.date else ""
    if change.kind == "set":
        return f"{head}{date};{change.level}{end}"
    return f"{head}{date};{end}"  # "unset" (with its date), or "product" (without)


def encode(changes: list[Change], entries: str = "") -> bytes:
    """One commit: its lines, its history lines (`entries`, each behind a `#`), the line
    sealing them."""
    body = ("".join(_line(change) for change in changes) + entries).encode()
    lines = body.count(b"\n")
    return body + f"=;{lines};;{zlib.crc32(body):08x}\n".encode()


def append(path: Path, commit: bytes) -> int:
    """Append a commit durably; the journal's size afterwards. A commit that fails (a full
    disk) is taken back before the error is raised, so that no reader ever replays it."""
    created = not path.exists()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None
    try:
        start = os.lseek(descriptor, 0, os.SEEK_END)
        data = commit if start else HEADER + commit
        try:
            write_all(descriptor, data)
            os.fsync(descriptor)
            if created:
                fsync_folder(path.parent)
        except OSError as error:
            _take_back(descriptor, start)
            raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None
        return start + len(data)
    finally:
        os.close(descriptor)


def _take_back(descriptor: int, size: int) -> None:
    """Cut a refused commit off, durably if the disk lets us: once cut, even a commit whose
    bytes all reached the disk before its fsync failed is never replayed."""
    with contextlib.suppress(OSError):
        os.ftruncate(descriptor, size)
        os.fsync(descriptor)


@dataclass(frozen=True, slots=True)
class Replayed:
    end: int  # offset just after the last whole commit
    changes: int
    torn: bool  # bytes after `end` that are not a whole commit
    history: bytes = b""  # the history lines of the commits replayed, without their `#`


def replay(path: Path, index: Index, offset: int) -> Replayed:
    """Apply the changes of every whole commit from `offset` on to the index; their history
    lines are returned for the caller to add (they are another file's format)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read()
    except FileNotFoundError:
        return Replayed(0, 0, False)
    position = len(HEADER) if offset == 0 and data.startswith(HEADER) else 0
    count = 0
    history: list[bytes] = []
    for end, body in _commits(data, position):
        changes, entries = _split(body)
        for change in _changes(changes.decode("utf-8")):
            index.replay(change)
            count += 1
        history.append(entries)
        position = end
    if count:
        index.rebuild_owners()
    return Replayed(offset + position, count, position < len(data), b"".join(history))


def history(path: Path) -> bytes:
    """The history lines, without their `#`, of every whole commit in the journal."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return b""
    except OSError as error:
        raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None
    position = len(HEADER) if data.startswith(HEADER) else 0
    return b"".join(_split(body)[1] for _, body in _commits(data, position))


def _split(body: bytes) -> tuple[bytes, bytes]:
    """A commit's data lines, and its history lines without their `#`."""
    if body.startswith(b"#"):
        start = 0
    else:
        start = body.find(b"\n#") + 1
        if not start:
            return body, b""
    return body[:start], body[start + 1 :].replace(b"\n#", b"\n")


def _commits(data: bytes, position: int) -> Iterator[tuple[int, bytes]]:
    """Each sealed commit after `position`: where it ends, and its lines."""
    for seal in _END.finditer(data, position):
        body = data[position : seal.start()]
        if body.count(b"\n") != int(seal[1]) or zlib.crc32(body) != int(seal[2], 16):
            return
        position = seal.end()
        yield position, body


def _changes(text: str) -> Iterator[Change]:
    for fields in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        product_text, name, date, level = fields[:4]
        when = flat_rows.parse_date(date) if date else None
        if product_text == "*":
            yield Change("clear")
            continue
        product_id = int(product_text)
        if not name:
            yield Change("drop", product_id)
            continue
        product = Product(product_id, name, fields[4] if len(fields) > 4 else "")
        if when is None:
            yield Change("product", product_id, product)
        elif level:
            yield Change("set", product_id, product, when, int(level))
        else:
            yield Change("unset", product_id, product, when)


def cut(path: Path, size: int) -> None:
    """Drop what follows `size` (a torn commit, or everything once folded into the file)."""
    try:
        with open(path, "r+b") as handle:
            handle.truncate(size)
            handle.flush()
            os.fsync(handle.fileno())
    except FileNotFoundError:
        return
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None
