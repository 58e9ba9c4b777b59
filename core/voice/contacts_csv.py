"""Contact volumes and changes read from CSV files (the `headway contact-effect` inputs and the
contact-volume import): plain files at the speed of pandas' C parser, anything unusual row by
row with a sentence per bad line."""

from __future__ import annotations

import codecs
import datetime as dt
import io
from typing import IO

import numpy as np

from core.platform.csvio import CsvStream, stream_csv
from core.platform.errors import InvalidInput

MAX_CONTACTS_PER_ROW = 1_000_000_000
CONTACT_COLUMNS = ("date", "reason", "contacts")
CHANGE_COLUMNS = ("reason", "date")


def _read_contacts_value(text: str) -> tuple[int | None, str | None]:
    if text.isascii() and text.isdigit():
        value = int(text)
    else:
        from core.platform.parsing import read_number

        number, problem = read_number(text, "contacts")
        if number is None:
            if text == "":
                return None, problem
            return None, f"contacts {text[:40]!r} is not a whole number (write it like 12)"
        if number < 0:
            return None, f"contacts {text[:40]} is negative (a count of contacts is 0 or more)"
        if not number.is_integer():
            return None, f"contacts {text[:40]} is not a whole number"
        value = int(number)
    if value > MAX_CONTACTS_PER_ROW:
        return None, f"contacts {text[:40]} is more than {MAX_CONTACTS_PER_ROW:,} for one row"
    return value, None


def read_contacts_csv(data: bytes | IO[bytes]) -> dict[str, dict[dt.date, int]]:
    """date,reason,contacts rows (header in any order, other columns ignored) as contacts per
    reason and day; several rows for one date and reason add up. Every bad row is reported by
    its line (InvalidInput), as the imports do."""
    raw = data if isinstance(data, bytes) else data.read()
    stream = stream_csv(raw, required=CONTACT_COLUMNS)  # the header's checks, at once
    return _contacts_at_speed(raw) or _contacts_row_by_row(stream)


_PLAIN_DIGITS = r"[0-9]{1,10}"


def _contacts_at_speed(raw: bytes) -> dict[str, dict[dt.date, int]] | None:
    """The common case — a plain file (no quotes, no blank lines, LF or CRLF line ends) with
    every row good — read by pandas' C parser: three years of 500 reasons is over half a million
    rows. None when anything is unusual: then the row-by-row reader decides, and names every
    bad line."""
    import pandas as pd

    from core.platform.csvio import MAX_FIELD
    from core.platform.parsing import read_date

    body = raw.removeprefix(codecs.BOM_UTF8)
    if b'"' in body or b"\x00" in body or body.count(b"\r") != body.count(b"\r\n"):
        return None
    header_end = body.find(b"\n")
    if header_end < 0:
        return None
    try:
        names = [n.strip() for n in body[:header_end].decode("utf-8").rstrip("\r").split(",")]
    except UnicodeDecodeError:
        return None
    if not _same_fields_on_every_line(body, len(names) - 1, MAX_FIELD):
        return None
    raw_names = body[:header_end].decode("utf-8").rstrip("\r").split(",")
    wanted = {raw_names[names.index(c)]: c for c in CONTACT_COLUMNS}
    try:
        frame = pd.read_csv(
            io.BytesIO(body),
            usecols=list(wanted),
            dtype={r: "int64" if c == "contacts" else "category" for r, c in wanted.items()},
            na_filter=False,
            index_col=False,
            engine="c",
        ).rename(columns=wanted)
    except (ValueError, OverflowError, UnicodeDecodeError, pd.errors.ParserError):
        return None
    values = frame["contacts"].to_numpy(dtype=np.int64)
    if len(values) and (values.min() < 0 or values.max() > MAX_CONTACTS_PER_ROW):
        return None
    reason_names = [str(r).strip() for r in frame["reason"].cat.categories]
    days = [read_date(str(d).strip())[0] for d in frame["date"].cat.categories]
    if "" in reason_names or None in days:
        return None
    # Names equal once stripped are one reason (as the row-by-row reader sees them).
    unique_reasons = sorted(set(reason_names))
    reason_of = np.array([unique_reasons.index(r) for r in reason_names], dtype=np.int64)
    unique_days = sorted({d for d in days if d is not None})
    day_of = np.array([unique_days.index(d) for d in days if d is not None], dtype=np.int64)
    n_days = len(unique_days)
    key = (
        reason_of[frame["reason"].cat.codes.to_numpy()] * n_days
        + day_of[frame["date"].cat.codes.to_numpy()]
    )
    size = len(unique_reasons) * n_days
    present = (np.bincount(key, minlength=size) > 0).reshape(len(unique_reasons), n_days)
    summed = np.zeros(size, dtype=np.int64)
    np.add.at(summed, key, values)
    table = summed.reshape(len(unique_reasons), n_days)
    day_objects = np.array(unique_days, dtype=object)
    daily: dict[str, dict[dt.date, int]] = {}
    for i, reason in enumerate(unique_reasons):
        where = np.flatnonzero(present[i])
        daily[reason] = dict(
            zip(day_objects[where].tolist(), table[i, where].tolist(), strict=True)
        )
    return daily


