"""How a number or a date typed into a file or on the command line is read: one home for both.

Python's own `float()` and `date.fromisoformat()` are too lenient for input written by people:
`float` takes `3_0_0` as 300 and `nan`, `inf` and `1e400` (infinite) as numbers;
`fromisoformat` takes `20240101`, `2024-W01-1` and `0001-01-01`. Here a number is plain decimal
notation (`12`, `-0.5`, `4.1e2`) and finite; a date is `YYYY-MM-DD` inside the window every part
of Headway can compute with (`EARLIEST_DATE` … `LATEST_DATE`), so that no window, period or
"day after" computed from an input date can leave the calendar.

Each reader returns the value or one sentence saying what is wrong; callers add the place
(`line 7: `, `period.end: `, `--as-of`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)
MAX_WINDOW_DAYS = 3650  # the longest window or look-back a command accepts: ten years
MAX_REPORTED = 50  # a file with more bad lines lists the first ones and counts the rest

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _shown(text: str) -> str:
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def read_number(text: str, what: str = "value") -> tuple[float | None, str | None]:
    """(the number, None), or (None, why not), e.g. "value '3_0_0' is not a number"."""
    if text == "":
        return None, f"{what} missing"
    if not _NUMBER.fullmatch(text):
        return None, f"{what} {_shown(text)} is not a number (write it like 12 or 12.5)"
    value = float(text)
    if not math.isfinite(value):
        return None, f"{what} {_shown(text)} is too large"
    return value, None


def date_out_of_window(day: dt.date) -> str | None:
    """Why `day` is outside the dates Headway accepts, or None."""
    if day < EARLIEST_DATE:
        return f"{day.isoformat()} is before {EARLIEST_DATE.isoformat()}"
    if day > LATEST_DATE:
        return f"{day.isoformat()} is after {LATEST_DATE.isoformat()}"
    return None


def iso_date(text: str) -> dt.date | None:
    """The date written exactly as `YYYY-MM-DD` (no week dates, no `20240101`), else None."""
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _why_not_a_date(text: str) -> str:
    """Why `text` is not a date: its form, or the day that its calendar does not have."""
    if not _DATE.fullmatch(text):
        return "expected YYYY-MM-DD"
    year, month, day = (int(part) for part in text.split("-"))
    if year < 1:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if day < 1:
        return "there is no day 0"
    return f"{calendar.month_name[month]} {year} has {calendar.monthrange(year, month)[1]} days"


def read_date(text: str, what: str = "date") -> tuple[dt.date | None, str | None]:
    """(the date, None), or (None, why not): "bad date '2024-13-01' (there is no month 13)",
    "date 0001-01-01 is before 2000-01-01"."""
    if text == "":
        return None, f"{what} missing"
    day = iso_date(text)
    if day is None:
        return None, f"bad {what} {_shown(text)} ({_why_not_a_date(text)})"
    outside = date_out_of_window(day)
    if outside:
        return None, f"{what} {outside}"
    return day, None


def listed(problems: list[str], limit: int = MAX_REPORTED) -> list[str]:
    """The first `limit` problems, and one more line counting the rest."""
    if len(problems) <= limit:
        return list(problems)
    return [*problems[:limit], f"and {len(problems) - limit} more problems"]
