"""Shared by every test layer."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.sql_databases import skip_postgres_tests_without_a_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `postgres` are skipped, with the reason, where no server answers."""
    skip_postgres_tests_without_a_server(items)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per reason tests were skipped, however many tests it covers."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        if isinstance(report.longrepr, tuple):
            reasons[str(report.longrepr[2]).removeprefix("Skipped: ")] += 1
    for reason, count in reasons.items():
        terminalreporter.write_line(f"SKIPPED {count} tests: {reason}", yellow=True)
