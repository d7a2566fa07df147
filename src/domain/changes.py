"""The change history: one entry for every write to a level, who made it, when and why.

Entries are append-only. The stores group the entries of one write under one `Origin`
(a single edit has one entry; an import has one per record it wrote), which is how they
keep a million import entries small.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from domain.model import HistoryRow, bounded_text

ANONYMOUS = "anonymous"
MAX_ACTOR_LENGTH = 100
MAX_NOTE_LENGTH = 500
MAX_CHANGES_PAGE = 1000


class Cause(StrEnum):
    EDIT = "edit"
    IMPORT = "import"
    UNDO = "undo"
    PRODUCT_DELETION = "product_deletion"


@dataclass(frozen=True, slots=True)
class Author:
    """Who asks for a write, and the note they give with it."""

    actor: str = ANONYMOUS
    note: str | None = None

    def __post_init__(self) -> None:
        actor = _clean("actor", self.actor, MAX_ACTOR_LENGTH) or ANONYMOUS
        note = _clean("note", self.note, MAX_NOTE_LENGTH) or None
        object.__setattr__(self, "actor", actor)
        object.__setattr__(self, "note", note)


@dataclass(frozen=True, slots=True)
class Origin:
    """What every entry of one write shares: when, who, why and what caused it."""

    at: dt.datetime
    actor: str
    cause: Cause
    note: str | None = None
    import_id: str | None = None

    def __post_init__(self) -> None:
        # Always in UTC, a time without a zone taken as UTC: every store writes it as read.
        at = self.at
        utc = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
        object.__setattr__(self, "at", utc)

    @classmethod
    def now(cls, author: Author, cause: Cause, import_id: str | None = None) -> Origin:
        return cls(dt.datetime.now(dt.UTC), author.actor, cause, author.note, import_id)


LevelChange = tuple[int, dt.date, int | None, int | None, int | None]
"""An entry before the store numbers it: (product id, date, level before, level after, id of
the entry it undoes). None: there was no record / the record was removed / it undoes nothing.
Plain tuples: an import makes a million of them, and a named tuple costs four times more."""


class Change(NamedTuple):
    """A numbered entry of the history. Ids grow with time; they may have gaps.

    A named tuple: undoing a large import reads a million of them back.
    """

    id: int
    product_id: int
    date: dt.date
    previous_level: int | None  # None: there was no record
    new_level: int | None  # None: the record was removed
    undoes: int | None
    origin: Origin


@dataclass(frozen=True, slots=True)
class ChangeQuery:
    """Entries newest first, matching every filter given, with ids below `before_id`."""

    product_ids: tuple[int, ...] = ()  # empty: every product
    start: dt.date | None = None
    end: dt.date | None = None
    actor: str | None = None
    before_id: int | None = None
    limit: int = 100

    def matches(self, change: Change) -> bool:
        """The rule every store applies; the in-memory ones call it directly."""
        return (
            (not self.product_ids or change.product_id in self.product_ids)
            and (self.start is None or change.date >= self.start)
            and (self.end is None or change.date <= self.end)
            and (self.actor is None or change.origin.actor == self.actor)
            and (self.before_id is None or change.id < self.before_id)
        )


def removals(rows: Iterable[HistoryRow]) -> list[LevelChange]:
    """The entries of records about to be removed with their product or by a replace."""
    return [(row.product_id, row.date, row.level, None, None) for row in rows]


def new_import_id() -> str:
    """Short, unguessable and safe in a URL path."""
    return secrets.token_hex(8)


def _clean(field: str, value: str | None, limit: int) -> str:
    """Trimmed, bounded, on one line: the history's files keep one entry per line."""
    return "" if value is None else bounded_text(field, value, limit)


SOMEONE = Author()
"""The author of a write that names none: 'anonymous', without a note."""
