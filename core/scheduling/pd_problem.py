"""The PD-day planning problem (contract: `headway plan-pd`): teams, agents and their days,
each rule a sentence (`why_not_plannable`, `why_short`, …), the plan and its conflicts, and the
strict reading of a problem file (`read_pd_problem`). The planner itself is `pd_days`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.scheduling.problem_json import Reader

# ---------------------------------------------------------------- problem


@dataclass(frozen=True)
class PdTeam:
    id: str
    min_staffed: int = 0
    min_staffed_by_date: dict[dt.date, int] = field(default_factory=dict)
    blackout_dates: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class PdAgent:
    id: str
    team: str
    unavailable: frozenset[dt.date] = frozenset()
    pinned: tuple[dt.date, ...] = ()
    previous: frozenset[dt.date] = frozenset()
    preferred: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class PdProblem:
    start: dt.date
    end: dt.date
    pd_days_per_agent: int
    teams: tuple[PdTeam, ...]
    agents: tuple[PdAgent, ...]
    working_weekdays: frozenset[int] = frozenset(range(5))
    min_gap_days: int = 0
    blackout_dates: frozenset[dt.date] = frozenset()
    # Public holidays and closure days on working weekdays, with the reason (from the
    # organisation's calendar; the JSON contract has no such key).
    closed_dates: Mapping[dt.date, str] = field(default_factory=dict)

    def why_not_plannable(self, team: PdTeam, day: dt.date) -> str | None:
        """Why no PD day of `team` can be on `day` (a sentence without its subject, e.g. "is an
        organisation-wide blackout date"); None when the day is plannable for the team."""
        if not self.start <= day <= self.end:
            return f"is outside the period {self.start} to {self.end}"
        if day.weekday() not in self.working_weekdays:
            return f"is a {day:%A}, not a working day"
        if day in self.closed_dates:
            return f"is closed: {self.closed_dates[day]}"
        if day in self.blackout_dates:
            return "is an organisation-wide blackout date"
        if day in team.blackout_dates:
            return f"is a blackout date of team {team.id}"
        return None

    def plannable_days(self, team: PdTeam) -> list[dt.date]:
        days = []
        day = self.start
        while day <= self.end:
            if self.why_not_plannable(team, day) is None:
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    # The hard rules as sentences, each beside the solver's constraint for it (`_TeamModel`):
    # the planner never breaks them, and a hand-made change (a move, a published day the planner
    # must keep) is checked by the same words.

    # Rule 1 (`rule_days_per_agent`): PD days on days the agent is available, so many each.
    def why_not_available(self, agent: PdAgent, day: dt.date) -> str | None:
        return "falls on their leave" if day in agent.unavailable else None

    def why_not_one_more(self, days_already: int) -> str | None:
        if days_already >= self.pd_days_per_agent:
            return f"is more than the {self.pd_days_per_agent} PD days each agent gets"
        return None

    # Rule 3 (`rule_gap_between_pd_days`): two PD days of one agent are min_gap_days apart.
    def too_close(self, day: dt.date, others: Iterable[dt.date]) -> list[dt.date]:
        """The agent's other PD days closer than the gap to `day`."""
        return sorted(o for o in others if o != day and abs((o - day).days) < self.min_gap_days)

    def most_pd_days(self, team: PdTeam, days: Iterable[dt.date] | None = None) -> int:
        """Rules 1 and 3 together: the most PD days one agent can have on `days` (default: the
        team's plannable days) when they must be `min_gap_days` apart."""
        return _max_days_with_gap(
            sorted(self.plannable_days(team) if days is None else days), self.min_gap_days
        )

    # Rule 4 (`rule_staffing_floor`): PD days leave at least the floor on the phones.
    def floor(self, team: PdTeam, day: dt.date) -> int:
        """The team's floor that day: a dated override, else its default."""
        return team.min_staffed_by_date.get(day, team.min_staffed)

    def available(self, agents: Iterable[PdAgent], day: dt.date) -> int:
        """How many of `agents` (one team's) are at work that day, PD days aside."""
        return sum(1 for a in agents if day not in a.unavailable)

    def room(self, team: PdTeam, agents: Iterable[PdAgent], day: dt.date) -> int:
        """How many of the team can be away on a PD day without going under the floor."""
        return max(0, self.available(agents, day) - self.floor(team, day))

    def why_short(
        self, team: PdTeam, agents: Iterable[PdAgent], day: dt.date, on_pd: int
    ) -> str | None:
        """Why `on_pd` PD days of the team on `day` are too many (None when they fit)."""
        working, floor = self.available(agents, day) - on_pd, self.floor(team, day)
        if working < floor:
            return (
                f"{team.id} would have {working} agents on the phones on {day:%d %b}, "
                f"under its floor of {floor}"
            )
        return None


@dataclass(frozen=True)
class Conflict:
    team: str
    agent: str | None
    dates: list[dt.date]
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "agent": self.agent,
            "dates": [d.isoformat() for d in self.dates],
            "reason": self.reason,
        }


@dataclass
class PdPlan:
    status: str  # optimal | feasible | infeasible | unknown
    assignments: list[tuple[str, dt.date]]
    preferred_honoured: int | None
    previous_kept: int | None
    spread_cost: int | None
    solve_seconds: float
    conflicts: list[Conflict]

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "assignments": [{"agent": a, "date": d.isoformat()} for a, d in self.assignments],
            "preferred_honoured": self.preferred_honoured,
            "previous_kept": self.previous_kept,
            "spread_cost": self.spread_cost,
            "solve_seconds": round(self.solve_seconds, 3),
            "conflicts": [c.to_json() for c in self.conflicts],
        }


