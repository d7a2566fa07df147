"""Inventory records: read history, set or delete the level of a product on a date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Response, delete, get, put
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter

from api.controllers.products import IfMatch, ProductPath
from api.docs import problems
from api.etags import record_check, record_etag
from api.row_stream import rows_answer
from api.schemas import LevelWrite, RowOut
from domain import services
from domain.changes import Author
from domain.ports import UnitOfWork

MAX_PRODUCTS_PER_QUERY = 100
RECORD_PATH = "/api/products/{product_id:int}/inventory/{date:str}"

# The route matches any text, and the parameter's type makes it a date: an impossible date
# such as 2025-02-30 then gets a 400 that says why, not a 404 for an unmatched route.
DatePath = Annotated[dt.date, PathParameter(description="ISO date YYYY-MM-DD")]
IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(name="If-None-Match", max_length=2000, description="* : only create"),
]


class InventoryController(Controller):
    tags = ["inventory"]

    @get(
        "/api/inventory",
        summary="History of one or more products, by product id then date",
        responses=problems(404),
    )
    async def history(
        self,
        uow: NamedDependency[UnitOfWork],
        product_id: Annotated[
            list[int],
            QueryParameter(
                min_items=1, max_items=MAX_PRODUCTS_PER_QUERY, description="Repeat for several"
            ),
        ],
        start: Annotated[
            dt.date | None, QueryParameter(description="First date, inclusive")
        ] = None,
        end: Annotated[dt.date | None, QueryParameter(description="Last date, inclusive")] = None,
    ) -> Response[list[RowOut]]:
        # Streamed when long (see rows_answer): documented as the list it is.
        return await rows_answer(await services.stream_history(uow, product_id, start, end))

    @get(
        RECORD_PATH,
        summary="Read one record, with its ETag",
        responses=problems(404),
    )
    async def get_level(
        self, uow: NamedDependency[UnitOfWork], product_id: ProductPath, date: DatePath
    ) -> Response[RowOut]:
        row = await services.read_level(uow, product_id, date)
        return Response(RowOut.of(row), headers={"ETag": record_etag(row.level)})

    @put(
        RECORD_PATH,
        summary="Set the level of a product on a date (create or replace)",
        description=(
            "Answers 201 when the record is new, 200 when it replaced a level. With If-Match "
            '(the record\'s ETag, "L" and its level, or *) it writes only over that level; with '
            "If-None-Match: * only when there is no record yet; else 412 with the current level."
        ),
        status_code=200,
        responses={
            201: ResponseSpec(
                RowOut, description="The record was created", generate_examples=False
            ),
            **problems(404, 412, 415),
        },
    )
    async def set_level(
        self,
        uow: NamedDependency[UnitOfWork],
        product_id: ProductPath,
        date: DatePath,
        data: JSONBody[LevelWrite],
        author: NamedDependency[Author],
        if_match: IfMatch = None,
        if_none_match: IfNoneMatch = None,
    ) -> Response[RowOut]:
        check = record_check(if_match, if_none_match)
        row, created = await services.set_level(
            uow, product_id, date, data.inventory_level, check, author
        )
        return Response(
            RowOut.of(row),
            status_code=201 if created else 200,
            headers={"ETag": record_etag(row.level)},
        )

    @delete(RECORD_PATH, summary="Remove a record", responses=problems(404, 412))
    async def delete_level(
        self,
        uow: NamedDependency[UnitOfWork],
        product_id: ProductPath,
        date: DatePath,
        author: NamedDependency[Author],
        if_match: IfMatch = None,
    ) -> None:
        await services.delete_level(uow, product_id, date, record_check(if_match, None), author)
