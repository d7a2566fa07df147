"""What `stockline check` says about names stored before the name rules tightened.

A store written by older code may hold names a new write is refused (invisible or
direction-changing characters, a decomposed accent), or two names that are one under
today's key (a full-width "Widget" beside "widget": only a CSV file can hold those; the SQL
upgrade refuses them). They still read and work, so they are notes, not problems: the
check passes, and a person decides whether to rename them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from domain.model import Product, invisible_characters, name_key


def name_notes(products: Iterable[Product]) -> list[str]:
    """One line per name a new write would refuse, and per group of names sharing a key."""
    notes: list[str] = []
    holders: dict[str, list[Product]] = {}
    for product in products:
        holders.setdefault(name_key(product.name), []).append(product)
        hidden = invisible_characters(product.name)
        if hidden:
            notes.append(
                f"product {product.id} {product.name!r}: its name holds invisible or "
                f"direction-changing characters ({', '.join(hidden)}); rename it"
            )
        elif not unicodedata.is_normalized("NFC", product.name):
            notes.append(
                f"product {product.id} {product.name!r}: its name is not in composed form "
                "(NFC); renaming it to the same text stores it composed"
            )
    for group in holders.values():
        if len(group) > 1:
            named = " and ".join(f"{product.id} {product.name!r}" for product in group)
            notes.append(f"products {named} are one name in any case and width; rename all but one")
    return notes
