"""Products and records in dictionaries, with an undo log for rollback and, when asked,
a redo log of the changes for the CSV store's journal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from adapters.memory.changes import ChangeLog
from domain.changes import Change as Entry
from domain.changes import ChangeQuery, LevelChange, Origin
from domain.errors import DuplicateProduct
from domain.model import Product, name_key

# Past this many changes in one transaction the CSV store rewrites its file at commit
# instead of journaling each change: the journal would be as large as the file anyway.
REDO_LIMIT = 100_000

# What undoing one change needs: ("product", id, old product or None, old records or None)
# or ("level", product id, date, old level or None) or ("all", the old index).
UndoEntry = tuple[object, ...]


class History(Protocol):
    """The change history as the index and its repositories use it: a `ChangeLog` in memory,
    or the CSV store's, most of which stays in its file. Entries since `mark()` are the
    transaction's: `rollback()` drops them."""

    def __len__(self) -> int: ...  # the id of the last entry

    @property
    def marked(self) -> int: ...

    def mark(self) -> None: ...

    def rollback(self) -> None: ...

    def append(self, origin: Origin, changes: Iterable[LevelChange]) -> int: ...

    def get(self, change_id: int) -> Entry | None: ...

    def find(self, query: ChangeQuery) -> list[Entry]: ...

    def of_import(self, import_id: str, after: int, limit: int) -> list[Entry]: ...


@dataclass(frozen=True, slots=True)
class Change:
    """A change as the CSV store's journal keeps it.

    Each sets state absolutely (a level, a product, an absence), so replaying a change
    over a file that already holds it is harmless. `product`: the whole product, for
    "product" (created or changed), "set" and "unset"; None for the others.
    """

    kind: str  # "set", "unset", "product", "drop" (a product) or "clear" (everything)
    product_id: int = 0
    product: Product | None = None
    date: dt.date | None = None
    level: int | None = None


