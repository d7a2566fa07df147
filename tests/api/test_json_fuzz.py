"""Whatever bytes a client sends as JSON, a write answers 2xx or a 4xx problem, never a 500,
and a refused one leaves the store as it was."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from tests.api.conftest import snapshot

JSON = {"content-type": "application/json"}
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["Lamp", " ", "\x00", "\u202e", "9" * 5000]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=8,
)
documents = st.fixed_dictionaries(
    {},
    optional={"product_name": values, "product_id": values, "inventory_level": values},
).map(lambda doc: json.dumps(doc).encode())
nested = st.integers(1, 200_000).map(lambda depth: b"[" * depth + b"]" * depth)
bodies = st.binary(max_size=200) | documents | values.map(lambda v: json.dumps(v).encode())


def refused_cleanly(client: TestClient, before: str, status: int, text: str) -> None:
    assert status < 500, text
    if status >= 400:
        assert snapshot(client) == before


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies | nested)
def test_any_product_body_is_created_or_refused(seeded: TestClient, body: bytes) -> None:
    before = snapshot(seeded)
    response = seeded.post("/api/products", content=body, headers=JSON)
    refused_cleanly(seeded, before, response.status_code, response.text)
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies | nested)
def test_any_level_body_is_written_or_refused(seeded: TestClient, body: bytes) -> None:
    before = snapshot(seeded)
    response = seeded.put("/api/products/1/inventory/2025-01-01", content=body, headers=JSON)
    refused_cleanly(seeded, before, response.status_code, response.text)
    before = snapshot(seeded)
    rename = seeded.patch("/api/products/2", content=body, headers=JSON)
    refused_cleanly(seeded, before, rename.status_code, rename.text)
