"""The block index of the history file, kept beside it (`inventory.csv.changes.index`) so that
a start reads the summaries instead of scanning the whole file.

A cache, derived from the history file alone: it may be deleted at any time, and one that does
not match the file is ignored and written again. It records how much of the file it covers
and a checksum of its last block; a file longer than that is indexed from there on (another
process's fold appended to it), and one that is shorter or whose last covered block differs
(replaced, truncated, edited) is scanned afresh. Blocking: call these off the event loop.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from adapters.csv_file import disk
from adapters.csv_file.history_blocks import Block, scan
from adapters.csv_file.history_format import origin_fields, origin_line, parse_origin
from domain.changes import Origin
from domain.errors import StorageUnavailable

VERSION = 1
logger = logging.getLogger(__name__)


def index_path(history: Path) -> Path:
    return history.with_name(history.name + ".index")


@dataclass
class Indexed:
    """What of the history file is indexed: its blocks, up to byte `end`, of file `inode`;
    `checksum`: the CRC-32 of the bytes of the last block (the header when none)."""

    blocks: list[Block] = field(default_factory=list)
    end: int = 0
    inode: int | None = None
    checksum: int | None = None

    @property
    def last(self) -> int:
        return self.blocks[-1].last if self.blocks else 0

    @property
    def last_start(self) -> int:
        return self.blocks[-1].offset if self.blocks else 0


def refresh(history: Path, known: Indexed | None) -> Indexed:
    """The index of the history file as it is now, from `known` (what this process indexed
    before) or else the cache, extended over what was appended since; scanned afresh when
    neither fits. The cache is written again whenever something was added."""
    try:
        stat = os.stat(history)
    except FileNotFoundError:
        return Indexed()
    except OSError as error:
        raise StorageUnavailable(f"cannot read {history}: {error.strerror}") from None
    start = known if known is not None and _fits(history, known, stat) else None
    if start is None:
        cached = load(index_path(history))
        start = cached if cached is not None and _fits(history, cached, stat) else Indexed()
    if start.end == stat.st_size:
        return Indexed(start.blocks, start.end, stat.st_ino, start.checksum)
    blocks = list(start.blocks)
    try:
        end = scan(history, blocks, start.end)
    except StorageUnavailable:
        if not start.end:
            raise
        # What we indexed and the file part ways (a fold that failed after its history
        # append was taken back): the file is the truth.
        blocks = []
        end = scan(history, blocks, 0)
    indexed = Indexed(blocks, end, stat.st_ino)
    indexed.checksum = _checksum(history, indexed)
    if end != start.end or start is not known:
        save(history, indexed)
    return indexed


def _fits(history: Path, indexed: Indexed, stat: os.stat_result) -> bool:
    if indexed.inode is not None and indexed.inode != stat.st_ino:
        return False
    if stat.st_size < indexed.end or indexed.checksum is None:
        return False
    return _checksum(history, indexed) == indexed.checksum


def _checksum(history: Path, indexed: Indexed) -> int | None:
    try:
        with open(history, "rb") as handle:
            handle.seek(indexed.last_start)
            return zlib.crc32(handle.read(indexed.end - indexed.last_start))
    except OSError:
        return None


# The cache file: JSON, origins kept once each as history lines.


def save(history: Path, indexed: Indexed) -> None:
    """Write the cache atomically (a new file renamed over the old). Not fsynced: a cache a
    crash tore is ignored and written again. A failure (a full disk) only costs a scan, so
    it is written the ordinary way, not through `disk`: it is no part of any commit, which
    may be answered as done by then."""
    origins: dict[Origin, int] = {}

    def number(origin: Origin | None) -> int:
        return -1 if origin is None else origins.setdefault(origin, len(origins))

    rows = [
        [
            block.offset,
            block.end,
            block.first,
            block.count,
            number(block.opening),
            number(block.closing),
            *block.days,
            *block.product_range,
            None if block.products is None else block.products.tolist(),
            sorted(block.actors),
            sorted(block.imports),
        ]
        for block in indexed.blocks
    ]
    text = json.dumps(
        {
            "version": VERSION,
            "end": indexed.end,
            "checksum": indexed.checksum,
            "origins": [origin_line(origin)[:-1] for origin in origins],
            "blocks": rows,
        },
        separators=(",", ":"),
    )
    path = index_path(history)
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_bytes(text.encode())
        os.replace(temporary, path)
    except OSError as error:
        disk.remove(temporary)
        logger.info("could not write %s (it is only a cache): %s", path, error.strerror)


def forget(history: Path) -> None:
    """Remove the cache: the file no longer reads as it says."""
    with contextlib.suppress(OSError):
        index_path(history).unlink(missing_ok=True)


def load(path: Path) -> Indexed | None:
    """The cache as written, or None when it is missing or unreadable."""
    try:
        data = json.loads(path.read_bytes())
        if data["version"] != VERSION:
            return None
        origins = [parse_origin(origin_fields(line, 1), 1) for line in data["origins"]]
        blocks = [_block(row, origins) for row in data["blocks"]]
        return Indexed(blocks, int(data["end"]), None, int(data["checksum"]))
    except FileNotFoundError:
        return None
    except Exception as error:
        logger.info("ignoring the history index %s: %s", path, error)
        return None


def _block(row: list[object], origins: list[Origin]) -> Block:
    (
        offset,
        end,
        first,
        count,
        opening,
        closing,
        day1,
        day2,
        low,
        high,
        products,
        actors,
        imports,
    ) = row
    return Block(
        _int(offset),
        _int(end),
        _int(first),
        _int(count),
        None if opening == -1 else origins[_int(opening)],
        origins[_int(closing)],
        (_int(day1), _int(day2)),
        (_int(low), _int(high)),
        None if products is None else array("q", map(_int, _list(products))),
        frozenset(map(_text, _list(actors))),
        frozenset(map(_text, _list(imports))),
    )


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"{value!r} is not a list")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a text")
    return value


def _int(value: object) -> int:
    if type(value) is not int:
        raise ValueError(f"{value!r} is not a whole number")
    return value
