"""Static files: a path holding a NUL names no file, and is refused before the file system."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException


async def refuse_nul_in_path(request: Request[Any, Any, Any]) -> None:
    # No file name holds a NUL, and os.stat() on one raises a ValueError (a 500), not a miss.
    if "\x00" in request.scope["path"]:
        raise NotFoundException(detail="no such file: a path cannot hold a NUL byte (%00)")
