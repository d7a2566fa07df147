"""The change history: list it, undo one entry, undo a whole import."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter

from api.collector import collector_paused
from api.controllers.inventory import MAX_PRODUCTS_PER_QUERY
from api.docs import problems
from api.schemas import ChangeOut, ChangePage, ImportUndoneOut
from domain import history
from domain.changes import MAX_ACTOR_LENGTH, MAX_CHANGES_PAGE, Author, ChangeQuery
from domain.ports import UnitOfWork

MAX_CHANGE_ID = 2**63 - 1  # a signed 64-bit key, as SQL databases store it


class ChangesController(Controller):
    tags = ["change history"]

    @get(
        "/api/changes",
        summary="The change history, newest first, one page at a time",
        description=(
            "Every write to a level has an entry: who (X-Stockline-Actor), when (UTC), why "
            "(note), what caused it, and the level before and after. Filters combine; follow "
            "`next_cursor` for older entries."
        ),
        responses=problems(),
    )
    async def list_changes(
        self,
        uow: NamedDependency[UnitOfWork],
        product_id: Annotated[
            list[int] | None,
            QueryParameter(max_items=MAX_PRODUCTS_PER_QUERY, description="Repeat for several"),
        ] = None,
        start: Annotated[
            dt.date | None, QueryParameter(description="First record date, inclusive")
        ] = None,
        end: Annotated[
            dt.date | None, QueryParameter(description="Last record date, inclusive")
        ] = None,
        actor: Annotated[
            str | None, QueryParameter(max_length=MAX_ACTOR_LENGTH, description="Exact name")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_CHANGES_PAGE)] = 100,
        cursor: Annotated[
            int | None,
            QueryParameter(
                ge=1, le=MAX_CHANGE_ID, description="`next_cursor` of the previous page"
            ),
        ] = None,
    ) -> ChangePage:
        query = ChangeQuery(tuple(product_id or ()), start, end, actor, cursor, limit)
        page = await history.list_changes(uow, query)
        return ChangePage([ChangeOut.of(change) for change in page.items], page.next_before_id)

    @post(
        "/api/changes/{change_id:int}/undo",
        summary="Undo one change: put back the level it replaced, as a new change",
        description=(
            "Refused with 409 and the current level when the record changed since the entry "
            "(undoing it would overwrite someone's later work)."
        ),
        status_code=200,
        responses=problems(404, 409),
    )
    async def undo_change(
        self,
        uow: NamedDependency[UnitOfWork],
        author: NamedDependency[Author],
        change_id: Annotated[int, PathParameter(ge=1, le=MAX_CHANGE_ID)],
    ) -> ChangeOut:
        return ChangeOut.of(await history.undo_change(uow, change_id, author))

    @post(
        "/api/imports/{import_id:str}/undo",
        summary="Undo a whole import: every record it touched back as it was, all or nothing",
        description=(
            "Refused with 409, listing the records in `blocked`, when any record the import "
            "touched changed since. Products the import created stay, without records; records "
            "of products deleted since cannot come back until the product is created again."
        ),
        status_code=200,
        responses=problems(404, 409),
    )
    async def undo_import(
        self,
        uow: NamedDependency[UnitOfWork],
        author: NamedDependency[Author],
        import_id: Annotated[str, PathParameter(max_length=64, pattern="^[0-9a-f]+$")],
    ) -> ImportUndoneOut:
        with collector_paused():  # an import's undo builds as many objects as the import
            return ImportUndoneOut.of(await history.undo_import(uow, import_id, author))
