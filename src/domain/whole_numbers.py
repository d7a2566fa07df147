"""Whole numbers as files write them, checked before Python converts them."""

from __future__ import annotations

from domain.errors import InvalidValue


def parse_whole_number(field: str, text: str, maximum: int, minimum: int) -> int:
    """A whole number in minimum..maximum written in ASCII digits (spaces around allowed);
    InvalidValue(field) saying what is wrong."""
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit()):
        raise InvalidValue(field, f"{text!r} is not a whole number >= {minimum}")
    # Checked before int(), which refuses more than 4,300 digits with a ValueError of its own.
    significant = stripped.lstrip("0") or "0"
    if len(significant) > len(str(maximum)):
        raise InvalidValue(
            field,
            f"a number of more than {len(str(maximum))} digits is out of range "
            f"{minimum}..{maximum}",
        )
    value = int(significant)
    if not minimum <= value <= maximum:
        raise InvalidValue(field, f"{stripped} is out of range {minimum}..{maximum}")
    return value
