"""Products: list and search, create, read, rename, delete."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter

from api.docs import problems
from api.etags import product_check, product_etag
from api.schemas import ProductCreate, ProductOut, ProductPage, ProductRename
from domain import services
from domain.changes import Author
from domain.model import MAX_PRODUCT_ID, ProductSummary
from domain.ports import UnitOfWork

MAX_PAGE = 1000

ProductPath = Annotated[int, PathParameter(ge=1, le=MAX_PRODUCT_ID, description="Product id")]
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match", max_length=2000, description="Change only if the ETag still matches"
    ),
]


def with_etag(summary: ProductSummary) -> Response[ProductOut]:
    return Response(ProductOut.of(summary), headers={"ETag": product_etag(summary.product)})


class ProductController(Controller):
    path = "/api/products"
    tags = ["products"]

    @get(
        summary="List products, searched by id or name, with their latest level",
        responses=problems(),
    )
    async def list_products(
        self,
        uow: NamedDependency[UnitOfWork],
        search: Annotated[
            str | None, QueryParameter(max_length=200, description="An id or part of a name")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=2**31)] = 0,
    ) -> ProductPage:
        page = await services.list_products(uow, search, limit, offset)
        return ProductPage([ProductOut.of(item) for item in page.items], page.total, limit, offset)

    @post(
        summary="Create a product; its id is the next free one when not given",
        responses=problems(409, 415),
    )
    async def create_product(
        self, uow: NamedDependency[UnitOfWork], data: JSONBody[ProductCreate]
    ) -> Response[ProductOut]:
        product = await services.create_product(uow, data.product_name, data.product_id, data.unit)
        created = with_etag(ProductSummary(product, 0, None))
        created.status_code = 201
        return created

    @get("/{product_id:int}", summary="Read a product, with its ETag", responses=problems(404))
    async def get_product(
        self, uow: NamedDependency[UnitOfWork], product_id: ProductPath
    ) -> Response[ProductOut]:
        return with_etag(await services.get_product(uow, product_id))

    @patch(
        "/{product_id:int}",
        summary="Rename a product, or change its unit",
        responses=problems(404, 409, 412, 415),
    )
    async def rename_product(
        self,
        uow: NamedDependency[UnitOfWork],
        product_id: ProductPath,
        data: JSONBody[ProductRename],
        if_match: IfMatch = None,
    ) -> Response[ProductOut]:
        check = product_check(if_match)
        await services.change_product(uow, product_id, data.product_name, check, data.unit)
        return with_etag(await services.get_product(uow, product_id))

    @delete(
        "/{product_id:int}",
        summary="Delete a product with all its records",
        responses=problems(404, 412),
    )
    async def delete_product(
        self,
        uow: NamedDependency[UnitOfWork],
        author: NamedDependency[Author],
        product_id: ProductPath,
        if_match: IfMatch = None,
    ) -> None:
        await services.delete_product(uow, product_id, product_check(if_match), author)
