"""Who needs a check-in: the one reading of coaching follow-ups that the coaching queue, the
team-growth page, the reminders and the Monday digest all share, so every view of "due",
"overdue" and "needs a check-in" agrees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.models import CoachingNote


def is_overdue(follow_up_date: dt.date | None, day: dt.date) -> bool:
    """A follow-up of an open note is overdue once its day has passed without a check-in."""
    return follow_up_date is not None and follow_up_date < day


@dataclass(frozen=True)
class FollowUpStatus:
    agent_id: int
    last_coached: dt.date | None
    open_notes: int
    follow_ups: tuple[dt.date, ...]  # the open notes' check-in days, earliest first
    day: dt.date

    @property
    def overdue(self) -> int:
        return sum(is_overdue(d, self.day) for d in self.follow_ups)

    @property
    def due_today(self) -> int:
        return sum(d == self.day for d in self.follow_ups)

    @property
    def next_follow_up(self) -> dt.date | None:
        return self.follow_ups[0] if self.follow_ups else None

    @property
    def needs_check_in(self) -> bool:
        return self.overdue > 0 or self.due_today > 0

    def due_by(self, last: dt.date) -> tuple[dt.date, ...]:
        """The check-ins due on or before `last` (overdue ones included)."""
        return tuple(d for d in self.follow_ups if d <= last)


def follow_up_status(
    session: Session, *, agent_ids: Iterable[int], day: dt.date
) -> dict[int, FollowUpStatus]:
    """Per agent: when they were last coached, their open notes and those notes' check-in days
    (two queries whatever the number of agents)."""
    ids = sorted(set(agent_ids))
    last = dict(
        session.exec(
            select(CoachingNote.agent_id, func.max(CoachingNote.date))
            .where(col(CoachingNote.agent_id).in_(ids))
            .group_by(col(CoachingNote.agent_id))
        ).all()
    )
    open_notes: dict[int, int] = {}
    dates: dict[int, list[dt.date]] = {}
    for agent_id, follow_up in session.exec(
        select(col(CoachingNote.agent_id), col(CoachingNote.follow_up_date)).where(
            col(CoachingNote.agent_id).in_(ids), col(CoachingNote.closed).is_(False)
        )
    ).all():
        open_notes[agent_id] = open_notes.get(agent_id, 0) + 1
        if follow_up is not None:
            dates.setdefault(agent_id, []).append(follow_up)
    return {
        i: FollowUpStatus(
            i, last.get(i), open_notes.get(i, 0), tuple(sorted(dates.get(i, []))), day
        )
        for i in ids
    }
