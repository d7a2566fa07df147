from __future__ import annotations

import datetime as dt

import pytest

from domain.errors import InvalidValue
from domain.model import MAX_LEVEL, MAX_PRODUCT_ID, InventoryRecord, Product


def test_a_product_name_is_trimmed() -> None:
    assert Product(1, "  Blue widget \t").name == "Blue widget"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 201, "at most 200"),
        ("a\nb", "control"),
        ("a\x00", "control"),
    ],
)
def test_a_bad_product_name_is_refused_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        Product(1, name)


def test_two_hundred_characters_and_unicode_are_fine() -> None:
    assert len(Product(1, "é" * 200).name) == 200


@pytest.mark.parametrize("product_id", [0, -1, MAX_PRODUCT_ID + 1, True])
def test_product_ids_are_positive_64_bit_integers(product_id: int) -> None:
    with pytest.raises(InvalidValue, match="product_id"):
        Product(product_id, "A")


@pytest.mark.parametrize("level", [-1, MAX_LEVEL + 1, 1.5, True])
def test_levels_are_integers_from_zero(level: int) -> None:
    with pytest.raises(InvalidValue, match="inventory_level"):
        InventoryRecord(1, dt.date(2025, 1, 1), level)


def test_zero_and_the_maximum_level_are_valid() -> None:
    assert InventoryRecord(1, dt.date(2025, 1, 1), 0).level == 0
    assert InventoryRecord(1, dt.date(2025, 1, 1), MAX_LEVEL).level == MAX_LEVEL