@dataclass
class Index:
    """The whole store: the products and, per product, the level on each date."""

    products: dict[int, Product] = field(default_factory=dict)
    owners: dict[str, int] = field(default_factory=dict)  # name_key -> product id
    # Keys that several products hold: names a CSV file kept from before name_key folded
    # width and composition ("Widget" and a full-width one). Read as they are; each such
    # key keeps an owner while any of them holds it, so no further product can take it.
    shared: set[str] = field(default_factory=set)
    levels: dict[int, dict[dt.date, int]] = field(default_factory=dict)
    changes: History = field(default_factory=ChangeLog)  # never undone by remove_all
    undo_log: list[UndoEntry] = field(default_factory=list)
    redo_log: list[Change] | None = None  # kept only when a journal will be written
    # The transaction changes so much that the CSV store rewrites the whole file at commit
    # (after remove_all, or past REDO_LIMIT changes): changes are no longer logged for redo.
    rewrite: bool = False
    # remove_all saved the whole index for undo: later changes need no undo entry of their own.
    saved_whole: bool = False

    def add_product(self, product: Product) -> None:
        product_id = product.id
        if product_id in self.products:
            raise DuplicateProduct.by_id(product_id)
        self._claim_name(product_id, product.name)
        self._undo(("product", product_id, None, None))
        self.products[product_id] = product
        self.levels[product_id] = {}
        if self._journaled():
            self._redo(Change("product", product_id, product))

    def update_product(self, product: Product) -> None:
        product_id, name = product.id, product.name
        old = self.products[product_id]
        if name_key(old.name) != name_key(name):
            self._claim_name(product_id, name)
            self._release(old.name, product_id)
        self.owners.setdefault(name_key(name), product_id)
        self._undo(("product", product_id, old, None))
        self.products[product_id] = product
        if self._journaled():
            self._redo(Change("product", product_id, product))

    def remove_product(self, product_id: int) -> None:
        product = self.products.pop(product_id)
        self._release(product.name, product_id)
        levels = self.levels.pop(product_id)
        self._undo(("product", product_id, product, levels))
        if self._journaled():
            self._redo(Change("drop", product_id))

    def remove_all(self) -> None:
        old = Index(self.products, self.owners, self.shared, self.levels)
        self._undo(("all", old))
        self.saved_whole = True
        self.products, self.owners, self.levels, self.shared = {}, {}, {}, set()
        self._rewrite()

    def put_level(self, product_id: int, date: dt.date, level: int) -> bool:
        levels = self.levels[product_id]
        old = levels.get(date)
        levels[date] = level
        self._undo(("level", product_id, date, old))
        if self._journaled():
            self._redo(Change("set", product_id, self.products[product_id], date, level))
        return old is None

    def put_levels(self, records: Iterable[tuple[int, dt.date, int]]) -> None:
        """put_level for many; after remove_all, with nothing to log, a plain loop."""
        if not self.saved_whole or self._journaled():
            for product_id, date, level in records:
                self.put_level(product_id, date, level)
            return
        levels = self.levels
        for product_id, date, level in records:
            levels[product_id][date] = level

    def remove_level(self, product_id: int, date: dt.date) -> bool:
        old = self.levels[product_id].pop(date, None)
        if old is None:
            return False
        self._undo(("level", product_id, date, old))
        if self._journaled():
            self._redo(Change("unset", product_id, self.products[product_id], date))
        return True

    def forget_undo(self) -> None:
        """Called once changes are durable: they can no longer be taken back."""
        self.undo_log = []
        self.changes.mark()
        self._start_afresh()

    def untouched(self) -> bool:
        """Nothing changed since the last `forget_undo`: nothing to take back or write."""
        return not (self.undo_log or self.saved_whole or self.rewrite or self.redo_log) and (
            len(self.changes) == self.changes.marked
        )

    def take_changes(self) -> list[Change]:
        """The changes since the last `forget_undo`, oldest first."""
        return list(self.redo_log or [])

    def undo(self) -> None:
        """Take back every change since the last `forget_undo`, newest first."""
        while self.undo_log:
            self._undo_one(self.undo_log.pop())
        self.changes.rollback()
        self._start_afresh()

    def replay(self, change: Change) -> None:
        """Apply a change read back from the journal; call `rebuild_owners` after a batch.

        Names are not checked here: a journal replayed over a file that already holds
        some of its changes may rename products through states that clash for a moment.
        """
        product_id, kind, product = change.product_id, change.kind, change.product
        if kind == "set" and product and change.date is not None and change.level is not None:
            self.products.setdefault(product_id, product)
            self.levels.setdefault(product_id, {})[change.date] = change.level
        elif kind == "unset" and change.date is not None:
            self.levels.get(product_id, {}).pop(change.date, None)
        elif kind == "product" and product is not None:
            self.products[product_id] = product
            self.levels.setdefault(product_id, {})
        elif kind == "drop":
            self.products.pop(product_id, None)
            self.levels.pop(product_id, None)
        elif kind == "clear":
            self.products, self.levels = {}, {}

    def rebuild_owners(self) -> None:
        self.owners, self.shared = {}, set()
        for product_id, product in self.products.items():
            self.hold_name(product_id, product.name)

    def hold_name(self, product_id: int, name: str) -> int:
        """Note that a product read from a file holds this name; the key's owner (another
        product when the file holds two names under one key)."""
        key = name_key(name)
        owner = self.owners.setdefault(key, product_id)
        if owner != product_id:
            self.shared.add(key)
        return owner

    def _start_afresh(self) -> None:
        self.rewrite = self.saved_whole = False
        if self.redo_log is not None:
            self.redo_log = []

    def _undo(self, entry: UndoEntry) -> None:
        if not self.saved_whole:
            self.undo_log.append(entry)

    def _journaled(self) -> bool:
        return self.redo_log is not None and not self.rewrite

    def _redo(self, change: Change) -> None:
        assert self.redo_log is not None
        self.redo_log.append(change)
        if len(self.redo_log) > REDO_LIMIT:
            self._rewrite()

    def _rewrite(self) -> None:
        """From now on the whole file is rewritten at commit; stop logging changes."""
        if self.redo_log is not None:
            self.rewrite = True
            self.redo_log = []

    def _undo_one(self, entry: UndoEntry) -> None:
        kind = entry[0]
        if kind == "level":
            _, product_id, date, old = entry
            assert isinstance(product_id, int)
            assert isinstance(date, dt.date)
            levels = self.levels[product_id]
            if old is None:
                del levels[date]
            else:
                levels[date] = old  # type: ignore[assignment]
        elif kind == "product":
            self._undo_product(entry)
        else:
            old_index = entry[1]
            assert isinstance(old_index, Index)
            self.products, self.owners = old_index.products, old_index.owners
            self.levels, self.shared = old_index.levels, old_index.shared

    def _undo_product(self, entry: UndoEntry) -> None:
        _, product_id, old, old_levels = entry
        assert isinstance(product_id, int)
        current = self.products.pop(product_id, None)
        if current is not None:
            self._release(current.name, product_id)
        if old is None:  # the product was added: drop it
            self.levels.pop(product_id, None)
            return
        assert isinstance(old, Product)
        self.products[product_id] = old
        self.hold_name(product_id, old.name)
        if old_levels is not None:  # the product was removed: bring its records back
            assert isinstance(old_levels, dict)
            self.levels[product_id] = old_levels

    def _release(self, name: str, product_id: int) -> None:
        """The product no longer holds this name: its key is free, unless another holds it."""
        key = name_key(name)
        if self.owners.get(key) != product_id:
            return
        del self.owners[key]
        if key in self.shared:  # rare: a scan of the names is cheap enough
            holders = [pid for pid, held in self.products.items() if name_key(held.name) == key]
            holders = [pid for pid in holders if pid != product_id]
            if holders:
                self.owners[key] = holders[0]
            if len(holders) < 2:
                self.shared.discard(key)

    def _claim_name(self, product_id: int, name: str) -> None:
        owner = self.owners.get(name_key(name))
        if owner is not None and owner != product_id:
            raise DuplicateProduct.by_name(name, owner)
        self.owners[name_key(name)] = product_id
