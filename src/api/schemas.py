"""Request and response shapes, named with the brief's snake_case fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from domain.model import MAX_LEVEL, MAX_NAME_LENGTH, MAX_PRODUCT_ID, HistoryRow, ProductSummary
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
Level = Annotated[int, msgspec.Meta(ge=0, le=MAX_LEVEL, description="Units held")]


class Strict(msgspec.Struct, forbid_unknown_fields=True):
    """Requests refuse fields they do not know, so a typo is an error, not a no-op."""


class ProductCreate(Strict):
    product_name: ProductName
    product_id: ProductId | None = None


class ProductRename(Strict):
    product_name: ProductName


class LevelWrite(Strict):
    inventory_level: Level


class ProductOut(msgspec.Struct):
    product_id: int
    product_name: str
    record_count: int
    latest_date: dt.date | None
    latest_level: int | None

    @classmethod
    def of(cls, summary: ProductSummary) -> ProductOut:
        latest = summary.latest
        return cls(
            summary.product.id,
            summary.product.name,
            summary.record_count,
            latest.date if latest else None,
            latest.level if latest else None,
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

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportOut:
        return cls(
            report.mode,
            report.dry_run,
            report.rows,
            report.products_created,
            report.products_removed,
            report.records_written,
        )


class Health(msgspec.Struct):
    status: str
    storage: str


class LineProblem(msgspec.Struct):
    line: int
    message: str


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
