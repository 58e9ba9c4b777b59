"""Customer-ambassador rotation planner (contract: `headway assign-rotations`).

Hard rules: an agent is in at most one department; a department takes at most its capacity; an
agent does not return to a department in their history until their history holds every listed
department; a department takes at most `max_per_team_per_department` agents of one team; pins
are kept. Objective: assign as many agents as possible, then maximise the interest score (1st
interest 3, 2nd 2, 3rd 1).

This is a transportation problem whose team limit is one more layer of arcs, so it is solved
exactly as a min-cost flow: source → agent (1) → team×department (limit) → department
(capacity) → sink. Maximum flow with minimum cost gives both objectives at once, in well under
a second for 10,000 agents. Pins are placed first and take their room out of the network.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.graph.python import min_cost_flow

from core.scheduling.problem_json import Reader

INTEREST_POINTS = (3, 2, 1)


@dataclass(frozen=True)
class RotationAgent:
    id: str
    team: str
    interests: tuple[str, ...] = ()
    history: frozenset[str] = frozenset()
    pinned: str | None = None
    # (department, term) of each past rotation, only to name the term in explanations
    visits: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RotationProblem:
    term_id: str
    capacities: dict[str, int]  # department → capacity, in input order
    agents: tuple[RotationAgent, ...]
    max_per_team: int | None = None
    # department → places already taken by teams outside this problem (their capacity is net)
    taken_elsewhere: dict[str, int] = field(default_factory=dict)

    def points(self, agent: RotationAgent, department: str) -> int:
        """Interest score; departments that are not listed (retired) are left out of the ranking."""
        ranked = [d for d in dict.fromkeys(agent.interests) if d in self.capacities]
        return INTEREST_POINTS[ranked.index(department)] if department in ranked[:3] else 0

    def why_not(self, agent: RotationAgent, department: str, *, short: bool = False) -> str | None:
        """The history rule for one department, in words (a sentence without its subject, or
        with `short` a phrase for a table), or None when the agent may go there: no return to a
        department until the agent has been to every department hosting this term."""
        if department not in self.capacities:
            if short:
                return f"{department} not hosting this term"
            return f"cannot go to {department}: it hosts no ambassadors this term"
        if department in agent.history and not set(self.capacities) <= agent.history:
            if short:
                when = dict(agent.visits).get(department)
                return f"already visited {department}" + (f" ({when})" if when else "")
            return (
                f"has already been an ambassador in {department}; "
                "they see the other departments first"
            )
        return None

    def allowed(self, agent: RotationAgent) -> list[str]:
        """Departments the agent may go to under the history rule."""
        return [d for d in self.capacities if self.why_not(agent, d) is None]

    def out_of_reach(self, agent: RotationAgent, department: str) -> str | None:
        """Before solving: why the agent cannot have `department` this term at all (the history
        rule, or no places), as a short phrase; None when it is within reach."""
        reason = self.why_not(agent, department, short=True)
        if reason is not None:
            return reason
        if self.capacities[department] <= 0:
            taken = self.taken_elsewhere.get(department, 0)
            if taken:
                return f"{department} full — other teams' ambassadors take its {taken} places"
            return f"{department} not hosting this term"
        return None

    def explain(
        self,
        agent: RotationAgent,
        department: str | None,
        used: Mapping[str, int],
        used_team: Mapping[tuple[str, str], int],
    ) -> str:
        """One phrase for a lead: which of the agent's choices `department` is, or why none of
        their listed interests was possible in the final plan (`used`: its agents per
        department, `used_team`: per team and department)."""
        ranked = list(dict.fromkeys(agent.interests))
        if department is not None and department in ranked:
            return f"{ordinal(ranked.index(department) + 1)} choice"
        if not ranked:
            return "listed no interests"
        return "; ".join(self._not_had(agent, d, used, used_team) for d in ranked)

    def _not_had(
        self,
        agent: RotationAgent,
        department: str,
        used: Mapping[str, int],
        used_team: Mapping[tuple[str, str], int],
    ) -> str:
        reason = self.out_of_reach(agent, department)
        if reason is not None:
            return reason
        capacity = self.capacities[department]
        if used.get(department, 0) >= capacity:
            total = capacity + self.taken_elsewhere.get(department, 0)
            return f"{department} full — capacity {total} reached"
        limit = self.max_per_team
        if limit is not None and used_team.get((agent.team, department), 0) >= limit:
            return f"{department} already takes {limit} of this team, the limit"
        return f"{department} still has room"


def ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


@dataclass
class RotationPlan:
    status: str
    assignments: list[tuple[str, str]]
    unassigned: list[tuple[str, str]]
    interest_score: int | None
    solve_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "assignments": [{"agent": a, "department": d} for a, d in self.assignments],
            "unassigned": [{"agent": a, "reason": r} for a, r in self.unassigned],
            "interest_score": self.interest_score,
            "solve_seconds": round(self.solve_seconds, 3),
        }


_TOP = {"term", "departments", "max_per_team_per_department", "agents"}
_TERM = {"id", "start", "end", "hours_per_week"}
_AGENT = {"id", "team", "interests", "history", "pinned"}


def read_rotation_problem(data: Any) -> RotationProblem:
    """Build a problem from parsed JSON, or raise InvalidInput naming every faulty place."""
    r = Reader()
    if not r.check_keys(data, "", _TOP, {"departments", "agents"}):
        r.raise_if_any("The rotation problem")
    term_id = ""
    if "term" in data and r.check_keys(data["term"], "term", _TERM):
        term = data["term"]
        term_id = str(term.get("id", ""))
        start = r.date(term["start"], "term.start") if "start" in term else None
        end = r.date(term["end"], "term.end") if "end" in term else None
        if start and end and end < start:
            r.fail("term", f"ends ({end}) before it starts ({start})")
        if "hours_per_week" in term:
            r.number(term["hours_per_week"], "term.hours_per_week")
    capacities: dict[str, int] = {}
    if not isinstance(data.get("departments"), list):
        r.fail("departments", "must be a list")
    else:
        for i, d in enumerate(data["departments"]):
            path = f"departments[{i}]"
            if not r.check_keys(d, path, {"id", "capacity"}, {"id", "capacity"}):
                continue
            dept = r.identifier(d.get("id"), f"{path}.id")
            capacity = d.get("capacity")
            if isinstance(capacity, int) and not isinstance(capacity, bool) and capacity < 0:
                r.fail(f"department {dept}", f"capacity {capacity} is negative")
                capacity = 0
            else:
                capacity = r.integer(capacity, f"{path}.capacity")
            if dept in capacities:
                r.fail("departments", f"department id {dept} is listed twice")
            capacities[dept] = capacity
    limit = data.get("max_per_team_per_department")
    max_per_team = None if limit is None else r.integer(limit, "max_per_team_per_department")
    agents: list[RotationAgent] = []
    seen: set[str] = set()
    for path, a in r.items(data, "agents", _AGENT, {"id", "team"}):
        agent_id = r.identifier(a.get("id"), f"{path}.id")
        if agent_id in seen:
            r.fail("agents", f"agent id {agent_id} is listed twice")
        seen.add(agent_id)
        pinned = a.get("pinned")
        if pinned is not None and not isinstance(pinned, str):
            r.fail(f"{path}.pinned", "must be a department id or null")
            pinned = None
        agents.append(
            RotationAgent(
                id=agent_id,
                team=r.identifier(a.get("team"), f"{path}.team"),
                interests=tuple(r.strings(a.get("interests"), f"{path}.interests")),
                history=frozenset(r.strings(a.get("history"), f"{path}.history")),
                pinned=pinned,
            )
        )
    r.raise_if_any("The rotation problem")
    for a in agents:
        if a.pinned is not None and a.pinned not in capacities:
            r.fail(f"agent {a.id}", f"is pinned to department {a.pinned}, which is not listed")
    r.raise_if_any("The rotation problem")
    return RotationProblem(term_id, capacities, tuple(agents), max_per_team)


def assign_rotations(problem: RotationProblem) -> RotationPlan:
    started = time.perf_counter()
    pinned = [a for a in problem.agents if a.pinned is not None]
    broken = _broken_pins(problem, pinned)
    if broken:
        return RotationPlan("infeasible", [], broken, None, time.perf_counter() - started)
    room = dict(problem.capacities)
    team_room: dict[tuple[str, str], int] = defaultdict(
        lambda: problem.max_per_team if problem.max_per_team is not None else len(problem.agents)
    )
    assignments: dict[str, str] = {}
    for a in pinned:
        assert a.pinned is not None
        assignments[a.id] = a.pinned
        room[a.pinned] -= 1
        team_room[(a.team, a.pinned)] -= 1
    free = [a for a in problem.agents if a.pinned is None]
    assignments.update(_max_flow_min_cost(problem, free, room, team_room))
    plan = [(a.id, assignments[a.id]) for a in problem.agents if a.id in assignments]
    by_id = {a.id: a for a in problem.agents}
    used = Counter(dept for _, dept in plan)
    used_team = Counter((by_id[agent_id].team, dept) for agent_id, dept in plan)
    unassigned = [
        (a.id, unassigned_reason(problem, a, used, used_team))
        for a in problem.agents
        if a.id not in assignments
    ]
    score = sum(problem.points(by_id[a], d) for a, d in plan)
    return RotationPlan("optimal", plan, unassigned, score, time.perf_counter() - started)


def _broken_pins(problem: RotationProblem, pinned: list[RotationAgent]) -> list[tuple[str, str]]:
    """Each pin that breaks a hard rule, with the rule it breaks."""
    broken: list[tuple[str, str]] = []
    by_dept: dict[str, list[RotationAgent]] = defaultdict(list)
    by_team_dept: dict[tuple[str, str], list[RotationAgent]] = defaultdict(list)
    for a in pinned:
        assert a.pinned is not None
        if a.pinned not in problem.allowed(a):
            broken.append(
                (
                    a.id,
                    f"pinned to {a.pinned}, which is in their history and they have not yet seen every department",
                )
            )
            continue
        by_dept[a.pinned].append(a)
        by_team_dept[(a.team, a.pinned)].append(a)
    for dept, agents in by_dept.items():
        if len(agents) > problem.capacities[dept]:
            for a in agents:
                broken.append(
                    (
                        a.id,
                        f"pinned to {dept}, which takes {problem.capacities[dept]} agent(s) but has {len(agents)} pins",
                    )
                )
    limit = problem.max_per_team
    if limit is not None:
        for (team, dept), agents in by_team_dept.items():
            if len(agents) > limit:
                for a in agents:
                    if not any(b[0] == a.id for b in broken):
                        broken.append(
                            (
                                a.id,
                                f"pinned to {dept} with {len(agents)} pins from team {team}, over the limit of {limit} per team",
                            )
                        )
    order = {a.id: i for i, a in enumerate(problem.agents)}
    return sorted(broken, key=lambda b: order[b[0]])


def _max_flow_min_cost(
    problem: RotationProblem,
    agents: list[RotationAgent],
    room: dict[str, int],
    team_room: dict[tuple[str, str], int],
) -> dict[str, str]:
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    node = 2
    agent_node: dict[str, int] = {}
    dept_node: dict[str, int] = {}
    pair_node: dict[tuple[str, str], int] = {}
    for dept in problem.capacities:
        dept_node[dept] = node
        node += 1
        if room[dept] > 0:
            flow.add_arc_with_capacity_and_unit_cost(dept_node[dept], sink, room[dept], 0)
    arcs: list[tuple[int, str, str]] = []
    for a in agents:
        choices = [d for d in problem.allowed(a) if room[d] > 0]
        if not choices:
            continue
        agent_node[a.id] = node
        node += 1
        flow.add_arc_with_capacity_and_unit_cost(source, agent_node[a.id], 1, 0)
        for dept in choices:
            key = (a.team, dept)
            if key not in pair_node:
                if team_room[key] <= 0:
                    continue
                pair_node[key] = node
                node += 1
                flow.add_arc_with_capacity_and_unit_cost(
                    node - 1, dept_node[dept], team_room[key], 0
                )
            arc = flow.add_arc_with_capacity_and_unit_cost(
                agent_node[a.id], pair_node[key], 1, -problem.points(a, dept)
            )
            arcs.append((arc, a.id, dept))
    if not arcs:
        return {}
    flow.set_node_supply(source, len(agent_node))
    flow.set_node_supply(sink, -len(agent_node))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return {agent: dept for arc, agent, dept in arcs if flow.flow(arc) > 0}


def unassigned_reason(
    problem: RotationProblem,
    agent: RotationAgent,
    used: dict[str, int],
    used_team: dict[tuple[str, str], int],
) -> str:
    """Why `agent` has no department in a maximal plan, in words a team lead can check."""
    if not problem.capacities or all(c == 0 for c in problem.capacities.values()):
        return "no department takes ambassadors this term"
    allowed = problem.allowed(agent)
    open_depts = [d for d in problem.capacities if used[d] < problem.capacities[d]]
    if not [d for d in allowed if d in open_depts]:
        if open_depts:
            return "every department with room is in their history: " + ", ".join(open_depts)
        return "every department is full: " + ", ".join(
            f"{d} ({problem.capacities[d]})" for d in problem.capacities
        )
    with_room = [d for d in allowed if d in open_depts]
    return (
        f"the departments open to them that still have room ({', '.join(with_room)}) already take "
        f"{problem.max_per_team} agents of team {agent.team}, the limit per team"
    )
