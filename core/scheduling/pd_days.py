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
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from core.scheduling.pd_problem import Conflict, PdAgent, PdPlan, PdProblem, PdTeam

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
            end = kept_end = 0
            for i, first in enumerate(mine):
                while end < len(mine) and (mine[end] - first).days < gap:
                    end += 1
                # A window that takes in no day beyond the one before lies inside it: implied.
                if end > kept_end and end - i > 1:
                    self.model.add_at_most_one(self.x[(a.id, d)] for d in mine[i:end])
                kept_end = max(kept_end, end)

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
