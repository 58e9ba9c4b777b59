"""PD-day planner (contract: `headway plan-pd`).

Hard rules (one constraint block each, see `_TeamModel`):
  1. every agent gets exactly `pd_days_per_agent` PD days, on days plannable for their team and
     not in their `unavailable` list;
  2. pinned days are PD days;
  3. two PD days of one agent are at least `min_gap_days` apart;
  4. on every plannable day, the team's working agents (not unavailable, not on a PD day) number at
     least the day's floor; a day already at or below its floor through leave takes no PD day.
Objective, lexicographic: most `preferred` dates honoured, then most `previous` days kept, then
the smallest sum over team-days of (agents on a PD day)².

Teams share no rule, so each team is its own small CP-SAT model (one model for all teams was
10-100x slower). Infeasibility is explained per team: counting checks first (slots versus days
needed, per-agent room, pins on full days), then a shortfall model that names the short dates.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

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


# ---------------------------------------------------------------- solving


@dataclass
class _TeamResult:
    status: str
    assignments: list[tuple[str, dt.date]]
    conflicts: list[Conflict]


def plan_pd_days(problem: PdProblem, *, time_limit: float = 60.0, processes: int = 2) -> PdPlan:
    """Solve team by team (in `processes` worker processes) within the overall time limit."""
    started = time.perf_counter()
    deadline = time.monotonic() + time_limit
    by_team: dict[str, list[PdAgent]] = defaultdict(list)
    for agent in problem.agents:
        by_team[agent.team].append(agent)
    jobs = [(problem, t, by_team[t.id], deadline) for t in problem.teams if by_team.get(t.id)]
    if processes > 1 and len(jobs) > 2:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            results = list(
                pool.map(_solve_team_job, jobs, chunksize=max(1, len(jobs) // (4 * processes)))
            )
    else:
        results = [_solve_team_job(job) for job in jobs]
    conflicts = [c for r in results for c in r.conflicts]
    seconds = time.perf_counter() - started
    if any(r.status == "infeasible" for r in results):
        return PdPlan("infeasible", [], None, None, None, seconds, conflicts)
    if any(r.status == "unknown" for r in results):
        return PdPlan("unknown", [], None, None, None, seconds, [])
    assignments = sorted(a for r in results for a in r.assignments)
    preferred, previous, spread = score(problem, assignments)
    status = "optimal" if all(r.status == "optimal" for r in results) else "feasible"
    return PdPlan(status, assignments, preferred, previous, spread, seconds, [])


def score(problem: PdProblem, assignments: list[tuple[str, dt.date]]) -> tuple[int, int, int]:
    """(preferred honoured, previous kept, spread cost) of a plan."""
    agents = {a.id: a for a in problem.agents}
    preferred = sum(1 for a, d in assignments if d in agents[a].preferred)
    previous = sum(1 for a, d in assignments if d in agents[a].previous)
    load: dict[tuple[str, dt.date], int] = defaultdict(int)
    for a, d in assignments:
        load[(agents[a].team, d)] += 1
    return preferred, previous, sum(n * n for n in load.values())


class _TeamModel:
    """The CP-SAT model of one team; each hard rule is one method."""

    def __init__(
        self, problem: PdProblem, team: PdTeam, agents: list[PdAgent], *, shortfall: bool = False
    ) -> None:
        self.p, self.team, self.agents = problem, team, agents
        self.days = problem.plannable_days(team)
        self.model = cp_model.CpModel()
        self.x: dict[tuple[str, dt.date], cp_model.IntVar] = {}
        for a in agents:
            for d in self.days:
                if d not in a.unavailable:
                    self.x[(a.id, d)] = self.model.new_bool_var(f"pd[{a.id},{d}]")
        self.short: dict[dt.date, cp_model.IntVar] = {}
        self.rule_days_per_agent()
        self.rule_pins_are_kept()
        self.rule_gap_between_pd_days()
        self.rule_staffing_floor(shortfall)

    def room(self, day: dt.date) -> int:
        return self.p.room(self.team, self.agents, day)

    def day_vars(self, day: dt.date) -> list[cp_model.IntVar]:
        return [self.x[(a.id, day)] for a in self.agents if (a.id, day) in self.x]

    # Rule 1: exactly pd_days_per_agent PD days, on plannable days the agent is available.
    def rule_days_per_agent(self) -> None:
        for a in self.agents:
            self.model.add(
                sum(self.x[(a.id, d)] for d in self.days if (a.id, d) in self.x)
                == self.p.pd_days_per_agent
            )

    # Rule 2: pinned days are PD days.
    def rule_pins_are_kept(self) -> None:
        for a in self.agents:
            for d in a.pinned:
                self.model.add(self.x[(a.id, d)] == 1)

    # Rule 3: any window of min_gap_days consecutive calendar days holds at most one PD day.
    def rule_gap_between_pd_days(self) -> None:
        gap = self.p.min_gap_days
        if gap <= 1:
            return
        for a in self.agents:
            mine = [d for d in self.days if (a.id, d) in self.x]
            for i, first in enumerate(mine):
                window = [self.x[(a.id, d)] for d in mine[i:] if (d - first).days < gap]
                if len(window) > 1:
                    self.model.add(sum(window) <= 1)

    # Rule 4: on each plannable day, PD days leave at least the floor on the phones.
    def rule_staffing_floor(self, shortfall: bool) -> None:
        for d in self.days:
            on_pd = self.day_vars(d)
            if not on_pd:
                continue
            if shortfall:
                self.short[d] = self.model.new_int_var(0, len(on_pd), f"short[{d}]")
                self.model.add(sum(on_pd) <= self.room(d) + self.short[d])
            else:
                self.model.add(sum(on_pd) <= self.room(d))

    def set_objective(self) -> None:
        """Lexicographic objective as one weighted sum (weights exceed the lower levels' range)."""
        pref = [self.x[(a.id, d)] for a in self.agents for d in a.preferred if (a.id, d) in self.x]
        prev = [self.x[(a.id, d)] for a in self.agents for d in a.previous if (a.id, d) in self.x]
        spread_terms: list[cp_model.LinearExpr] = []
        max_spread = 0
        for d in self.days:
            on_pd = self.day_vars(d)
            cap = min(len(on_pd), self.room(d))
            if cap <= 1:
                continue  # 0 or 1 agent away: count² == count, a constant in total
            # count² as a sum of increasing marginal costs 1, 3, 5, … over ordered indicators.
            steps = [self.model.new_bool_var(f"load[{d}]>={j}") for j in range(1, cap + 1)]
            for s1, s2 in zip(steps, steps[1:], strict=False):
                self.model.add_implication(s2, s1)
            self.model.add(sum(on_pd) == sum(steps))
            spread_terms.extend((2 * j + 1) * s for j, s in enumerate(steps))
            max_spread += cap * cap
        w_prev = max_spread + 1
        w_pref = w_prev * (len(prev) + 1)
        self.model.maximize(
            w_pref * sum(pref) + w_prev * sum(prev) - cp_model.LinearExpr.sum(spread_terms)
        )

    def solve(self, time_limit: float, workers: int) -> tuple[Any, cp_model.CpSolver]:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, time_limit)
        solver.parameters.num_workers = workers
        return solver.solve(self.model), solver


