"""The OpenAPI document and Swagger UI, served from local files so they work offline."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    License,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.router import Router
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

from api.errors import PROBLEM_JSON
from api.file_paths import refuse_nul_in_path
from api.schemas import Problem

ASSETS = "/api/ui/assets"
# Our own files beside Swagger UI's: the script that starts it, and the page's style.
OWN_ASSETS = Path(__file__).with_name("docs_assets")

_PROBLEMS = {
    400: "The request is malformed: `detail` names each field and what is wrong with it",
    401: "A token is configured and this request lacks it",
    404: "No such product, record, change or import",
    409: (
        "A product id or name (in any case) is taken, or an undo would overwrite a record "
        "that changed since: `blocked` lists those records with their current levels"
    ),
    412: "If-Match or If-None-Match failed: the answer holds the current value and tag",
    413: "The body is larger than the configured limit",
    415: "The body is not sent as the type the operation takes: application/json, or text/csv",
    422: "The file has bad lines; `errors` lists the first 1000 with their numbers",
    429: "As many imports as STOCKLINE_MAX_IMPORTS are under way: retry after `Retry-After`",
    503: "The storage cannot answer now: `detail` says why (locked, overloaded, unreachable)",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """The error answers a handler can give (400 always), documented as RFC 9457 problems."""
    answers = {
        status: ResponseSpec(
            data_container=Problem,
            description=_PROBLEMS[status],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in (400, *statuses)
    }
    # Answered by the HTTP server itself, before the app sees the request: by
    # `stockline serve` only past a 1 MiB request head (granian has a lower limit).
    answers[414] = ResponseSpec(data_container=None, description="The URL is too long")
    return answers


@dataclass
class CsvUpload(Operation):
    """An operation whose request body is a CSV file (the handler reads it raw)."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={"text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
            description="The file in the brief's format: product_id;product_name;date;inventory_level",
            required=True,
        )


class SwaggerPage(SwaggerRenderPlugin):
    """Swagger UI without inline code: it loads the spec from /api/openapi.json and starts
    from a script file, so the page's policy (`security.DOCS_POLICY`) needs no
    'unsafe-inline'. Litestar's own page inlines the spec and its start-up script."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} API</title>
<link href="{ASSETS}/swagger-ui.css" rel="stylesheet">
<link href="{ASSETS}/stockline-docs.css" rel="stylesheet">
</head>
<body>
<div id="swagger-container"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{ASSETS}/swagger-ui-standalone-preset.js"></script>
<script src="{ASSETS}/stockline-docs.js"></script>
</body>
</html>
""".encode()


def openapi_config(version: str) -> OpenAPIConfig:
    swagger = SwaggerPage(path="/ui", favicon="")
    return OpenAPIConfig(
        title="Stockline",
        version=version,
        description="Inventory level of each product over time.",
        license=License(name="MIT"),
        path="/api",
        render_plugins=[swagger],
        components=Components(),
        use_handler_docstrings=False,
    )


def swagger_assets() -> Router:
    return create_static_files_router(
        path=ASSETS,
        directories=[swagger_ui_path, OWN_ASSETS],
        include_in_schema=False,
        name="swagger-assets",
        before_request=refuse_nul_in_path,
    )
