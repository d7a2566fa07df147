"""The change history beside the CSV file: `inventory.csv.changes`, append-only.

Its lines are `history_format`'s; `history_reader` reads them in bulk, `history_writer` writes
them. This module keeps the file itself: the pending file of a large commit, appending a
fold's entries, taking back a withdrawn commit's.

The file only grows, and only while a journal fold is committed (see `storage.py`); the
journal carries the same lines, each behind a `#`, inside its sealed commits. Every writer
appends only the entries whose ids are above the file's last one, so finishing an append
that a crash interrupted never writes an entry twice.
Blocking: call these off the event loop.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from adapters.csv_file import disk
from adapters.csv_file.disk import fsync_folder
from adapters.csv_file.history_format import HEADER, HEADER_LINE, ORIGIN
from adapters.csv_file.history_reader import READ_BYTES, after_last_entry
from domain.errors import StorageUnavailable


def history_path(main: Path) -> Path:
    return main.with_name(main.name + ".changes")


def pending_path(main: Path) -> Path:
    """Where a commit too large for the journal puts its entries before its ready file."""
    return main.with_name(main.name + ".changes.pending")


def write_pending(main: Path, entries: Iterable[str]) -> None:
    """Put the lines of a commit's entries in the pending file, durably; on failure leave
    none behind (a full disk gets its space back).

    Its folder entry is made durable by the fsync of the folder that follows when the ready
    file is renamed into place, before anything relies on it.
    """
    path = pending_path(main)
    try:
        disk.write_file(path, chain([HEADER_LINE + "\n"], entries))
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None


def discard_pending(main: Path) -> None:
    """A pending file without a ready file is a commit that never happened."""
    path = pending_path(main)
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise StorageUnavailable(f"cannot remove {path}: {error.strerror}") from None


@dataclass(frozen=True, slots=True)
class Settled:
    start: int  # where the file's last entry line ended before
    end: int  # and where it ends now
    last: int  # the id of that entry now


def settle(main: Path, from_journal: bytes) -> Settled | None:
    """Append the entries of a fold that the history file lacks, durably: first those of the
    journal's commits (`from_journal`, their lines without the `#`), then those of the
    pending file. Run while the fold's ready file waits, so that a crash at any point leaves
    everything to do again, and nothing twice. None when there was nothing to add."""
    path, pending = history_path(main), pending_path(main)
    if not from_journal and not pending.exists():
        return None
    try:
        with open(os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666), "rb") as history:
            descriptor = history.fileno()  # read through `history`, written through this
            last, start = _tail(history, path)
            if os.fstat(descriptor).st_size > start:  # a torn append: its entries come again
                os.ftruncate(descriptor, start)
            if not start:
                disk.write_all(descriptor, HEADER)
            last = _append(descriptor, from_journal, last, path)
            last = _append_file(descriptor, pending, last, path)
            os.fsync(descriptor)
            end = os.fstat(descriptor).st_size
        # The file's folder entry too: whoever created it may have crashed before doing so,
        # and the journal is emptied next. One more fsync per fold.
        fsync_folder(path.parent)
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None
    return Settled(start, end, last)


def drop_pending(main: Path) -> None:
    """Remove the pending file once `settle` copied it: a large commit's point of no return,
    after which its fold is finished, never taken back (`cut_from` needs the pending file)."""
    path = pending_path(main)
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise StorageUnavailable(f"cannot remove {path}: {error.strerror}") from None
    # Made durable before the journal is emptied, if the disk lets us; past this point the
    # fold goes on whatever happens, and the folder is fsynced again once the file is in place.
    with contextlib.suppress(OSError):
        fsync_folder(path.parent)


def _append(history: int, text: bytes, last: int, path: Path) -> int:
    """Write the entries of whole history lines `text` above id `last`; the new last id."""
    if not text:
        return last
    first, final = _first_id(text, path), _last_id(text, path)
    if final <= last:
        return last
    if first > last + 1:
        raise StorageUnavailable(
            f"{path} ends at change {last}, but the changes to add begin at {first}: "
            "the history file lost entries"
        )
    if first <= last:  # written already up to `last`: a crash came before the journal's cut
        cut = text.find(b"\n%d;" % (last + 1)) + 1
        if not cut:
            raise StorageUnavailable(f"{path}: change {last + 1} is missing from what to add")
        origin = text.rfind(b"\n" + ORIGIN.encode(), 0, cut) + 1
        text = text[origin : text.index(b"\n", origin) + 1] + text[cut:]
    disk.write_all(history, text)
    return final


def _append_file(history: int, source: Path, last: int, path: Path) -> int:
    try:
        pending = open(source, "rb")  # noqa: SIM115 - closed by `with` below; may be absent
    except FileNotFoundError:
        return last
    with pending:
        if pending.read(len(HEADER)) != HEADER:
            raise StorageUnavailable(f"{source} is not a history file")
        head = pending.read(READ_BYTES)
        if not head:
            return last
        final, _ = _tail(pending, source)
        if final > last and _first_id(head, source) == last + 1:  # the usual case: all of it
            disk.write_all(history, head)
            pending.seek(len(HEADER) + len(head))
            while chunk := pending.read(READ_BYTES):
                disk.write_all(history, chunk)
            return final
        pending.seek(len(HEADER))
        return _append(history, pending.read(), last, path)


def first_pending_id(main: Path) -> int | None:
    """The id of the first entry in the pending file: where a large commit's entries begin."""
    try:
        with open(pending_path(main), "rb") as pending:
            head = pending.read(len(HEADER) + READ_BYTES)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageUnavailable(f"cannot read {pending_path(main)}: {error.strerror}") from None
    return _first_id(head[len(HEADER) :], pending_path(main)) or None


