"""Test data for the domain layer."""

from __future__ import annotations

import datetime as dt

from polyfactory import Use
from polyfactory.factories import DataclassFactory

from domain.flat_rows import FlatRow
from domain.model import HistoryRow

_random = DataclassFactory.__random__


class HistoryRowFactory(DataclassFactory[HistoryRow]):
    """Valid records with their product's name, dated in 2025."""

    product_id = Use(_random.randint, 1, 50)
    product_name = Use(lambda: f"Product {_random.randint(1, 10**6)}")
    date = Use(lambda: dt.date(2025, 1, 1) + dt.timedelta(days=_random.randint(0, 364)))
    level = Use(_random.randint, 0, 10_000)


def flat_row(line: int) -> FlatRow:
    row = HistoryRowFactory.build()
    return FlatRow(row.product_id, row.product_name, row.date, row.level, line)
