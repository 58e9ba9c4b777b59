"""Exports people take away: iCalendar files (RFC 5545) and CSV tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Calendar, Event

from core.clock import utcnow
from core.csvio import write_csv
from core.pd_planning import PdDayRead


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Headway//PD days//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def pd_days_ics(days: Sequence[PdDayRead], *, name: str = "PD days") -> bytes:
    """One all-day event per PD day (DTEND is the next day, as RFC 5545 all-day events need)."""
    calendar = _calendar(name)
    stamp = utcnow()
    for day in days:
        event = Event()
        event.add("uid", f"pd-day-{day.id}@headway")
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + dt.timedelta(days=1))
        event.add("summary", f"PD day: {day.person_name}")
        description = f"Professional development day ({day.status.value})."
        if day.purpose:
            description += f" Purpose: {day.purpose}."
        if day.goal:
            description += f" Goal: {day.goal}"
        event.add("description", description)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def pd_days_csv(days: Sequence[PdDayRead]) -> bytes:
    return write_csv(
        ["date", "agent", "team", "status", "purpose", "goal"],
        [
            (d.date.isoformat(), d.person_name, d.team_name, d.status.value, d.purpose, d.goal)
            for d in days
        ],
    )
