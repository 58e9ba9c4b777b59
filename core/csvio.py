"""CSV reading with line numbers (BOM, CRLF, quoted newlines) and CSV-injection-safe writing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core.errors import InvalidInput

MAX_FIELD = 10_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvRow:
    line: int  # physical line on which the row starts; the header is line 1
    values: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    rows: list[CsvRow]
    ignored_columns: list[str]
    # Rows that could not be read at all (wrong number of fields, an over-long field), each as
    # "line N: why", in file order. Reading goes on past them, so that the caller can report
    # every bad row of the file at once, not only the first.
    problems: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 text with any byte-order mark removed; a bad byte is reported by its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"line {line}: the file is not UTF-8 text (save it as CSV UTF-8 and try again)"
        raise InvalidInput(message, [message]) from exc


def read_csv(data: bytes, *, required: Sequence[str], optional: Sequence[str] = ()) -> CsvTable:
    """Parse `data`; raise InvalidInput naming line 1 for a missing column or an empty file.
    Unreadable rows are listed in `problems` (the caller reports them with its own)."""
    text = decode(data)
    if not text.strip():
        raise InvalidInput("line 1: the file is empty", ["line 1: the file is empty"])
    csv.field_size_limit(1_000_000)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InvalidInput(f"line 1: {exc}", [f"line 1: {exc}"]) from exc
    missing = [c for c in required if c not in header]
    if missing:
        message = "line 1: missing required column(s) " + ", ".join(missing)
        raise InvalidInput(message, [message])
    duplicated = sorted({h for h in header if header.count(h) > 1 and h in (*required, *optional)})
    if duplicated:
        message = "line 1: column(s) named twice: " + ", ".join(duplicated)
        raise InvalidInput(message, [message])
    known = set(required) | set(optional)
    ignored = [h for h in header if h not in known]
    rows: list[CsvRow] = []
    problems: list[str] = []
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {start}: {exc}")
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(v.strip() for v in record):
            continue
        if len(record) != len(header):
            problems.append(
                f"line {line}: has {len(record)} fields but the header has {len(header)}"
            )
            continue
        if any(len(v) > MAX_FIELD for v in record):
            problems.append(f"line {line}: a field is longer than {MAX_FIELD} characters")
            continue
        rows.append(
            CsvRow(line, {h: v.strip() for h, v in zip(header, record, strict=True) if h in known})
        )
    return CsvTable(rows=rows, ignored_columns=ignored, problems=problems)


def line_of(problem: str) -> int:
    """The line number of a "line N: …" problem (0 for any other), to list problems in order."""
    head = problem.split(":", 1)[0]
    number = head.removeprefix("line ")
    return int(number) if head.startswith("line ") and number.isdigit() else 0


def escape_cell(value: object) -> object:
    """OWASP CSV-injection rule: text starting with = + - @ tab or CR is prefixed with ', and so
    is text whose first character after leading whitespace is one of them (" =1+1", "\n@SUM"):
    spreadsheets trim it before deciding what is a formula."""
    if isinstance(value, str) and (
        value.startswith(_FORMULA_STARTS) or value.lstrip().startswith(_FORMULA_STARTS)
    ):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV bytes (UTF-8 with BOM so spreadsheets read accents) with every text cell escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        writer.writerow([escape_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
