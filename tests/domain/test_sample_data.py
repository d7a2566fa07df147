from __future__ import annotations

import datetime as dt

from domain.sample_data import product_names, sample_rows

END = dt.date(2026, 1, 31)


def test_names_are_distinct_even_beyond_the_word_pairs() -> None:
    names = product_names(1000)
    assert len({name.casefold() for name in names}) == 1000
    assert names[0] == "Blue Widget"


def test_the_same_seed_gives_the_same_data_ending_on_the_last_day() -> None:
    first = list(sample_rows(3, 30, END, seed=4))
    assert first == list(sample_rows(3, 30, END, seed=4))
    assert first != list(sample_rows(3, 30, END, seed=5))
    assert len(first) == 90
    assert max(row.date for row in first if row.date) == END


def test_levels_never_go_negative_and_do_move() -> None:
    rows = list(sample_rows(20, 365, END))
    levels = [row.level for row in rows if row.level is not None]
    assert min(levels) >= 0
    assert len(set(levels)) > 100
