"""Request and response shapes, named with the brief's snake_case fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from domain.changes import Cause, Change
from domain.errors import Blocked
from domain.history import ImportUndone
from domain.model import (
    MAX_LEVEL,
    MAX_NAME_LENGTH,
    MAX_PRODUCT_ID,
    MAX_UNIT_LENGTH,
    HistoryRow,
    ProductSummary,
)
from domain.transfer import ImportMode, ImportReport

ProductId = Annotated[int, msgspec.Meta(ge=1, le=MAX_PRODUCT_ID, description="Product id")]
ProductName = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        description=f"1-{MAX_NAME_LENGTH} characters after trimming; unique in any letter case",
    ),
]
Unit = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_UNIT_LENGTH,
        description=f"What a level counts (pcs, kg): 0-{MAX_UNIT_LENGTH} characters after "
        "trimming; empty for none",
    ),
]
Level = Annotated[int, msgspec.Meta(ge=0, le=MAX_LEVEL, description="Units held")]


class Strict(msgspec.Struct, forbid_unknown_fields=True):
    """Requests refuse fields they do not know, so a typo is an error, not a no-op."""


class ProductCreate(Strict):
    product_name: ProductName
    product_id: ProductId | None = None
    unit: Unit = ""


class ProductRename(Strict):
    product_name: ProductName
    unit: Unit | None = None  # absent: the unit stays as it is


class LevelWrite(Strict):
    inventory_level: Level


class ProductOut(msgspec.Struct):
    product_id: int
    product_name: str
    record_count: int
    latest_date: dt.date | None
    latest_level: int | None
    unit: str

    @classmethod
    def of(cls, summary: ProductSummary) -> ProductOut:
        latest = summary.latest
        return cls(
            summary.product.id,
            summary.product.name,
            summary.record_count,
            latest.date if latest else None,
            latest.level if latest else None,
            summary.product.unit,
        )


class ProductPage(msgspec.Struct):
    items: list[ProductOut]
    total: int
    limit: int
    offset: int


class RowOut(msgspec.Struct):
    """One inventory record: the brief's row."""

    product_id: int
    product_name: str
    date: dt.date
    inventory_level: int

    @classmethod
    def of(cls, row: HistoryRow) -> RowOut:
        return cls(row.product_id, row.product_name, row.date, row.level)


class ImportReportOut(msgspec.Struct):
    mode: ImportMode
    dry_run: bool
    rows: int
    products_created: int
    products_removed: int
    records_written: int
    import_id: str | None  # what POST /api/imports/{import_id}/undo takes; None for a dry run

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportOut:
        return cls(
            report.mode,
            report.dry_run,
            report.rows,
            report.products_created,
            report.products_removed,
            report.records_written,
            report.import_id,
        )


class ChangeOut(msgspec.Struct):
    """One entry of the history: a level as it was and as it became."""

    change_id: int
    product_id: int
    date: dt.date
    previous_level: int | None  # None: there was no record
    new_level: int | None  # None: the record was removed
    at: dt.datetime  # UTC
    actor: str
    cause: Cause
    note: str | None
    import_id: str | None
    undoes: int | None  # the change_id this entry took back

    @classmethod
    def of(cls, change: Change) -> ChangeOut:
        origin = change.origin
        return cls(
            change.id,
            change.product_id,
            change.date,
            change.previous_level,
            change.new_level,
            origin.at,
            origin.actor,
            origin.cause,
            origin.note,
            origin.import_id,
            change.undoes,
        )


class ChangePage(msgspec.Struct):
    items: list[ChangeOut]
    next_cursor: int | None  # pass as `cursor` for older entries; None: no more


class ImportUndoneOut(msgspec.Struct):
    import_id: str
    records_restored: int
    last_change_id: int

    @classmethod
    def of(cls, undone: ImportUndone) -> ImportUndoneOut:
        return cls(undone.import_id, undone.records_restored, undone.last_change_id)


class Health(msgspec.Struct, omit_defaults=True):
    status: str  # "ok", or "degraded" when the storage did not answer in time
    storage: str
    detail: str | None = None  # why it is degraded


class LineProblem(msgspec.Struct):
    line: int
    message: str


class UndoBlocker(msgspec.Struct):
    """A record an undo would overwrite: it changed since the entry being undone."""

    product_id: int
    date: dt.date
    expected_level: int | None
    current_level: int | None
    product_exists: bool

    @classmethod
    def of(cls, blocked: Blocked) -> UndoBlocker:
        return cls(
            blocked.product_id,
            blocked.date,
            blocked.expected_level,
            blocked.current_level,
            blocked.product_exists,
        )


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details."""

    title: str
    status: int
    detail: str
    type: str = "about:blank"
    errors: list[LineProblem] | None = None
    error_count: int | None = None
    current_level: int | msgspec.UnsetType | None = msgspec.UNSET
    current_name: str | msgspec.UnsetType = msgspec.UNSET
    current_etag: str | msgspec.UnsetType | None = msgspec.UNSET
    blocked: list[UndoBlocker] | None = None
    blocked_count: int | None = None
