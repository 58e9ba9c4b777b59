"""A forecast file read and checked: `team,date,start,contacts,aht_seconds[,interval_minutes]`.

The rules (shared by `headway staffing` and the forecast import): header in any order, other
columns ignored, UTF-8 with or without BOM, LF or CRLF, quoted fields (core.platform.csvio); every bad row
reported as `line N: reason(s)`, nothing taken from a file with one. Numbers are read by
core.platform.parsing and kept as written (decimal text), so that traffic and floors are exact.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import IO, Any, NamedTuple

import numpy as np

from core.platform.csvio import CsvColumns, line_of, paused_gc, read_columns
from core.platform.errors import InvalidInput
from core.platform.parsing import read_date, read_number

REQUIRED = ("team", "date", "start", "contacts", "aht_seconds")
OPTIONAL = ("interval_minutes",)
DEFAULT_INTERVAL = "30"
MAX_AHT = 86_400  # seconds, as the metric aht_seconds: "> 0 and < 86400"
MAX_CONTACTS = 10_000_000
MAX_TEAM_NAME = 200
MAX_TRAFFIC = 100_000  # Erlangs in one interval (core.staffing.erlang.MAX_TRAFFIC)
_START = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)


class ForecastRow(NamedTuple):
    """One interval of a forecast. `aht` and `minutes` are the numbers as written."""

    line: int
    team: str
    date: dt.date
    start: int  # minutes after midnight
    contacts: int
    aht: str
    minutes: str


@dataclass(frozen=True)
class Forecast:
    """A checked forecast, column by column (one entry per interval, in file order)."""

    lines: list[int]
    teams: list[str]
    dates: list[dt.date]
    starts: list[int]
    contacts: list[int]
    aht: list[str]
    minutes: list[str]
    ignored_columns: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def row(self, i: int) -> ForecastRow:
        return ForecastRow(
            self.lines[i],
            self.teams[i],
            self.dates[i],
            self.starts[i],
            self.contacts[i],
            self.aht[i],
            self.minutes[i],
        )


def clock_text(minutes: int | float) -> str:
    """`HH:MM` for minutes after midnight (24:00 for the end of the day)."""
    whole = int(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _start(text: str) -> tuple[int | None, str | None]:
    match = _START.fullmatch(text)
    if text == "":
        return None, "start missing"
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None, f"start {text[:40]!r} is not a time of day (expected HH:MM, 00:00 to 23:59)"
    return int(match[1]) * 60 + int(match[2]), None


def _contacts(text: str) -> tuple[int | None, str | None]:
    if (
        text.isascii() and text.isdigit() and len(text) < 9
    ):  # the usual case, without the general reader
        return int(text), None
    value, problem = read_number(text, "contacts")
    if problem:
        return None, problem
    assert value is not None
    if not value.is_integer() or value < 0:
        return None, f"contacts {text[:40]!r} is not a whole number of 0 or more"
    if value > MAX_CONTACTS:
        return None, f"contacts {text[:40]} is more than {MAX_CONTACTS:,} in one interval"
    return int(value), None


def _aht(text: str) -> tuple[str | None, str | None]:
    value, problem = read_number(text, "aht_seconds")
    if problem:
        return None, problem
    assert value is not None
    if not 0 < value < MAX_AHT:
        return None, f"aht_seconds {text[:40]} is out of range (more than 0, less than {MAX_AHT})"
    return text, None


def _minutes(text: str) -> tuple[str | None, str | None]:
    if text == "":
        return DEFAULT_INTERVAL, None
    value, problem = read_number(text, "interval_minutes")
    if problem:
        return None, problem
    assert value is not None
    if not 0 < value <= 1440:
        return None, f"interval_minutes {text[:40]} is out of range (more than 0, at most 1440)"
    return text, None


_READERS: dict[str, Callable[[str], tuple[object, str | None]]] = {
    "date": read_date,
    "start": _start,
    "contacts": _contacts,
    "aht_seconds": _aht,
    "interval_minutes": _minutes,
}


def check_rows(
    table: CsvColumns,
    *,
    unknown: Callable[[set[tuple[str, dt.date]]], dict[tuple[str, dt.date], str]] | None = None,
) -> tuple[Forecast, list[str]]:
    """The good rows of `table` and one `line N: reason(s)` per bad one (those of `table`
    itself included, in line order). `unknown` may name the
    (team, date) pairs the organisation does not know, with the reason for each.

    Column by column: a forecast repeats the same few dates, starts and numbers hundreds of
    thousands of times, so each distinct text is read once and rows are only visited one by one
    when some text was bad or some interval repeats."""
    n = len(table)
    lines = table.lines
    texts = {name: table.columns.get(name) or [""] * n for name in ("team", *_READERS)}
    values: dict[str, list[object]] = {}
    bad: dict[str, dict[str, str]] = {}
    for name, read in _READERS.items():
        answers = {text: read(text) for text in set(texts[name])}
        values[name] = [answers[text][0] for text in texts[name]]
        bad[name] = {text: p for text, (_, p) in answers.items() if p}
    bad["team"] = {
        team: ("team missing" if not team else f"team name longer than {MAX_TEAM_NAME} characters")
        for team in set(texts["team"])
        if not team or len(team) > MAX_TEAM_NAME
    }
    pairs: dict[tuple[str, dt.date], str] = {}
    if unknown is not None:
        dates = values["date"]
        asked = {
            (team, day)
            for team, day in zip(texts["team"], dates, strict=True)
            if team and isinstance(day, dt.date)
        }
        pairs = unknown(asked)
    too_busy = _too_busy(values)
    problems: dict[int, list[str]] = {}
    if any(bad.values()) or pairs or too_busy:
        for i in range(n):
            reasons = [
                bad[name][texts[name][i]]
                for name in ("team", *_READERS)
                if texts[name][i] in bad[name]
            ]
            day = values["date"][i]
            if pairs and isinstance(day, dt.date) and (texts["team"][i], day) in pairs:
                reasons.append(pairs[(texts["team"][i], day)])
            if i in too_busy:
                reasons.append(too_busy[i])
            if reasons:
                problems[i] = reasons
    keys = list(zip(texts["team"], values["date"], values["start"], strict=True))
    if len(set(keys)) != n:
        first: dict[object, int] = {}
        for i, key in enumerate(keys):
            if i in problems:
                continue
            held = first.get(key)
            if held is None:
                first[key] = i
                continue
            same = all(texts[c][i] == texts[c][held] for c in ("contacts", "aht_seconds"))
            same = same and values["interval_minutes"][i] == values["interval_minutes"][held]
            team, day, start = key
            assert isinstance(day, dt.date) and isinstance(start, int)
            problems[i] = [
                f"duplicate of line {lines[held]}"
                if same
                else f"team {team!r} has the interval at {clock_text(start)} on "
                f"{day.isoformat()} already on line {lines[held]}"
            ]
    columns: list[list[Any]] = [
        lines,
        texts["team"],
        values["date"],
        values["start"],
        values["contacts"],
        values["aht_seconds"],
        values["interval_minutes"],
    ]
    if problems:
        good = [i for i in range(n) if i not in problems]
        columns = [[column[i] for i in good] for column in columns]
    forecast = Forecast(
        lines=columns[0],
        teams=columns[1],
        dates=columns[2],
        starts=columns[3],
        contacts=columns[4],
        aht=columns[5],
        minutes=columns[6],
        ignored_columns=table.ignored_columns,
    )
    mine = [f"line {lines[i]}: " + "; ".join(r) for i, r in sorted(problems.items())]
    return forecast, sorted([*table.problems, *mine], key=line_of)


def _too_busy(values: dict[str, list[object]]) -> dict[int, str]:
    """Rows whose traffic passes MAX_TRAFFIC Erlangs, each with its sentence."""
    floats = {
        name: [float(v) if isinstance(v, str) else float("nan") for v in values[name]]
        for name in ("aht_seconds", "interval_minutes")
    }
    contacts = np.asarray([v if isinstance(v, int) else 0 for v in values["contacts"]], float)
    with np.errstate(invalid="ignore"):
        traffic = (
            contacts
            * np.asarray(floats["aht_seconds"])
            / (np.asarray(floats["interval_minutes"]) * 60)
        )
        over = np.flatnonzero(traffic > MAX_TRAFFIC)
    return {
        int(i): (
            f"{values['contacts'][i]:,} contacts of {values['aht_seconds'][i]} s in "
            f"{values['interval_minutes'][i]} minutes is {traffic[i]:,.0f} Erlangs, more than "
            f"the {MAX_TRAFFIC:,.0f} Headway plans for in one interval"
        )
        for i in over
    }


def read_forecast_csv(data: bytes | IO[bytes]) -> Forecast:
    """Every row of a forecast file, checked; InvalidInput lists every bad line."""
    with paused_gc():
        forecast, problems = check_rows(read_columns(data, required=REQUIRED, optional=OPTIONAL))
    if problems:
        raise InvalidInput(f"{len(problems)} line(s) of the forecast need fixing", problems)
    return forecast


def exact(text: str) -> Fraction:
    """A number as written, exactly."""
    return Fraction(text)
