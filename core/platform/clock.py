"""The one source of "today" and "now" in Headway: honours HEADWAY_TODAY and HEADWAY_TIMEZONE."""

from __future__ import annotations

import datetime as dt

from core.platform.config import get_settings


def today() -> dt.date:
    settings = get_settings()
    if settings.today is not None:
        return settings.today
    return dt.datetime.now(settings.tz).date()


def utcnow() -> dt.datetime:
    """Aware UTC timestamp for audit columns and sessions (wall clock, not HEADWAY_TODAY)."""
    return dt.datetime.now(dt.UTC)


def now_local() -> dt.datetime:
    """Aware "now" in the organisation's time zone, on today() (so HEADWAY_TODAY pins the date
    and keeps the time of day): the moment reminder jobs run for."""
    settings = get_settings()
    now = dt.datetime.now(settings.tz)
    return dt.datetime.combine(today(), now.timetz())
