"""A JSON body the decoder cannot read is the client's fault: a 400 naming why, not a 500."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException


class JsonBodyRequest(Request[Any, Any, Any]):
    """The framework's request, with the two decoder faults it lets escape turned into 400s.

    msgspec reports malformed JSON itself (the framework makes that a 400), but invalid
    UTF-8 inside a string and nesting past the interpreter's stack leave as plain
    UnicodeDecodeError and RecursionError, which would be answered as server errors.
    """

    async def json(self) -> Any:
        try:
            return await super().json()
        except UnicodeDecodeError as error:
            # No position: the decoder's offset counts from the string, not from the body.
            raise ClientException(
                detail=f"the body is not valid UTF-8 ({error.reason}); send text as UTF-8"
            ) from None
        except RecursionError:
            raise ClientException(detail="the JSON body is nested too deeply") from None
