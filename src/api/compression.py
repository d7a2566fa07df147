"""Answers compressed for the clients that accept it: brotli, else gzip.

A twenty-product, three-year history is 1.9 MB of JSON; brotli at quality 1 sends it as some
115 kB for 1.7 ms of CPU (quality 5: 67 kB for 18 ms, which would halve the req/s of a
one-product read), gzip at level 1 as 144 kB for 4 ms. Text only (JSON, CSV, the UI's
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
    "application/vnd.oai.openapi+json",
    "image/svg+xml",
    "text/",
)
PREFERENCE = ("br", "gzip")  # on equal weights, in this order
HEADER_READ = 4096
BROTLI_QUALITY = 1
GZIP_LEVEL = 1
GZIP_WBITS = 31  # the gzip format, not bare deflate


def chosen_encoding(accept_encoding: str) -> str | None:
    """The coding to send for an Accept-Encoding header (RFC 9110, 12.5.3): the one the
    client weighs highest, ours first on a tie; None for none. Only the header's first
    HEADER_READ characters count: a megabyte of it would take the loop a tenth of a second."""
    weights: dict[str, float] = {}
    for item in accept_encoding[:HEADER_READ].split(","):
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
    weighed = [(weights.get(coding, weights.get("*", 0.0)), coding) for coding in PREFERENCE]
    weight, coding = max(weighed, key=lambda pair: pair[0])  # the first of the best
    return coding if weight > 0 else None


def whole(coding: str, data: bytes) -> bytes:
    """A whole answer compressed in one call: a streaming compressor's set-up (its window
    allocated, then given back) costs more than compressing a one-product history."""
    if coding == "br":
        return bytes(brotli.compress(data, quality=BROTLI_QUALITY))
    return zlib.compress(data, GZIP_LEVEL, wbits=GZIP_WBITS)


class _Encoder:
    """A streamed answer's compressor; `piece` flushes, so that each piece goes out whole."""

    def __init__(self, coding: str) -> None:
        self._brotli = brotli.Compressor(quality=BROTLI_QUALITY) if coding == "br" else None
        self._gzip = (
            None if self._brotli else zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, GZIP_WBITS)
        )

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
    """Text, not coded already, and not an API answer of JSON with a strong ETag: a client's
    If-Match compares that tag byte for byte, and another coding of the answer would need a
    tag of its own. A file's tag (the UI's, Swagger's) serves only If-None-Match, which
    compares weakly: it is weakened."""
    headers = MutableScopeHeaders(start)
    kind = (headers.get("content-type") or "").lower()
    etag = headers.get("etag")
    if_match_tag = api and kind.startswith("application/json") and etag and etag[:2] != "W/"
    return (
        kind.startswith(TEXT_TYPES)
        and "content-encoding" not in headers
        and not if_match_tag
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
                        headers["content-encoding"] = coding
                        if (etag := headers.get("etag")) and not etag.startswith("W/"):
                            headers["etag"] = "W/" + etag
                        del headers["content-length"]
                        if more:
                            encoder = _Encoder(coding)
                        else:
                            body = whole(coding, body)
                            headers["content-length"] = str(len(body))
                await send(held)
                if encoder is None:
                    await send({**message, "body": body})
                    return
            if encoder is not None:
                body = encoder.piece(body) if more else encoder.last(body)
            await send({**message, "body": body})

        await app(scope, receive, send_compressed)

    return compressing
