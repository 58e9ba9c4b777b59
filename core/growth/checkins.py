"""Who needs a check-in: each agent's trend in every metric over a window, the agents whose
trend is worsening (My day, the Monday digest), the growth ranking, and the day of the teams'
latest data. The statistics are core.growth.statistics'; team_growth (core.growth.teams) reads
them for the Team growth page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlmodel import Session, col, func, select

from core.growth.statistics import (
    AgentTrend,
    Direction,
    agent_trends,
)
from core.growth.wording import TrendFlag, flag_of
from core.models import (
    METRICS,
    Observation,
    Person,
    Role,
)
from core.people.access import Actor, Purpose, require_teams
from core.platform.clock import today


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
