"""The change history in memory, kept in columns.

An import writes one entry per record: as objects a million entries would take about 200 MB,
in typed arrays they take about 40. Entries of one write share one Origin, stored once; ids
are positions plus one, so they stay dense and a rollback simply cuts the columns.
"""

from __future__ import annotations

import datetime as dt
import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby

from domain.changes import Change, ChangeQuery, LevelChange, Origin

_NONE = -1  # levels and ids are never negative


def _column() -> array[int]:
    return array("q")


def _column_of(values: Iterable[int | None]) -> array[int]:
    return array("q", [_NONE if value is None else value for value in values])


class ChangeLog:
    def __init__(self) -> None:
        self.products = _column()
        self.days = _column()  # date ordinals
        self.previous_levels = _column()
        self.new_levels = _column()
        self.undoes = _column()
        self.origins: list[Origin] = []
        self.origin_starts: list[int] = []  # the position of each origin's first entry
        self.by_product: dict[int, array[int]] = {}  # positions, ascending
        self._mark = 0

    def __len__(self) -> int:
        return len(self.products)

    def append(self, origin: Origin, changes: Iterable[LevelChange]) -> int:
        """Add entries; the id of the last one (0 when there are none at all)."""
        columns = list(zip(*changes, strict=True))
        if not columns:
            return len(self)
        products, dates, previous_levels, new_levels, undoes = columns
        return self.extend(
            [(0, origin)],
            array("q", products),
            array("q", [date.toordinal() for date in dates]),
            _column_of(previous_levels),
            _column_of(new_levels),
            _column_of(undoes),
        )

    def extend(
        self,
        origins: Sequence[tuple[int, Origin]],
        products: array[int],
        days: array[int],
        previous_levels: array[int],
        new_levels: array[int],
        undoes: array[int],
    ) -> int:
        """`append` for entries already in columns (a file loader's), -1 standing for None;
        `origins`: (the entry it begins at, origin), the first at 0. An origin with no entry
        is dropped; one that is the log's last continues it.

        A loader adds a million entries at start-up, where `append` would take seconds.
        """
        count = len(products)
        start = len(self)
        if not count:
            return start
        for begins, origin in origins:
            if begins >= count:
                break
            if self.origin_starts and self.origin_starts[-1] == start + begins:
                self.origins[-1] = origin  # the one before had no entry
            elif not self.origins or self.origins[-1] is not origin:
                self.origins.append(origin)
                self.origin_starts.append(start + begins)
        self.products.extend(products)
        self.days.extend(days)
        self.previous_levels.extend(previous_levels)
        self.new_levels.extend(new_levels)
        self.undoes.extend(undoes)
        by_product = self.by_product
        if len(origins) * 8 < count:  # an import writes a product's records together
            runs = [(product_id, len(list(run))) for product_id, run in groupby(products)]
            if len(runs) * 8 < count:
                position = start
                for product_id, length in runs:
                    added = _column()
                    added.fromlist(list(range(position, position + length)))
                    positions = by_product.get(product_id)
                    if positions is None:
                        by_product[product_id] = added
                    else:
                        positions.extend(added)
                    position += length
                return len(self)
        for position, product_id in enumerate(products, start):  # edits: a product each
            positions = by_product.get(product_id)
            if positions is None:
                by_product[product_id] = array("q", [position])
            else:
                positions.append(position)
        return len(self)

    def get(self, change_id: int) -> Change | None:
        position = change_id - 1
        if not 0 <= position < len(self):
            return None
        return self._entry(position)

    def find(self, query: ChangeQuery) -> list[Change]:
        below = len(self) if query.before_id is None else min(len(self), query.before_id - 1)
        found: list[Change] = []
        first = query.start.toordinal() if query.start else None
        last = query.end.toordinal() if query.end else None
        days = self.days
        for position in self._positions_down_from(below, query.product_ids):
            # Dates first, from the column: a filtered scan then builds only the entries it keeps.
            if (first is not None and days[position] < first) or (
                last is not None and days[position] > last
            ):
                continue
            entry = self._entry(position)
            if query.matches(entry):
                found.append(entry)
                if len(found) == query.limit:
                    break
        return found

    def of_import(self, import_id: str, after: int, limit: int) -> list[Change]:
        found: list[Change] = []
        for number, origin in enumerate(self.origins):
            if origin.import_id == import_id and origin.cause == "import":
                start = max(self.origin_starts[number], after)  # entry id = position + 1
                end = min(self._origin_end(number), start + limit - len(found))
                found.extend(self._entry(p) for p in range(start, end))
                if len(found) >= limit:
                    break
        return found

    # Transactions: the owner marks where one begins and cuts back to it on rollback.

    def mark(self) -> None:
        self._mark = len(self)

    @property
    def marked(self) -> int:
        return self._mark

    def rollback(self) -> None:
        mark = self._mark
        if len(self) == mark:
            return
        for product_id in set(self.products[mark:]):
            positions = self.by_product[product_id]
            del positions[bisect_left(positions, mark) :]
            if not positions:
                del self.by_product[product_id]
        for column in (
            self.products,
            self.days,
            self.previous_levels,
            self.new_levels,
            self.undoes,
        ):
            del column[mark:]
        while self.origin_starts and self.origin_starts[-1] >= mark:
            self.origins.pop()
            self.origin_starts.pop()

    def _positions_down_from(self, below: int, product_ids: Sequence[int]) -> Iterator[int]:
        if not product_ids:
            return iter(range(below - 1, -1, -1))
        lists = [self.by_product.get(product_id, _column()) for product_id in set(product_ids)]
        descending = [reversed(positions[: bisect_left(positions, below)]) for positions in lists]
        return heapq.merge(*descending, reverse=True)

    def _origin_end(self, number: int) -> int:
        return self.origin_starts[number + 1] if number + 1 < len(self.origins) else len(self)

    def _entry(self, position: int) -> Change:
        origin = self.origins[bisect_right(self.origin_starts, position) - 1]
        before, after, undoes = (
            self.previous_levels[position],
            self.new_levels[position],
            self.undoes[position],
        )
        return Change(
            position + 1,
            self.products[position],
            dt.date.fromordinal(self.days[position]),
            None if before == _NONE else before,
            None if after == _NONE else after,
            None if undoes == _NONE else undoes,
            origin,
        )
