"""Plan validators written apart from the solvers: they re-read the raw JSON problem and check
every hard rule of the CLI contract directly, sharing no code with core.scheduling."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def pd_violations(problem: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    start, end = _d(problem["period"]["start"]), _d(problem["period"]["end"])
    weekdays = set(problem.get("working_weekdays", [0, 1, 2, 3, 4]))
    blackout = {_d(x) for x in problem.get("blackout_dates", [])}
    k = problem["pd_days_per_agent"]
    gap = problem.get("min_gap_days", 0)
    teams = {t["id"]: t for t in problem["teams"]}
    agents = {a["id"]: a for a in problem["agents"]}
    days_of: dict[str, list[dt.date]] = defaultdict(list)
    for row in plan["assignments"]:
        days_of[row["agent"]].append(_d(row["date"]))
    problems = []

    def plannable(team: dict[str, Any], day: dt.date) -> bool:
        team_blackout = {_d(x) for x in team.get("blackout_dates", [])}
        return (
            start <= day <= end
            and day.weekday() in weekdays
            and day not in blackout
            and day not in team_blackout
        )

    for agent_id, agent in agents.items():
        team = teams[agent["team"]]
        mine = sorted(days_of.get(agent_id, []))
        unavailable = {_d(x) for x in agent.get("unavailable", [])}
        if len(mine) != k or len(set(mine)) != k:
            problems.append(f"{agent_id} has {len(mine)} PD days, not {k}")
        for day in mine:
            if not plannable(team, day) or day in unavailable:
                problems.append(f"{agent_id} has a PD day on {day}, which is not allowed")
        for pin in agent.get("pinned", []):
            if _d(pin) not in mine:
                problems.append(f"{agent_id} lost the pin {pin}")
        for a, b in zip(mine, mine[1:], strict=False):
            if (b - a).days < gap:
                problems.append(f"{agent_id} has PD days {a} and {b} closer than {gap}")
    for team_id, team in teams.items():
        members = [a for a in agents.values() if a["team"] == team_id]
        day = start
        while day <= end:
            if plannable(team, day):
                floor = team.get("min_staffed_by_date", {}).get(
                    day.isoformat(), team.get("min_staffed", 0)
                )
                available = [a for a in members if day.isoformat() not in a.get("unavailable", [])]
                away = sum(1 for a in members if day in days_of.get(a["id"], []))
                if away and len(available) - away < floor:
                    problems.append(
                        f"team {team_id} on {day}: {len(available) - away} working, floor {floor}"
                    )
            day += dt.timedelta(days=1)
    return problems


def pd_objective(
    problem: dict[str, Any], assignments: list[tuple[str, dt.date]]
) -> tuple[int, int, int]:
    agents = {a["id"]: a for a in problem["agents"]}
    pref = sum(1 for a, d in assignments if d.isoformat() in agents[a].get("preferred", []))
    prev = sum(1 for a, d in assignments if d.isoformat() in agents[a].get("previous", []))
    load = Counter((agents[a]["team"], d) for a, d in assignments)
    return pref, prev, sum(n * n for n in load.values())


def rotation_violations(problem: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    capacity = {d["id"]: d["capacity"] for d in problem["departments"]}
    limit = problem.get("max_per_team_per_department")
    agents = {a["id"]: a for a in problem["agents"]}
    problems = []
    placed = Counter(row["agent"] for row in plan["assignments"])
    listed = Counter(
        [r["agent"] for r in plan["assignments"]] + [r["agent"] for r in plan["unassigned"]]
    )
    if set(listed) != set(agents) or any(n != 1 for n in listed.values()):
        problems.append("not every agent appears exactly once")
    if any(n > 1 for n in placed.values()):
        problems.append("an agent is in two departments")
    per_dept = Counter(row["department"] for row in plan["assignments"])
    for dept, n in per_dept.items():
        if dept not in capacity or n > capacity[dept]:
            problems.append(f"{dept} takes {n} > capacity")
    per_team = Counter((agents[r["agent"]]["team"], r["department"]) for r in plan["assignments"])
    if limit is not None:
        problems += [f"{t}/{d} takes {n} > {limit}" for (t, d), n in per_team.items() if n > limit]
    for row in plan["assignments"]:
        agent = agents[row["agent"]]
        history = set(agent.get("history", [])) & set(capacity)
        if row["department"] in history and history != set(capacity):
            problems.append(f"{agent['id']} returns to {row['department']}")
    for agent in agents.values():
        if (
            agent.get("pinned")
            and {"agent": agent["id"], "department": agent["pinned"]} not in plan["assignments"]
        ):
            problems.append(f"{agent['id']} lost the pin")
    return problems


def rotation_score(problem: dict[str, Any], assignments: list[tuple[str, str]]) -> int:
    listed = {d["id"] for d in problem["departments"]}
    agents = {a["id"]: a for a in problem["agents"]}
    total = 0
    for agent_id, dept in assignments:
        ranked = [d for d in dict.fromkeys(agents[agent_id].get("interests", [])) if d in listed]
        if dept in ranked[:3]:
            total += 3 - ranked.index(dept)
    return total
