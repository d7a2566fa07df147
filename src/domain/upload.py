"""An import file as it is checked and written: columns of numbers, not a row object a line.

A 64 MiB upload is about two million lines. As `FlatRow`s they took about 130 bytes each,
five times the file; as three typed arrays they take 16 bytes a record, a quarter of it.
Of the lines a file gets wrong, the first `REPORTED_LINES` are kept and the rest counted, so
that a file of nothing but bad lines costs no more than a good one.
"""

from __future__ import annotations

import datetime as dt
import heapq
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from domain import flat_rows
from domain.errors import InvalidRows, LineError
from domain.flat_rows import FileData, FlatRow
from domain.model import Product, RecordValues

REPORTED_LINES = 1000
# A key of (product, date) as one integer: dates are day numbers below 2^22 (year 9999).
_DATE_BITS = 22


class BadLines:
    """The bad lines of a file with the lowest numbers, at most REPORTED_LINES, and the count
    of all of them."""

    def __init__(self) -> None:
        self.count = 0
        self._kept: list[tuple[int, int, LineError]] = []  # a max-heap by line, negated

    def add(self, error: LineError) -> None:
        self.count += 1
        entry = (-error.line, -self.count, error)
        if len(self._kept) < REPORTED_LINES:
            heapq.heappush(self._kept, entry)
        elif entry > self._kept[0]:
            heapq.heapreplace(self._kept, entry)

    def first(self) -> list[LineError]:
        """The kept errors by line, those of one line in the order they were found."""
        return [error for _, _, error in sorted(self._kept, reverse=True)]

    def refuse(self) -> None:
        """Raise InvalidRows if any line is bad."""
        if self.count:
            raise InvalidRows(self.first(), self.count)


@dataclass(eq=False)
class Upload:
    """The checked rows of a file: each product, whole, with its first line; its records.

    `bad` holds what is wrong within the file itself; what conflicts with the store is
    found when it is imported.
    """

    rows: int = 0
    products: dict[int, tuple[Product, int]] = field(default_factory=dict)  # id: (it, line)
    units_given: bool = False  # the file has a unit column: its units count
    product_ids: array[int] = field(default_factory=lambda: array("q"))
    days: array[int] = field(default_factory=lambda: array("i"))  # date.toordinal()
    levels: array[int] = field(default_factory=lambda: array("i"))
    bad: BadLines = field(default_factory=BadLines)

    @property
    def records(self) -> int:
        return len(self.product_ids)

    def batch(self, start: int, stop: int) -> list[RecordValues]:
        """Records start..stop as the plain tuples the stores take."""
        dates: dict[int, dt.date] = {}
        batch: list[RecordValues] = []
        for product_id, day, level in zip(
            self.product_ids[start:stop],
            self.days[start:stop],
            self.levels[start:stop],
            strict=True,
        ):
            date = dates.get(day)
            if date is None:
                date = dates[day] = dt.date.fromordinal(day)
            batch.append((product_id, date, level))
        return batch


def parse(data: FileData) -> Upload:
    """The upload of a file's bytes: never raises, every bad line is in `bad`."""
    return collect(flat_rows.read_data(data))


def collect(items: Iterable[FlatRow | LineError]) -> Upload:
    """Rows and bad lines as an Upload, with the lines that disagree with earlier ones:
    another name or unit for a product, a product's date given twice."""
    upload = Upload()
    products, bad = upload.products, upload.bad
    ids, days, levels = upload.product_ids, upload.days, upload.levels
    lines = array("q")  # each record's, for naming repeats: not kept, the store needs none
    # Files list a product's dates in order, as exports write them: while each date is later
    # than the one before, no date can repeat, and the full check is left out.
    last_day: dict[int, int] = {}
    in_order = True
    for row in items:
        if type(row) is not FlatRow:
            bad.add(row)  # type: ignore[arg-type]
            continue
        upload.rows += 1
        known = products.get(row.product_id)
        if known is None:
            products[row.product_id] = (row.product(), row.line)
            upload.units_given |= row.unit is not None
        elif known[0].name != row.product_name:
            bad.add(
                LineError(
                    row.line,
                    f"product {row.product_id} is named "
                    f"{known[0].name!r} on line {known[1]}, {row.product_name!r} here",
                )
            )
        elif known[0].unit != (row.unit or ""):
            bad.add(
                LineError(
                    row.line,
                    f"product {row.product_id} has the unit "
                    f"{known[0].unit!r} on line {known[1]}, {row.unit!r} here",
                )
            )
        if row.date is None or row.level is None:
            continue
        day = row.date.toordinal()
        if in_order and day <= last_day.get(row.product_id, 0):
            in_order = False
        last_day[row.product_id] = day
        ids.append(row.product_id)
        days.append(day)
        levels.append(row.level)
        lines.append(row.line)
    if not in_order:
        for error in _repeated_dates(upload, lines):
            bad.add(error)
    return upload


def _repeated_dates(upload: Upload, lines: array[int]) -> Iterator[LineError]:
    """Each record whose product and date an earlier line has, naming that line."""
    number = {product_id: n for n, product_id in enumerate(upload.products)}
    shift = len(upload.product_ids).bit_length()
    # One integer per record, (product, date, position) in that order, sorted: records of one
    # product and date end up side by side, the earliest first. 40 bytes a record, for the
    # moment of the sort; tuples would take three times that.
    keyed = sorted(
        ((number[product_id] << _DATE_BITS | day) << shift) | position
        for position, (product_id, day) in enumerate(
            zip(upload.product_ids, upload.days, strict=True)
        )
    )
    mask = (1 << shift) - 1
    first = keyed[0] & mask if keyed else 0
    for before, key in pairwise(keyed):
        record = key & mask
        if before >> shift != key >> shift:
            first = record
            continue
        yield LineError(
            lines[record],
            f"product {upload.product_ids[record]} on "
            f"{flat_rows.format_date(dt.date.fromordinal(upload.days[record]))} "
            f"is already on line {lines[first]}",
        )
