"""The writer of history lines: a log's entries as text, fast (an import writes a million).

Each line as `history_format` defines it; `tests/adapters/test_history_format.py` checks
that what this writes reads back through the careful reader as it was.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import chain, repeat

from adapters.csv_file.history_format import NONE, date_field, origin_line
from adapters.memory.changes import ChangeLog

FORMAT_ENTRIES = 10_000  # entries formatted at once when writing


def lines(log: ChangeLog, start: int, end: int, prefix: str = "", base: int = 0) -> Iterator[str]:
    """The entries at positions [start, end) as text in chunks, each run of entries sharing
    an origin after that origin's line; every line behind `prefix` (the journal's `#`); the
    log's first entry having id `base + 1`."""
    starts = log.origin_starts
    number = bisect_right(starts, start) - 1
    dates: dict[int, str] = {}
    while start < end:
        stop = min(end, starts[number + 1] if number + 1 < len(starts) else len(log))
        yield prefix + origin_line(log.origins[number])
        for first in range(start, stop, FORMAT_ENTRIES):
            last = min(stop, first + FORMAT_ENTRIES)
            yield _entry_lines(log, first, last, prefix, dates, base)
        start, number = stop, number + 1


def _entry_lines(
    log: ChangeLog, start: int, end: int, prefix: str, dates: dict[int, str], base: int
) -> str:
    """The lines as one string of every field in a row, separators included: each distinct
    field is made once (ids from shared pieces), faster than an f-string per line, and an
    import writes a million lines (bench/results/design-timings.md)."""
    days = log.days[start:end]
    for ordinal in set(days) - dates.keys():
        dates[ordinal] = date_field(ordinal) + ";"
    count = end - start
    columns = [
        *_id_texts(base + start + 1, base + end + 1),
        repeat(";", count),
        _texts(log.products[start:end], ";"),
        map(dates.__getitem__, days),
        _texts(log.previous_levels[start:end], ";"),
        _texts(log.new_levels[start:end], ";"),
        _texts(log.undoes[start:end], "\n"),
    ]
    if prefix:
        columns.insert(0, repeat(prefix, count))
    return "".join(chain.from_iterable(zip(*columns, strict=True)))


_LAST_DIGITS = [f"{number:03d}" for number in range(1000)]


def _id_texts(first: int, end: int) -> tuple[Iterator[str], Iterator[str]]:
    """The ids from `first` to `end` as text, in two pieces: the thousands, and the last three
    digits, taken from a table, rather than turning each id into text."""
    heads: list[Iterator[str]] = []
    tails: list[Iterable[str]] = []
    number = first
    while number < end:
        thousand, rest = divmod(number, 1000)
        stop = min(end, (thousand + 1) * 1000)
        if thousand:
            heads.append(repeat(str(thousand), stop - number))
            tails.append(_LAST_DIGITS[rest : rest + stop - number])
        else:  # no leading zeros
            heads.append(repeat("", stop - number))
            tails.append(map(str, range(number, stop)))
        number = stop
    return chain.from_iterable(heads), chain.from_iterable(tails)


def _texts(column: array[int], after: str) -> Iterator[str]:
    """Each number as text, None (-1) as nothing, then `after`; each distinct one made once."""
    texts = {value: f"{value}{after}" for value in set(column)}
    texts[NONE] = after
    return map(texts.__getitem__, column)
