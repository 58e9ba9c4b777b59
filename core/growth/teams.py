"""Team and organisation growth: trends, distributions, who needs a check-in, coaching
coverage and effect, development activity. Aggregation happens in SQL; the statistics are the
plain functions of core.growth.statistics. Leads see the teams they lead, managers every team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from core.access import Actor, Purpose, require_teams, teams_for
from core.clock import today
from core.follow_ups import follow_up_status
from core.growth.statistics import (
    NoteEffect,
    TrendFlag,
    aggregate_effects,
    coaching_effects,
    trend_flags,
)
from core.models import (
    METRICS,
    Assignment,
    CoachingNote,
    LearningShare,
    Observation,
    PdDay,
    Person,
    Role,
    Team,
    Term,
)


@dataclass(frozen=True)
class Scope:
    start: dt.date
    end: dt.date
    team_ids: tuple[int, ...]
    metric: str


def visible_teams(session: Session, *, actor: Actor) -> dict[int, str]:
    require_teams(actor, Purpose.REVIEW)
    return teams_for(session, actor=actor, purpose=Purpose.REVIEW)


def _check(actor: Actor, scope: Scope) -> None:
    require_teams(actor, Purpose.REVIEW, scope.team_ids)


def _agents(session: Session, scope: Scope) -> pd.DataFrame:
    rows = session.exec(
        select(Person.id, Person.name, Team.name)
        .join(Team, col(Team.id) == Person.team_id)
        .where(
            col(Person.team_id).in_(scope.team_ids),
            Person.role == Role.AGENT,
            col(Person.active).is_(True),
        )
    ).all()
    return pd.DataFrame(rows, columns=["agent_id", "agent", "team"])


def coverage(session: Session, *, actor: Actor, scope: Scope) -> pd.DataFrame:
    """Per agent: days since the last coaching note, open notes and overdue follow-ups."""
    _check(actor, scope)
    agents = _agents(session, scope)
    ids = [int(i) for i in agents["agent_id"].tolist()]
    day = today()
    status = follow_up_status(session, agent_ids=ids, day=day)
    agents["days_since_coaching"] = [
        (day - coached).days if (coached := status[i].last_coached) else None for i in ids
    ]
    agents["open_notes"] = [status[i].open_notes for i in ids]
    agents["overdue_follow_ups"] = [status[i].overdue for i in ids]
    return agents.sort_values(
        ["overdue_follow_ups", "days_since_coaching"], ascending=[False, False], na_position="first"
    )


@dataclass(frozen=True)
class EffectTables:
    notes: pd.DataFrame
    by_focus: pd.DataFrame
    by_coach: pd.DataFrame
    by_team: pd.DataFrame


def coaching_effect_tables(
    session: Session, *, actor: Actor, scope: Scope, window: int = 30, every_focus: bool = False
) -> EffectTables:
    """The effect of each coaching note in the period on its focus metric, season-adjusted
    against the team's own uncoached agents, averaged by focus area (in each metric's own
    units) and, for the scope's metric, by coach and by team."""
    _check(actor, scope)
    agents = _agents(session, scope)
    notes = _notes(session, agents, scope, every_focus=every_focus)
    if notes.empty:
        return _no_effects()
    observations = _frame(
        session,
        _team_observations(
            scope.team_ids,
            scope.start - dt.timedelta(days=window),
            scope.end + dt.timedelta(days=window),
        ).where(col(Observation.metric).in_(sorted(set(notes["metric"])))),
    )
    return _effect_tables(notes, observations, agents, scope, window)


def _team_observations(team_ids: Sequence[int], first: dt.date, last: dt.date) -> Any:
    """Observations (agent, date, metric, value) of the teams' agents from first to last."""
    return (
        select(
            col(Observation.person_id).label("agent"),
            col(Observation.date),
            col(Observation.metric),
            col(Observation.value),
        )
        .join(Person, col(Person.id) == Observation.person_id)
        .where(col(Person.team_id).in_(team_ids))
        .where(Observation.date >= first, Observation.date <= last)
    )


def _no_effects() -> EffectTables:
    empty = pd.DataFrame()
    return EffectTables(empty, empty, empty, empty)


