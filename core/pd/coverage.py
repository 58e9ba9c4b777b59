"""What the PD planner sees, in words: each team's coverage day by day (agents above the floor,
the closed days and why) and why each PD day sits on its date.

Every number and every rule here is asked of the planner's own `PdProblem` (floor, available,
room, why_not_plannable, …), built from the same data the planner reads, so what a lead reads is
what the planner worked with. Nothing is stored: the reasons are worked out when they are read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from core.models import PdDay, Person
from core.pd.changes import who_moves
from core.pd.planning import (
    FIXED,
    PlanContext,
    PlanSettings,
    StalePublished,
    _build_problem,
    _load_context,
    stale_published_days,
    why_settings_cannot_fit,
)
from core.people.access import Actor, require_planner
from core.platform.clock import today
from core.scheduling.pd_problem import PdAgent, PdProblem, PdTeam
from core.staffing import pd_day_sentence


@dataclass(frozen=True)
class CoverageCell:
    team: str
    date: dt.date
    margin: int | None  # agents working (not on leave or a PD day) minus the floor; None if closed
    on_phones: int
    on_leave: int
    on_pd: int
    floor: int
    closed: str | None  # why no PD day can go on this day (holiday, closure, blackout)
    note: str  # the cell in words, e.g. "2 agents above the floor: 5 working, floor 3 …"


@dataclass(frozen=True)
class Coverage:
    cells: list[CoverageCell]
    summary: str  # one sentence about the whole period
    uniform: bool  # every open day has the same margin: a chart would be a single colour
    closed: list[str]  # each closed day once, with why ("Friday 1 January is New Year's Day…")
    cannot_fit: str | None  # the settings no period of this length can meet, and what to change
    reasons: dict[int, str]  # why each PD day of the period sits on its date, by PD day id
    # Published days that cannot stay (a closure, a blackout or leave came after publishing),
    # each named with the rule it now breaks: the next plan moves just these.
    conflicts: list[StalePublished] = field(default_factory=list)


@dataclass
class _Snapshot:
    """The planner's problem for some teams and a period, with who is on a PD day when."""

    settings: PlanSettings
    ctx: PlanContext
    problem: PdProblem
    teams: dict[str, PdTeam]
    team_db_ids: dict[str, int]
    members: dict[str, list[PdAgent]]
    agent_of: dict[int, PdAgent]  # person id → the planner's agent
    names: dict[int, str]
    on_pd: dict[tuple[str, dt.date], int]
    plannable: dict[str, list[dt.date]]


def _snapshot(session: Session, settings: PlanSettings) -> _Snapshot:
    ctx = _load_context(session, settings)
    problem, keys = _build_problem(settings, ctx)
    members: dict[str, list[PdAgent]] = defaultdict(list)
    for agent in problem.agents:
        members[agent.team].append(agent)
    agent_of = {keys[a.id].id: a for a in problem.agents}
    on_pd: dict[tuple[str, dt.date], int] = defaultdict(int)
    for pd_day in ctx.days:
        if pd_day.person_id in agent_of:
            on_pd[(agent_of[pd_day.person_id].team, pd_day.date)] += 1
    return _Snapshot(
        settings,
        ctx,
        problem,
        {t.id: t for t in problem.teams},
        {team.name: team_id for team_id, team in ctx.teams.items()},
        members,
        {k: v for k, v in agent_of.items() if k is not None},
        {p.id: p.name for p in ctx.agents if p.id is not None},
        on_pd,
        {t.id: problem.plannable_days(t) for t in problem.teams},
    )


def _agents(n: int) -> str:
    return f"{n} agent" if n == 1 else f"{n} agents"


def _margin_words(margin: int) -> str:
    if margin > 0:
        return f"{_agents(margin)} above the floor"
    if margin == 0:
        return "exactly at the floor"
    return f"{_agents(-margin)} under the floor"


