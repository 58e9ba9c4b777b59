"""Telling an agent that their published PD day changed (moved, unpublished, cancelled), and who
moves a day that cannot stay. Every change to a day the agent was told of goes through
`tell_change`, so the inbox (and e-mail, as they chose) never keeps an old date unexplained; the
day's `version` rises with each change and is the SEQUENCE of its calendar event."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Session

from core.models import NotificationKind, PdDay, PdStatus, Person, Team
from core.notify.notifications import notify
from core.notify.webhooks import emit
from core.platform.clock import today, utcnow


class Change(StrEnum):
    MOVED = "moved"
    UNPUBLISHED = "unpublished"
    CANCELLED = "cancelled"


def who_moves(session: Session, team_id: int | None) -> str:
    """Who moves an agent's PD day that cannot stay, by name: "Dana Lead, your team lead"
    (or "your team lead" while the team has none who can act)."""
    team = session.get(Team, team_id) if team_id is not None else None
    lead = session.get(Person, team.lead_id) if team and team.lead_id is not None else None
    if lead is None or not lead.active:
        return "your team lead"
    return f"{lead.name}, your team lead,"


def mark_published(day: PdDay) -> None:
    """The agent is told of `day` from now on: its calendar event lives until it is cancelled."""
    day.status = PdStatus.PUBLISHED
    day.published_at = day.published_at or utcnow()
    day.version += 1
    day.updated_at = utcnow()


def tell_change(
    session: Session, day: PdDay, *, change: Change, old_date: dt.date, by: str, why: str = ""
) -> bool:
    """Tell the agent that their PD day (published before this change) changed, in one sentence
    with the old date, the new one and who did it; False when they were never told of the day,
    or the day has gone by (no news about days gone by)."""
    if day.published_at is None or day.id is None:
        return False
    emit(
        session,
        "pd_day.changed",
        {
            "pd_day_id": day.id,
            "person_id": day.person_id,
            "change": change.value,
            "old_date": old_date,
            "date": day.date,
            "version": day.version,
        },
    )
    if max(old_date, day.date) < today():
        return False
    when = f"{old_date:%A %-d %B}"
    reason = f": {why}" if why else ""
    if change is Change.MOVED:
        title = f"Your PD day on {when} moved to {day.date:%A %-d %B}"
        body = (
            f"{by} moved it{reason}. Your goal for the day goes with it, and "
            "the calendar file on My PD days has the new date."
        )
    elif change is Change.UNPUBLISHED:
        title = f"Your PD day on {when} is withdrawn"
        body = (
            f"{by} took it back into the plan{reason}. You will be told when a new date is "
            "published; the calendar file on My PD days removes this one."
        )
    else:
        title = f"Your PD day on {when} is cancelled"
        body = f"{by} cancelled it{reason}. The calendar file on My PD days removes it."
    return notify(
        session,
        person_id=day.person_id,
        kind=NotificationKind.PD_DAY_CHANGED,
        subject=f"pd_day:{day.id}:v{day.version}",
        title=title,
        body=body,
        link="my_pd_days",
    )
