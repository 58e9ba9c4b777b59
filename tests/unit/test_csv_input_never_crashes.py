"""Whatever bytes a CSV file holds, the readers answer with the domain's InvalidInput or a
result, never another exception (random files, bounded: ~100 examples each)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from core.growth.statistics import read_notes_csv, read_observations_csv
from core.platform.csvio import read_csv
from core.platform.errors import InvalidInput
from core.platform.parsing import read_date, read_number
from tests.unit.csv_strategies import CELLS, CSV_BYTES


@settings(max_examples=100, deadline=None)
@given(data=CSV_BYTES)
def test_the_observation_and_note_readers_only_ever_refuse_with_invalid_input(data: bytes) -> None:
    for reader in (read_observations_csv, read_notes_csv):
        try:
            frame = reader(data)
        except InvalidInput as exc:
            assert str(exc) and all(isinstance(p, str) for p in exc.problems)
        else:
            assert frame.notna().all().all()


@settings(max_examples=100, deadline=None)
@given(data=CSV_BYTES)
def test_read_csv_reports_unreadable_rows_by_line_and_keeps_the_rest(data: bytes) -> None:
    try:
        table = read_csv(data, required=["date"], optional=["value"])
    except InvalidInput as exc:
        assert all(p.startswith("line ") for p in exc.problems)
        return
    assert all(p.startswith("line ") for p in table.problems)
    lines = [row.line for row in table.rows]
    assert lines == sorted(lines) and all(line >= 2 for line in lines)


@settings(max_examples=100, deadline=None)
@given(text=CELLS)
def test_a_number_or_date_is_either_plain_and_in_range_or_refused_with_a_reason(text: str) -> None:
    value, problem = read_number(text)
    assert (value is None) != (problem is None)
    if value is not None:
        assert "_" not in text and abs(value) < float("inf")
    day, problem = read_date(text)
    assert (day is None) != (problem is None)
    if day is not None:
        assert text == day.isoformat() and 2000 <= day.year <= 2099


@pytest.mark.parametrize(
    "text", ["3_0_0", "nan", "NaN", "inf", "-Infinity", "1e400", "٣", " 1", "0x10"]
)
def test_numbers_python_would_take_are_refused(text: str) -> None:
    assert read_number(text)[0] is None


@pytest.mark.parametrize("text", ["12", "-0.5", "4.1e2", ".5", "+3"])
def test_plain_numbers_are_read(text: str) -> None:
    assert read_number(text) == (float(text), None)


@pytest.mark.parametrize(
    "text,problem",
    [
        ("0001-01-01", "date 0001-01-01 is before 2000-01-01"),
        ("9999-12-31", "date 9999-12-31 is after 2099-12-31"),
        ("20240101", "bad date '20240101' (expected YYYY-MM-DD)"),
        ("2024-W01-1", "bad date '2024-W01-1' (expected YYYY-MM-DD)"),
        ("2024-02-30", "bad date '2024-02-30' (February 2024 has 29 days)"),
        ("2024-13-01", "bad date '2024-13-01' (there is no month 13)"),
        ("0000-01-01", "bad date '0000-01-01' (there is no year 0)"),
    ],
)
def test_dates_outside_the_window_or_not_written_yyyy_mm_dd_are_refused(
    text: str, problem: str
) -> None:
    assert read_date(text) == (None, problem)
