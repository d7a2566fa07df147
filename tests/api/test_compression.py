"""Answers are compressed for the clients that accept it, and only for them (issue 19)."""

from __future__ import annotations

import datetime as dt
import gzip
from typing import Any

import brotli
import pytest
from litestar.testing import TestClient

from api.compression import chosen_encoding, compressed
from domain import services

CSV = {"content-type": "text/csv"}


@pytest.fixture
def long_history(client: TestClient) -> TestClient:
    """Three products of 200 days: some 25 kB of JSON for all three."""
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(200)]
    lines = [
        f"{pid};Product {pid};{d:%d-%m-%Y};{n}" for pid in (1, 2, 3) for n, d in enumerate(days)
    ]
    body = "product_id;product_name;date;inventory_level\n" + "\n".join(lines) + "\n"
    assert client.post("/api/inventory/import", content=body, headers=CSV).status_code == 200
    return client


QUERY = {"product_id": [1, 2, 3]}


@pytest.mark.parametrize(
    ("accepted", "coding"),
    [("br", "br"), ("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip")],
)
def test_a_long_answer_is_compressed_in_the_best_coding_accepted(
    long_history: TestClient, accepted: str, coding: str
) -> None:
    plain = long_history.get(
        "/api/inventory", params=QUERY, headers={"accept-encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["vary"]  # a cache keeps the two apart
    answer = long_history.get("/api/inventory", params=QUERY, headers={"accept-encoding": accepted})
    assert answer.headers["content-encoding"] == coding
    assert "Accept-Encoding" in answer.headers["vary"]
    assert answer.content == plain.content  # decoded by the client: the same JSON
    assert answer.num_bytes_downloaded * 5 < len(plain.content)


def test_no_coding_is_sent_to_a_client_that_accepts_none(long_history: TestClient) -> None:
    for refused in ("identity", "br;q=0, gzip;q=0", "*;q=0", "compress"):
        answer = long_history.get(
            "/api/inventory", params=QUERY, headers={"accept-encoding": refused}
        )
        assert "content-encoding" not in answer.headers, refused
        assert answer.headers["content-length"] == str(len(answer.content))


def test_a_short_answer_goes_as_it_is(seeded: TestClient) -> None:
    answer = seeded.get(
        "/api/inventory", params={"product_id": 2}, headers={"accept-encoding": "br"}
    )
    assert len(answer.content) < 1024
    assert "content-encoding" not in answer.headers
    assert answer.headers["vary"].endswith("Accept-Encoding")


def test_a_streamed_answer_stays_streamed_and_decodes_to_the_same_bytes(
    long_history: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "HISTORY_SLICE_ROWS", 50)  # 600 rows: 12 slices
    plain = long_history.get(
        "/api/inventory", params=QUERY, headers={"accept-encoding": "identity"}
    )
    for coding in ("br", "gzip"):
        answer = long_history.get(
            "/api/inventory", params=QUERY, headers={"accept-encoding": coding}
        )
        assert answer.headers["content-encoding"] == coding
        assert "content-length" not in answer.headers
        assert answer.content == plain.content


def test_an_export_is_compressed(long_history: TestClient) -> None:
    plain = long_history.get("/api/inventory/export", headers={"accept-encoding": "identity"})
    answer = long_history.get("/api/inventory/export", headers={"accept-encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.content == plain.content
    assert plain.text.startswith("product_id;product_name;date;inventory_level\n")


def test_a_head_request_tells_the_coding_a_get_would_have(long_history: TestClient) -> None:
    asked = {"accept-encoding": "br"}
    head = long_history.head("/api/inventory", params=QUERY, headers=asked)
    get = long_history.get("/api/inventory", params=QUERY, headers=asked)
    assert head.content == b""
    assert head.headers["content-encoding"] == get.headers["content-encoding"] == "br"
    assert head.headers["content-length"] == get.headers["content-length"]


async def _asgi(app: Any, accept: str, path: str = "/api/x") -> tuple[dict[str, str], bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"accept-encoding", accept.encode())]
    scope = {"type": "http", "method": "GET", "path": path, "headers": headers}
    await compressed(app)(scope, receive, send)
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return headers, b"".join(m.get("body", b"") for m in sent[1:])


def _answer(content_type: bytes, extra: list[tuple[bytes, bytes]], pieces: list[bytes]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", content_type), *extra]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for n, piece in enumerate(pieces):
            more = n < len(pieces) - 1
            await send({"type": "http.response.body", "body": piece, "more_body": more})

    return app


TEXT = b'{"rows": "' + b"0123456789" * 300 + b'"}'


async def test_only_text_without_a_strong_etag_is_compressed() -> None:
    headers, body = await _asgi(_answer(b"application/json", [], [TEXT]), "br")
    assert headers["content-encoding"] == "br"
    assert brotli.decompress(body) == TEXT
    assert headers["content-length"] == str(len(body))
    png = _answer(b"image/png", [], [TEXT])
    assert "content-encoding" not in (await _asgi(png, "br"))[0]
    tagged = _answer(b"application/json", [(b"etag", b'"P1234"')], [TEXT])
    assert "content-encoding" not in (await _asgi(tagged, "br"))[0]  # If-Match compares it
    weak = _answer(b"application/json", [(b"etag", b'W/"P1234"')], [TEXT])
    assert (await _asgi(weak, "br"))[0]["content-encoding"] == "br"
    ui_file = _answer(b"text/javascript", [(b"etag", b'"1796-4500"')], [TEXT])
    headers, _ = await _asgi(ui_file, "br", path="/assets/app-1.js")
    assert headers["content-encoding"] == "br"
    assert headers["etag"] == 'W/"1796-4500"'  # another coding: only weakly the same


async def test_each_streamed_piece_is_flushed_as_it_comes() -> None:
    pieces = [b"[", TEXT, b",", TEXT, b"]"]
    headers, body = await _asgi(_answer(b"application/json", [], pieces), "gzip")
    assert headers["content-encoding"] == "gzip"
    assert "content-length" not in headers
    assert gzip.decompress(body) == b"".join(pieces)


def test_the_coding_follows_the_clients_weights() -> None:
    assert chosen_encoding("gzip, br") == "br"
    assert chosen_encoding("gzip;q=1.0, br;q=0") == "gzip"
    assert chosen_encoding("*") == "br"
    assert chosen_encoding("*;q=0, gzip;q=0.1") == "gzip"
    assert chosen_encoding("") is None
    assert chosen_encoding("deflate, identity") is None
    assert chosen_encoding("br;q=nonsense, gzip") == "gzip"
    assert chosen_encoding("br;q=0.5, gzip;q=0.9") == "gzip"  # the client's best
    assert chosen_encoding("gzip;q=0.5, br;q=0.5") == "br"  # a tie: ours
    assert chosen_encoding("identity, " * 100_000 + "br") is None  # read no further


def test_the_api_documents_are_compressed_too(client: TestClient) -> None:
    for path in ("/api/openapi.json", "/api/ui/assets/swagger-ui.css"):
        answer = client.get(path, headers={"accept-encoding": "br"})
        assert answer.status_code == 200, path
        assert answer.headers["content-encoding"] == "br", path
