"""Bulk work with Python's cyclic garbage collector paused."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_holders = 0
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """An import builds millions of small objects (rows, records, history entries) that all
    live until it ends. The collector counts them as they are made and scans them all again
    at each full collection: measured at 30-40% of a 1.1M-row import, for nothing, as none
    of them is part of a cycle. Reference counting still frees them as usual. Overlapping
    uses (two imports at once) keep it paused until the last one ends.
    """
    global _holders, _was_enabled
    if _holders == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
    _holders += 1
    try:
        yield
    finally:
        _holders -= 1
        if _holders == 0 and _was_enabled:
            gc.enable()