def _solve_team_job(job: tuple[PdProblem, PdTeam, list[PdAgent], float]) -> _TeamResult:
    problem, team, agents, deadline = job
    # One CP-SAT worker per team: these models are small, and teams run in parallel processes.
    return _solve_team(problem, team, agents, max(0.05, deadline - time.monotonic()), workers=1)


def _solve_team(
    problem: PdProblem, team: PdTeam, agents: list[PdAgent], time_limit: float, workers: int
) -> _TeamResult:
    conflicts = explain_by_counting(problem, team, agents)
    if conflicts:
        return _TeamResult("infeasible", [], conflicts)
    model = _TeamModel(problem, team, agents)
    model.set_objective()
    status, solver = model.solve(time_limit, workers)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = [(a, d) for (a, d), v in model.x.items() if solver.boolean_value(v)]
        return _TeamResult("optimal" if status == cp_model.OPTIMAL else "feasible", chosen, [])
    if status == cp_model.INFEASIBLE:
        return _TeamResult(
            "infeasible", [], explain_by_shortfall(problem, team, agents, time_limit, workers)
        )
    return _TeamResult("unknown", [], [])


def explain_by_counting(problem: PdProblem, team: PdTeam, agents: list[PdAgent]) -> list[Conflict]:
    """Plain-language reasons a team cannot be planned, found by counting alone."""
    conflicts: list[Conflict] = []
    days = problem.plannable_days(team)
    k = problem.pd_days_per_agent
    rooms = {d: problem.room(team, agents, d) for d in days}
    needed, slots = k * len(agents), sum(rooms.values())
    if needed > slots:
        full = [d for d in days if rooms[d] == 0]
        floor = team.min_staffed
        away = max(0, len(agents) - floor)
        reason = (
            f"team {team.id} needs {floor} of its {len(agents)} agents on the phones every day, so at "
            f"most {away} can be away; its agents need {needed} PD days but the period has "
            f"{slots} free PD-day slots on its {len(days)} plannable days"
        )
        if full:
            reason += (
                f" ({len(full)} of those days have no room at all, through leave or a higher floor)"
            )
        reason += (
            ". To fix it: plan fewer PD days per agent, lengthen the period, or lower the floor on "
            "named days."
        )
        conflicts.append(Conflict(team.id, None, full or days, reason))
    for a in agents:
        free = [d for d in days if d not in a.unavailable]
        fit = problem.most_pd_days(team, free)
        if fit < k:
            conflicts.append(
                Conflict(
                    team.id,
                    a.id,
                    free,
                    f"agent {a.id} of team {team.id} is available on {len(free)} plannable day(s), "
                    f"which fit only {fit} PD day(s) at least {problem.min_gap_days} days apart, "
                    f"but needs {k}",
                )
            )
    pins: dict[dt.date, list[str]] = defaultdict(list)
    for a in agents:
        for d in a.pinned:
            pins[d].append(a.id)
    for d, who in sorted(pins.items()):
        if len(who) > rooms.get(d, 0):
            floor = problem.floor(team, d)
            available = problem.available(agents, d)
            for agent_id in who:
                conflicts.append(
                    Conflict(
                        team.id,
                        agent_id,
                        [d],
                        f"the pinned PD day of agent {agent_id} on {d.isoformat()} leaves team "
                        f"{team.id} short: {available} of its agents are available that day, the "
                        f"floor is {floor}, so {rooms.get(d, 0)} can be away but {len(who)} are pinned",
                    )
                )
    return conflicts


