"""Answers compressed for the clients that accept it: brotli, else gzip.

A twenty-product, three-year history is 1.9 MB of JSON; brotli (quality 5) sends it as some
70 kB for about 18 ms of CPU, gzip as 110 kB for 12 ms. Text only (JSON, CSV, the UI's
scripts and styles): images and fonts are compressed already. A streamed answer (a long
history, an export) stays streamed: each piece is compressed and flushed as it comes.
"""

from __future__ import annotations

import zlib

import brotli  # type: ignore[import-untyped]
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

from api.pages import is_api
from api.scope_headers import header

MINIMUM_BYTES = 1024  # below, the headers cost about what compression saves
TEXT_TYPES = (
    "application/json",
    "application/problem+json",
    "application/javascript",
    "application/manifest+json",
    "image/svg+xml",
    "text/",
)
PREFERENCE = ("br", "gzip")  # the best the client accepts, in this order


def chosen_encoding(accept_encoding: str) -> str | None:
    """The coding to send for an Accept-Encoding header (RFC 9110, 12.5.3), None for none."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            weights[name.lower()] = weight
    for coding in PREFERENCE:
        if weights.get(coding, weights.get("*", 0.0)) > 0:
            return coding
    return None


class _Encoder:
    """One answer's compressor; `piece` flushes, so that a streamed piece goes out whole."""

    def __init__(self, coding: str) -> None:
        self._brotli = brotli.Compressor(quality=5) if coding == "br" else None
        self._gzip = None if self._brotli else zlib.compressobj(6, zlib.DEFLATED, 31)

    def piece(self, data: bytes) -> bytes:
        if self._brotli is not None:
            return bytes(self._brotli.process(data) + self._brotli.flush())
        assert self._gzip is not None
        return self._gzip.compress(data) + self._gzip.flush(zlib.Z_SYNC_FLUSH)

    def last(self, data: bytes) -> bytes:
        if self._brotli is not None:
            return bytes(self._brotli.process(data) + self._brotli.finish())
        assert self._gzip is not None
        return self._gzip.compress(data) + self._gzip.flush()


def _compressible(start: HTTPResponseStartEvent, api: bool) -> bool:
    """Text, not coded already, and, in the API, without a strong ETag: a client's If-Match
    compares that tag byte for byte, and another coding of the answer would need a tag of its
    own. A UI file's tag serves only If-None-Match, which compares weakly: it is weakened."""
    headers = MutableScopeHeaders(start)
    kind = (headers.get("content-type") or "").lower()
    etag = headers.get("etag")
    return (
        kind.startswith(TEXT_TYPES)
        and "content-encoding" not in headers
        and (etag is None or etag.startswith("W/") or not api)
        and start.get("status", 200) not in (204, 304)
    )


def compressed(app: ASGIApp) -> ASGIApp:
    """`app`, its text answers compressed for the clients that accept it."""

    async def compressing(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        coding = chosen_encoding(header(scope, b"accept-encoding"))
        api = is_api(scope["path"])
        start: HTTPResponseStartEvent | None = None
        encoder: _Encoder | None = None

        async def send_compressed(message: Message) -> None:
            nonlocal start, encoder
            if message["type"] == "http.response.start":
                start = message  # held until the first piece tells the answer's size
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body, more = message.get("body", b""), message.get("more_body", False)
            if start is not None:
                held, start = start, None
                if _compressible(held, api):
                    headers = MutableScopeHeaders(held)
                    headers.extend_header_value("vary", "Accept-Encoding")
                    if coding is not None and (more or len(body) >= MINIMUM_BYTES):
                        encoder = _Encoder(coding)
                        headers["content-encoding"] = coding
                        if (etag := headers.get("etag")) and not etag.startswith("W/"):
                            headers["etag"] = "W/" + etag
                        del headers["content-length"]
                        if not more:
                            body = encoder.last(body)
                            headers["content-length"] = str(len(body))
                            encoder = None
                await send(held)
                if encoder is None:
                    await send({**message, "body": body})
                    return
            if encoder is not None:
                body = encoder.piece(body) if more else encoder.last(body)
            await send({**message, "body": body})

        await app(scope, receive, send_compressed)

    return compressing