def _notes(
    session: Session, agents: pd.DataFrame, scope: Scope, *, every_focus: bool
) -> pd.DataFrame:
    """Coaching notes of the scope's agents in the period: on the scope's metric, or on any."""
    query = (
        sa_select(
            col(CoachingNote.id),
            col(CoachingNote.agent_id),
            col(CoachingNote.date),
            col(CoachingNote.focus_metric),
            col(Person.name),
        )
        .join(Person, col(Person.id) == CoachingNote.coach_id)
        .where(col(CoachingNote.agent_id).in_(agents["agent_id"].tolist()))
        .where(col(CoachingNote.date) >= scope.start, col(CoachingNote.date) <= scope.end)
    )
    query = (
        query.where(col(CoachingNote.focus_metric) != "")
        if every_focus
        else query.where(col(CoachingNote.focus_metric) == scope.metric)
    )
    notes = pd.DataFrame(
        session.execute(query).all(), columns=["note", "agent", "date", "metric", "coach"]
    )
    notes["note"], notes["agent"] = notes["note"].astype(str), notes["agent"].astype(str)
    return notes


def _effect_tables(
    notes: pd.DataFrame, observations: pd.DataFrame, agents: pd.DataFrame, scope: Scope, window: int
) -> EffectTables:
    observations = observations.assign(agent=observations["agent"].astype(str))
    team_of = {str(a): t for a, t in zip(agents["agent_id"], agents["team"], strict=True)}
    effects = coaching_effects(
        observations, notes[["note", "agent", "date", "metric"]], window=window, team_of=team_of
    )
    names = {str(a): n for a, n in zip(agents["agent_id"], agents["agent"], strict=True)}
    focus = {n: METRICS[m].label for n, m in zip(notes["note"], notes["metric"], strict=True)}
    # Coaches and teams are compared on the page's metric only: effects in different units
    # (points, seconds, shares) cannot be averaged together.
    on_metric = notes[notes["metric"] == scope.metric]
    coach = dict(zip(on_metric["note"], on_metric["coach"], strict=True))
    team = {n: team_of[a] for n, a in zip(on_metric["note"], on_metric["agent"], strict=True)}
    return EffectTables(
        _effect_frame(effects, notes, names, team_of),
        _groups(effects, focus, "focus area"),
        _groups(effects, coach, "coach"),
        _groups(effects, team, "team"),
    )


def _frame(session: Session, query: Any) -> pd.DataFrame:
    """A query's rows as a data frame, fetched through the driver: result-row objects cost more
    than the query itself for the hundreds of thousands of rows a page can need."""
    connection = session.connection()
    # Literal binds: the values are team ids, dates and metric names checked above, and the
    # driver then gets one plain statement (IN lists need no expanding parameters).
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(sql)
    columns = [d[0] for d in cursor.description]
    frame = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    cursor.close()
    return frame


def _effect_frame(
    effects: list[NoteEffect], notes: pd.DataFrame, names: dict[str, str], team_of: dict[str, str]
) -> pd.DataFrame:
    dates = dict(zip(notes["note"], notes["date"], strict=True))
    coaches = dict(zip(notes["note"], notes["coach"], strict=True))
    return pd.DataFrame(
        [
            {
                "date": dates[e.note],
                "agent": names.get(e.agent, e.agent),
                "team": team_of.get(e.agent, ""),
                "coach": coaches[e.note],
                "metric": METRICS[e.metric].label,
                "before n": e.before_n,
                "after n": e.after_n,
                "change": e.effect,
                "season-adjusted": e.adjusted_effect,
                "low": e.adjusted_low,
                "high": e.adjusted_high,
                "verdict": e.verdict,
            }
            for e in effects
        ]
    )


def _groups(effects: list[NoteEffect], groups: dict[str, str], label: str) -> pd.DataFrame:
    rows = aggregate_effects(effects, groups)
    return pd.DataFrame(
        [
            {label: g.group, "notes": g.notes, "mean effect": g.mean, "low": g.low, "high": g.high}
            for g in rows
        ]
    )


@dataclass(frozen=True)
class GrowthBundle:
    trends: pd.DataFrame
    means: pd.DataFrame
    coverage: pd.DataFrame
    effects: EffectTables
    flags: list[tuple[int, str, str, TrendFlag]]
    activity: pd.DataFrame


