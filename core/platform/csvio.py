"""CSV reading with line numbers (BOM, CRLF, quoted newlines), streamed line by line with a
header checked in linear time and a column limit, and CSV-injection-safe writing."""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
import itertools
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from core.platform.errors import InvalidInput

MAX_FIELD = 10_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUL_IN_FIELD = (
    "the “{column}” field holds a NUL character (an invisible control character, often left by "
    "another program), which cannot be stored: remove it and try again"
)


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


DELIMITERS = (",", ";", "\t")  # a spreadsheet saves ";" where the decimal mark is a comma


def _delimiter(first_line: str, required: Sequence[str]) -> str:
    """The header line's delimiter: the one that splits it into every required column (Excel in
    much of Europe saves "CSV" with semicolons), else the one that splits it into the most
    columns, else a comma."""
    best, most = ",", 1
    for candidate in DELIMITERS:
        try:
            cells = next(csv.reader([first_line], delimiter=candidate), [])
        except csv.Error:
            continue
        names = {c.strip().lstrip("\ufeff").strip() for c in cells}
        if required and all(r in names for r in required):
            return candidate
        if len(cells) > most:
            best, most = candidate, len(cells)
    return best


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
    first = next(lines, "")
    delimiter = _delimiter(first, required)
    reader = csv.reader(itertools.chain([first], lines), strict=False, delimiter=delimiter)
    try:
        header = [h.strip().lstrip("\ufeff").strip() for h in next(reader)]
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
        found = ", ".join(repr(h[:40]) for h in header[:12] if h) or "no column names"
        more = f" and {len(header) - 12} more" if len(header) > 12 else ""
        message = (
            f"line 1: missing required column(s) {', '.join(missing)}; the header has "
            f"{found}{more} (columns separated by commas, semicolons or tabs)"
        )
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
    return CsvStream(_RowSource(reader, header, wanted, problems), ignored, problems)


class _RowSource:
    """The rows of a stream, read when iterated (read_columns reads the records itself)."""

    def __init__(
        self, reader: Any, header: list[str], wanted: list[tuple[int, str]], problems: list[str]
    ) -> None:
        self.reader, self.header = reader, header
        self._rows = _rows(reader, header, wanted, problems)

    def __iter__(self) -> Iterator[CsvRow]:
        return self._rows

    def __next__(self) -> CsvRow:
        return next(self._rows)


def _rows(
    reader: Any, header: list[str], wanted: list[tuple[int, str]], problems: list[str]
) -> Iterator[CsvRow]:
    start = reader.line_num + 1
    names = [h for _, h in wanted]
    pick = operator.itemgetter(*[i for i, _ in wanted]) if wanted else None
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
        # The checks below run once per row of files of a million rows: C-level builtins
        # (join, map, max, itemgetter) rather than generator expressions.
        joined = "".join(record)
        if not joined.strip():
            continue
        if len(record) != len(header):
            problems.append(
                f"line {line}: has {len(record)} fields but the header has {len(header)}"
            )
            continue
        if max(map(len, record)) > MAX_FIELD:
            problems.append(f"line {line}: a field is longer than {MAX_FIELD} characters")
            continue
        if "\x00" in joined:
            nul = next(header[i] for i, v in enumerate(record) if "\x00" in v)
            problems.append(f"line {line}: {NUL_IN_FIELD.format(column=nul)}")
            continue
        if pick is None:
            yield CsvRow(line, {})
            continue
        picked = pick(record)
        if len(names) == 1:
            picked = (picked,)
        yield CsvRow(line, dict(zip(names, map(str.strip, picked), strict=True)))


def read_csv(
    data: bytes | IO[bytes], *, required: Sequence[str], optional: Sequence[str] = ()
) -> CsvTable:
    """Parse the whole of `data` (see stream_csv for the refusals). Unreadable rows are listed
    in `problems` (the caller reports them with its own)."""
    stream = stream_csv(data, required=required, optional=optional)
    rows = list(stream.rows)
    return CsvTable(rows=rows, ignored_columns=stream.ignored_columns, problems=stream.problems)


