"""Who makes a write, and why: the `X-Stockline-Actor` header and the `note` parameter."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote

from litestar.params import HeaderParameter, QueryParameter

from domain.changes import MAX_ACTOR_LENGTH, MAX_NOTE_LENGTH, Author
from domain.errors import InvalidValue

ACTOR_HEADER = "X-Stockline-Actor"


def author(
    actor: Annotated[
        str | None,
        HeaderParameter(
            name=ACTOR_HEADER,
            max_length=3 * 4 * MAX_ACTOR_LENGTH,  # percent-encoded UTF-8 takes up to 12 bytes
            description=(
                "The name the change history shows for this write, percent-encoded UTF-8 "
                f"(browsers send only Latin-1 in headers); at most {MAX_ACTOR_LENGTH} "
                "characters; 'anonymous' when absent"
            ),
        ),
    ] = None,
    note: Annotated[
        str | None,
        QueryParameter(
            max_length=MAX_NOTE_LENGTH,
            description=f"Why: kept with the change in the history, up to {MAX_NOTE_LENGTH} characters",
        ),
    ] = None,
) -> Author:
    try:
        name = unquote(actor, errors="strict") if actor else ""
    except UnicodeDecodeError:
        raise InvalidValue("actor", f"{ACTOR_HEADER} is not percent-encoded UTF-8") from None
    return Author(name, note)
