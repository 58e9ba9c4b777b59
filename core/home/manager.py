"""A manager's My day: the teams that need attention, across the organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from core.coaching.follow_ups import follow_up_status
from core.growth.checkins import FallingCount, count_falling, falling_agents
from core.growth.teams import teams_scope, visible_teams
from core.growth.wording import TrendFlag
from core.home.lead import QaWork, qa_work
from core.home.words import _s
from core.models import (
    Person,
    Role,
)
from core.people.access import (
    Actor,
)


@dataclass(frozen=True)
class TeamAttention:
    team_id: int
    team: str
    agents: int
    overdue: int  # overdue check-ins (core.coaching.follow_ups)
    due_today: int
    falling: list[str]  # "name: evidence" (core.growth.teams.falling_agents)


@dataclass(frozen=True)
class ManagerDay:
    day: dt.date
    teams: list[TeamAttention]  # every team the manager reviews, those needing attention first
    qa: QaWork = field(default_factory=QaWork)  # disputes, calibration, agents' comments
    falling: FallingCount = FallingCount(0, 0)  # count_falling of every team's falling trends

    @property
    def needing_attention(self) -> list[TeamAttention]:
        return [t for t in self.teams if t.overdue or t.falling]

    def headline(self) -> list[str]:
        qa = [q] if (q := self.qa.headline()) is not None else []
        if not self.teams:
            return ["No teams yet. An admin creates them on the Teams page.", *qa]
        needing = self.needing_attention
        if not needing:
            return [
                f"All {len(self.teams)} teams are on track: no overdue check-ins, no falling trends.",
                *qa,
            ]
        overdue = sum(t.overdue for t in needing)
        parts = [f"{overdue} overdue check-in{_s(overdue)}"] if overdue else []
        parts += [self.falling.words()] if self.falling.trends else []
        scope = teams_scope(len(self.teams), len(self.teams))
        return [
            f"{len(needing)} of {len(self.teams)} teams need attention: {' and '.join(parts)} "
            f"{scope}.",
            f"Start with {needing[0].team}.",
            *qa,
        ]


Falling = dict[int, list[tuple[int, str, TrendFlag]]]


def manager_day(
    session: Session, *, actor: Actor, day: dt.date, falling: Falling | None = None
) -> ManagerDay:
    """Every team the manager reviews, those needing attention first. `falling` is
    `falling_agents` of those teams as of `day`, when the caller has it already (the page
    keeps it across reruns: it tests every agent in every metric)."""
    teams = visible_teams(session, actor=actor)
    agents = session.exec(
        select(Person.id, Person.team_id).where(
            col(Person.team_id).in_(list(teams)),
            Person.role == Role.AGENT,
            col(Person.active).is_(True),
        )
    ).all()
    status = follow_up_status(session, agent_ids=[a for a, _ in agents if a is not None], day=day)
    if falling is None:
        falling = falling_agents(session, actor=actor, team_ids=list(teams), as_of=day)
    rows = []
    for team_id, name in teams.items():
        members = [status[a] for a, t in agents if t == team_id and a is not None]
        rows.append(
            TeamAttention(
                team_id,
                name,
                len(members),
                sum(s.overdue for s in members),
                sum(s.due_today for s in members),
                [f"{n}: {f.headline}" for _, n, f in falling.get(team_id, [])],
            )
        )
    rows.sort(key=lambda t: (-(t.overdue + len(t.falling)), t.team))
    seen = count_falling({t: falling.get(t, []) for t in teams})
    return ManagerDay(day, rows, qa_work(session, actor=actor, day=day), seen)
