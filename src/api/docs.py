"""The OpenAPI document and Swagger UI, served from local files so they work offline."""

from __future__ import annotations

from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, License
from litestar.router import Router
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/api/ui/assets"


def openapi_config(version: str) -> OpenAPIConfig:
    swagger = SwaggerRenderPlugin(
        path="/ui",
        js_url=f"{ASSETS}/swagger-ui-bundle.js",
        css_url=f"{ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
        favicon="",
    )
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
        path=ASSETS, directories=[swagger_ui_path], include_in_schema=False, name="swagger-assets"
    )
