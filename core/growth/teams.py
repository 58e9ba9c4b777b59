"""Team and organisation growth: trends, distributions, who needs a check-in, coaching
coverage and effect, development activity. Aggregation happens in SQL; the statistics are the
plain functions of core.growth.statistics. Leads see the teams they lead, managers every team."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from core.coaching.follow_ups import follow_up_status
from core.growth.checkins import (
    FallingCount,
    Ranking,
    _falling,
    _frame,
    _growth_trends,
    _of_teams,
    _team_observations,
    count_falling,
    rank_growth,
)
from core.growth.statistics import (
    GroupEffect,
    NoteEffect,
    aggregate_effects,
    coaching_effects,
    note_counts,
)
from core.growth.wording import TrendFlag
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
from core.people.access import Actor, Purpose, require_teams, teams_for
from core.platform.clock import today


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
    """Per agent: days since the last coaching note, open notes and overdue follow-ups; the
    longest without a note first (never coached before everyone), then the most overdue."""
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
    waited = agents["days_since_coaching"].astype(float).fillna(math.inf)
    return (
        agents.assign(_waited=waited)
        .sort_values(["_waited", "overdue_follow_ups", "agent"], ascending=[False, False, True])
        .drop(columns="_waited")
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class GroupSummary:
    """Coaching in one group (a team, a coach, a focus area) on one metric: its notes, how
    many could be estimated, and the average effect when there are enough (else None)."""

    group: str
    metric: str
    notes: int
    estimable: int
    effect: GroupEffect | None


@dataclass(frozen=True)
class EffectTables:
    notes: pd.DataFrame
    by_focus: pd.DataFrame
    by_coach: pd.DataFrame
    by_team: pd.DataFrame
    summaries: dict[str, list[GroupSummary]]  # "team", "coach", "focus area" → groups


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


def _no_effects() -> EffectTables:
    empty = pd.DataFrame()
    return EffectTables(empty, empty, empty, empty, {"team": [], "coach": [], "focus area": []})


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
    label_metric = {METRICS[m].label: m for m in METRICS}
    return EffectTables(
        _effect_frame(effects, notes, names, team_of),
        _groups(effects, focus, "focus area"),
        _groups(effects, coach, "coach"),
        _groups(effects, team, "team"),
        {
            "team": _summaries(effects, team, lambda _: scope.metric),
            "coach": _summaries(effects, coach, lambda _: scope.metric),
            "focus area": _summaries(effects, focus, lambda g: label_metric[g]),
        },
    )


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


def _summaries(
    effects: list[NoteEffect], groups: dict[str, str], metric_of: Callable[[str], str]
) -> list[GroupSummary]:
    """Every group with a note, those whose average can be told (enough estimable notes)
    first by the size of the effect, then those where it is too early to tell."""
    averaged = {g.group: g for g in aggregate_effects(effects, groups)}
    rows = [
        GroupSummary(group, metric_of(group), notes, estimable, averaged.get(group))
        for group, (notes, estimable) in note_counts(effects, groups).items()
    ]
    return sorted(rows, key=lambda r: (r.effect is None, r.group))


def _groups(effects: list[NoteEffect], groups: dict[str, str], label: str) -> pd.DataFrame:
    rows = aggregate_effects(effects, groups)
    return pd.DataFrame(
        [
            {label: g.group, "notes": g.notes, "mean effect": g.mean, "low": g.low, "high": g.high}
            for g in rows
        ]
    )


def teams_scope(chosen: int, of: int) -> str:
    """Which teams a count covers, said with it: "in all 8 teams you review", "in 4 of the 8
    teams you review", "in your team"."""
    if of == 1:
        return "in the team you review"
    if chosen == of:
        return f"in all {of} teams you review"
    return f"in {chosen} of the {of} teams you review"


@dataclass(frozen=True)
class GrowthBundle:
    trends: pd.DataFrame  # team, week (its Monday), mean, n, complete (False: the week so far)
    means: pd.DataFrame
    coverage: pd.DataFrame
    effects: EffectTables
    flags: list[tuple[int, str, str, TrendFlag]]
    activity: pd.DataFrame
    ranking: Ranking
    teams: (
        pd.DataFrame
    )  # team, agents, recent, before, change, n: the last 28 days vs the 28 before
    falling: FallingCount = FallingCount(0, 0)  # of `flags`: count_falling, as My day counts


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
        .where(_of_teams(Observation.person_id, scope.team_ids), Observation.metric == scope.metric)
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
    trends["complete"] = [w + dt.timedelta(days=6) <= scope.end for w in trends["week"]]
    recent = obs[obs["day"] >= pd.Timestamp(scope.end - dt.timedelta(days=29))]
    means = agents.merge(
        recent.groupby("agent", as_index=False)
        .agg(mean=("value", "mean"), n=("value", "size"))
        .rename(columns={"agent": "agent_id"}),
        on="agent_id",
        how="inner",
    )
    team_names = dict(zip(agents["agent_id"], agents["team"], strict=True))
    who, rows = _growth_trends(
        session, team_ids=scope.team_ids, as_of=scope.end, window=flag_window
    )
    falling = _falling(rows)
    flags = [
        (agent_id, name, str(team_names.get(agent_id, "")), flag)
        for per_team in falling.values()
        for agent_id, name, flag in per_team
    ]
    names_of_teams = dict(
        session.exec(select(Team.id, Team.name).where(col(Team.id).in_(scope.team_ids))).all()
    )
    ranking = rank_growth(
        who,
        rows,
        {int(k): v for k, v in names_of_teams.items() if k is not None},
        as_of=scope.end,
        window=flag_window,
    )
    effects = _effects_from(
        session, scope, agents, obs[["agent", "date", "metric", "value"]], window
    )
    activity = _activity_from(session, scope, means.copy())
    return GrowthBundle(
        trends,
        means,
        coverage(session, actor=actor, scope=scope),
        effects,
        flags,
        activity,
        ranking,
        _team_comparison(obs.assign(team=obs["agent"].map(team_of)), agents, scope.end),
        count_falling(falling),
    )


def _team_comparison(obs: pd.DataFrame, agents: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """Per team: agents, the mean of the last 28 days, of the 28 days before, the change and the
    number of observations it rests on (the recent window)."""
    recent_start = pd.Timestamp(end - dt.timedelta(days=27))
    before_start = pd.Timestamp(end - dt.timedelta(days=55))
    recent = obs[obs["day"] >= recent_start].groupby("team")["value"].agg(["mean", "size"])
    before = (
        obs[(obs["day"] >= before_start) & (obs["day"] < recent_start)]
        .groupby("team")["value"]
        .mean()
    )
    rows = []
    for team, size in agents.groupby("team").size().items():
        now = recent["mean"].get(team)
        then = before.get(team)
        rows.append(
            {
                "team": team,
                "agents": int(size),
                "recent": now,
                "before": then,
                "change": None if now is None or then is None else now - then,
                "n": int(recent["size"].get(team, 0)),
            }
        )
    return pd.DataFrame(rows, columns=["team", "agents", "recent", "before", "change", "n"])


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