def _max_days_with_gap(days: list[dt.date], gap: int) -> int:
    """Most days that can be picked from sorted `days` with pairwise gaps >= gap (greedy)."""
    count, last = 0, None
    for d in days:
        if last is None or (d - last).days >= gap:
            count, last = count + 1, d
    return count


def explain_by_shortfall(
    problem: PdProblem, team: PdTeam, agents: list[PdAgent], time_limit: float, workers: int
) -> list[Conflict]:
    """Let the floor be missed, minimise the shortfall, and name the dates that fall short."""
    model = _TeamModel(problem, team, agents, shortfall=True)
    model.model.minimize(sum(model.short.values()))
    status, solver = model.solve(max(1.0, time_limit), workers)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [
            Conflict(
                team.id,
                None,
                model.days,
                f"team {team.id} cannot be planned: its rules contradict each other",
            )
        ]
    short = {d: solver.value(v) for d, v in model.short.items() if solver.value(v) > 0}
    total = sum(short.values())
    dates = sorted(short)
    listed = ", ".join(f"{d.isoformat()} ({n})" for d, n in sorted(short.items()))
    return [
        Conflict(
            team.id,
            None,
            dates,
            f"team {team.id} cannot give every agent {problem.pd_days_per_agent} PD days "
            f"{problem.min_gap_days} days apart without going under its floor: it would be short "
            f"by {total} agent(s) in all, on {listed}. To fix it: lower the floor on those days, "
            f"plan fewer PD days per agent, or lengthen the period.",
        )
    ]
