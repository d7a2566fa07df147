"""The history file's fast paths agree with its careful line-by-line reader (hypothesis).

The bulk reader takes a block of lines whole; `read_carefully` parses each line on its own.
On every text, valid or not, they must accept the same entries or refuse at the same line
with the same message; and what the writer writes must read back as it was.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adapters.csv_file.history_format import BadLine, read_carefully
from adapters.csv_file.history_reader import Reader
from adapters.csv_file.history_writer import lines as history_lines
from adapters.memory.changes import ChangeLog
from domain.changes import Cause, LevelChange, Origin
from domain.model import MAX_LEVEL, MAX_PRODUCT_ID

ORIGIN_LINE = "+;2026-11-27T10:31:02.123456Z;edit;;alice;"
# Texts each reader must judge alike: edge cases of numbers, dates, separators and quotes.
TRICKY = [
    "", "0", "00", "01", "1", " 1", "1 ", "+1", "-1", "1_0", "1.0", "\u0661", "\u00b2",
    "9" * 19, "9" * 20, str(MAX_PRODUCT_ID), str(MAX_PRODUCT_ID + 1), str(MAX_LEVEL),
    str(MAX_LEVEL + 1), "01-01-2026", "31-02-2025", "1-01-2026", "01-01-26", "+", "+5",
    '"1"', '"', "a;b", "\r", "x", "edit", "import", "2026-11-27T10:31:02Z",
    "2026-11-27T10:31:02", "2026-11-27T10:31:02+01:00",
]  # fmt: skip
tricky = st.sampled_from(TRICKY) | st.text(alphabet='0129-;+" \u0661', max_size=6)


@st.composite
def entry_line(draw: st.DrawFn, entry_id: int) -> str:
    fields = [
        str(entry_id),
        str(draw(st.integers(1, MAX_PRODUCT_ID))),
        f"{draw(st.integers(1, 28)):02d}-{draw(st.integers(1, 12)):02d}-2026",
        draw(st.sampled_from(["", "0", "40", str(MAX_LEVEL)])),
        draw(st.sampled_from(["", "42", "7"])),
        draw(st.sampled_from(["", "1", "3"])),
    ]
    return ";".join(_mutated(draw, fields))


@st.composite
def origin_line(draw: st.DrawFn) -> str:
    actor = draw(st.sampled_from(["", "alice", "'=1", '"a;b"', "x;y", '"unclosed', 'a""b']))
    fields = ["+", "2026-11-27T10:31:02.123456Z", draw(st.sampled_from([c.value for c in Cause]))]
    fields += [draw(st.sampled_from(["", "imp-1"])), actor, draw(st.sampled_from(["", "why"]))]
    return ";".join(_mutated(draw, fields))


def _mutated(draw: st.DrawFn, fields: list[str]) -> list[str]:
    """The fields mostly as they are; sometimes one replaced, one too few or one too many."""
    what = draw(st.sampled_from(["keep"] * 3 + ["replace"] * 3 + ["drop", "add"]))
    if what == "replace":
        fields[draw(st.integers(0, len(fields) - 1))] = draw(tricky)
    elif what == "drop":
        fields.pop(draw(st.integers(0, len(fields) - 1)))
    elif what == "add":
        fields.insert(draw(st.integers(0, len(fields))), draw(tricky))
    return fields


@st.composite
def history_texts(draw: st.DrawFn) -> list[str]:
    """Lines of history: an origin, then entries and origins, ids mostly following each other."""
    lines = [ORIGIN_LINE] if draw(st.booleans()) else []
    next_id = draw(st.sampled_from([1, 1, 1, 0, 2]))
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(origin_line()))
        else:
            lines.append(draw(entry_line(next_id)))
            next_id += draw(st.sampled_from([1, 1, 1, 1, 0, 2]))
    return lines


def careful(lines: list[str], log: ChangeLog) -> list[tuple[Origin, tuple[int, ...]]] | BadLine:
    origin = log.origins[-1] if log.origins else None
    try:
        return [
            (origin, entry[1:]) for origin, entry in read_carefully(lines, 1, len(log) + 1, origin)
        ]
    except BadLine as error:
        return error


def bulk(lines: list[str], log: ChangeLog) -> list[tuple[Origin, tuple[int, ...]]] | BadLine:
    start = len(log)
    try:
        Reader(log).feed("".join(line + "\n" for line in lines), 1)
    except BadLine as error:
        return error
    return [
        (
            log.origins[bisect_right(log.origin_starts, position) - 1],
            tuple(column[position] for column in _columns(log)),
        )
        for position in range(start, len(log))
    ]


def _columns(log: ChangeLog) -> tuple[object, ...]:
    return log.products, log.days, log.previous_levels, log.new_levels, log.undoes


def agree(lines: list[str], known: int = 0) -> None:
    results = []
    for read in (careful, bulk):
        log = ChangeLog()
        origin = Origin(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "bob", Cause.EDIT)
        log.append(origin, [(1, dt.date(2026, 1, 1), None, 1, None)] * known)
        result = read(lines, log)
        results.append((result.line, result.message) if isinstance(result, BadLine) else result)
    assert results[1] == results[0], lines


@settings(max_examples=600, deadline=None)
@given(history_texts(), st.sampled_from([0, 0, 1, 2]))
# A line one field short beside one a field too long, the fields falling into place.
@example([ORIGIN_LINE, "1;7;01-01-2026;;5", ";2;7;02-01-2026;;5;"], 0)
@example([ORIGIN_LINE, "1;7;01-01-2026;;5;", "3;7;01-01-2026;;5;", "3;7;01-01-2026;;5;"], 0)
@example([ORIGIN_LINE, "0;7;01-01-2026;;5;"], 0)  # there is no change 0
@example([ORIGIN_LINE, "1;x;01-01-2026;;5;"], 1)  # known, but still a bad line
@example([ORIGIN_LINE, '+5;2026-11-27T10:31:02Z;edit;;"a;b";', "1;7;01-01-2026;;5;"], 0)
@example(["1;7;01-01-2026;;5;"], 0)  # before any origin line
@example([ORIGIN_LINE, "1;1;01-01-2026;;;9223372036854775808"], 0)  # beyond 63 bits
@example(  # one id twice, in two blocks (a quoted origin line starts another)
    [
        ORIGIN_LINE,
        "1;1;01-01-2026;;;",
        '+;2026-11-27T10:31:02.123456Z;edit;;"a;b";',
        "01;1;01-01-2026;;;",
    ],
    0,
)
def test_the_bulk_reader_and_the_careful_one_agree_on_every_text(
    lines: list[str], known: int
) -> None:
    agree(lines, known)


@pytest.mark.parametrize("entries", [1, 3, 2500])
def test_what_the_writer_writes_reads_back_carefully_as_it_was(entries: int) -> None:
    log = ChangeLog()
    first = Origin(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), '=a;"b"', Cause.IMPORT, "n;1", "i")
    second = Origin(dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC), "", Cause.UNDO)
    changes: list[LevelChange] = [
        (n % 7 + 1, dt.date(2026, 1, 1) + dt.timedelta(n), n or None, n + 1, None)
        for n in range(entries)
    ]
    log.append(first, changes)
    log.append(second, [(1, dt.date(2026, 1, 1), 5, None, 1)])
    text = "".join(history_lines(log, 0, len(log)))
    read = list(read_carefully(text.split("\n")[:-1], 1, 1, None))
    assert [origin for origin, _ in read] == [first] * entries + [second]
    assert [entry[0] for _, entry in read] == list(range(1, len(log) + 1))
    assert [entry[1:] for _, entry in read] == [
        tuple(column[position] for column in _columns(log)) for position in range(len(log))
    ]
    agree(text.split("\n")[:-1])
