"""Entity tags for records and products, and the If-Match / If-None-Match preconditions.

A record's tag is its level (`"L42"`): a client showing a level knows its tag without
another request. A product's tag is a digest of the whole product (`Product.fields`): it
changes with any change of it, of a field added later too.
"""

from __future__ import annotations

import hashlib

from domain.model import InventoryRecord, Product
from domain.services import ProductCheck, RecordCheck


def record_etag(level: int) -> str:
    return f'"L{level}"'


def product_etag(product: Product) -> str:
    # repr of each field: text and numbers each spelled unambiguously, so no two products
    # give one digest by a field's text running into the next one's.
    version = "\x00".join(repr(value) for value in product.fields())
    digest = hashlib.sha256(version.encode()).hexdigest()[:16]
    return f'"P{digest}"'


def entity_tags(header: str) -> set[str]:
    """The tags an If-Match or If-None-Match header lists, as written. For If-Match a weak
    tag (W/"...") never matches: it compares strongly (RFC 9110, 13.1.1)."""
    return {tag.strip() for tag in header.split(",") if tag.strip()}


def record_check(if_match: str | None, if_none_match: str | None) -> RecordCheck | None:
    """What the headers ask of the stored record, or None when they ask nothing."""
    if if_match is None and if_none_match is None:
        return None
    wanted = entity_tags(if_match) if if_match is not None else None
    refused = entity_tags(if_none_match) if if_none_match is not None else set()

    def check(current: InventoryRecord | None) -> bool:
        tag = None if current is None else record_etag(current.level)
        if wanted is not None and (tag is None or ("*" not in wanted and tag not in wanted)):
            return False
        return not (tag is not None and ("*" in refused or tag in refused))

    return check


def product_check(if_match: str | None) -> ProductCheck | None:
    if if_match is None:
        return None
    wanted = entity_tags(if_match)
    return lambda product: "*" in wanted or product_etag(product) in wanted
