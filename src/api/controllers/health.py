"""Liveness, and which storage answers."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from api.schemas import Health
from domain.ports import UnitOfWork


@get("/api/health", summary="Liveness and the storage in use", tags=["health"])
async def health(uow: NamedDependency[UnitOfWork], storage_kind: NamedDependency[str]) -> Health:
    async with uow:
        await uow.products.next_id()
    return Health("ok", storage_kind)