def _same_fields_on_every_line(body: bytes, commas: int, max_line: int) -> bool:
    """Every line after the header has exactly `commas` commas and none is blank or longer
    than `max_line` (vectorised: no Python loop over the lines)."""
    buffer = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(buffer == ord("\n"))
    if len(ends) == 0 or ends[-1] != len(buffer) - 1:
        ends = np.append(ends, len(buffer))
    starts = np.concatenate([[0], ends[:-1] + 1])
    if len(ends) > 1 and (ends[1:] - starts[1:]).min() < 3:  # blank (or near-blank) lines
        return False
    if (ends - starts).max() > max_line:
        return False
    per_line = np.bincount(
        np.searchsorted(ends, np.flatnonzero(buffer == ord(","))), minlength=len(ends)
    )
    return bool((per_line == commas).all())


def _contacts_row_by_row(stream: CsvStream) -> dict[str, dict[dt.date, int]]:
    from core.platform.csvio import line_of
    from core.platform.parsing import read_date

    daily: dict[str, dict[dt.date, int]] = {}
    dates: dict[str, tuple[dt.date | None, str | None]] = {}
    problems: list[str] = []
    for row in stream.rows:
        v = row.values
        reasons = []
        text = v["date"]
        if text not in dates:
            dates[text] = read_date(text)
        day, problem = dates[text]
        if problem:
            reasons.append(problem)
        reason = v["reason"]
        if not reason:
            reasons.append("reason missing")
        count, problem = _read_contacts_value(v["contacts"])
        if problem:
            reasons.append(problem)
        if reasons:
            problems.append(f"line {row.line}: " + "; ".join(reasons))
        elif not problems:
            assert day is not None and count is not None
            days = daily.setdefault(reason, {})
            days[day] = days.get(day, 0) + count
    problems.extend(stream.problems)
    if problems:
        problems.sort(key=line_of)
        raise InvalidInput(f"{len(problems)} line(s) need fixing", problems)
    return daily


def read_changes_csv(data: bytes | IO[bytes]) -> list[tuple[str, dt.date]]:
    """reason,date rows (header in any order, other columns such as a label ignored), in file
    order; every bad row is reported by its line (InvalidInput)."""
    from core.platform.csvio import line_of, read_csv
    from core.platform.parsing import read_date

    table = read_csv(data, required=CHANGE_COLUMNS)
    problems = list(table.problems)
    changes: list[tuple[str, dt.date]] = []
    for row in table.rows:
        v = row.values
        reasons = []
        day, problem = read_date(v["date"])
        if problem:
            reasons.append(problem)
        if not v["reason"]:
            reasons.append("reason missing")
        if reasons:
            problems.append(f"line {row.line}: " + "; ".join(reasons))
        else:
            assert day is not None
            changes.append((v["reason"], day))
    if problems:
        problems.sort(key=line_of)
        raise InvalidInput(f"{len(problems)} line(s) need fixing", problems)
    return changes
