"""Test data for the domain layer."""

from __future__ import annotations

import datetime as dt

from polyfactory import Use
from polyfactory.factories import DataclassFactory

from domain.flat_rows import FlatRow


class FlatRowFactory(DataclassFactory[FlatRow]):
    """Valid rows of the flat format, dated in 2025."""

    product_id = Use(DataclassFactory.__random__.randint, 1, 50)
    product_name = Use(lambda: f"Product {DataclassFactory.__random__.randint(1, 10**6)}")
    date = Use(
        lambda: dt.date(2025, 1, 1) + dt.timedelta(days=DataclassFactory.__random__.randint(0, 364))
    )
    level = Use(DataclassFactory.__random__.randint, 0, 10_000)
    line = 0
