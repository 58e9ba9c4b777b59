"""CSV reading with line numbers (BOM, CRLF, quoted newlines), streamed line by line with a
header checked in linear time and a column limit, and CSV-injection-safe writing."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from core.platform.errors import InvalidInput

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


MAX_UPLOAD_MB = 50  # the uploaders' limit (.streamlit/config.toml server.maxUploadSize)
MAX_COLUMNS = 200  # a header with more columns is refused before anything else is read
TOO_MANY_COLUMNS = (
    "line 1: the file has {count} columns and Headway reads at most {limit}: keep the columns "
    "you import (and a few others if you like) and try again."
)
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")  # a line end of old Mac files, as the csv module sees it


def _text_lines(source: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, one at a time (nothing is held beyond the current line). The
    byte-order mark is dropped; a bad byte is reported by its line."""
    for number, raw in enumerate(source, start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            message = (
                f"line {number}: the file is not UTF-8 text (save it as CSV UTF-8 and try again)"
            )
            raise InvalidInput(message, [message]) from exc
        if "\r" in line:
            yield from (piece for piece in _LONE_CR.split(line) if piece)
        else:
            yield line


@dataclass
class CsvStream:
    """A CSV being read: the header's verdict at once, the rows as they are read. `problems`
    (unreadable rows, as in CsvTable) grows while `rows` is consumed."""

    rows: Iterator[CsvRow]
    ignored_columns: list[str]
    problems: list[str] = field(default_factory=list)


def stream_csv(
    source: bytes | IO[bytes], *, required: Sequence[str], optional: Sequence[str] = ()
) -> CsvStream:
    """Read `source` (bytes, or a binary file read from its start, line by line) and check its
    header in time linear in its width; raise InvalidInput naming line 1 for an empty file, more
    than MAX_COLUMNS columns, a missing or twice-named column. A bad byte further down raises
    InvalidInput naming its line when the rows get there."""
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    if stream.seekable():
        stream.seek(0)
    csv.field_size_limit(1_000_000)
    lines = _text_lines(stream)
    reader = csv.reader(lines, strict=False)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise InvalidInput(f"line 1: {exc}", [f"line 1: {exc}"]) from exc
    if len(header) > MAX_COLUMNS:
        message = TOO_MANY_COLUMNS.format(count=f"{len(header):,}", limit=MAX_COLUMNS)
        raise InvalidInput(message, [message])
    if not any(header) and all(not line.strip() for line in lines):
        raise InvalidInput("line 1: the file is empty", ["line 1: the file is empty"])
    present = set(header)
    missing = [c for c in required if c not in present]
    if missing:
        message = "line 1: missing required column(s) " + ", ".join(missing)
        raise InvalidInput(message, [message])
    known = set(required) | set(optional)
    counts = Counter(header)
    duplicated = sorted(h for h, n in counts.items() if n > 1 and h in known)
    if duplicated:
        message = "line 1: column(s) named twice: " + ", ".join(duplicated)
        raise InvalidInput(message, [message])
    ignored = [h for h in header if h not in known]
    wanted = [(i, h) for i, h in enumerate(header) if h in known]
    problems: list[str] = []
    return CsvStream(_rows(reader, header, wanted, problems), ignored, problems)


def _rows(
    reader: Any, header: list[str], wanted: list[tuple[int, str]], problems: list[str]
) -> Iterator[CsvRow]:
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
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
        yield CsvRow(line, {h: record[i].strip() for i, h in wanted})


def read_csv(
    data: bytes | IO[bytes], *, required: Sequence[str], optional: Sequence[str] = ()
) -> CsvTable:
    """Parse the whole of `data` (see stream_csv for the refusals). Unreadable rows are listed
    in `problems` (the caller reports them with its own)."""
    stream = stream_csv(data, required=required, optional=optional)
    rows = list(stream.rows)
    return CsvTable(rows=rows, ignored_columns=stream.ignored_columns, problems=stream.problems)


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
