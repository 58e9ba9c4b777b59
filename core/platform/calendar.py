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

from sqlmodel import Session, select

from core.models import ClosureDay
from core.platform.config import get_settings, public_holidays

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