@dataclass(frozen=True)
class CsvColumns:
    """A whole CSV as columns: `columns[name][i]` is row i's stripped value, `lines[i]` the
    physical line it starts on; unreadable rows are in `problems` ("line N: why")."""

    columns: dict[str, list[str]]
    lines: list[int]
    ignored_columns: list[str]
    problems: list[str]

    def __len__(self) -> int:
        return len(self.lines)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector paused while a large file becomes millions of small strings and
    lists (none of them in a cycle): otherwise it rescans them all again and again, and reading
    takes twice as long."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_columns(
    data: bytes | IO[bytes], *, required: Sequence[str], optional: Sequence[str] = ()
) -> CsvColumns:
    """`read_csv` for large files read column by column (a forecast of 260,000 intervals): the
    same header checks, refusals and problems, at a fraction of the cost per row (no object per
    row; the columns are cut out of the records at once)."""
    stream = stream_csv(data, required=required, optional=optional)
    rows = stream.rows
    assert isinstance(rows, _RowSource)
    reader, header = rows.reader, rows.header
    width = len(header)
    records: list[list[str]] = []
    lines: list[int] = []
    problems = stream.problems
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
        if len(record) == width:
            records.append(record)
            lines.append(line)
        elif "".join(record).strip():
            problems.append(f"line {line}: has {len(record)} fields but the header has {width}")
    keep = list(range(len(records)))
    if records:
        if any(max(map(len, field)) > MAX_FIELD for field in zip(*records, strict=True)):
            for i, record in enumerate(records):
                if max(map(len, record)) > MAX_FIELD:
                    problems.append(
                        f"line {lines[i]}: a field is longer than {MAX_FIELD} characters"
                    )
                    keep[i] = -1
        if any("\x00" in "".join(record) for record in records):
            for i, record in enumerate(records):
                if keep[i] >= 0 and "\x00" in "".join(record):
                    nul = next(header[j] for j, v in enumerate(record) if "\x00" in v)
                    problems.append(f"line {lines[i]}: {NUL_IN_FIELD.format(column=nul)}")
                    keep[i] = -1
        blank = [i for i, record in enumerate(records) if not "".join(record).strip()]
        for i in blank:
            keep[i] = -1
        if len(blank) or -1 in keep:
            records = [records[i] for i in keep if i >= 0]
            lines = [lines[i] for i in keep if i >= 0]
    wanted = [(i, h) for i, h in enumerate(header) if h in set(required) | set(optional)]
    fields = list(zip(*records, strict=True)) if records else [() for _ in header]
    columns = {h: list(map(str.strip, fields[i])) for i, h in wanted}
    problems.sort(key=line_of)
    return CsvColumns(columns, lines, stream.ignored_columns, problems)


def line_of(problem: str) -> int:
    """The line number of a "line N: …" problem (0 for any other), to list problems in order."""
    head = problem.split(":", 1)[0]
    number = head.removeprefix("line ")
    return int(number) if head.startswith("line ") and number.isdigit() else 0


def _first_shown(value: str) -> str:
    """The first character a spreadsheet acts on: leading spaces and invisible characters
    (zero-width space, byte-order mark, bidi marks: Unicode's format characters) skipped, and
    a full-width or small form (＝ ＋ － ＠, ﹦) read as the sign it stands for."""
    for ch in value:
        if ch.isspace() or unicodedata.category(ch) == "Cf":
            continue
        return unicodedata.normalize("NFKC", ch)[:1]
    return ""


def escape_cell(value: object) -> object:
    """OWASP CSV-injection rule: text starting with = + - @ tab or CR is prefixed with ', and so
    is text whose first character after leading whitespace or invisible characters is one of
    them, or a full-width look-alike (" =1+1", "\n@SUM", "\u200b=HYPERLINK(…)", "＝1+1"):
    spreadsheets trim or fold those before deciding what is a formula."""
    if isinstance(value, str) and (
        value.startswith(_FORMULA_STARTS) or _first_shown(value) in _FORMULA_STARTS[:4]
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
