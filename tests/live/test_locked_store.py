"""A store another connection holds locked: health still answers at once, reads are refused
with the reason instead of hanging, and PostgreSQL's statement bound holds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.live.conftest import empty_store
from tests.live.locks import store_locked
from tests.live.server import serving

LOCKABLE = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _timed_get(url: str, client: httpx.Client | None = None) -> tuple[float, httpx.Response]:
    started = time.monotonic()
    response = (client or httpx).get(url, timeout=30)
    return time.monotonic() - started, response


def _health_checks(base: str) -> list[tuple[float, httpx.Response]]:
    """Ten checks at once, three times over, on connections kept open (as a prober does)."""
    with httpx.Client() as client, ThreadPoolExecutor(10) as pool:
        return [
            answer
            for _ in range(3)
            for answer in pool.map(lambda url: _timed_get(url, client), [f"{base}/api/health"] * 10)
        ]


@pytest.mark.slow
@pytest.mark.postgres
def test_health_answers_degraded_within_a_second_while_postgresql_tables_are_locked(
    tmp_path: Path,
) -> None:
    with empty_store("postgresql", tmp_path) as url, serving(url, tmp_path) as base:
        with store_locked(url):
            answers = _health_checks(base)
            lived, ready = _timed_get(f"{base}/api/health?ready=true")
        after = httpx.get(f"{base}/api/health?ready=true", timeout=10)
    assert max(lived for lived, _ in answers) < 1.0
    for _, answer in answers:
        assert answer.status_code == 200
        assert answer.json()["status"] == "degraded"
        assert "did not answer within 0.5 s" in answer.json()["detail"]
    assert lived < 1.0
    assert ready.status_code == 503
    assert ready.headers["content-type"].startswith("application/problem+json")
    assert after.status_code == 200
    assert after.json() == {"status": "ok", "storage": "postgresql"}


@pytest.mark.slow
def test_health_answers_degraded_within_a_second_while_sqlite_is_locked(tmp_path: Path) -> None:
    with empty_store("sqlite", tmp_path) as url, serving(url, tmp_path) as base:
        with store_locked(url):
            answers = _health_checks(base)
            ready = httpx.get(f"{base}/api/health?ready=true", timeout=10)
            started = time.monotonic()
            write = httpx.post(f"{base}/api/products", json={"product_name": "Lamp"}, timeout=30)
            waited = time.monotonic() - started
        after = httpx.get(f"{base}/api/health", timeout=10)
        assert httpx.post(f"{base}/api/products", json={"product_name": "Lamp"}).status_code == 201
    assert max(lived for lived, _ in answers) < 1.0
    for _, answer in answers:
        assert answer.status_code == 200
        assert answer.json()["status"] == "degraded"
        assert "another connection holds the database's write lock" in answer.json()["detail"]
    # In WAL mode reads pass the lock: the server still serves them, so it stays ready.
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert write.status_code == 503, write.text
    assert "busy" in write.json()["detail"]
    assert waited < 7
    assert after.json() == {"status": "ok", "storage": "sqlite"}


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    with empty_store("postgresql", tmp_path) as url:
        yield url


@pytest.mark.slow
@pytest.mark.postgres
def test_a_statement_over_the_statement_timeout_is_a_503_naming_it(
    postgres_url: str, tmp_path: Path
) -> None:
    with serving(postgres_url, tmp_path, STOCKLINE_STATEMENT_TIMEOUT="0.3") as base:
        with store_locked(postgres_url):
            listed = _timed_get(f"{base}/api/products")
            one = _timed_get(f"{base}/api/products/1")  # a small read, on the readers' pool
        assert httpx.get(f"{base}/api/products", timeout=10).status_code == 200
    for lived, answer in (listed, one):
        assert answer.status_code == 503, answer.text
        assert "statement timeout" in answer.json()["detail"]
        assert lived < 1.5  # one wait of 0.3 s, not a retry after it


@pytest.mark.slow
@pytest.mark.postgres
def test_a_read_waits_for_a_table_lock_no_longer_than_the_lock_timeout(
    postgres_url: str, tmp_path: Path
) -> None:
    with serving(postgres_url, tmp_path) as base, store_locked(postgres_url):
        lived, answer = _timed_get(f"{base}/api/products")
    assert answer.status_code == 503, answer.text
    assert "lock timeout" in answer.json()["detail"]
    assert 4.5 < lived < 8