def _closed_because(snap: _Snapshot, team: PdTeam, day: dt.date) -> str | None:
    """Why the planner puts no PD day of `team` on `day`, with the reason a person gave."""
    why = snap.problem.why_not_plannable(team, day)
    if why is None:
        return None
    if day in snap.problem.closed_dates:
        return snap.problem.closed_dates[day]  # the calendar's own sentence
    owner = None if day in snap.problem.blackout_dates else snap.team_db_ids.get(team.id)
    reason = snap.ctx.blackout_reasons.get((owner, day), "")
    return f"{day:%A} {day.day} {day:%B} {why}" + (f" ({reason})" if reason else "")


def _cell(snap: _Snapshot, team: PdTeam, day: dt.date) -> CoverageCell:
    p, mine = snap.problem, snap.members[team.id]
    available, floor = p.available(mine, day), p.floor(team, day)
    on_pd = snap.on_pd[(team.id, day)]
    on_leave = len(mine) - available
    closed = _closed_because(snap, team, day)
    if closed is not None:
        return CoverageCell(
            team.id, day, None, available, on_leave, on_pd, floor, closed, f"No PD days: {closed}."
        )
    margin = available - on_pd - floor
    away = [f"{on_leave} on leave"] if on_leave else []
    away += [f"{on_pd} on a PD day"] if on_pd else []
    note = f"{_margin_words(margin)}: {available - on_pd} working, floor {floor}"
    note += f" ({', '.join(away)})." if away else "."
    return CoverageCell(
        team.id,
        day,
        margin,
        available - on_pd,
        on_leave,
        on_pd,
        floor,
        None,
        note[0].upper() + note[1:],
    )


def _summary(snap: _Snapshot, cells: list[CoverageCell]) -> tuple[str, bool]:
    s = snap.settings
    open_cells = [c for c in cells if c.margin is not None]
    if not open_cells:
        return (
            "Every working day of this period is closed for PD days: choose another period.",
            True,
        )
    margins = {c.margin for c in open_cells}
    teams = sorted({c.team for c in open_cells})
    where = f"team {teams[0]}" if len(teams) == 1 else "every team"
    if len(margins) == 1:
        margin = open_cells[0].margin
        assert margin is not None
        return (
            f"Every open day from {s.start:%-d %b} to {s.end:%-d %b %Y} has "
            f"{_margin_words(margin)} in {where}: no leave, PD day or peak-day floor makes one "
            "day tighter than another yet.",
            True,
        )
    tightest = min(open_cells, key=lambda c: (c.margin, c.date, c.team))
    roomiest = max(open_cells, key=lambda c: (c.margin, -c.date.toordinal()))
    return (
        f"Tightest day: {tightest.date:%a %-d %b} in {tightest.team}, "
        f"{_margin_words(tightest.margin or 0)}. Most room: {roomiest.date:%a %-d %b} in "
        f"{roomiest.team}, {_margin_words(roomiest.margin or 0)}.",
        False,
    )


def coverage(session: Session, *, actor: Actor, settings: PlanSettings) -> Coverage:
    """Team × working weekday of the period: who is on the phones against the floor, the closed
    days with their reason, a sentence about the whole period, and settings that cannot fit."""
    require_planner(actor, settings.team_ids)
    snap = _snapshot(session, settings)
    p = snap.problem
    cells = []
    for team in sorted(p.teams, key=lambda t: t.id):
        day = settings.start
        while day <= settings.end:
            if day.weekday() in p.working_weekdays:
                cells.append(_cell(snap, team, day))
            day += dt.timedelta(days=1)
    summary, uniform = _summary(snap, cells)
    closed: dict[dt.date, str] = {}
    for c in cells:
        if c.closed is not None:
            label = (
                c.closed
                if len(p.teams) == 1 or c.date in p.closed_dates
                else f"{c.team}: {c.closed}"
            )
            closed.setdefault(c.date, label)
    return Coverage(
        cells,
        summary,
        uniform,
        list(closed.values()),
        why_settings_cannot_fit(p),
        _reasons(snap),
        stale_published_days(settings, snap.ctx),
    )


# ---------------------------------------------------------------- why this day


