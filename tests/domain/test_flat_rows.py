from __future__ import annotations

import datetime as dt

import pytest

from domain import flat_lines, flat_rows
from domain.errors import LineError
from domain.flat_rows import FlatRow
from tests.domain.factories import flat_row

HEADER = "product_id;product_name;date;inventory_level\n"


def parse(text: str) -> tuple[list[FlatRow], list[tuple[int, str]]]:
    rows, errors = flat_rows.parse(text)
    return rows, [(error.line, error.message) for error in errors]


def test_rows_are_parsed_with_their_line_numbers() -> None:
    rows, errors = parse(HEADER + "1;Blue;31-12-2024;5\n2;Red;;\n")
    assert errors == []
    assert rows == [
        FlatRow(1, "Blue", dt.date(2024, 12, 31), 5, line=2),
        FlatRow(2, "Red", None, None, line=3),
    ]


def read_data(data: bytes) -> list[FlatRow | LineError]:
    return list(flat_rows.read_data(data))


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted() -> None:
    data = b"\xef\xbb\xbf" + HEADER.replace("\n", "\r\n").encode() + b"1;A;01-02-2025;3\r\n"
    assert read_data(data) == [FlatRow(1, "A", dt.date(2025, 2, 1), 3, line=2)]


def test_every_bad_line_is_reported_with_its_reason() -> None:
    text = HEADER + "\n".join(
        [
            "0;A;01-01-2025;1",
            "1;A;30-02-2025;1",
            "1;A;2025-01-01;1",
            "1;A;01-01-2025;-4",
            "1;A;01-01-2025;1.5",
            "1;;01-01-2025;1",
            "1;A;01-01-2025",
            "1;A;01-01-2025;",
            "1;A;01-01-0000;1",
        ]
    )
    rows, errors = parse(text)
    assert rows == []
    assert [line for line, _ in errors] == list(range(2, 11))
    reasons = " | ".join(message for _, message in errors)
    for expected in (
        "product_id",
        "real calendar date",
        "dd-mm-yyyy",
        "inventory_level",
        "empty",
        "expected 4 fields",
        "both be given",
    ):
        assert expected in reasons


# Python's int() refuses more than 4,300 digits with a ValueError of its own.
@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "through-the-csv-reader"])
def test_numbers_of_thousands_of_digits_are_line_errors_and_leading_zeros_are_not(
    quoted: bool,
) -> None:
    huge = "9" * 5000
    name = '"A"' if quoted else "A"
    text = HEADER + f"{huge};{name};01-01-2025;1\n1;{name};01-01-2025;{huge}\n"
    text += f"{'0' * 5000}7;{name};01-01-2025;{'0' * 5000}3\n"
    rows, errors = parse(text)
    assert [line for line, _ in errors] == [2, 3]
    assert "product_id: a number of more than 19 digits" in errors[0][1]
    assert "inventory_level: a number of more than 10 digits" in errors[1][1]
    assert [(row.product_id, row.level) for row in rows] == [(7, 3)]


def test_a_wrong_header_stops_at_line_one_and_hints_at_the_separator() -> None:
    rows, errors = parse("product_id,product_name,date,inventory_level\n1,A,01-01-2025,1\n")
    assert rows == []
    assert errors[0][0] == 1
    assert "separator is ';'" in errors[0][1]


def test_an_empty_file_is_reported() -> None:
    assert parse("")[1] == [
        (
            1,
            "the file is empty; the first line must be "
            "'product_id;product_name;date;inventory_level'",
        )
    ]


def test_non_utf8_bytes_name_their_line_and_end_the_reading() -> None:
    data = HEADER.encode() + b"1;\xff;01-01-2025;1\n2;B;;\n"
    assert read_data(data) == [LineError(2, "file: line 2 is not valid UTF-8")]


@pytest.mark.parametrize("quoted", [False, True])
def test_a_file_read_a_few_bytes_at_a_time_gives_the_same_rows_and_lines(
    monkeypatch: pytest.MonkeyPatch, quoted: bool
) -> None:
    name = '"Bolt\n""M8"""' if quoted else "Bolt"
    lines = [f"{n};{name};{n % 28 + 1:02d}-01-2025;{n}" for n in range(1, 40)]
    lines[20] = "21;Bad;32-01-2025;1"
    data = (HEADER + "\n".join(lines) + "\n").encode()
    whole = read_data(data)
    monkeypatch.setattr(flat_rows, "CHUNK_BYTES", 7)
    assert read_data(data) == whole
    assert len(whole) == 39
    assert whole[20] == LineError(
        22 + (20 if quoted else 0), "date: '32-01-2025' is not a real calendar date"
    )


def test_bytes_that_are_not_utf8_in_a_later_piece_name_their_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(flat_rows, "CHUNK_BYTES", 16)
    data = (HEADER + "1;A;01-01-2025;1\n" * 30).encode() + b"2;\xc3;;\n"
    assert read_data(data) == [LineError(32, "file: line 32 is not valid UTF-8")]


def test_names_with_separators_quotes_and_accents_survive_a_round_trip() -> None:
    rows = [
        FlatRow(1, 'Bolt; "M8", 10 mm ÄÖ', dt.date(2025, 1, 1), 3, line=2),
        FlatRow(2, "Plain", None, None, line=3),
    ]
    text = "".join(flat_lines.format_rows(rows))
    assert text.startswith(HEADER)
    assert parse(text) == (rows, [])


def test_generated_rows_round_trip_and_are_chunked() -> None:
    rows = [flat_row(line=number + 2) for number in range(250)]
    chunks = list(flat_lines.format_rows(rows, chunk_rows=100))
    assert len(chunks) == 3
    assert parse("".join(chunks)) == (rows, [])


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("-20% sale", "'-20% sale"),
        ("@cmd", "'@cmd"),
        ("'quoted", "''quoted"),
        ("'=x", "''=x"),
        ("Plain = fine", "Plain = fine"),
        ('"quoted"', '"\'""quoted"""'),
        ("Widget,=cmd|' /C calc'!A0,", "\"Widget,'=cmd|' /C calc'!A0,\""),
        ("a, b;-c,@d", "\"a, b;'-c,'@d\""),
        ("a,'=b", "\"a,''=b\""),
        ("a,b", '"a,b"'),
    ],
)
def test_formulas_are_defused_on_the_way_out_and_restored_on_the_way_in(
    name: str, cell: str
) -> None:
    text = "".join(flat_lines.format_rows([FlatRow(1, name, None, None)]))
    assert text == HEADER + f"1;{cell};;\n"
    assert parse(text)[0][0].product_name == name


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("'=SUM(A1)", "=SUM(A1)"),
        ("''quoted", "'quoted"),
        ("'plain", "'plain"),  # a `'` before anything else was never a mark
        ("it's", "it's"),
        ('"Bolt; M8"', "Bolt; M8"),
        ('"a,b"', "a,b"),
        ("a,b", "a,b"),  # commas were written unquoted before
    ],
)
def test_files_written_before_the_rule_read_the_same(cell: str, name: str) -> None:
    assert parse(HEADER + f"1;{cell};;\n")[0][0].product_name == name
