"""The demo's working week: calls, evaluations and coaching happen on working days."""

from __future__ import annotations

import datetime as dt

from core.platform.calendar import WorkCalendar

WEEK = WorkCalendar()  # the demo's working week, Monday to Friday


def working_day_on_or_before(day: dt.date) -> dt.date:
    """Demo calls, evaluations and coaching happen on working days, as the calendar says."""
    return day if WEEK.is_working_day(day) else WEEK.previous_working_day(day)


def working_day_on_or_after(day: dt.date) -> dt.date:
    return day if WEEK.is_working_day(day) else WEEK.next_working_day(day)
