"""Each team's floor on each date from its forecast (contract: `headway staffing`).

For each interval the agents needed by Erlang C (core.staffing.erlang); for each team and date
the busiest interval (the most agents needed, the earliest start on a tie) and the floor that
follows from shrinkage: ⌈agents_needed × 100 / (100 − shrinkage)⌉, exact.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from core.staffing.erlang import Load, Target, agents_needed_columns, floor_for
from core.staffing.forecast import Forecast, clock_text

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_SERVICE_LEVEL = re.compile(rf"\s*({_NUMBER})\s*%?\s*/\s*({_NUMBER})\s*s?\s*", re.ASCII)
_PERCENT = re.compile(rf"\s*({_NUMBER})\s*%?\s*", re.ASCII)
MAX_SECONDS = 3600


@dataclass(frozen=True)
class DayFloor:
    """A team's need on one date. `peak_start` is the contract's: the start of the interval
    that needs the most agents, the earliest on a tie. The sentence's figures (`peak_contacts`,
    `peak_aht`, `peak_minutes`, `peak_start_text`) are those of the *busiest* of the tied
    intervals (the most traffic; the earliest of equals): 42 calls at 10:00 rather than 38 at
    09:30 when both need 10 agents, so that "the expected service level" with someone away is
    the day's worst, not a kinder one."""

    team: str
    date: dt.date
    agents_needed: int
    peak_start: int  # minutes after midnight
    floor: int
    peak_minutes: Fraction = Fraction(30)
    peak_contacts: int = 0
    peak_aht: Fraction = Fraction(0)
    target: Target | None = None  # what the floor was computed for
    busiest_start: int | None = None  # the sentence's interval, when not `peak_start`

    @property
    def peak_start_text(self) -> str:
        return clock_text(self.said_start)

    @property
    def peak_end_text(self) -> str:
        return clock_text(self.said_start + float(self.peak_minutes))

    @property
    def said_start(self) -> int:
        return self.peak_start if self.busiest_start is None else self.busiest_start

    @property
    def peak_load(self) -> Load:
        return Load(self.peak_contacts, self.peak_aht, self.peak_minutes)

    def to_json(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "date": self.date.isoformat(),
            "agents_needed": self.agents_needed,
            "peak_start": clock_text(self.peak_start),
            "floor": self.floor,
        }


def daily_floors(forecast: Forecast, target: Target) -> list[DayFloor]:
    """Every team and date of `forecast` with its agents needed and floor, by team then date."""
    needed = agents_needed_columns(forecast.contacts, forecast.aht, forecast.minutes, target)

    def traffic(i: int) -> float:
        return forecast.contacts[i] * float(forecast.aht[i]) / float(forecast.minutes[i])

    # (agents, the earliest start among the intervals needing them, the busiest of those)
    best: dict[tuple[str, dt.date], tuple[int, int, int]] = {}
    for i, (team, day, start, agents) in enumerate(
        zip(forecast.teams, forecast.dates, forecast.starts, needed, strict=True)
    ):
        key = (team, day)
        held = best.get(key)
        if held is None or agents > held[0]:
            best[key] = (agents, start, i)
        elif agents == held[0]:
            if agents == 0:  # a quiet interval: none busier than another, the earliest speaks
                if start < held[1]:
                    best[key] = (0, start, i)
                continue
            earliest, busiest = min(start, held[1]), held[2]
            more, less = traffic(i), traffic(busiest)
            if more > less or (more == less and start < forecast.starts[busiest]):
                busiest = i
            best[key] = (agents, earliest, busiest)
    exact = functools.cache(Fraction)  # a forecast repeats its handle times and lengths
    floor = functools.cache(lambda agents: floor_for(agents, target.shrinkage))
    return [
        DayFloor(
            team=team,
            date=day,
            agents_needed=agents,
            peak_start=start,
            floor=floor(agents),
            peak_minutes=exact(forecast.minutes[i]),
            peak_contacts=forecast.contacts[i],
            peak_aht=exact(forecast.aht[i]),
            target=target,
            busiest_start=forecast.starts[i],
        )
        for (team, day), (agents, start, i) in sorted(best.items())
    ]


def read_service_level(text: str) -> tuple[tuple[Fraction, Fraction] | None, str | None]:
    """`80/20` → (4/5, 20): the share answered (more than 0, less than 100 %) and the seconds
    (0 to 3600); or None and why not."""
    match = _SERVICE_LEVEL.fullmatch(text)
    if not match:
        return None, (
            f"{text[:40]!r} is not a service level: write the percentage answered and the "
            "seconds, like 80/20 (80 % answered within 20 seconds)"
        )
    pct, seconds = Fraction(match[1]), Fraction(match[2])
    if not 0 < pct < 100:
        return None, (
            f"{text[:40]!r}: the percentage answered must be more than 0 and less than 100 "
            "(no number of agents answers every contact within a time limit)"
        )
    if seconds > MAX_SECONDS:
        return None, f"{text[:40]!r}: the seconds must be at most {MAX_SECONDS}"
    return (pct / 100, seconds), None


def read_percent(
    text: str, what: str, *, low: int, high: int, high_included: bool, low_included: bool
) -> tuple[Fraction | None, str | None]:
    """A percentage (decimals allowed, e.g. 27.5) as a fraction, within its range."""
    match = _PERCENT.fullmatch(text)
    if not match:
        return None, f"{text[:40]!r} is not a percentage for {what} (write it like 30 or 27.5)"
    value = Fraction(match[1])
    above = value >= low if low_included else value > low
    below = value <= high if high_included else value < high
    if not (above and below):
        lo = f"{low} or more" if low_included else f"more than {low}"
        hi = f"at most {high}" if high_included else f"less than {high}"
        return None, f"{what} {text.strip()[:40]} % is out of range: give {lo} and {hi}"
    return value / 100, None


def read_shrinkage(text: str) -> tuple[Fraction | None, str | None]:
    return read_percent(text, "shrinkage", low=0, high=100, low_included=True, high_included=False)


def read_max_occupancy(text: str) -> tuple[Fraction | None, str | None]:
    return read_percent(
        text, "maximum occupancy", low=0, high=100, low_included=False, high_included=True
    )


def percent_text(value: Fraction) -> str:
    """4/5 → "80", 11/40 → "27.5": a share as the percentage people write."""
    pct = value * 100
    if pct.denominator == 1:
        return str(pct.numerator)
    return f"{float(pct):.4g}"


def floors_json(floors: Iterable[DayFloor]) -> dict[str, Any]:
    return {"floors": [f.to_json() for f in floors]}
