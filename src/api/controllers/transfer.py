"""Import and export of the brief's flat CSV format."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Stream

from api.collector import collector_paused
from api.docs import CsvUpload, problems
from api.import_workers import ImportWorkers
from api.schemas import ImportReportOut
from api.security import BODY_TYPE
from domain import transfer
from domain.changes import Author
from domain.ports import UnitOfWork
from domain.transfer import ImportMode

CSV = "text/csv"


class TransferController(Controller):
    path = "/api/inventory"
    tags = ["import and export"]

    @post(
        "/import",
        summary="Import rows in the brief's CSV format, all or nothing",
        description=(
            "Body: the file itself (Content-Type text/csv). Every line is checked before anything "
            "is written; a 422 lists each bad line. merge adds and replaces records; replace makes "
            "the file the whole store. dry_run checks and reports without writing."
        ),
        status_code=200,
        operation_class=CsvUpload,
        responses=problems(413, 415, 422, 429),
        # Only text/csv: text/plain, as any page can send it without a CORS preflight, is not.
        opt={BODY_TYPE: CSV},
    )
    async def import_csv(
        self,
        request: Request[Any, Any, Any],
        uow: NamedDependency[UnitOfWork],
        author: NamedDependency[Author],
        import_workers: NamedDependency[ImportWorkers],
        mode: Annotated[
            ImportMode, QueryParameter(description="merge or replace")
        ] = ImportMode.MERGE,
        dry_run: Annotated[bool, QueryParameter(description="Check and report only")] = False,
    ) -> ImportReportOut:
        async with import_workers.received(request.stream()) as upload:
            with import_workers.slot():
                rows = await import_workers.parse(upload)
                with collector_paused():
                    report = await transfer.import_rows(uow, rows, mode, dry_run, author=author)
        return ImportReportOut.of(report)

    @get(
        "/export",
        summary="Export rows in the brief's CSV format",
        media_type=CSV,
        responses=problems(404),
        response_description="product_id;product_name;date;inventory_level, dates dd-mm-yyyy",
    )
    async def export_csv(
        self,
        uow: NamedDependency[UnitOfWork],
        product_id: Annotated[
            list[int] | None,
            QueryParameter(max_items=1000, description="Only these; all when absent"),
        ] = None,
    ) -> Stream:
        slices = await transfer.export_rows(uow, product_id)
        return Stream(
            transfer.export_text(slices),
            media_type=CSV + "; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="inventory.csv"'},
        )
