"""Exports people take away: iCalendar files (RFC 5545) and CSV tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Calendar, Event
from sqlmodel import Session

from core.pd.days import PdDayRead
from core.people.access import Actor
from core.platform.calendar import organisation_calendar
from core.platform.clock import utcnow
from core.platform.csvio import write_csv
from core.rotations.outcomes import _own_or_coach
from core.rotations.terms import _hosting, get_term


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


def rotation_ics(session: Session, *, actor: Actor, assignment_id: int) -> bytes:
    """The weekly hosting session of one rotation as a recurring event (RFC 5545 RRULE)."""
    a = _own_or_coach(session, actor, assignment_id)
    term = get_term(session, a.term_id)
    host = next(
        h for h in _hosting(session, term_id=a.term_id) if h.department_id == a.department_id
    )
    first = term.start + dt.timedelta(days=(host.weekday - term.start.weekday()) % 7)
    begin = dt.datetime.combine(first, host.start_time)
    calendar = Calendar()
    calendar.add("prodid", "-//Headway//Ambassador rotation//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"rotation-{a.id}@headway")
    event.add("dtstamp", utcnow())
    event.add("dtstart", begin)
    event.add("dtend", begin + dt.timedelta(hours=host.hours))
    event.add("rrule", {"freq": "weekly", "until": dt.datetime.combine(term.end, dt.time(23, 59))})
    # No session on a closed day (public holiday, closure day): those weeks are left out.
    closed = organisation_calendar(session).closed_weekdays(first, term.end)
    skipped = [
        dt.datetime.combine(first + dt.timedelta(weeks=w), host.start_time)
        for w in range((term.end - first).days // 7 + 1)
        if first + dt.timedelta(weeks=w) in closed
    ]
    if skipped:
        event.add("exdate", skipped)
    event.add("summary", f"Customer ambassador: {host.department}")
    event.add(
        "description",
        f"Representing support in {host.department} ({term.name}); host: {host.host or 'to be confirmed'}.",
    )
    calendar.add_component(event)
    return bytes(calendar.to_ical())
