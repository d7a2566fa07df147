"""Check a store against its change history: each record holds the level its entries leave.

Every write to a level lands with its history entry, so a record that disagrees with its
entries was written behind Stockline's back (a hand edit, a direct SQL statement, a bug).
The check goes only through the ports, so it runs unchanged on every store, and reads a
slice of products at a time, so a store of any size is never held in memory twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from domain.changes import Change, ChangeQuery
from domain.name_notes import name_notes
from domain.ports import ChangeRepository, UnitOfWork
from domain.transfer import PRODUCTS_PER_READ, Progress

CHANGES_PAGE = 50_000  # entries read at once: about 15 MB, and one page for most slices
MAX_PROBLEMS_KEPT = 1_000  # a store broken everywhere is counted whole, listed in part
Key = tuple[int, dt.date]


class Fault(StrEnum):
    """What is wrong; the value is how a person reads it."""

    CHANGED = "changed without an entry"
    REMOVED = "removed without an entry"
    STRANDED = "stranded on a deleted product (no removal entry)"
    UNRECORDED = "stored without any entry"
    BROKEN_CHAIN = "before is not what the entry before it left"
    NOT_NEW = "first entry says the record existed before it"
    ID_ORDER = "entry ids out of order"


@dataclass(frozen=True, slots=True)
class Problem:
    """One disagreement, on the record (product, date) it concerns.

    `expected` is the level the history says (None: no record), `found` the one the store
    holds (or, for BROKEN_CHAIN and NOT_NEW, the entry's `before`); for ID_ORDER both are
    ids: one below `expected`, the newer entry's, was expected. `previous_id` is the entry
    before a BROKEN_CHAIN's.
    """

    fault: Fault
    product_id: int
    date: dt.date
    change_id: int | None  # None: the record has no entry at all
    expected: int | None
    found: int | None
    previous_id: int | None = None


@dataclass(slots=True)
class StoreCheck:
    """What a check read and found: every problem counted, the first `keep` listed."""

    records: int = 0
    entries: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    keep: int = MAX_PROBLEMS_KEPT
    # Names older code stored that new writes refuse: not problems, the store works (see
    # name_notes); the first `keep` kept.
    name_notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problems: list[Problem]) -> None:
        self.problem_count += len(problems)
        self.problems.extend(problems[: max(self.keep - len(self.problems), 0)])


async def check_store(
    uow: UnitOfWork, on_progress: Progress | None = None, keep: int = MAX_PROBLEMS_KEPT
) -> StoreCheck:
    """Check every record and history entry; `on_progress` hears (entries, of how many).

    First the whole history, newest first (ids must fall strictly; it names the products
    it concerns, deleted ones too), then each slice of products: its records against its
    entries. Writers may go on meanwhile: a slice that shows a problem is read again, and
    only what that second reading shows is reported, so a write landing between the reads
    of records and entries (separate statements on SQL) is not taken for a corruption.
    """
    check = StoreCheck(keep=keep)
    async with uow:
        products = await uow.products.all()
    check.name_notes = name_notes(products)[:keep]
    product_ids = {product.id for product in products}
    product_ids |= await _walk_history(uow, check)
    ordered = sorted(product_ids)
    checked = 0
    for start in range(0, len(ordered), PRODUCTS_PER_READ):
        chunk = ordered[start : start + PRODUCTS_PER_READ]
        chains = await _check_products(uow, chunk)
        if chains.problems:
            chains = await _check_products(uow, chunk)
        check.records += len(chains.stored)
        check.add(chains.sorted_problems())
        checked += chains.entries
        if on_progress is not None:
            on_progress(min(checked, check.entries), check.entries)
    return check


async def _walk_history(uow: UnitOfWork, check: StoreCheck) -> set[int]:
    """Count every entry, check that ids fall strictly newest first; the products named.

    A page per transaction, so that writers wait for one page at most.
    """
    product_ids: set[int] = set()
    newer: Change | None = None
    before_id: int | None = None
    while True:
        async with uow:
            page = await uow.changes.find(ChangeQuery(before_id=before_id, limit=CHANGES_PAGE))
        problems = []
        for entry in page:
            if newer is not None and entry.id >= newer.id:
                problems.append(_out_of_order(entry, newer))
            newer = entry
            product_ids.add(entry.product_id)
        check.entries += len(page)
        check.add(problems)
        before_id = _next_page(page, before_id)
        if before_id is None:
            return product_ids


def _out_of_order(entry: Change, newer: Change) -> Problem:
    return Problem(Fault.ID_ORDER, entry.product_id, entry.date, entry.id, newer.id, entry.id)


def _next_page(page: list[Change], before_id: int | None) -> int | None:
    """The `before_id` of the page after this one; None when this one was the last.

    The lowest id of the page, not its last: entries out of order cannot make a walk loop.
    """
    if len(page) < CHANGES_PAGE:
        return None
    lowest = min(entry.id for entry in page)
    return None if before_id is not None and lowest >= before_id else lowest


async def _check_products(uow: UnitOfWork, product_ids: list[int]) -> _Chains:
    """These products' records and entries, read in one transaction, checked together."""
    async with uow:
        existing = {product.id for product in await uow.products.many(product_ids)}
        rows = await uow.inventory.history(product_ids, None, None)
        chains = _Chains({(row.product_id, row.date): row.level for row in rows}, existing)
        await _follow_entries(uow.changes, tuple(product_ids), chains)
    chains.finish()
    return chains


async def _follow_entries(
    changes: ChangeRepository, product_ids: tuple[int, ...], chains: _Chains
) -> None:
    before_id: int | None = None
    while True:
        query = ChangeQuery(product_ids, before_id=before_id, limit=CHANGES_PAGE)
        page = await changes.find(query)
        chains.follow(page)
        before_id = _next_page(page, before_id)
        if before_id is None:
            return


class _Chains:
    """The entries of some products, met newest first, each record's checked in turn.

    The newest entry of a record must leave the level stored now; each older one, the
    level the entry after it started from; the oldest must start from no record.
    """

    def __init__(self, stored: dict[Key, int], existing: set[int]) -> None:
        self.stored = stored
        self.existing = existing
        self.entries = 0
        self.problems: list[Problem] = []
        self._older: dict[Key, tuple[int | None, int]] = {}  # (before, id) of the oldest met

    def follow(self, page: list[Change]) -> None:
        """A page of entries, newest first (one loop for a page: a million entries)."""
        older, problems = self._older, self.problems
        self.entries += len(page)
        for entry in page:
            key = (entry.product_id, entry.date)
            newer = older.get(key)
            if newer is None:
                self._check_newest(entry, key)
            elif entry.new_level != newer[0]:
                problems.append(
                    Problem(Fault.BROKEN_CHAIN, *key, newer[1], entry.new_level, newer[0], entry.id)
                )
            older[key] = (entry.previous_level, entry.id)

    def _check_newest(self, entry: Change, key: Key) -> None:
        level = self.stored.get(key)
        if entry.new_level == level:
            return
        if entry.product_id not in self.existing:
            fault = Fault.STRANDED
        else:
            fault = Fault.REMOVED if level is None else Fault.CHANGED
        self.problems.append(Problem(fault, *key, entry.id, entry.new_level, level))

    def finish(self) -> None:
        """After the oldest entry: records that began with a level, and ones with no entry."""
        for key, (before, change_id) in self._older.items():
            if before is not None:
                self.problems.append(Problem(Fault.NOT_NEW, *key, change_id, None, before))
        for key, level in self.stored.items():
            if key not in self._older:
                self.problems.append(Problem(Fault.UNRECORDED, *key, None, None, level))

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.product_id, p.date, p.change_id or 0))
