"""The small phrases every role's My day shares (dates, first lines, lists of names)."""

from __future__ import annotations

import datetime as dt

# --- what to do today, per role -----------------------------------------------------------------
# Each role's "My day" leads with a few sentences about today, then the details. Every number
# comes from the function the linked page uses (core.coaching.follow_ups, core.coaching.notes.coaching_queue,
# core.growth.teams.falling_agents, core.learning.shares.search_shares), so the two always agree.

WEEKDAY_DATE = "%a %-d %b"


def _first_line(text: str, limit: int = 140) -> str:
    line = next((x.strip() for x in text.splitlines() if x.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _on(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "today"
    if day == today + dt.timedelta(days=1):
        return "tomorrow"
    return f"on {day:{WEEKDAY_DATE}}"


def _names(names: list[str], limit: int = 3) -> str:
    if len(names) <= limit:
        return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def _s(n: int) -> str:
    return "" if n == 1 else "s"
