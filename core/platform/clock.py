"""The one source of "today" and "now" in Headway: honours HEADWAY_NOW, HEADWAY_TODAY and
HEADWAY_TIMEZONE."""

from __future__ import annotations

import datetime as dt

from core.platform.config import get_settings


def _pinned_or_wall() -> dt.datetime:
    """HEADWAY_NOW in the organisation's time zone (a moment without a zone is read as local
    time), else the wall clock there."""
    settings = get_settings()
    if settings.now is None:
        return dt.datetime.now(settings.tz)
    if settings.now.tzinfo is None:
        return settings.now.replace(tzinfo=settings.tz)
    return settings.now.astimezone(settings.tz)


def today() -> dt.date:
    settings = get_settings()
    if settings.today is not None:
        return settings.today
    return _pinned_or_wall().date()


def utcnow() -> dt.datetime:
    """Aware UTC timestamp for audit columns and sessions (wall clock, not HEADWAY_TODAY or
    HEADWAY_NOW: a session must expire, an audit row tells when it really happened)."""
    return dt.datetime.now(dt.UTC)


def now_local() -> dt.datetime:
    """Aware "now" in the organisation's time zone, on today(): the moment reminder jobs run
    for. HEADWAY_NOW pins its time of day; HEADWAY_TODAY alone pins only the date and keeps the
    wall clock's time of day."""
    now = _pinned_or_wall()
    return dt.datetime.combine(today(), now.timetz())