def team_growth(
    session: Session, *, actor: Actor, scope: Scope, window: int = 30, flag_window: int = 60
) -> GrowthBundle:
    """Every table of the team-growth page from one read of the metric's observations (the
    trends, distributions, flags and coaching effects all need the same rows)."""
    _check(actor, scope)
    agents = _agents(session, scope)
    first = min(scope.start - dt.timedelta(days=window), scope.end - dt.timedelta(days=flag_window))
    obs = _frame(
        session,
        select(
            col(Observation.person_id).label("agent"), col(Observation.date), col(Observation.value)
        )
        .join(Person, col(Person.id) == Observation.person_id)
        .where(col(Person.team_id).in_(scope.team_ids), Observation.metric == scope.metric)
        .where(Observation.date >= first, Observation.date <= scope.end),
    )
    obs["metric"] = scope.metric
    obs["day"] = (
        pd.to_datetime(obs["date"], format="%Y-%m-%d")
        if len(obs) and isinstance(obs["date"].iloc[0], str)
        else pd.to_datetime(obs["date"])
    )
    team_of = dict(zip(agents["agent_id"], agents["team"], strict=True))
    in_period = obs[obs["day"] >= pd.Timestamp(scope.start)]
    weekly = in_period.assign(
        team=in_period["agent"].map(team_of),
        week=in_period["day"].dt.to_period("W-SUN").dt.start_time.dt.date,
    )
    trends = weekly.groupby(["team", "week"], as_index=False).agg(
        mean=("value", "mean"), n=("value", "size")
    )
    recent = obs[obs["day"] >= pd.Timestamp(scope.end - dt.timedelta(days=29))]
    means = agents.merge(
        recent.groupby("agent", as_index=False)
        .agg(mean=("value", "mean"), n=("value", "size"))
        .rename(columns={"agent": "agent_id"}),
        on="agent_id",
        how="inner",
    )
    team_names = dict(zip(agents["agent_id"], agents["team"], strict=True))
    flags = [
        (agent_id, name, str(team_names.get(agent_id, "")), flag)
        for per_team in falling_agents(
            session, team_ids=scope.team_ids, as_of=scope.end, window=flag_window
        ).values()
        for agent_id, name, flag in per_team
    ]
    effects = _effects_from(
        session, scope, agents, obs[["agent", "date", "metric", "value"]], window
    )
    activity = _activity_from(session, scope, means.copy())
    return GrowthBundle(
        trends, means, coverage(session, actor=actor, scope=scope), effects, flags, activity
    )


def _effects_from(
    session: Session, scope: Scope, agents: pd.DataFrame, observations: pd.DataFrame, window: int
) -> EffectTables:
    notes = _notes(session, agents, scope, every_focus=False)
    return (
        _no_effects() if notes.empty else _effect_tables(notes, observations, agents, scope, window)
    )


def _activity_from(session: Session, scope: Scope, means: pd.DataFrame) -> pd.DataFrame:
    ids = means["agent_id"].tolist()
    pd_days = dict(
        session.exec(
            select(PdDay.person_id, func.count())
            .where(col(PdDay.person_id).in_(ids), PdDay.status == "completed")
            .where(PdDay.date >= scope.start, PdDay.date <= scope.end)
            .group_by(col(PdDay.person_id))
        ).all()
    )
    rotations = dict(
        session.exec(
            select(Assignment.person_id, func.count())
            .join(Term, col(Term.id) == Assignment.term_id)
            .where(col(Assignment.person_id).in_(ids), Assignment.status != "proposed")
            .where(Term.start <= scope.end, Term.end >= scope.start)
            .group_by(col(Assignment.person_id))
        ).all()
    )
    shares = dict(
        session.exec(
            select(LearningShare.author_id, func.count())
            .where(col(LearningShare.author_id).in_(ids))
            .where(LearningShare.created_at >= dt.datetime.combine(scope.start, dt.time(), dt.UTC))
            .group_by(col(LearningShare.author_id))
        ).all()
    )
    means["pd_days_taken"] = [pd_days.get(i, 0) for i in ids]
    means["rotations"] = [rotations.get(i, 0) for i in ids]
    means["learning_shares"] = [shares.get(i, 0) for i in ids]
    return means


def falling_agents(
    session: Session, *, team_ids: Sequence[int], as_of: dt.date, window: int = 60
) -> dict[int, list[tuple[int, str, TrendFlag]]]:
    """Per team, its active agents flagged by a worsening trend in any metric: (agent id, name,
    flag). The one answer to "who needs a check-in because of a trend", for the team-growth page
    and the Monday digest alike (callers check who may see it)."""
    if not team_ids:
        return {}
    who = {
        a: (n, t)
        for a, n, t in session.exec(
            select(Person.id, Person.name, Person.team_id).where(
                col(Person.team_id).in_(team_ids),
                Person.role == Role.AGENT,
                col(Person.active).is_(True),
            )
        ).all()
    }
    obs = _frame(
        session, _team_observations(team_ids, as_of - dt.timedelta(days=window - 1), as_of)
    )
    found: dict[int, list[tuple[int, str, TrendFlag]]] = {}
    for metric in METRICS:
        rows = obs[obs["metric"] == metric] if len(obs) else obs
        if rows.empty:
            continue
        for flag in trend_flags(rows, metric=metric, as_of=as_of, window=window):
            if int(flag.agent) in who:
                name, team = who[int(flag.agent)]
                found.setdefault(team or 0, []).append((int(flag.agent), name, flag))
    return found
