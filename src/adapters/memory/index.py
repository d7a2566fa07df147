"""Products and records in dictionaries, with an undo log for rollback."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from domain.errors import DuplicateProduct
from domain.model import name_key

# What undoing one change needs: ("product", id, old name or None, old records or None)
# or ("level", product id, date, old level or None) or ("all", the old index).
UndoEntry = tuple[object, ...]


@dataclass
class Index:
    """The whole store: product names and, per product, the level on each date."""

    names: dict[int, str] = field(default_factory=dict)
    owners: dict[str, int] = field(default_factory=dict)  # name_key -> product id
    levels: dict[int, dict[dt.date, int]] = field(default_factory=dict)
    undo_log: list[UndoEntry] = field(default_factory=list)
    record_total: int = 0

    def add_product(self, product_id: int, name: str) -> None:
        if product_id in self.names:
            raise DuplicateProduct.by_id(product_id)
        self._claim_name(product_id, name)
        self.undo_log.append(("product", product_id, None, None))
        self.names[product_id] = name
        self.levels[product_id] = {}

    def rename_product(self, product_id: int, name: str) -> None:
        old = self.names[product_id]
        if name_key(old) != name_key(name):
            self._claim_name(product_id, name)
            del self.owners[name_key(old)]
        self.owners[name_key(name)] = product_id
        self.undo_log.append(("product", product_id, old, None))
        self.names[product_id] = name

    def remove_product(self, product_id: int) -> None:
        name = self.names.pop(product_id)
        del self.owners[name_key(name)]
        levels = self.levels.pop(product_id)
        self.record_total -= len(levels)
        self.undo_log.append(("product", product_id, name, levels))

    def remove_all(self) -> None:
        old = Index(self.names, self.owners, self.levels, [], self.record_total)
        self.undo_log.append(("all", old))
        self.names, self.owners, self.levels, self.record_total = {}, {}, {}, 0

    def put_level(self, product_id: int, date: dt.date, level: int) -> bool:
        levels = self.levels[product_id]
        old = levels.get(date)
        levels[date] = level
        self.undo_log.append(("level", product_id, date, old))
        if old is None:
            self.record_total += 1
        return old is None

    def remove_level(self, product_id: int, date: dt.date) -> bool:
        old = self.levels[product_id].pop(date, None)
        if old is None:
            return False
        self.record_total -= 1
        self.undo_log.append(("level", product_id, date, old))
        return True

    def forget_undo(self) -> None:
        self.undo_log = []

    def undo(self) -> None:
        """Take back every change since the last `forget_undo`, newest first."""
        while self.undo_log:
            self._undo_one(self.undo_log.pop())

    def _undo_one(self, entry: UndoEntry) -> None:
        kind = entry[0]
        if kind == "level":
            _, product_id, date, old = entry
            assert isinstance(product_id, int)
            assert isinstance(date, dt.date)
            levels = self.levels[product_id]
            if old is None:
                del levels[date]
                self.record_total -= 1
            else:
                self.record_total += date not in levels
                levels[date] = old  # type: ignore[assignment]
        elif kind == "product":
            self._undo_product(entry)
        else:
            old_index = entry[1]
            assert isinstance(old_index, Index)
            self.names, self.owners, self.levels = (
                old_index.names,
                old_index.owners,
                old_index.levels,
            )
            self.record_total = old_index.record_total

    def _undo_product(self, entry: UndoEntry) -> None:
        _, product_id, old_name, old_levels = entry
        assert isinstance(product_id, int)
        current = self.names.pop(product_id, None)
        if current is not None:
            del self.owners[name_key(current)]
        if old_name is None:  # the product was added: drop it
            self.record_total -= len(self.levels.pop(product_id, {}))
            return
        assert isinstance(old_name, str)
        self.names[product_id] = old_name
        self.owners[name_key(old_name)] = product_id
        if old_levels is not None:  # the product was removed: bring its records back
            assert isinstance(old_levels, dict)
            self.levels[product_id] = old_levels
            self.record_total += len(old_levels)

    def _claim_name(self, product_id: int, name: str) -> None:
        owner = self.owners.get(name_key(name))
        if owner is not None and owner != product_id:
            raise DuplicateProduct.by_name(name, owner)
        self.owners[name_key(name)] = product_id
