"""`read_columns` (large files, column by column) reads exactly what `read_csv` reads."""

from __future__ import annotations

from hypothesis import given, settings

from core.platform.csvio import read_columns, read_csv
from core.platform.errors import InvalidInput
from tests.unit.csv_strategies import CSV_BYTES

REQUIRED = ("agent_email", "date")
OPTIONAL = ("value",)


def _outcome(reader, data: bytes) -> object:  # type: ignore[no-untyped-def]
    try:
        return reader(data)
    except InvalidInput as exc:
        return ("refused", str(exc), exc.problems)


@settings(max_examples=200, deadline=None)
@given(data=CSV_BYTES)
def test_reading_by_columns_gives_the_rows_lines_and_problems_of_reading_by_rows(
    data: bytes,
) -> None:
    by_rows = _outcome(lambda d: read_csv(d, required=REQUIRED, optional=OPTIONAL), data)
    by_columns = _outcome(lambda d: read_columns(d, required=REQUIRED, optional=OPTIONAL), data)
    if isinstance(by_rows, tuple):
        assert by_columns == by_rows
        return
    assert not isinstance(by_columns, tuple)
    names = list(by_columns.columns)  # type: ignore[attr-defined]
    rows = [
        (line, [by_columns.columns[n][i] for n in names])  # type: ignore[attr-defined]
        for i, line in enumerate(by_columns.lines)  # type: ignore[attr-defined]
    ]
    assert rows == [(r.line, [r.values[n] for n in names]) for r in by_rows.rows]  # type: ignore[attr-defined]
    assert sorted(by_columns.problems) == sorted(by_rows.problems)  # type: ignore[attr-defined]
    assert by_columns.ignored_columns == by_rows.ignored_columns  # type: ignore[attr-defined]
