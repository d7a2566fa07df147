"""The composition root: `create_app(settings)` picks the storage and wires the API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from litestar import Litestar, Request
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.response import Response
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from adapters.storage import Storage, storage_from_url
from api.authors import author
from api.body_deadline import body_deadline
from api.compression import compressed
from api.controllers.changes import ChangesController
from api.controllers.health import health
from api.controllers.inventory import InventoryController
from api.controllers.products import ProductController
from api.controllers.transfer import TransferController
from api.cross_site import SitePolicy, same_site_only
from api.docs import openapi_config, swagger_assets
from api.errors import exception_handlers, replace_html_not_found
from api.file_paths import refuse_nul_in_path
from api.import_workers import ImportWorkers
from api.json_body import JsonBodyRequest
from api.pages import head_as_get, ui_pages
from api.query_check import refuse_unknown_query_parameters
from api.request_log import request_log
from api.security import UI_HEADERS, body_type_guard, frame_guard, token_guard
from api.settings import Settings
from api.storage_probe import StorageProbe
from api.strict_integers import refuse_loose_integers
from domain.ports import UnitOfWork


async def check_parameters(request: Request[Any, Any, Any]) -> None:
    await refuse_unknown_query_parameters(request)
    refuse_loose_integers(request)


async def with_ui_headers(response: Response[Any]) -> Response[Any]:
    response.headers.update(UI_HEADERS)
    return response


def create_app(settings: Settings, storage: Storage | None = None) -> Litestar:
    """A new app over the storage the settings name (or the one given, already built)."""
    store = storage or storage_from_url(settings.storage, settings.statement_timeout)

    import_workers = ImportWorkers(settings.max_imports)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await store.open()
        try:
            yield
        finally:
            import_workers.close()
            await store.close()

    def unit_of_work() -> UnitOfWork:
        return store.unit_of_work()

    def storage_kind() -> str:
        return store.kind

    probe = StorageProbe(unit_of_work, store.write_blocker)

    handlers: list[ControllerRouterHandler] = [
        ProductController,
        InventoryController,
        TransferController,
        ChangesController,
        health,
        swagger_assets(),
    ]
    if settings.frontend_dir.is_dir():
        handlers.append(
            create_static_files_router(
                path="/",
                directories=[settings.frontend_dir],
                html_mode=True,
                include_in_schema=False,
                before_request=refuse_nul_in_path,
                after_request=with_ui_headers,
            )
        )
    app = Litestar(
        route_handlers=handlers,
        dependencies={
            "uow": Provide(unit_of_work, sync_to_thread=False),
            "storage_kind": Provide(storage_kind, sync_to_thread=False),
            "storage_probe": Provide(lambda: probe, sync_to_thread=False),
            "author": Provide(author, sync_to_thread=False),
            "import_workers": Provide(lambda: import_workers, sync_to_thread=False),
        },
        lifespan=[lifespan],
        # The token first: without it, a write is 401 whatever its body.
        guards=[
            *([token_guard(settings.api_token)] if settings.api_token else []),
            body_type_guard,
        ],
        response_headers=[ResponseHeader(name="X-Content-Type-Options", value="nosniff")],
        before_request=check_parameters,
        after_request=replace_html_not_found,
        exception_handlers=exception_handlers(),
        openapi_config=openapi_config(version("stockline")),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        request_max_body_size=settings.max_upload_bytes,
        request_class=JsonBodyRequest,
        logging_config=LoggingConfig(
            root={"level": settings.log_level.upper(), "handlers": ["queue_listener"]},
            log_exceptions="never",
        ),
    )
    # Litestar runs an app's middleware after routing, on matched routes only. A foreign Host
    # must be refused on every path and before anything answers (the CORS preflight too), so
    # the check wraps the whole handler; the log wraps it in turn, so refusals are logged.
    # The body's deadline inside both, so that a stalled upload's 408 is logged like any answer.
    # The frame guard is outermost, so that every answer, refusals too, carries its headers.
    # Compression around the whole app too: Litestar's own middleware would miss the UI's
    # files, answers of unmatched routes, and the problems of these wrappers.
    # HEAD is answered as GET, outside all of them: the same headers, compression's included.
    bounded = body_deadline(app.asgi_handler, settings.body_timeout)
    if settings.frontend_dir.is_dir():
        bounded = ui_pages(bounded, settings.frontend_dir)
    site_only = same_site_only(compressed(bounded), SitePolicy.of(settings))
    app.asgi_handler = frame_guard(request_log(head_as_get(site_only)))
    return app
