"""The organisation's calendar, the one answer to "is this a working day?".

A day is a working day when its weekday is one of HEADWAY_WORKING_DAYS, it is not a public
holiday of HEADWAY_HOLIDAYS (the `holidays` package) and no admin has entered it as a closure
day. PD days are planned, daily reminders sent and rotation sessions placed on working days only;
a follow-up due on a closed day is reminded on the working day before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from core.models import ClosureDay, NotificationKind, PdDay, PdStatus, Person, Team
from core.notify.notifications import message_to, send
from core.people.access import Actor, require_admin
from core.platform.clock import today
from core.platform.config import get_settings, public_holidays
from core.platform.errors import InvalidInput, NotFound
from core.platform.limits import max_length, require_fits

ONE_DAY = dt.timedelta(days=1)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class WorkCalendar:
    weekdays: frozenset[int] = frozenset(range(5))
    holidays: Any = None  # a `holidays` calendar (a mapping of date to name), or None
    closures: Mapping[dt.date, str] = field(default_factory=dict)

    def closed_because(self, day: dt.date) -> str | None:
        """Why `day` is not a working day, in words ("Friday 25 December is Christmas Day, a
        public holiday"); None on a working day."""
        when = f"{day:%A} {day.day} {day:%B}"
        if day.weekday() not in self.weekdays:
            return f"{when} is not a working day ({WEEKDAY_NAMES[day.weekday()]}s are off)"
        if day in self.closures:
            return f"{when} is a closure day ({self.closures[day]})"
        name = self.holidays.get(day) if self.holidays is not None else None
        if name:
            return f"{when} is {name}, a public holiday"
        return None

    def is_working_day(self, day: dt.date) -> bool:
        return self.closed_because(day) is None

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day after `day`."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day before `day`."""
        day -= ONE_DAY
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day`."""
        while n > 0:
            day += ONE_DAY
            n -= self.is_working_day(day)
        return day

    def days(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        """Every working day from `start` to `end`, both included."""
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += ONE_DAY

    def closed_weekdays(self, start: dt.date, end: dt.date) -> dict[dt.date, str]:
        """The holidays and closure days from `start` to `end` that fall on working weekdays
        (what a solver that knows only weekdays must also avoid), with the reason."""
        out = {}
        day = start
        while day <= end:
            if day.weekday() in self.weekdays:
                reason = self.closed_because(day)
                if reason is not None:
                    out[day] = reason
            day += ONE_DAY
        return out

    def starts_the_week(self, day: dt.date) -> bool:
        """`day` is the week's first working day (Monday, or Tuesday after a bank-holiday
        Monday): the day the weekly digest goes out."""
        monday = day - dt.timedelta(days=day.weekday())
        return self.is_working_day(day) and not any(
            self.is_working_day(monday + dt.timedelta(days=i)) for i in range(day.weekday())
        )

    def reminded_on(self, day: dt.date) -> list[dt.date]:
        """The days whose reminders go out on working day `day`: it and the closed days that
        follow it (a follow-up due on a Saturday or a holiday is reminded the working day before)."""
        days = [day]
        while not self.is_working_day(days[-1] + ONE_DAY):
            days.append(days[-1] + ONE_DAY)
        return days


def organisation_calendar(session: Session) -> WorkCalendar:
    """The calendar in force: the settings plus the closure days stored in the database."""
    settings = get_settings()
    closures = {c.date: c.reason for c in session.exec(select(ClosureDay)).all()}
    holidays = public_holidays(settings.holidays_code) if settings.holidays_code else None
    return WorkCalendar(settings.working_days, holidays, closures)


# ------------------------------------------------------------------ closure days (admins)


@dataclass(frozen=True)
class ClosureRead:
    date: dt.date
    reason: str
    pd_days: tuple[str, ...] = ()  # whose PD days (draft or published) fall on it, when added

    def added(self) -> str:
        """What the admin reads once the day is added."""
        said = f"{self.date:%A %d %B %Y} is now a closure day."
        if not self.pd_days:
            return said + " No PD day falls on it."
        n = len(self.pd_days)
        names = ", ".join(self.pd_days[:8]) + (f" and {n - 8} more" if n > 8 else "")
        return (
            f"{said} {n} PD day{'' if n == 1 else 's'} fall{'s' if n == 1 else ''} on it "
            f"({names}): the agents and their team leads were told, and the planner asks to "
            "move them."
        )


def list_closures(session: Session, *, since: dt.date | None = None) -> list[ClosureRead]:
    """Closure days from `since` (default: a year ago), in date order; everyone may read them."""
    start = since or today() - dt.timedelta(days=365)
    rows = session.exec(
        select(ClosureDay).where(ClosureDay.date >= start).order_by(col(ClosureDay.date))
    ).all()
    return [ClosureRead(r.date, r.reason) for r in rows]


def add_closure(session: Session, *, actor: Actor, date: dt.date, reason: str) -> ClosureRead:
    require_admin(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why the organisation is closed that day.")
    require_fits(("Why the organisation is closed", reason, max_length(ClosureDay, "reason")))
    if session.get(ClosureDay, date) is not None:
        raise InvalidInput(f"{date:%A %d %B %Y} is already a closure day.")
    session.add(ClosureDay(date=date, reason=reason, created_by_id=actor.id))
    return ClosureRead(date, reason, _tell_about_pd_days(session, date, reason))


def _tell_about_pd_days(session: Session, date: dt.date, reason: str) -> tuple[str, ...]:
    """The PD days on a newly closed day: each agent hears of theirs (if published), each team
    lead of their team's; returns the agents' names."""
    rows = session.exec(
        select(PdDay, Person)
        .join(Person, col(Person.id) == PdDay.person_id)
        .where(PdDay.date == date, col(PdDay.status).in_([PdStatus.DRAFT, PdStatus.PUBLISHED]))
        .order_by(col(Person.name))
    ).all()
    leads = {t.id: t.lead_id for t in session.exec(select(Team)).all() if t.lead_id is not None}
    lead_people = {
        p.id: p
        for p in session.exec(
            select(Person).where(col(Person.id).in_(set(leads.values())), col(Person.active))
        ).all()
    }
    when = f"{date:%A %-d %B}"
    messages = [
        message_to(
            person,
            kind=NotificationKind.PD_DAY_CLOSED,
            subject=f"pd_day:{day.id}",
            title=f"Your PD day on {when} falls on a closure day",
            body=f"The organisation is closed that day ({reason}). Your team lead will move it.",
            link="my_pd_days",
        )
        for day, person in rows
        if day.status == PdStatus.PUBLISHED and person.active
    ]
    by_lead: dict[int, list[str]] = {}
    for _, person in rows:
        lead_id = leads.get(person.team_id) if person.team_id is not None else None
        if lead_id is not None and lead_id in lead_people:
            by_lead.setdefault(lead_id, []).append(person.name)
    messages += [
        message_to(
            lead_people[lead_id],
            kind=NotificationKind.PD_DAY_CLOSED,
            subject=f"closure:{date.isoformat()}",
            title=f"{len(names)} PD day{'' if len(names) == 1 else 's'} of your team fall on "
            f"{when}, now a closure day",
            body=f"The organisation is closed that day ({reason}): move the PD days of "
            + ", ".join(names)
            + " on the PD day planner.",
            link="pd_planner",
        )
        for lead_id, names in by_lead.items()
    ]
    send(session, messages)
    return tuple(person.name for _, person in rows)


def remove_closure(session: Session, *, actor: Actor, date: dt.date) -> None:
    require_admin(actor)
    row = session.get(ClosureDay, date)
    if row is None:
        raise NotFound(f"{date:%A %d %B %Y} is not a closure day.")
    session.delete(row)