def _why(snap: _Snapshot, pd_day: PdDay, *, you: bool, mover: str = "your team lead") -> str:
    """Why `pd_day` sits on its date, from the planner's rules and its objective (a requested
    date first, then an even spread over the days with the most agents to spare)."""
    p, agent = snap.problem, snap.agent_of[pd_day.person_id]
    team, mine, day = snap.teams[agent.team], snap.members[agent.team], pd_day.date
    broken = p.why_not_plannable(team, day) or p.why_not_available(agent, day)
    if broken is not None:
        closed = _closed_because(snap, team, day)
        if you:  # only a lead moves a PD day: the agent is told who, never asked to
            return (
                f"This day cannot stay: {closed or f'it {broken}'}; {mover} will move it and "
                "you will be told the new date."
            )
        return (
            f"This day cannot stay: {closed or f'it {broken}'}; “Plan PD days” moves it (and only "
            "it), or move it by hand."
        )
    parts = []
    preferred = day in agent.preferred
    if preferred:
        parts.append(
            "your preferred date" if you else f"{snap.names[pd_day.person_id]} asked for it"
        )
    on_pd = snap.on_pd[(team.id, day)]
    working = p.available(mine, day) - on_pd
    parts.append(f"keeps {working} working on {day:%a %-d %b} (floor {p.floor(team, day)})")
    forecast = snap.ctx.forecast.get(snap.team_db_ids.get(team.id, -1), {}).get(day)
    if forecast is not None and forecast.target is not None:
        name = "you" if you else snap.names[pd_day.person_id]
        parts.append(
            pd_day_sentence(forecast, forecast.target, name=name, working=working).replace(
                "with you on a PD day", "with you on your PD day"
            )
        )
    week = [d for d in snap.plannable[team.id] if d.isocalendar()[:2] == day.isocalendar()[:2]]
    rooms = {d: p.room(team, mine, d) for d in week}
    whose = "your team" if you else team.id
    if len(set(rooms.values())) > 1 and rooms[day] == max(rooms.values()):
        parts.append(f"the quietest day of its week for {whose}")
    elif not preferred and you:
        others = "nobody else" if on_pd <= 1 else f"{on_pd - 1} of your {len(mine) - 1} teammates"
        parts.append(f"spreads your team's PD days: {others} away on a PD day that day")
    elif not preferred:
        parts.append(f"spreads the PD days of {whose}: {on_pd} of {len(mine)} away that day")
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def why_these_days(session: Session, *, actor: Actor, settings: PlanSettings) -> dict[int, str]:
    """Why each PD day of the teams in the period is on its date, by PD day id (also part of
    `coverage`, which the planner page reads once)."""
    require_planner(actor, settings.team_ids)
    return _reasons(_snapshot(session, settings))


def _reasons(snap: _Snapshot) -> dict[int, str]:
    return {
        d.id: _why(snap, d, you=False)
        for d in snap.ctx.days
        if d.id is not None and d.person_id in snap.agent_of
    }


def why_my_days(session: Session, *, actor: Actor) -> dict[int, str]:
    """Why each of the actor's upcoming published PD days is on its date, by PD day id."""
    me = session.get(Person, actor.id)
    if me is None or me.team_id is None:
        return {}
    mine = session.exec(
        select(PdDay)
        .where(PdDay.person_id == actor.id, col(PdDay.status).in_(FIXED))
        .where(PdDay.date >= today())
        .order_by(col(PdDay.date))
    ).all()
    if not mine:
        return {}
    # Whole weeks, so that "the quietest day of its week" compares the week's every day.
    first = mine[0].date - dt.timedelta(days=mine[0].date.weekday())
    last = mine[-1].date + dt.timedelta(days=6 - mine[-1].date.weekday())
    snap = _snapshot(session, PlanSettings(first, last, (me.team_id,)))
    if actor.id not in snap.agent_of:
        return {}
    mover = who_moves(session, me.team_id)
    return {d.id: _why(snap, d, you=True, mover=mover) for d in mine if d.id is not None}
