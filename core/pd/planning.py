"""PD-day planning on the organisation's data: build the planner's problem from leave, blackout
dates, floors, requests and existing days; store drafts; publish; the teams' coverage.

Published days are pinned when re-planning; drafts are passed as `previous` so that a re-plan
moves as few of them as it can. A published day that new leave or a new blackout has made
impossible is named (with what to do) instead of being silently dropped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col, delete, select, update

from core.models import (
    Blackout,
    Leave,
    NotificationKind,
    PdDay,
    PdRequest,
    PdStatus,
    Person,
    PlanRun,
    PlanRunTeam,
    PlanStatus,
    Role,
    StaffingOverride,
    Team,
    id_of,
)
from core.notify.notifications import active_people, message_to, send
from core.notify.webhooks import emit_many
from core.pd.changes import Change, mark_published, tell_change
from core.people.access import Actor, require_planner
from core.platform.calendar import WorkCalendar, organisation_calendar
from core.platform.clock import today, utcnow
from core.platform.errors import InvalidInput, NotFound
from core.scheduling.pd_days import plan_pd_days
from core.scheduling.pd_problem import Conflict, PdAgent, PdProblem, PdTeam
from core.staffing import DayFloor, forecast_floors

ACTIVE = (PdStatus.DRAFT, PdStatus.PUBLISHED, PdStatus.COMPLETED)
FIXED = (PdStatus.PUBLISHED, PdStatus.COMPLETED)
DEFAULT_GAP = 14


@dataclass(frozen=True)
class PlanSettings:
    start: dt.date
    end: dt.date
    team_ids: tuple[int, ...]
    pd_days_per_agent: int = 2
    min_gap_days: int = DEFAULT_GAP

    def check(self) -> None:
        if self.end < self.start:
            raise InvalidInput(f"The period ends ({self.end}) before it starts ({self.start}).")
        if (self.end - self.start).days > 366:
            raise InvalidInput("Plan at most a year at a time.")
        if not self.team_ids:
            raise InvalidInput("Choose at least one team to plan.")
        if not 1 <= self.pd_days_per_agent <= 20:
            raise InvalidInput("Give each agent between 1 and 20 PD days.")
        if not 0 <= self.min_gap_days <= 180:
            raise InvalidInput("The gap between PD days must be 0 to 180 days.")


@dataclass(frozen=True)
class StalePublished:
    pd_day_id: int
    person_name: str
    date: dt.date
    reason: str


@dataclass(frozen=True)
class PlanOutcome:
    status: str  # optimal, feasible, infeasible, unknown, blocked (stale published days)
    conflicts: list[Conflict]
    stale: list[StalePublished]
    drafts: int
    pinned: int
    preferred_honoured: int | None
    previous_kept: int | None
    solve_seconds: float
    plan_run_id: int | None
    moved: tuple[str, ...] = ()  # the published days that could not stay, where each went


@dataclass
class PlanContext:
    """Everything the planner needs about some teams and a period, read once."""

    teams: dict[int, Team]
    agents: list[Person]
    leave: dict[int, set[dt.date]]
    org_blackout: set[dt.date]
    team_blackout: dict[int, set[dt.date]]
    floors: dict[int, dict[dt.date, int]]
    days: list[PdDay]
    requests: dict[int, set[dt.date]]
    calendar: WorkCalendar
    # Why a blackout date was set, by (team id or None for the whole organisation, date).
    blackout_reasons: dict[tuple[int | None, dt.date], str]
    # The forecast behind a floor, by team id and date (only where the team has a forecast).
    forecast: dict[int, dict[dt.date, DayFloor]] = field(default_factory=dict)


def _dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _load_context(session: Session, settings: PlanSettings) -> PlanContext:
    teams = {
        t.id: t
        for t in session.exec(select(Team).where(col(Team.id).in_(settings.team_ids))).all()
        if t.id
    }
    missing = set(settings.team_ids) - set(teams)
    if missing:
        raise NotFound(f"There is no team with id {sorted(missing)[0]}.")
    agents = list(
        session.exec(
            select(Person)
            .where(col(Person.team_id).in_(settings.team_ids), Person.role == Role.AGENT)
            .where(col(Person.active).is_(True))
            .order_by(col(Person.name))
        ).all()
    )
    ids = [a.id for a in agents if a.id is not None]
    leave: dict[int, set[dt.date]] = defaultdict(set)
    for row in session.exec(
        select(Leave).where(
            col(Leave.person_id).in_(ids), Leave.start <= settings.end, Leave.end >= settings.start
        )
    ).all():
        leave[row.person_id].update(
            _dates(max(row.start, settings.start), min(row.end, settings.end))
        )
    org_blackout: set[dt.date] = set()
    team_blackout: dict[int, set[dt.date]] = defaultdict(set)
    blackout_reasons: dict[tuple[int | None, dt.date], str] = {}
    for b in session.exec(
        select(Blackout).where(Blackout.date >= settings.start, Blackout.date <= settings.end)
    ).all():
        blackout_reasons[(b.team_id, b.date)] = b.reason
        if b.team_id is None:
            org_blackout.add(b.date)
        else:
            team_blackout[b.team_id].add(b.date)
    floors: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for o in session.exec(
        select(StaffingOverride).where(
            col(StaffingOverride.team_id).in_(settings.team_ids),
            StaffingOverride.date >= settings.start,
            StaffingOverride.date <= settings.end,
        )
    ).all():
        floors[o.team_id][o.date] = o.min_staffed
    # A team's forecast decides its floor on the dates it covers (Erlang C and the team's
    # staffing target, core.staffing); on other dates its hand-set floors stand.
    forecast = forecast_floors(
        session, team_ids=settings.team_ids, start=settings.start, end=settings.end
    )
    for team_id, by_date in forecast.items():
        floors[team_id].update({day: f.floor for day, f in by_date.items()})
    days = list(
        session.exec(
            select(PdDay)
            .where(
                col(PdDay.person_id).in_(ids),
                PdDay.date >= settings.start,
                PdDay.date <= settings.end,
            )
            .where(col(PdDay.status).in_(ACTIVE))
        ).all()
    )
    requests: dict[int, set[dt.date]] = defaultdict(set)
    for r in session.exec(
        select(PdRequest).where(
            col(PdRequest.person_id).in_(ids),
            PdRequest.date >= settings.start,
            PdRequest.date <= settings.end,
        )
    ).all():
        requests[r.person_id].add(r.date)
    return PlanContext(
        teams,
        agents,
        leave,
        org_blackout,
        team_blackout,
        floors,
        days,
        requests,
        organisation_calendar(session),
        blackout_reasons,
        forecast,
    )


def _agent_key(person: Person) -> str:
    return f"{person.name} (#{person.id})"


def _build_problem(settings: PlanSettings, ctx: PlanContext) -> tuple[PdProblem, dict[str, Person]]:
    teams = tuple(
        PdTeam(
            id=team.name,
            min_staffed=team.min_staffed,
            min_staffed_by_date=dict(ctx.floors.get(team_id, {})),
            blackout_dates=frozenset(ctx.team_blackout.get(team_id, set())),
        )
        for team_id, team in ctx.teams.items()
    )
    by_person: dict[int, list[PdDay]] = defaultdict(list)
    for day in ctx.days:
        by_person[day.person_id].append(day)
    keys: dict[str, Person] = {}
    agents = []
    for person in ctx.agents:
        assert person.id is not None and person.team_id is not None
        key = _agent_key(person)
        keys[key] = person
        mine = by_person.get(person.id, [])
        agents.append(
            PdAgent(
                id=key,
                team=ctx.teams[person.team_id].name,
                unavailable=frozenset(ctx.leave.get(person.id, set())),
                pinned=tuple(sorted(d.date for d in mine if d.status in FIXED)),
                previous=frozenset(d.date for d in mine if d.status == PdStatus.DRAFT),
                preferred=frozenset(ctx.requests.get(person.id, set())),
            )
        )
    problem = PdProblem(
        start=settings.start,
        end=settings.end,
        pd_days_per_agent=settings.pd_days_per_agent,
        teams=teams,
        agents=tuple(agents),
        working_weekdays=ctx.calendar.weekdays,
        min_gap_days=settings.min_gap_days,
        blackout_dates=frozenset(ctx.org_blackout),
        closed_dates=ctx.calendar.closed_weekdays(settings.start, settings.end),
    )
    return problem, keys


def why_settings_cannot_fit(problem: PdProblem) -> str | None:
    """One sentence saying what to change when the period cannot hold `pd_days_per_agent` PD days
    `min_gap_days` apart for anyone, even with nobody on leave (the days it can hold are the
    planner's own count, `PdProblem.most_pd_days`); None when the settings can fit."""
    k, gap = problem.pd_days_per_agent, problem.min_gap_days
    fits = {team.id: problem.most_pd_days(team) for team in problem.teams}
    if not fits or min(fits.values()) >= k:
        return None
    fit = min(fits.values())
    length = (problem.end - problem.start).days + 1
    where = ""
    if len(set(fits.values())) > 1:
        tightest = sorted(t for t, n in fits.items() if n == fit)
        where = f" for team {tightest[0]} (with its blackout dates)"
    days = "PD day" if fit == 1 else "PD days"
    if gap > 1:
        return (
            f"A {length}-day period fits at most {fit} {days} per agent {gap} days apart{where}; "
            "choose a longer period, fewer PD days or a shorter gap."
        )
    return (
        f"A {length}-day period has only {fit} working day(s) open for PD days{where}, fewer than "
        f"the {k} PD days each agent should get; choose a longer period or fewer PD days."
    )


def stale_published_days(settings: PlanSettings, ctx: PlanContext) -> list[StalePublished]:
    """Published days the planner could not keep: name each, with the rule it now breaks."""
    stale = []
    problem, keys = _build_problem(settings, ctx)
    pd_teams = {t.id: t for t in problem.teams}
    agents = {keys[a.id].id: a for a in problem.agents}
    fixed = sorted((d for d in ctx.days if d.status in FIXED), key=lambda d: (d.person_id, d.date))
    kept: dict[int, list[dt.date]] = defaultdict(list)
    for day in fixed:
        agent = agents.get(day.person_id)
        if agent is None or day.id is None:
            continue
        earlier = kept[day.person_id]
        reason = problem.why_not_available(agent, day.date)
        if reason is None and (closed := problem.why_not_plannable(pd_teams[agent.team], day.date)):
            reason = f"now {closed}"
        if reason is None and (close := problem.too_close(day.date, earlier)):
            reason = f"is closer than {settings.min_gap_days} days to their PD day on {close[-1]:%a %d %b}"
        reason = reason or problem.why_not_one_more(len(earlier))
        if reason:
            name = keys[agent.id].name
            stale.append(
                StalePublished(
                    day.id,
                    name,
                    day.date,
                    f"{name}'s published PD day on {day.date:%a %d %b} {reason}",
                )
            )
        else:
            earlier.append(day.date)
    return stale


def plan_period(
    session: Session, *, actor: Actor, settings: PlanSettings, time_limit: float = 30.0
) -> PlanOutcome:
    """Run the planner for some teams and a period; on success the drafts are replaced.
    Settings no period could meet are refused first, before published days are blamed."""
    settings.check()
    require_planner(actor, settings.team_ids)
    ctx = _load_context(session, settings)
    if not ctx.agents:
        raise InvalidInput("The chosen teams have no active agents to plan for.")
    problem, keys = _build_problem(settings, ctx)
    cannot_fit = why_settings_cannot_fit(problem)
    if cannot_fit is not None:
        raise InvalidInput(cannot_fit)
    stale = stale_published_days(settings, ctx)
    # A published day that cannot stay is re-planned with the rest (its agent is told where it
    # went); every other published day stays pinned. A day already done stays put: it blocks.
    to_move = {
        s.pd_day_id: s
        for s in stale
        if (d := next(d for d in ctx.days if d.id == s.pd_day_id)).status == PdStatus.PUBLISHED
        and d.date >= today()
    }
    stale = [s for s in stale if s.pd_day_id not in to_move]
    moving = [d for d in ctx.days if d.id in to_move]
    if to_move and not stale:
        ctx.days = [d for d in ctx.days if d.id not in to_move]
        problem, keys = _build_problem(settings, ctx)
        problem = _near_where_they_were(problem, keys, moving)
    run = PlanRun(
        start=settings.start,
        end=settings.end,
        pd_days_per_agent=settings.pd_days_per_agent,
        min_gap_days=settings.min_gap_days,
        status=PlanStatus.BLOCKED,
        run_by_id=actor.id,
    )
    session.add(run)
    session.flush()
    assert run.id is not None
    session.add_all(PlanRunTeam(plan_run_id=run.id, team_id=t) for t in settings.team_ids)
    if stale:
        run.result = json.dumps({"stale": [s.reason for s in stale]})
        return PlanOutcome("blocked", [], stale, 0, 0, None, None, 0.0, run.id)
    plan = plan_pd_days(problem, time_limit=time_limit)
    run.status = PlanStatus(plan.status)
    run.result = json.dumps(plan.to_json() | {"assignments": len(plan.assignments)})
    session.add(run)
    session.flush()
    pinned = sum(len(a.pinned) for a in problem.agents)
    if plan.status not in ("optimal", "feasible"):
        return PlanOutcome(
            plan.status, plan.conflicts, [], 0, pinned, None, None, plan.solve_seconds, run.id
        )
    _replace_drafts(session, settings, [p.id for p in ctx.agents])
    fixed = {(d.person_id, d.date) for d in ctx.days if d.status in FIXED}
    new_days: dict[int, list[dt.date]] = defaultdict(list)
    for key, day in plan.assignments:
        if (keys[key].id, day) not in fixed:
            new_days[id_of(keys[key])].append(day)
    moved = tuple(
        _move_published(session, day, new_days[day.person_id], actor=actor) for day in moving
    )
    drafts = [
        PdDay(person_id=person_id, date=day, plan_run_id=run.id)
        for person_id, dates in new_days.items()
        for day in dates
    ]
    session.add_all(drafts)
    session.flush()
    return PlanOutcome(
        plan.status,
        [],
        [],
        len(drafts),
        pinned,
        plan.preferred_honoured,
        plan.previous_kept,
        plan.solve_seconds,
        run.id,
        moved,
    )


NEAR_DAYS = 14  # a day that cannot stay moves within two weeks of its date when one fits


def _near_where_they_were(
    problem: PdProblem, keys: dict[str, Person], moving: list[PdDay]
) -> PdProblem:
    """The planner keeps `previous` days where it can: for a published day that must move, the
    days around it count as its agent's previous ones, so it moves as little as the rules allow."""
    near: dict[int, set[dt.date]] = defaultdict(set)
    for day in moving:
        near[day.person_id].update(
            day.date + dt.timedelta(days=k) for k in range(-NEAR_DAYS, NEAR_DAYS + 1) if k
        )
    agents = tuple(
        replace(a, previous=a.previous | near[keys[a.id].id or 0]) if keys[a.id].id in near else a
        for a in problem.agents
    )
    return replace(problem, agents=agents)


def _replace_drafts(session: Session, settings: PlanSettings, person_ids: list[int | None]) -> None:
    """Clear the period's drafts for a new plan. A draft the agent was once told of (a day
    unpublished since) is cancelled instead: their calendar file keeps removing it."""
    where = (
        col(PdDay.person_id).in_(person_ids),
        col(PdDay.date) >= settings.start,
        col(PdDay.date) <= settings.end,
        col(PdDay.status) == PdStatus.DRAFT,
    )
    session.exec(
        update(PdDay)
        .where(*where, col(PdDay.published_at).is_not(None))
        .values(status=PdStatus.CANCELLED, version=col(PdDay.version) + 1, updated_at=utcnow())
    )
    session.exec(delete(PdDay).where(*where, col(PdDay.published_at).is_(None)))


def _move_published(session: Session, day: PdDay, new_dates: list[dt.date], *, actor: Actor) -> str:
    """Move a published day that cannot stay to the plan's new date for its agent nearest to it
    (taken from `new_dates`), or cancel it when the plan has none; the agent is told. Returns
    what happened, in words for the lead."""
    person = session.get(Person, day.person_id)
    name = person.name if person else "An agent"
    old = day.date
    why = _cannot_stay_reason(session, day)
    day.version += 1
    day.updated_at = utcnow()
    if new_dates:
        day.date = min(new_dates, key=lambda d: (abs((d - old).days), d))
        new_dates.remove(day.date)
        change = Change.MOVED
        said = f"{name}'s PD day moved from {old:%a %-d %b} to {day.date:%a %-d %b}"
    else:
        day.status = PdStatus.CANCELLED
        change = Change.CANCELLED
        said = f"{name}'s PD day on {old:%a %-d %b} is cancelled (no other day fits)"
    session.add(day)
    told = tell_change(session, day, change=change, old_date=old, by=actor.name, why=why)
    return said + (f"; {name.split()[0]} was told." if told else ".")


def _cannot_stay_reason(session: Session, day: PdDay) -> str:
    """Why the agent's day could not stay, as they would say it."""
    return organisation_calendar(session).closed_because(day.date) or (
        f"{day.date:%A %-d %B} is closed for PD days or you are away that day"
    )


def publish(session: Session, *, actor: Actor, settings: PlanSettings) -> int:
    """Publish every draft of the teams in the period; returns how many were published."""
    require_planner(actor, settings.team_ids)
    drafts = session.exec(
        select(PdDay)
        .join(Person, col(Person.id) == PdDay.person_id)
        .where(
            col(Person.team_id).in_(settings.team_ids),
            PdDay.date >= settings.start,
            PdDay.date <= settings.end,
        )
        .where(PdDay.status == PdStatus.DRAFT)
    ).all()
    for day in drafts:
        mark_published(day)
        session.add(day)
    session.flush()
    emit_many(
        session,
        "pd_day.published",
        [
            {"pd_day_id": d.id, "person_id": d.person_id, "date": d.date, "version": d.version}
            for d in drafts
        ],
    )
    people = active_people(session, [d.person_id for d in drafts])
    send(
        session,
        [
            message_to(
                people[d.person_id],
                kind=NotificationKind.PD_PUBLISHED,
                subject=f"pd_day:{d.id}",
                title=f"Your PD day on {d.date:%A %-d %B} is published",
                body="Plan it: choose what you will do (hone skills, practise, learn, share…) "
                "and set a goal on My PD days. Add it to your calendar from there.",
                link="my_pd_days",
            )
            for d in drafts
            if d.person_id in people and d.date >= today()  # no news about days gone by
        ],
    )
    return len(drafts)
