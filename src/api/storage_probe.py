"""The look at the store behind /api/health: answered within a bound, and never piled up.

A store that is locked or overloaded may take seconds to answer (PostgreSQL's lock timeout,
SQLite's busy timeout, 5 s each). Health must still answer at once, and health checks must
not add to the load: so one look runs at a time, each caller waits for it at most WAIT_S,
and a look still running when the next check comes is the one that check waits for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from domain.errors import DomainError
from domain.ports import UnitOfWork

WAIT_S = 0.5  # a health check answers within a second, with room for a busy machine
logger = logging.getLogger("stockline")


class StorageProbe:
    """Looks at the store, one look at a time."""

    def __init__(self, unit_of_work: Callable[[], UnitOfWork], wait_s: float = WAIT_S) -> None:
        self._unit_of_work = unit_of_work
        self._wait_s = wait_s
        self._look: asyncio.Task[None] | None = None

    async def problem(self) -> str | None:
        """None when the store answered within the bound; otherwise why it did not."""
        look = self._look
        if look is None or look.done():
            look = self._look = asyncio.create_task(self._read_something())
            look.add_done_callback(_retrieve)
        try:
            # shield: a caller that stops waiting leaves the look running for the next one.
            await asyncio.wait_for(asyncio.shield(look), self._wait_s)
        except TimeoutError:
            return f"the storage did not answer within {self._wait_s:g} s"
        except DomainError as error:
            return str(error)
        except Exception:
            logger.exception("the health check's look at the storage failed")
            return "the storage check failed unexpectedly (the error is logged)"
        return None

    async def _read_something(self) -> None:
        async with self._unit_of_work() as uow:
            await uow.products.next_id()


def _retrieve(look: asyncio.Task[None]) -> None:
    """Collect the outcome of a look nobody waited for to the end (else asyncio warns)."""
    if not look.cancelled():
        look.exception()
