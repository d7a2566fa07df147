"""HEAD for every GET, the UI's page at any path that is not one of its files, and how long a
browser may keep each file.

The UI keeps its state in the query string, so a link to `/anything?products=1,2` pasted
into a browser must open the UI; a path with a file extension (`/assets/app-x.js`) that is
not there stays a 404, or a missing script would come back as HTML. Vite names the files in
`assets/` by their content, so they never change: a year, immutable. Everything else
(`index.html` first) is revalidated on each use, so a new build shows at once: a file the
browser holds (If-None-Match) is a 304.
"""

from __future__ import annotations

import asyncio
from pathlib import Path, PurePosixPath

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, ReceiveMessage, Scope, Send

from api.etags import entity_tags
from api.scope_headers import header

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def head_as_get(app: ASGIApp) -> ASGIApp:
    """`app`, answering HEAD as it answers GET, headers and all, without the body.

    Once the headers are sent, the app is told the client has gone: a streamed answer (a
    long history, an export) then stops, instead of reading and compressing what nobody
    will receive."""

    async def heading(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "HEAD":
            await app(scope, receive, send)
            return
        headers_sent = asyncio.Event()
        ended = False

        async def headers_only(message: Message) -> None:
            nonlocal ended
            if message["type"] == "http.response.start":
                await send(message)
                headers_sent.set()
            elif message["type"] == "http.response.body" and not ended:
                ended = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        async def gone_once_answered() -> ReceiveMessage:
            if headers_sent.is_set():
                return {"type": "http.disconnect"}
            asked = asyncio.ensure_future(receive())
            answered = asyncio.ensure_future(headers_sent.wait())
            await asyncio.wait((asked, answered), return_when=asyncio.FIRST_COMPLETED)
            answered.cancel()
            if asked.done():
                return asked.result()
            asked.cancel()
            return {"type": "http.disconnect"}

        await app({**scope, "method": "GET"}, gone_once_answered, headers_only)

    return heading


def ui_pages(app: ASGIApp, folder: Path) -> ASGIApp:
    """`app`, serving the UI in `folder` (its static router) at every page path."""
    root = folder.resolve()

    async def paging(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or is_api(scope["path"]) or scope["method"] != "GET":
            await app(scope, receive, send)  # HEAD comes as GET (head_as_get)
            return
        path = scope["path"]
        if not PurePosixPath(path).suffix and not _is_file(root, path):
            path = "/"  # a page of the UI
            scope = HTTPScope(**{**scope, "path": path, "raw_path": b"/"})
        lifetime = IMMUTABLE if path.startswith("/assets/") else REVALIDATE
        known = _tags(header(scope, b"if-none-match"))
        unchanged = False

        async def with_lifetime(message: Message) -> None:
            nonlocal unchanged
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = MutableScopeHeaders(message)
                headers["cache-control"] = lifetime
                if "*" in known or known & _tags(headers.get("etag") or ""):
                    unchanged = True  # the browser has this very file: 304, no body
                    del headers["content-length"]
                    message = {**message, "status": 304}
            elif message["type"] == "http.response.body" and unchanged:
                if message.get("more_body", False):
                    return
                message = {**message, "body": b""}
            await send(message)

        await app(scope, receive, with_lifetime)

    return paging


def _tags(value: str) -> set[str]:
    """Entity tags as If-None-Match compares them: weakly, W/ aside (RFC 9110, 13.1.2)."""
    return {tag.removeprefix("W/") for tag in entity_tags(value)}


def _is_file(root: Path, path: str) -> bool:
    try:
        found = (root / path.lstrip("/")).resolve()
    except (OSError, ValueError):  # a NUL, a loop of links: the router refuses it
        return True
    return found.is_relative_to(root) and found.is_file()
