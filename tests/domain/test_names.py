"""New product names: NFC, nothing invisible, unique under NFKC and case folding."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.model import MAX_NAME_KEY_LENGTH, Product, clean_name, name_key, stored_name

COMPOSED, DECOMPOSED = "Caf\u00e9", "Cafe\u0301"


def test_a_new_name_is_stored_composed() -> None:
    assert clean_name(DECOMPOSED) == COMPOSED
    assert unicodedata.is_normalized("NFC", clean_name("  Cafe\u0301 au lait "))


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("Wid\u200bget", "U+200B"),  # zero-width space
        ("\u202eWidget", "U+202E"),  # right-to-left override
        ("\ufeffWidget", "U+FEFF"),  # byte-order mark
        ("Wid\u00adget", "U+00AD"),  # soft hyphen
        ("Widget\u3164", "U+3164"),  # Hangul filler, a letter to Unicode
        ("\u115fA\u1160B\uffa0", "U+115F, U+1160, U+FFA0"),
        ("a\u2066b\u2069c\u2066", "U+2066, U+2069"),  # each named once, in order
    ],
)
def test_invisible_and_direction_changing_characters_are_refused_by_code_point(
    name: str, named: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        clean_name(name)
    assert str(refused.value) == (
        f"product_name: must not contain invisible or direction-changing characters: {named}"
    )


def test_names_stored_before_the_rule_still_make_products() -> None:
    # A store written by older code may hold them: reading it must not fail.
    assert Product(1, "Wid\u200bget").name == "Wid\u200bget"
    assert Product(2, DECOMPOSED).name == DECOMPOSED
    with pytest.raises(InvalidValue, match="control"):
        stored_name("a\nb")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("\uff37idget", "widget"),  # full-width W
        (COMPOSED, DECOMPOSED),
        ("\ufb01sh", "FISH"),  # the ligature fi
        ("Stra\u00dfe", "STRASSE"),
        ("\u212a", "k"),  # the Kelvin sign
    ],
)
def test_look_alike_names_share_their_key(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


def test_different_names_keep_different_keys() -> None:
    assert name_key("Widget 1") != name_key("Widget 2")
    assert name_key("Cafe") != name_key(COMPOSED)


def test_a_name_whose_key_is_too_long_for_the_index_is_refused() -> None:
    ligatures = "\ufdfa" * 40  # 40 characters, 720 spelled out
    with pytest.raises(InvalidValue, match=f"longer than {MAX_NAME_KEY_LENGTH}"):
        clean_name(ligatures)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60))
def test_any_accepted_name_is_composed_visible_and_keyed_stably(text: str) -> None:
    try:
        name = clean_name(text)
    except InvalidValue:
        return
    assert unicodedata.is_normalized("NFC", name)
    assert not any(unicodedata.category(char) in ("Cf", "Cc") for char in name)
    assert clean_name(name) == name
    assert name_key(name_key(name)) == name_key(name)
    assert name_key(name) == name_key(unicodedata.normalize("NFD", name))