def holds(main: Path, from_journal: bytes) -> bool:
    """Whether the history file holds every entry of `from_journal` already, and no pending
    file waits: a fold got past the point where it can be taken back."""
    path = history_path(main)
    if pending_path(main).exists():
        return False
    if not from_journal:
        return True
    try:
        with open(path, "rb") as history:
            last, _ = _tail(history, path)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None
    return _last_id(from_journal, path) <= last


def cut_from(main: Path, change_id: int) -> None:
    """Take out of the history file, durably, the entries from `change_id` on (with the
    origin line before them) and any torn append: those of a large commit withdrawn."""
    path = history_path(main)
    try:
        with open(path, "r+b") as history:
            last, end = _tail(history, path)
            if last >= change_id:
                end = _start_of_run(history, change_id, path)
            if history.seek(0, os.SEEK_END) > end:
                history.truncate(end)
                os.fsync(history.fileno())
    except FileNotFoundError:
        return
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None


def _start_of_run(history: BinaryIO, change_id: int, path: Path) -> int:
    """Where the line of entry `change_id` begins, or the origin line just before it.
    Searched backwards from the end, which it is near, a block at a time."""
    needle = b"\n%d;" % change_id
    end = history.seek(0, os.SEEK_END)
    while end > 0:
        start = max(0, end - READ_BYTES)
        history.seek(start)
        data = history.read(end - start + len(needle))  # overlapping the block after
        found = data.rfind(needle)
        if found >= 0:
            line = data.rfind(b"\n", 0, found) + 1
            return start + (line if line and data.startswith(ORIGIN.encode(), line) else found + 1)
        end = start
    raise StorageUnavailable(f"{path}: change {change_id} is not where its commit put it")


def _first_id(text: bytes, path: Path) -> int:
    """The id of the first entry line of history text (0: there is none)."""
    start = 0
    while start < len(text) and text.startswith(ORIGIN.encode(), start):
        start = text.index(b"\n", start) + 1
    if start >= len(text):
        return 0
    return _id_of(text[start : text.find(b";", start)], path)


def _last_id(text: bytes, path: Path) -> int:
    """The id of the last entry line of history text (0: there is none)."""
    end = after_last_entry(text)
    if not end:
        return 0
    start = text.rfind(b"\n", 0, end - 1) + 1
    return _id_of(text[start : text.find(b";", start)], path)


def _id_of(text: bytes, path: Path) -> int:
    if not (text.isdigit() and len(text) < 20):
        raise StorageUnavailable(f"{path}: {text[:40]!r} is not the id of a change")
    return int(text)


def _tail(handle: BinaryIO, path: Path) -> tuple[int, int]:
    """The last id of a history file and where its last entry line ends (after the header
    when it has none; 0 when it is empty). What follows is a torn append: a partial line, or
    an origin line whose entries never made it."""
    size = handle.seek(0, os.SEEK_END)
    span = 1 << 16
    while True:
        start = max(0, size - span)
        handle.seek(start)
        data = handle.read(size - start)
        end = data.rfind(b"\n") + 1
        while end:
            line = data.rfind(b"\n", 0, end - 1) + 1
            if line == 0 and start > 0:  # may begin before what was read
                break
            if data[line : line + 1].isdigit():
                return _id_of(data[line : data.find(b";", line)], path), start + end
            end = line
        if start == 0:
            if data.startswith(HEADER):
                return 0, len(HEADER)
            if HEADER.startswith(data):  # the header itself was torn: the file is empty
                return 0, 0
            raise StorageUnavailable(f"{path} line 1: the first line must be {HEADER_LINE!r}")
        span *= 4
