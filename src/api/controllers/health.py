"""Liveness, readiness, and which storage answers."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api.docs import problems
from api.schemas import Health
from api.storage_probe import StorageProbe
from domain.errors import StorageUnavailable


@get(
    "/api/health",
    summary="Liveness, readiness and the storage in use",
    description=(
        "Answers within a second. 200 while the process serves: `status` is `ok`, or "
        "`degraded` with `detail` when the storage did not answer a read in time, failed, or "
        "(SQLite) makes writes wait for another connection's lock. With `ready=true` a "
        "storage that does not answer reads is a 503 instead, for load balancers."
    ),
    tags=["health"],
    responses=problems(503),
)
async def health(
    storage_probe: NamedDependency[StorageProbe],
    storage_kind: NamedDependency[str],
    ready: Annotated[
        bool, QueryParameter(description="Answer 503 when the storage is degraded")
    ] = False,
) -> Health:
    found = await storage_probe.condition()
    if found.problem is None:
        return Health("ok", storage_kind)
    if ready and not found.reads_answer:  # a store that only makes writes wait still serves
        raise StorageUnavailable(found.problem)
    return Health("degraded", storage_kind, found.problem)