# ---------------------------------------------------------------- reading and validating input

_TOP = {
    "period",
    "working_weekdays",
    "pd_days_per_agent",
    "min_gap_days",
    "blackout_dates",
    "teams",
    "agents",
}
_TEAM = {"id", "min_staffed", "min_staffed_by_date", "blackout_dates"}
_AGENT = {"id", "team", "unavailable", "pinned", "previous", "preferred"}


def read_pd_problem(data: Any) -> PdProblem:
    """Build a problem from parsed JSON, or raise InvalidInput naming every faulty place."""
    r = Reader()
    if not r.check_keys(data, "", _TOP, {"period", "pd_days_per_agent", "teams", "agents"}):
        r.raise_if_any("The PD-day problem")
    period = data.get("period", {})
    start = end = None
    if r.check_keys(period, "period", {"start", "end"}, {"start", "end"}):
        start, end = (
            r.date(period.get("start"), "period.start"),
            r.date(period.get("end"), "period.end"),
        )
        if start and end and end < start:
            r.fail("period", f"ends ({end}) before it starts ({start})")
    weekdays_raw = data.get("working_weekdays", [0, 1, 2, 3, 4])
    weekdays: set[int] = set()
    if not isinstance(weekdays_raw, list):
        r.fail("working_weekdays", "must be a list of weekday numbers (Monday = 0)")
    else:
        for i, w in enumerate(weekdays_raw):
            if isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= 6:
                r.fail(f"working_weekdays[{i}]", f"{w!r} is not a weekday number 0-6")
            else:
                weekdays.add(w)
    per_agent = r.integer(data.get("pd_days_per_agent"), "pd_days_per_agent")
    gap = r.integer(data.get("min_gap_days", 0), "min_gap_days")
    blackout = frozenset(r.dates(data.get("blackout_dates"), "blackout_dates"))

    teams: list[PdTeam] = []
    for path, t in r.items(data, "teams", _TEAM, {"id"}):
        by_date: dict[dt.date, int] = {}
        raw = t.get("min_staffed_by_date", {}) or {}
        if not isinstance(raw, dict):
            r.fail(f"{path}.min_staffed_by_date", "must be an object of date: number")
        else:
            for key, value in raw.items():
                day = r.date(key, f"{path}.min_staffed_by_date")
                if day is not None:
                    by_date[day] = r.integer(value, f"{path}.min_staffed_by_date.{key}")
        teams.append(
            PdTeam(
                id=r.identifier(t.get("id"), f"{path}.id"),
                min_staffed=r.integer(t.get("min_staffed", 0), f"{path}.min_staffed"),
                min_staffed_by_date=by_date,
                blackout_dates=frozenset(
                    r.dates(t.get("blackout_dates"), f"{path}.blackout_dates")
                ),
            )
        )
    agents: list[PdAgent] = []
    for path, a in r.items(data, "agents", _AGENT, {"id", "team"}):
        agents.append(
            PdAgent(
                id=r.identifier(a.get("id"), f"{path}.id"),
                team=r.identifier(a.get("team"), f"{path}.team"),
                unavailable=frozenset(r.dates(a.get("unavailable"), f"{path}.unavailable")),
                pinned=tuple(sorted(set(r.dates(a.get("pinned"), f"{path}.pinned")))),
                previous=frozenset(r.dates(a.get("previous"), f"{path}.previous")),
                preferred=frozenset(r.dates(a.get("preferred"), f"{path}.preferred")),
            )
        )
    r.raise_if_any("The PD-day problem")
    assert start is not None and end is not None
    problem = PdProblem(
        start, end, per_agent, tuple(teams), tuple(agents), frozenset(weekdays), gap, blackout
    )
    _check_consistency(problem, r)
    r.raise_if_any("The PD-day problem")
    return problem


def _check_consistency(p: PdProblem, r: Reader) -> None:
    """The contract's exit-1 rules: ids, teams, and pins that can never be kept."""
    team_ids = [t.id for t in p.teams]
    for tid in sorted({t for t in team_ids if team_ids.count(t) > 1}):
        r.fail("teams", f"team id {tid} is listed twice")
    agent_ids = [a.id for a in p.agents]
    for aid in sorted({a for a in agent_ids if agent_ids.count(a) > 1}):
        r.fail("agents", f"agent id {aid} is listed twice")
    teams = {t.id: t for t in p.teams}
    for a in p.agents:
        team = teams.get(a.team)
        if team is None:
            r.fail(f"agent {a.id}", f"team {a.team} is not listed in teams")
            continue
        if len(a.pinned) > p.pd_days_per_agent:
            r.fail(
                f"agent {a.id}",
                f"has {len(a.pinned)} pinned days but each agent gets {p.pd_days_per_agent}",
            )
        for day in a.pinned:
            where = f"agent {a.id}, pinned {day.isoformat()}"
            why_not = p.why_not_plannable(team, day)
            if why_not is not None:
                r.fail(where, why_not)
            elif day in a.unavailable:
                r.fail(where, "is a day the agent is unavailable")
        for earlier, later in zip(a.pinned, a.pinned[1:], strict=False):
            if (later - earlier).days < p.min_gap_days:
                r.fail(
                    f"agent {a.id}, pinned {earlier.isoformat()} and {later.isoformat()}",
                    f"are {(later - earlier).days} days apart; PD days must be at least {p.min_gap_days} apart",
                )


def _max_days_with_gap(days: list[dt.date], gap: int) -> int:
    """Most days that can be picked from sorted `days` with pairwise gaps >= gap (greedy)."""
    count, last = 0, None
    for d in days:
        if last is None or (d - last).days >= gap:
            count, last = count + 1, d
    return count
