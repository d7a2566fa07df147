"""Deterministic sample data: readable product names and plausible stock movements."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from domain.flat_rows import FlatRow

_ADJECTIVES = (
    "Blue",
    "Red",
    "Green",
    "Steel",
    "Brass",
    "Oak",
    "Cotton",
    "Rubber",
    "Glass",
    "Copper",
    "Silver",
    "Black",
    "White",
    "Bamboo",
    "Ceramic",
    "Linen",
    "Maple",
    "Carbon",
    "Wool",
    "Granite",
)
_NOUNS = (
    "Widget",
    "Bracket",
    "Hinge",
    "Lamp",
    "Mug",
    "Bolt",
    "Valve",
    "Gasket",
    "Chair",
    "Shelf",
    "Kettle",
    "Basket",
    "Spoon",
    "Pulley",
    "Clamp",
    "Crate",
    "Pencil",
    "Notebook",
    "Towel",
    "Bottle",
)


def product_names(count: int) -> list[str]:
    """`count` distinct names such as "Blue Widget", numbered once the pairs run out."""
    pairs = [f"{adjective} {noun}" for noun in _NOUNS for adjective in _ADJECTIVES]
    return [
        pairs[index % len(pairs)] + (f" {index // len(pairs) + 1}" if index >= len(pairs) else "")
        for index in range(count)
    ]


def sample_rows(products: int, days: int, end: dt.date, seed: int = 1) -> Iterator[FlatRow]:
    """Each product's level on each of `days` days ending at `end`: a random walk of sales
    with restocks whenever stock runs low, never below zero."""
    rng = random.Random(seed)
    first = end - dt.timedelta(days=days - 1)
    dates = [first + dt.timedelta(days=offset) for offset in range(days)]
    for product_id, name in enumerate(product_names(products), start=1):
        capacity = rng.randrange(50, 1000)
        daily_sales = max(1, capacity // rng.randrange(10, 40))
        level = rng.randrange(capacity // 2, capacity + 1)
        for date in dates:
            yield FlatRow(product_id, name, date, level)
            level = max(0, level - rng.randrange(0, 2 * daily_sales + 1))
            if level < capacity // 5 and rng.random() < 0.6:
                level += rng.randrange(capacity // 2, capacity + 1)
