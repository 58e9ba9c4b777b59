"""Team and organisation growth: trends, distributions, who needs a check-in, coaching
coverage and effect, development activity. Aggregation happens in SQL; the statistics are the
plain functions of core.growth.statistics. Leads see the teams they lead, managers every team."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from core.coaching.follow_ups import follow_up_status
from core.growth.statistics import (
    AgentTrend,
    Direction,
    GroupEffect,
    NoteEffect,
    agent_trends,
    aggregate_effects,
    coaching_effects,
    note_counts,
)
from core.growth.wording import TrendFlag, flag_of
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


def _of_teams(person: Any, team_ids: Sequence[int]) -> Any:
    """`person` (a person-id column) is one of the teams' people: a subquery, so that the
    database walks each agent's own index range (person, metric, date) instead of every agent's
    observations of the metric and dropping the other teams' (the plan SQLite chose for a join on
    person: 0.7 s against 0.01 s for one team of 2,000 agents' scores)."""
    return col(person).in_(select(Person.id).where(col(Person.team_id).in_(team_ids)))


def _team_observations(team_ids: Sequence[int], first: dt.date, last: dt.date) -> Any:
    """Observations (agent, date, metric, value) of the teams' agents from first to last."""
    return (
        select(
            col(Observation.person_id).label("agent"),
            col(Observation.date),
            col(Observation.metric),
            col(Observation.value),
        )
        .where(_of_teams(Observation.person_id, team_ids))
        .where(Observation.date >= first, Observation.date <= last)
    )


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


@dataclass(frozen=True)
class FallingCount:
    """How many falling trends (an agent getting worse in a measure) and among how many agents:
    the one count My day, Team growth and the digest read (an agent falling in two measures is
    two trends and one agent)."""

    trends: int
    agents: int

    def words(self) -> str:
        """E.g. "9 falling trends among 7 agents", "no falling trends"."""
        if not self.trends:
            return "no falling trends"
        trends = f"{self.trends} falling trend{'' if self.trends == 1 else 's'}"
        return f"{trends} among {self.agents} agent{'' if self.agents == 1 else 's'}"


def count_falling(falling: dict[int, list[tuple[int, str, TrendFlag]]]) -> FallingCount:
    """The count of `falling_agents`' answer (per team: agent id, name, flag per trend)."""
    pairs = [agent_id for per_team in falling.values() for agent_id, _, _ in per_team]
    return FallingCount(len(pairs), len(set(pairs)))


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


@dataclass(frozen=True)
class TrendRow:
    agent_id: int
    name: str
    team_id: int
    trend: AgentTrend


def _growth_trends(
    session: Session, *, team_ids: Sequence[int], as_of: dt.date, window: int = 60
) -> tuple[dict[int, tuple[str, int]], list[TrendRow]]:
    """The teams' active agents (id → name, team id) and their trend in every metric they
    have observations of over as_of-W+1 .. as_of (core.growth.statistics.agent_trends): the one
    reading behind "who is growing", "who needs attention" and the digest's falling trends."""
    if not team_ids:
        return {}, []
    who = {
        int(a): (n, int(t or 0))
        for a, n, t in session.exec(
            select(Person.id, Person.name, Person.team_id).where(
                col(Person.team_id).in_(team_ids),
                Person.role == Role.AGENT,
                col(Person.active).is_(True),
            )
        ).all()
        if a is not None
    }
    obs = _frame(
        session, _team_observations(team_ids, as_of - dt.timedelta(days=window - 1), as_of)
    )
    rows: list[TrendRow] = []
    for metric in METRICS:
        part = obs[obs["metric"] == metric] if len(obs) else obs
        if part.empty:
            continue
        for trend in agent_trends(part, metric=metric, as_of=as_of, window=window):
            if int(trend.agent) in who:
                name, team = who[int(trend.agent)]
                rows.append(TrendRow(int(trend.agent), name, team, trend))
    return who, rows


def falling_agents(
    session: Session, *, actor: Actor, team_ids: Sequence[int], as_of: dt.date, window: int = 60
) -> dict[int, list[tuple[int, str, TrendFlag]]]:
    """Per team, its active agents flagged by a worsening trend in any metric: (agent id, name,
    flag). The one answer to "who needs a check-in because of a trend", for whoever may review
    the teams (a lead their own, managers and admins every team)."""
    require_teams(actor, Purpose.REVIEW, team_ids)
    return _falling_agents(session, team_ids=team_ids, as_of=as_of, window=window)


