"""What is due at a moment: the daily rules and the weekly digest on the organisation's
schedule, and the moment a (possibly late) scheduled run stands for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlmodel import Session

from core.notify.notifications import Created, Message, send
from core.platform.calendar import organisation_calendar
from core.platform.config import get_settings
from core.reminders.digest import weekly_digests
from core.reminders.rules import (
    disputes_due,
    follow_ups_due,
    interests_refresh,
    mind_checks,
    overdue_escalations,
    pd_days_tomorrow,
    share_prompts,
    term_changes,
)

# --- running what is due ------------------------------------------------------------------------

Rule = Callable[[Session, dt.date], list[Message]]
DAILY_RULES: tuple[Rule, ...] = (
    follow_ups_due,
    overdue_escalations,
    pd_days_tomorrow,
    share_prompts,
    term_changes,
    interests_refresh,
    mind_checks,
    disputes_due,
)


def local(at: dt.datetime) -> dt.datetime:
    """`at` in the organisation's time zone (a naive moment is read as local time)."""
    tz = get_settings().tz
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


def due_messages(session: Session, at: dt.datetime) -> list[Message]:
    moment = local(at)
    day, time = moment.date(), moment.time().replace(tzinfo=None)
    messages: list[Message] = []
    settings, calendar = get_settings(), organisation_calendar(session)
    if calendar.is_working_day(day) and time >= settings.reminders_at:
        for rule in DAILY_RULES:
            messages.extend(rule(session, day))
    if calendar.starts_the_week(day) and time >= settings.digest_at:
        messages.extend(weekly_digests(session, day))
    return messages


def run_due(session: Session, *, at: dt.datetime) -> list[Created]:
    """Create every notification due by `at` that does not exist yet; return those created."""
    return send(session, due_messages(session, at))


def latest_scheduled(now: dt.datetime, *, at: dt.time, weekdays: frozenset[int]) -> dt.datetime:
    """The latest moment of a daily schedule (`at` on `weekdays`) at or before `now`."""
    moment = local(now)
    day = moment.date()
    while True:
        candidate = dt.datetime.combine(day, at, tzinfo=moment.tzinfo)
        if day.weekday() in weekdays and candidate <= moment:
            return candidate
        day -= dt.timedelta(days=1)


def catch_up_moment(now: dt.datetime, *, at: dt.time, weekdays: frozenset[int]) -> dt.datetime:
    """The moment a scheduled run stands for: now on the day it was due; for a run caught up
    after midnight (downtime, at most a day late) the end of the day it was due."""
    due = latest_scheduled(now, at=at, weekdays=weekdays)
    moment = local(now)
    if due.date() == moment.date():
        return moment
    return dt.datetime.combine(due.date(), dt.time(23, 59, 59), tzinfo=due.tzinfo)
