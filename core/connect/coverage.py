"""Read models a BI tool pulls through the API (`GET /api/v1/coverage/…`, scope `growth:read`):
per team and period, how far coaching and PD days reached the team's agents.

Both are paged by team (by id, the cursor of `core.connect.api`) and seen by whoever reviews
the team on the Team growth page: its lead, managers and admins (`Purpose.REVIEW`). A team's
agents are its active agents now, as on that page. The period is `start`…`end`, both included,
at most `MAX_DAYS` days; without it, the last `DEFAULT_DAYS` days up to today.

- **Coaching coverage**: the notes written in the period, the agents they reached and those they
  did not, and the follow-ups (check-in days) that fell in the period: done (the note closed),
  overdue (open, its day passed: `core.coaching.follow_ups.is_overdue`, as the coaching queue
  and the reminders read it) and still ahead.
- **PD-day coverage**: the team's PD days in the period by state (published and still ahead or
  not yet marked, taken, drafts not yet published), and the agents without a published or taken
  one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from core.coaching.follow_ups import is_overdue
from core.connect.api import Page, decode_cursor, encode_cursor
from core.models import CoachingNote, PdDay, PdStatus, Person, Role
from core.people.access import Purpose, require_teams, teams_for
from core.platform.actor import Actor
from core.platform.clock import today
from core.platform.errors import InvalidInput
from core.platform.parsing import read_date

DEFAULT_DAYS = 28
MAX_DAYS = 366


def read_period(start: str | None, end: str | None, *, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period a request asks for (`start`, `end`: YYYY-MM-DD), or the last DEFAULT_DAYS
    days up to today; InvalidInput naming the parameter that is wrong."""
    days: dict[str, dt.date | None] = {}
    problems = []
    for name, text in (("start", start), ("end", end)):
        days[name] = None
        if text:
            days[name], problem = read_date(text.strip()[:40], name)
            if problem:
                problems.append(f"{name}: {problem}")
    if problems:
        raise InvalidInput("The period is not one of dates (YYYY-MM-DD).", problems)
    last = days["end"] or day
    first = days["start"] or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput(
            f"The period starts ({first}) after it ends ({last}).", ["start: after end"]
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(
            f"The period is {(last - first).days + 1} days long; ask for at most {MAX_DAYS}.",
            [f"start: at most {MAX_DAYS} days before end"],
        )
    return first, last


def _team_agents(session: Session, team_ids: list[int]) -> dict[int, list[int]]:
    agents: dict[int, list[int]] = {t: [] for t in team_ids}
    for person_id, team_id in session.exec(
        select(Person.id, Person.team_id).where(
            col(Person.team_id).in_(team_ids),
            Person.role == Role.AGENT,
            col(Person.active).is_(True),
        )
    ).all():
        if person_id is not None and team_id is not None:
            agents[team_id].append(person_id)
    return agents


def _paged_teams(
    session: Session,
    *,
    actor: Actor,
    cursor: str | None,
    limit: int,
    period: tuple[dt.date, dt.date],
    rows: Callable[[Session, dict[int, list[int]], dt.date, dt.date], dict[int, dict[str, Any]]],
) -> Page:
    require_teams(actor, Purpose.REVIEW)
    after = decode_cursor(cursor)
    visible = teams_for(session, actor=actor, purpose=Purpose.REVIEW)
    following = sorted(t for t in visible if t > after)
    chosen = following[:limit]
    start, end = period
    agents = _team_agents(session, chosen)
    figures = rows(session, agents, start, end)
    items = [
        {
            "team_id": t,
            "team": visible[t],
            "start": start.isoformat(),
            "end": end.isoformat(),
            "agents": len(agents[t]),
            **figures[t],
        }
        for t in chosen
    ]
    more = len(following) > limit
    return Page(items, encode_cursor(chosen[-1]) if more and chosen else None)


def _coaching_rows(
    session: Session, agents: dict[int, list[int]], start: dt.date, end: dt.date
) -> dict[int, dict[str, Any]]:
    team_of = {a: t for t, members in agents.items() for a in members}
    day = today()
    out = {
        t: {"notes": 0, "follow_ups_due": 0, "follow_ups_done": 0, "follow_ups_overdue": 0}
        for t in agents
    }
    coached: set[int] = set()
    for agent, written, follow_up, closed in session.exec(
        select(
            col(CoachingNote.agent_id),
            col(CoachingNote.date),
            col(CoachingNote.follow_up_date),
            col(CoachingNote.closed),
        )
        .where(col(CoachingNote.agent_id).in_(list(team_of)))
        .where(
            col(CoachingNote.date).between(start, end)
            | col(CoachingNote.follow_up_date).between(start, end)
        )
    ).all():
        row = out[team_of[agent]]
        if start <= written <= end:
            row["notes"] += 1
            coached.add(agent)
        if follow_up is not None and start <= follow_up <= end:
            row["follow_ups_due"] += 1
            row["follow_ups_done"] += closed
            row["follow_ups_overdue"] += not closed and is_overdue(follow_up, day)
    for t, members in agents.items():
        reached = sum(a in coached for a in members)
        out[t] = {"agents_coached": reached, "agents_not_coached": len(members) - reached, **out[t]}
    return out


def coaching_coverage_page(
    session: Session,
    *,
    actor: Actor,
    cursor: str | None,
    limit: int,
    period: tuple[dt.date, dt.date],
) -> Page:
    """Per team the actor reviews (by id): agents, agents coached and not in the period, notes
    written, follow-ups due in the period, done and overdue."""
    return _paged_teams(
        session, actor=actor, cursor=cursor, limit=limit, period=period, rows=_coaching_rows
    )


def _pd_rows(
    session: Session, agents: dict[int, list[int]], start: dt.date, end: dt.date
) -> dict[int, dict[str, Any]]:
    team_of = {a: t for t, members in agents.items() for a in members}
    out = {t: {"pd_days_planned": 0, "pd_days_taken": 0, "pd_days_draft": 0} for t in agents}
    with_day: set[int] = set()
    for agent, status in session.exec(
        select(PdDay.person_id, PdDay.status)
        .where(col(PdDay.person_id).in_(list(team_of)))
        .where(col(PdDay.date).between(start, end))
        .where(PdDay.status != PdStatus.CANCELLED)
    ).all():
        row = out[team_of[agent]]
        if status == PdStatus.COMPLETED:
            row["pd_days_taken"] += 1
            with_day.add(agent)
        elif status == PdStatus.PUBLISHED:
            row["pd_days_planned"] += 1
            with_day.add(agent)
        else:
            row["pd_days_draft"] += 1
    for t, members in agents.items():
        out[t]["agents_without_pd_day"] = sum(a not in with_day for a in members)
    return out


def pd_coverage_page(
    session: Session,
    *,
    actor: Actor,
    cursor: str | None,
    limit: int,
    period: tuple[dt.date, dt.date],
) -> Page:
    """Per team the actor reviews (by id): agents, PD days in the period planned (published),
    taken and still drafts, and the agents without a planned or taken one."""
    return _paged_teams(
        session, actor=actor, cursor=cursor, limit=limit, period=period, rows=_pd_rows
    )