def _falling_agents(
    session: Session, *, team_ids: Sequence[int], as_of: dt.date, window: int = 60
) -> dict[int, list[tuple[int, str, TrendFlag]]]:
    """falling_agents without an acting user: for the Monday digest, which the system sends to
    each team's own lead and to the managers (core.reminders.digest decides who reads what)."""
    return _falling(_growth_trends(session, team_ids=team_ids, as_of=as_of, window=window)[1])


def _falling(rows: list[TrendRow]) -> dict[int, list[tuple[int, str, TrendFlag]]]:
    found: dict[int, list[tuple[int, str, TrendFlag]]] = {}
    for metric in METRICS:  # by metric, then the strongest evidence first
        worse = [
            r for r in rows if r.trend.metric == metric and r.trend.direction is Direction.WORSENING
        ]
        for r in sorted(worse, key=lambda r: r.trend.p_worse or 0.0):
            found.setdefault(r.team_id, []).append((r.agent_id, r.name, flag_of(r.trend)))
    return found


@dataclass(frozen=True)
class AgentGrowth:
    """An agent in the ranking, with the trends that put them there (strongest first)."""

    agent_id: int
    name: str
    team: str
    trends: tuple[AgentTrend, ...]


@dataclass(frozen=True)
class Ranking:
    """Who is growing over the trend window, on the same tests as the check-in flags: agents
    improving in a measure (most improved first: the strongest evidence), agents getting worse
    in one (the digest's falling trends), those steady in every measure, and those with too few
    observations in every measure to rank (with their count), never ranked."""

    first: dt.date
    as_of: dt.date
    window: int
    improving: list[AgentGrowth]
    worsening: list[AgentGrowth]
    steady: list[AgentGrowth]
    too_little: list[tuple[int, str, str, int]]  # agent id, name, team, observations

    @property
    def falling_trends(self) -> int:
        return sum(len(a.trends) for a in self.worsening)


def rank_growth(
    who: dict[int, tuple[str, int]],
    rows: list[TrendRow],
    team_names: dict[int, str],
    *,
    as_of: dt.date,
    window: int = 60,
) -> Ranking:
    """The ranking of `who` (id → name, team id) from their trend rows (see Ranking)."""
    by_agent: dict[int, list[AgentTrend]] = {a: [] for a in who}
    for r in rows:
        by_agent.setdefault(r.agent_id, []).append(r.trend)

    def pick(direction: Direction) -> list[AgentGrowth]:
        found = []
        for agent, trends in by_agent.items():
            chosen = sorted(
                (t for t in trends if t.direction is direction), key=lambda t: t.p_value or 0.0
            )
            if chosen:
                name, team = who[agent]
                found.append(AgentGrowth(agent, name, team_names.get(team, ""), tuple(chosen)))
        return sorted(found, key=lambda a: (a.trends[0].p_value or 0.0, a.name))

    judged = {
        a
        for a, trends in by_agent.items()
        if any(t.direction is not Direction.TOO_LITTLE_DATA for t in trends)
    }
    moving = {g.agent_id for d in (Direction.IMPROVING, Direction.WORSENING) for g in pick(d)}
    steady = [
        AgentGrowth(a, who[a][0], team_names.get(who[a][1], ""), ())
        for a in sorted(judged - moving, key=lambda a: who[a][0])
    ]
    too_little = sorted(
        (
            (
                a,
                who[a][0],
                team_names.get(who[a][1], ""),
                max((t.observations for t in by_agent[a]), default=0),
            )
            for a in who
            if a not in judged
        ),
        key=lambda r: (r[3], r[1]),
    )
    return Ranking(
        as_of - dt.timedelta(days=window - 1),
        as_of,
        window,
        pick(Direction.IMPROVING),
        pick(Direction.WORSENING),
        steady,
        too_little,
    )


def latest_data(session: Session, *, actor: Actor, team_ids: Sequence[int]) -> dt.date | None:
    """The day of the teams' latest observation (any metric), or None without any: a period
    "up to now" ends there, so a late import never shows as empty months."""
    require_teams(actor, Purpose.REVIEW, team_ids)
    return session.exec(
        select(func.max(Observation.date)).where(
            _of_teams(Observation.person_id, team_ids), Observation.date <= today()
        )
    ).one()
