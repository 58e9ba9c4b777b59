"""The demo's forecast: half-hour intervals 08:00–18:00 for every team from today to the end of
next quarter, sized to each team so that the planner's result reads true — most days leave room
for a few PD days, Fridays a little more, and one peak week (a January launch) leaves none."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from fractions import Fraction

from sqlalchemy import insert
from sqlmodel import Session

from core.models import ForecastInterval, Person, Team
from core.platform.calendar import organisation_calendar
from core.platform.clock import utcnow
from core.platform.seasons import quarter_of
from core.staffing import Load, Target, agents_needed

AHT = "300"
# Share of the 10:00 peak in each half hour from 08:00 to 17:30 (the peak is the busiest).
SHAPE = (
    0.45, 0.6, 0.8, 0.92, 1.0, 0.95, 0.85, 0.75, 0.7, 0.7,
    0.75, 0.8, 0.85, 0.8, 0.7, 0.6, 0.5, 0.45, 0.35, 0.3,
)  # fmt: skip


def _most_contacts(needed: int) -> int:
    """The most half-hour contacts of AHT seconds that `needed` agents answer 80 % in 20 s."""
    if needed <= 0:
        return 0
    low, high = 0, needed * 6 + 6  # 6 contacts of 300 s is one Erlang
    while low < high:
        mid = (low + high + 1) // 2
        if agents_needed([Load(mid, AHT, "30")], Target())[0] <= needed:
            low = mid
        else:
            high = mid - 1
    return low


def _peak_contacts(size: int, room: int) -> int:
    """Peak contacts for a floor of `size - room` agents working at the default 30 % shrinkage."""
    floor = max(1, size - room)
    needed = math.floor(floor * Fraction(7, 10))  # ⌈needed / 0.7⌉ ≤ floor
    return _most_contacts(needed)


def seed_forecast(
    session: Session, teams: list[Team], agents: list[Person], by: Person, today: dt.date
) -> int:
    """Store the demo forecast; returns the number of intervals."""
    sizes = Counter(p.team_id for p in agents)
    _, this_quarter_end = quarter_of(today)
    _, end = quarter_of(this_quarter_end + dt.timedelta(days=1))
    days = list(organisation_calendar(session).days(today, end))
    january = [d for d in days if d.month == 1]
    peak_week = {
        d for d in january if d.isocalendar()[1] == january[len(january) // 2].isocalendar()[1]
    }
    now = utcnow()
    rows = []
    for team in teams:
        size = sizes.get(team.id, 0)
        if size < 4:
            continue
        levels = {
            "peak": _peak_contacts(size, 0),
            "normal": _peak_contacts(size, 3),
            "quiet": _peak_contacts(size, 5),
        }
        for day in days:
            level = "peak" if day in peak_week else "quiet" if day.weekday() == 4 else "normal"
            top = levels[level]
            for i, share in enumerate(SHAPE):
                rows.append(
                    {
                        "team_id": team.id,
                        "date": day,
                        "start_minute": 8 * 60 + 30 * i,
                        "contacts": top if share == 1.0 else math.floor(top * share),
                        "aht_seconds": AHT,
                        "interval_minutes": "30",
                        "imported_by_id": by.id,
                        "imported_at": now,
                    }
                )
    for chunk in range(0, len(rows), 5000):
        session.execute(insert(ForecastInterval), rows[chunk : chunk + 5000])
    session.flush()
    return len(rows)
