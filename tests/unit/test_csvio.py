"""CSV reading keeps physical line numbers; CSV writing neutralises formulas."""

import csv
import io

import pytest

from core.platform.csvio import escape_cell, read_csv, write_csv
from core.platform.errors import InvalidInput


def test_rows_carry_the_physical_line_they_start_on_despite_quoted_newlines_bom_and_crlf() -> None:
    data = '\ufeffname,note\r\nAna,"two\r\nlines"\r\nBo,plain\r\n'.encode()
    table = read_csv(data, required=["name"], optional=["note"])
    assert [(r.line, r.values["name"]) for r in table.rows] == [(2, "Ana"), (4, "Bo")]
    assert table.rows[0].values["note"] == "two\r\nlines"


def test_unknown_columns_are_reported_as_ignored() -> None:
    table = read_csv(b"extra,name\nx,Ana\n", required=["name"])
    assert table.ignored_columns == ["extra"]


def test_a_missing_column_and_an_empty_file_are_line_1_errors() -> None:
    with pytest.raises(InvalidInput, match="line 1: missing required column"):
        read_csv(b"name\nAna\n", required=["name", "email"])
    with pytest.raises(InvalidInput, match="line 1: the file is empty"):
        read_csv(b"", required=["name"])


def test_a_non_utf8_file_names_the_line_of_the_bad_byte() -> None:
    with pytest.raises(InvalidInput, match="line 3: the file is not UTF-8"):
        read_csv("name\nAna\nJos\u00e9\n".encode("latin-1"), required=["name"])


def test_a_row_with_the_wrong_number_of_fields_is_named_and_reading_goes_on() -> None:
    table = read_csv(b"a,b\n1,2\n1,2,3\n4,5\n6\n", required=["a", "b"])
    assert table.problems == [
        "line 3: has 3 fields but the header has 2",
        "line 5: has 1 fields but the header has 2",
    ]
    assert [r.line for r in table.rows] == [2, 4]  # the caller checks these too


def test_a_field_over_the_csv_limit_is_a_problem_of_its_line_and_reading_goes_on() -> None:
    data = b'a,b\n"' + b"x" * 1_000_001 + b'",1\n2,3\n'
    table = read_csv(data, required=["a", "b"])
    assert table.problems == ["line 2: field larger than field limit (1000000)"]
    assert [r.line for r in table.rows] == [3]


@pytest.mark.parametrize("text", ["=cmd()", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_prefixed_with_a_quote(text: str) -> None:
    assert escape_cell(text) == "'" + text


def test_numbers_and_plain_text_are_left_alone_and_the_export_round_trips() -> None:
    assert escape_cell(-3) == -3 and escape_cell("Ana") == "Ana"
    data = write_csv(["who", "score"], [["=HYPERLINK()", 5]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(data))) == [["who", "score"], ["'=HYPERLINK()", "5"]]


@pytest.mark.parametrize("text", [" =1+1", "  +1", "\t=cmd()", "\r\n@SUM(A1)", "\u00a0-2", "\n=1"])
def test_a_formula_after_leading_whitespace_is_prefixed_too(text: str) -> None:
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    [
        '\u200b=HYPERLINK("http://evil.test")',  # zero-width space first
        "\ufeff=1+1",  # a byte-order mark
        "\u2060\u200b @SUM(A1)",  # word joiner, zero-width space, a space
        "\u202e=1+1",  # a right-to-left override
        "\uff1d1+1",  # full-width =
        "\uff0b1",  # full-width +
        "\uff0d2+3",  # full-width -
        "\uff20SUM(A1)",  # full-width @
        "\ufe661+1",  # small form =
        "\u200b\uff1dcmd()",
    ],
)
def test_a_formula_behind_invisible_characters_or_in_full_width_is_prefixed_too(
    text: str,
) -> None:
    assert escape_cell(text) == "'" + text
    data = write_csv(["who"], [[text]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(data)))[1] == ["'" + text]


@pytest.mark.parametrize("text", ["\u200bAna", "\ufeffscore 5", "Ana\uff1d1", "\u200b"])
def test_invisible_characters_before_ordinary_text_change_nothing(text: str) -> None:
    assert escape_cell(text) == text


def test_a_nul_in_a_field_is_a_problem_of_its_line_and_reading_goes_on() -> None:
    data = b"name,email\nAna,ana@x.org\nBo\x00b,bob@x.org\nCy,cy@x.org\n"
    table = read_csv(data, required=["name", "email"])
    assert [r.values["name"] for r in table.rows] == ["Ana", "Cy"]
    assert table.problems == [
        "line 3: the “name” field holds a NUL character (an invisible control character, often "
        "left by another program), which cannot be stored: remove it and try again"
    ]


def test_header_cells_are_escaped_like_any_other_cell() -> None:
    data = write_csv([' =HYPERLINK("http://evil.test")', "score"], [["Ana", 5]])
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == ['\' =HYPERLINK("http://evil.test")', "score"]


def test_text_with_a_sign_inside_is_left_alone() -> None:
    assert escape_cell("Ana = lead") == "Ana = lead" and escape_cell("  Ana") == "  Ana"


def test_a_header_of_100000_columns_is_refused_with_one_sentence_before_any_other_work() -> None:
    """Measured before: 282 s of one core (a quadratic duplicate check). The time is printed,
    not asserted (the handbook forbids timed assertions)."""
    import time

    from core.platform.csvio import MAX_COLUMNS

    header = ",".join(f"column{i}" for i in range(100_000)).encode()  # ~789 KB
    data = header + b"\n" + b",".join(b"x" for _ in range(100_000)) + b"\n"
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as refused:
        read_csv(data, required=["column1"])
    print(f"\n100,000-column header refused in {time.perf_counter() - started:.3f} s")
    assert str(refused.value) == (
        f"line 1: the file has 100,000 columns and Headway reads at most {MAX_COLUMNS}: keep "
        "the columns you import (and a few others if you like) and try again."
    )
    assert refused.value.problems == [str(refused.value)]


def test_duplicate_columns_are_found_in_a_wide_header_and_only_known_ones_matter() -> None:
    header = ",".join(["name", *(f"c{i}" for i in range(150)), "name", "c3"]).encode()
    with pytest.raises(InvalidInput, match=r"^line 1: column\(s\) named twice: name$"):
        read_csv(header + b"\n", required=["name"])
