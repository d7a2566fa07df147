"""Races between clients of two server processes on one store: a check and its write are one
step, on every backend (issue 12). Each test sends its requests at once, over several rounds,
since one round of a race a lock does not close may still come out right."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live.conftest import store_check
from tests.live.server import serving

pytestmark = pytest.mark.slow
DAY = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def servers(module_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    folder = tmp_path_factory.mktemp("servers")
    with serving(module_store, folder) as first, serving(module_store, folder) as second:
        yield [first, second]


def run(*requests: Awaitable[httpx.Response]) -> list[httpx.Response]:
    """Send the requests at once; their answers in the same order."""

    async def together() -> list[httpx.Response]:
        return list(await asyncio.gather(*requests))

    return asyncio.run(together())


def new_product(base: str) -> int:
    """A product of the test's own, so that tests sharing the servers do not meet."""
    created = httpx.post(f"{base}/api/products", json={"product_name": f"P {uuid.uuid4()}"})
    assert created.status_code == 201, created.text
    product_id: int = created.json()["product_id"]
    return product_id


def record(product_id: int, day: int = 0) -> str:
    return f"/api/products/{product_id}/inventory/{(DAY + dt.timedelta(days=day)).isoformat()}"


async def call(base: str, method: str, path: str, **options: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        return await client.request(method, path, **options)


def put(base: str, path: str, level: int, **headers: str) -> Awaitable[httpx.Response]:
    return call(base, "PUT", path, json={"inventory_level": level}, headers=headers)


def post(base: str, path: str, **options: Any) -> Awaitable[httpx.Response]:
    return call(base, "POST", path, **options)


def statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(response.status_code for response in responses)


def test_two_writes_with_one_if_match_one_wins(servers: list[str], module_store: str) -> None:
    first, second = servers
    product_id = new_product(first)
    for day in range(10):
        path = record(product_id, day)
        assert httpx.put(f"{first}{path}", json={"inventory_level": 100}).status_code == 201
        answers = run(put(first, path, 111, **{"if-match": '"L100"'}),
                      put(second, path, 222, **{"if-match": '"L100"'}))  # fmt: skip
        assert statuses(answers) == [200, 412], [answer.text for answer in answers]
        winner = 111 if answers[0].status_code == 200 else 222
        assert httpx.get(f"{second}{path}").json()["inventory_level"] == winner
    assert store_check(module_store) == ""


def test_increments_with_if_match_lose_none(servers: list[str], module_store: str) -> None:
    product_id = new_product(servers[0])
    path = record(product_id)
    assert httpx.put(f"{servers[0]}{path}", json={"inventory_level": 0}).status_code == 201

    async def increment(base: str, times: int) -> int:
        done = 0
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for _ in range(times * 20):  # bounded: a client that keeps losing gives up
                if done == times:
                    break
                seen = await client.get(path)
                level = seen.json()["inventory_level"]
                answer = await client.put(
                    path, json={"inventory_level": level + 1}, headers={"if-match": seen.headers["etag"]}
                )  # fmt: skip
                assert answer.status_code in (200, 412), answer.text
                done += answer.status_code == 200
        return done

    async def everyone() -> list[int]:
        return list(await asyncio.gather(*(increment(servers[n % 2], 15) for n in range(8))))

    acknowledged = sum(asyncio.run(everyone()))
    assert acknowledged > 0
    assert httpx.get(f"{servers[1]}{path}").json()["inventory_level"] == acknowledged
    assert store_check(module_store) == ""


def test_two_renames_with_one_if_match_one_wins(servers: list[str], module_store: str) -> None:
    for round_ in range(5):
        product_id = new_product(servers[0])
        path = f"/api/products/{product_id}"
        tag = httpx.get(f"{servers[0]}{path}").headers["etag"]
        answers = run(*(call(base, "PATCH", path, json={"product_name": f"R {product_id} {n}"},
                             headers={"if-match": tag})
                        for n, base in enumerate(servers)))  # fmt: skip
        assert statuses(answers) == [200, 412], [answer.text for answer in answers]
        winner = next(answer for answer in answers if answer.status_code == 200)
        stored = httpx.get(f"{servers[1]}{path}").json()["product_name"]
        assert stored == winner.json()["product_name"], f"round {round_}"


def test_two_creates_with_if_none_match_one_wins(servers: list[str], module_store: str) -> None:
    product_id = new_product(servers[0])
    for day in range(10):
        path = record(product_id, day)
        answers = run(*(put(base, path, level, **{"if-none-match": "*"})
                        for base, level in zip(servers, (5, 6), strict=True)))  # fmt: skip
        assert statuses(answers) == [201, 412], [answer.text for answer in answers]
    assert store_check(module_store) == ""


def test_eight_undos_of_one_change_undo_it_once(servers: list[str], module_store: str) -> None:
    product_id = new_product(servers[0])
    for day in range(5):
        path = record(product_id, day)
        assert httpx.put(f"{servers[0]}{path}", json={"inventory_level": 1}).status_code == 201
        assert httpx.put(f"{servers[0]}{path}", json={"inventory_level": 2}).status_code == 200
        newest = {"product_id": product_id, "limit": 1}
        [latest] = httpx.get(f"{servers[0]}/api/changes", params=newest).json()["items"]
        undo = f"/api/changes/{latest['change_id']}/undo"
        answers = run(*(post(servers[n % 2], undo) for n in range(8)))
        assert statuses(answers) == [200] + [409] * 7, [answer.text for answer in answers]
        assert httpx.get(f"{servers[1]}{path}").json()["inventory_level"] == 1
    assert store_check(module_store) == ""


def brief_file(base: str, product_id: int, days: int, level: int) -> str:
    """A file in the brief's format with `days` records of this product at this level."""
    name = httpx.get(f"{base}/api/products/{product_id}").json()["product_name"]
    lines = ["product_id;product_name;date;inventory_level"]
    for day in range(days):
        date = (DAY + dt.timedelta(days=day)).strftime("%d-%m-%Y")
        lines.append(f"{product_id};{name};{date};{level}")
    return "\n".join(lines) + "\n"


def test_an_import_undo_racing_edits_keeps_every_acknowledged_edit(
    servers: list[str], module_store: str
) -> None:
    product_id = new_product(servers[0])
    for round_ in range(5):
        imported = httpx.post(
            f"{servers[0]}/api/inventory/import",
            content=brief_file(servers[0], product_id, 20, round_),
            headers={"content-type": "text/csv"},
        )
        assert imported.status_code == 200, imported.text
        undo = f"/api/imports/{imported.json()['import_id']}/undo"
        # Levels of this round only: an undo putting back an earlier round's is caught too.
        levels = [1000 * (round_ + 1) + day for day in range(20)]
        edits = [put(servers[day % 2], record(product_id, day), levels[day]) for day in range(20)]
        answers = run(post(servers[1], undo), *edits)
        assert answers[0].status_code in (200, 409), answers[0].text
        for day, edit in enumerate(answers[1:]):
            assert edit.status_code in (200, 201), edit.text
            stored = httpx.get(f"{servers[0]}{record(product_id, day)}")
            assert (stored.status_code, stored.json().get("inventory_level")) == (
                200,
                levels[day],
            ), f"round {round_}, day {day}: the undo overwrote an acknowledged edit"
    assert store_check(module_store) == ""


def test_sixteen_creates_without_an_id_get_sixteen_ids(
    servers: list[str], module_store: str
) -> None:
    answers = run(*(post(servers[n % 2], "/api/products", json={"product_name": f"New {n}"})
                    for n in range(16)))  # fmt: skip
    assert statuses(answers) == [201] * 16, [answer.text for answer in answers]
    assert len({answer.json()["product_id"] for answer in answers}) == 16


def test_the_largest_id_leaves_health_and_creates_clear(servers: list[str]) -> None:
    # Last in this module: no product can be created without an id after it.
    top = {"product_id": 2**63 - 1, "product_name": "The last one"}
    assert httpx.post(f"{servers[0]}/api/products", json=top).status_code == 201
    assert httpx.get(f"{servers[1]}/api/health").status_code == 200
    refused = httpx.post(f"{servers[1]}/api/products", json={"product_name": "One more"})
    assert refused.status_code == 400
    assert "give a free one" in refused.json()["detail"]
    assert httpx.delete(f"{servers[0]}/api/products/{2**63 - 1}").status_code == 204


def test_deletion_and_replace_racing_writes_leave_a_consistent_history(
    shared_store: str, tmp_path: Path
) -> None:
    with serving(shared_store, tmp_path) as first, serving(shared_store, tmp_path) as second:
        for round_ in range(3):
            product_id = new_product(first)
            writes = [
                put((first, second)[day % 2], record(product_id, day), day) for day in range(30)
            ]
            deletion = call(second, "DELETE", f"/api/products/{product_id}")
            answers = run(*writes[:15], deletion, *writes[15:])
            assert all(answer.status_code in (201, 204, 404) for answer in answers), round_
        kept = new_product(first)
        writes = [put((first, second)[day % 2], record(kept, day), day) for day in range(30)]
        replace = post(first, "/api/inventory/import", params={"mode": "replace"},
                       content=brief_file(first, kept, 5, 7), headers={"content-type": "text/csv"})  # fmt: skip
        answers = run(*writes[:15], replace, *writes[15:])
        assert answers[15].status_code == 200, answers[15].text
    assert store_check(shared_store) == ""
