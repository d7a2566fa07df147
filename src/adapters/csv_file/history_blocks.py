"""The history file in blocks: a summary of each run of a few thousand entries (where it lies
in the file, its ids, and what a query may look for in it), so that the CSV store keeps the
summaries in memory and reads a block's entries from the file only when a query needs them.

A block ends at the end of an entry line; the origin in force at its start is kept with it,
so that a block reads on its own. Blocking: call these off the event loop.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from adapters.csv_file.history_format import HEADER, HEADER_LINE, BadLine
from adapters.csv_file.history_reader import Reader, after_last_entry
from adapters.memory.changes import ChangeLog
from domain.changes import Cause, ChangeQuery, Origin
from domain.errors import StorageUnavailable

BLOCK_BYTES = 1 << 17  # about 4,500 import entries: a block reads in a few milliseconds
PRODUCTS_KEPT = 256  # a block of more distinct products keeps only their range


@dataclass(frozen=True, slots=True)
class Block:
    offset: int  # where its first line begins in the file
    end: int  # where its last entry line ends
    first: int  # the id of its first entry
    count: int
    opening: Origin | None  # in force before its first line (None: the file's first block)
    closing: Origin  # in force after its last line
    days: tuple[int, int]  # the first and last date of its entries, as ordinals
    product_range: tuple[int, int]
    products: array[int] | None  # its distinct products, ascending, when they are few
    actors: frozenset[str]
    imports: frozenset[str]  # the ids of the imports whose entries it holds

    @property
    def last(self) -> int:
        return self.first + self.count - 1

    def may_hold(self, query: ChangeQuery) -> bool:
        """Whether some entry of the block may match the query (ids aside)."""
        if query.actor is not None and query.actor not in self.actors:
            return False
        if query.start is not None and query.start.toordinal() > self.days[1]:
            return False
        if query.end is not None and query.end.toordinal() < self.days[0]:
            return False
        return not query.product_ids or any(map(self._may_hold_product, query.product_ids))

    def _may_hold_product(self, product_id: int) -> bool:
        low, high = self.product_range
        if not low <= product_id <= high:
            return False
        products = self.products
        if products is None:
            return True
        found = bisect_left(products, product_id)
        return found < len(products) and products[found] == product_id


def summary(offset: int, end: int, base: int, log: ChangeLog, opening: Origin | None) -> Block:
    """The block of the entries `log` read from bytes [offset, end), after id `base`."""
    products = sorted(log.by_product)
    return Block(
        offset,
        end,
        base + 1,
        len(log),
        opening,
        log.origins[-1],
        (min(log.days), max(log.days)),
        (products[0], products[-1]),
        array("q", products) if len(products) <= PRODUCTS_KEPT else None,
        frozenset(origin.actor for origin in log.origins),
        frozenset(
            origin.import_id
            for origin in log.origins
            if origin.cause is Cause.IMPORT and origin.import_id is not None
        ),
    )


def scan(path: Path, blocks: list[Block], end: int) -> int:
    """Add to `blocks` those of the history file after byte `end` (where they stop; 0: none
    yet) and return where its last entry line now ends. What follows that is a torn append
    (a partial line, or origin lines alone), left for the fold that finishes it. Every line
    is checked as the bulk reader checks it: a bad one is named."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by `with` below; may be absent
    except FileNotFoundError:
        return 0
    except OSError as error:
        raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None
    with handle:
        try:
            if not end:
                head = handle.read(len(HEADER))
                if head != HEADER:
                    if HEADER.startswith(head):  # empty, or a header a crash tore
                        return 0
                    raise BadLine(1, f"the first line must be {HEADER_LINE!r}")
                end = len(HEADER)
            handle.seek(end)
            return _scan_from(handle, blocks, end)
        except BadLine as error:
            handle.seek(0)
            error.line += handle.read(end).count(b"\n")
            raise StorageUnavailable(f"{path} line {error.line}: {error.message}") from None
        except UnicodeDecodeError:
            raise StorageUnavailable(f"{path} is not valid UTF-8") from None
        except OSError as error:
            raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None


def _scan_from(handle: BinaryIO, blocks: list[Block], end: int) -> int:
    """Blocks from byte `end` on, each line numbered from 1 there (the caller adds the rest)."""
    last = blocks[-1].last if blocks else 0
    reader = Reader(ChangeLog(), last, blocks[-1].closing if blocks else None, last or None)
    line, rest = 1, b""
    while chunk := handle.read(BLOCK_BYTES):
        data = rest + chunk
        cut = after_last_entry(data[: data.rfind(b"\n") + 1])
        if not cut:
            rest = data
            continue
        opening, base = reader.origin, reader.base
        reader.feed(data[:cut].decode("utf-8"), line)
        if log := reader.next_log():
            blocks.append(summary(end, end + cut, base, log, opening))
        line += data.count(b"\n", 0, cut)
        end, rest = end + cut, data[cut:]
    return end


def read_block(path: Path, block: Block) -> ChangeLog:
    """The block's entries, read from the file: the log's entry 1 is the block's first."""
    try:
        with open(path, "rb") as handle:
            handle.seek(block.offset)
            data = handle.read(block.end - block.offset)
        reader = Reader(ChangeLog(), block.first - 1, block.opening)
        if len(data) == block.end - block.offset and data.endswith(b"\n"):
            reader.feed(data.decode("utf-8"), 1)
    except OSError as error:
        raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None
    except (BadLine, UnicodeDecodeError):
        reader = None
    if reader is None or len(reader.log) != block.count:
        raise StorageUnavailable(
            f"{path} no longer holds changes {block.first}-{block.last} where it did "
            "(it was edited or replaced): restart the server, which reads it afresh"
        )
    return reader.log
