"""Whatever bytes a client uploads, an import answers 200 or 422, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from tests.api.conftest import HEADER

lines = st.lists(
    st.tuples(
        st.sampled_from(["1", "2", "0", "-1", "x", "99999999999999999999", ""]),
        st.sampled_from(["Lamp", "lamp", "", "=1", '"q', "a;b"]),
        st.sampled_from(["01-01-2025", "31-02-2025", "", "2025-01-01", "1-1-25"]),
        st.sampled_from(["0", "5", "-3", "1.5", "", "99999999999"]),
    ).map(";".join),
    max_size=8,
)
bodies = st.binary(max_size=200) | lines.map(lambda body: (HEADER + "\n".join(body)).encode())


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies)
def test_any_upload_is_imported_or_refused_with_lines(client: TestClient, body: bytes) -> None:
    response = client.post(
        "/api/inventory/import?dry_run=true", content=body, headers={"content-type": "text/csv"}
    )
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert all(error["line"] >= 1 for error in response.json()["errors"])
