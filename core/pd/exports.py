"""Exports people take away: iCalendar files (RFC 5545) and CSV tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from icalendar import Calendar, Event
from sqlmodel import Session

from core.pd.days import PdDayRead
from core.people.access import Actor
from core.platform.calendar import organisation_calendar
from core.platform.clock import utcnow
from core.platform.config import get_settings
from core.platform.csvio import write_csv
from core.rotations.outcomes import _own_or_coach
from core.rotations.terms import _hosting, get_term


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Headway//PD days//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def pd_days_ics(
    days: Sequence[PdDayRead],
    *,
    name: str = "PD days",
    withdrawn: Sequence[PdDayRead] = (),
    closed: Mapping[dt.date, str] | None = None,
) -> bytes:
    """One all-day event per PD day (DTEND is the next day, as RFC 5545 all-day events need).
    Each day keeps its UID for life and its SEQUENCE is the day's version, which every change
    raises: a calendar that imports the file again moves the event. `withdrawn` days (the
    agent was told of them, then they were unpublished or cancelled) are STATUS:CANCELLED
    events, which remove them; a day on a `closed` date says why it cannot stay."""
    calendar = _calendar(name)
    stamp = utcnow()
    for day, cancelled in [*((d, False) for d in days), *((d, True) for d in withdrawn)]:
        event = Event()
        event.add("uid", f"pd-day-{day.id}@headway")
        event.add("sequence", day.version)
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + dt.timedelta(days=1))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("summary", f"{'Cancelled: ' if cancelled else ''}PD day: {day.person_name}")
        if cancelled:
            description = "This PD day was withdrawn: it is no longer planned."
        else:
            description = f"Professional development day ({day.status.value})."
            if closed and day.date in closed:
                description += f" It cannot stay: {closed[day.date]}."
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
    """The weekly session of one rotation as a recurring event (RFC 5545 RRULE), in the
    organisation's time zone (TZID and its VTIMEZONE): the same weekday, time and hours the app
    states (`WeeklySession`)."""
    a = _own_or_coach(session, actor, assignment_id)
    term = get_term(session, a.term_id)
    host = next(
        h for h in _hosting(session, term_id=a.term_id) if h.department_id == a.department_id
    )
    weekly, tz = host.session, get_settings().tz
    first = term.start + dt.timedelta(days=(weekly.weekday - term.start.weekday()) % 7)

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, weekly.start_time, tzinfo=tz)

    calendar = Calendar()
    calendar.add("prodid", "-//Headway//Ambassador rotation//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"rotation-{a.id}@headway")
    event.add("dtstamp", utcnow())
    event.add("dtstart", at(first))
    event.add("dtend", at(first) + dt.timedelta(hours=weekly.hours))
    # With a zoned start, RFC 5545 wants UNTIL in UTC: the last session's start is the bound.
    last = first + dt.timedelta(weeks=max(0, (term.end - first).days // 7))
    event.add("rrule", {"freq": "weekly", "until": at(last).astimezone(dt.UTC)})
    # No session on a closed day (public holiday, closure day): those weeks are left out.
    closed = organisation_calendar(session).closed_weekdays(first, term.end)
    skipped = [
        at(first + dt.timedelta(weeks=w))
        for w in range((term.end - first).days // 7 + 1)
        if first + dt.timedelta(weeks=w) in closed
    ]
    if skipped:
        event.add("exdate", skipped)
    event.add("summary", f"Customer ambassador: {host.department}")
    event.add(
        "description",
        f"Representing support in {host.department} ({term.name}), {weekly.sentence()}; "
        f"host: {host.host or 'to be confirmed'}.",
    )
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
