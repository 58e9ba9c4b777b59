"""Rotation planner: hard rules (independent validator), optimality by brute force, true reasons."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.platform.errors import InvalidInput
from core.scheduling.rotations import (
    RotationAgent,
    RotationProblem,
    assign_rotations,
    read_rotation_problem,
)
from tests.unit.validators import rotation_score, rotation_violations

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"
DEPTS = ["sales", "product", "billing"]


def solve(problem: dict[str, Any]) -> dict[str, Any]:
    return assign_rotations(read_rotation_problem(problem)).to_json()


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared/spec/examples is not beside the project")
def test_the_published_example_gives_its_stated_optimum() -> None:
    problem = json.loads((EXAMPLES / "rotation_problem.json").read_text())
    plan = solve(problem)
    assert (plan["status"], len(plan["assignments"]), plan["interest_score"]) == ("optimal", 30, 54)
    assert rotation_violations(problem, plan) == []


@st.composite
def tiny_problems(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 6))
    departments = [{"id": d, "capacity": draw(st.integers(0, 3))} for d in DEPTS]
    agents = []
    for i in range(n):
        agents.append(
            {
                "id": f"A{i}",
                "team": draw(st.sampled_from(["T1", "T2"])),
                "interests": draw(
                    st.lists(st.sampled_from([*DEPTS, "retired"]), max_size=3, unique=True)
                ),
                "history": draw(
                    st.lists(st.sampled_from([*DEPTS, "retired"]), max_size=3, unique=True)
                ),
                "pinned": None,
            }
        )
    problem: dict[str, Any] = {"departments": departments, "agents": agents}
    limit = draw(st.one_of(st.none(), st.integers(0, 2)))
    if limit is not None:
        problem["max_per_team_per_department"] = limit
    return problem


def brute_force(problem: dict[str, Any]) -> tuple[int, int]:
    best = (0, 0)
    for choice in itertools.product([None, *DEPTS], repeat=len(problem["agents"])):
        assignments = [(a["id"], d) for a, d in zip(problem["agents"], choice, strict=True) if d]
        unassigned = [
            {"agent": a["id"], "reason": ""}
            for a, d in zip(problem["agents"], choice, strict=True)
            if not d
        ]
        plan = {
            "assignments": [{"agent": a, "department": d} for a, d in assignments],
            "unassigned": unassigned,
        }
        if not rotation_violations(problem, plan):
            best = max(best, (len(assignments), rotation_score(problem, assignments)))
    return best


@settings(max_examples=80, deadline=None)
@given(tiny_problems())
def test_every_plan_keeps_every_rule_and_matches_brute_force(problem: dict[str, Any]) -> None:
    plan = solve(problem)
    assert plan["status"] == "optimal"
    assert rotation_violations(problem, plan) == []
    assert (len(plan["assignments"]), plan["interest_score"]) == brute_force(problem)
    assert_reasons_are_true(problem, plan)


def assert_reasons_are_true(problem: dict[str, Any], plan: dict[str, Any]) -> None:
    capacity = {d["id"]: d["capacity"] for d in problem["departments"]}
    used = Counter(r["department"] for r in plan["assignments"])
    agents = {a["id"]: a for a in problem["agents"]}
    team_of = {a: agents[a]["team"] for a in agents}
    per_team = Counter((team_of[r["agent"]], r["department"]) for r in plan["assignments"])
    for row in plan["unassigned"]:
        agent = agents[row["agent"]]
        history = set(agent["history"]) & set(capacity)
        allowed = set(capacity) if history == set(capacity) else set(capacity) - history
        with_room = {d for d in capacity if used[d] < capacity[d]}
        reason = row["reason"]
        if reason.startswith("every department with room is in their history"):
            assert with_room and with_room <= history
        elif reason.startswith("every department is full") or reason.startswith("no department"):
            assert not with_room
        else:
            limit = problem["max_per_team_per_department"]
            assert all(per_team[(agent["team"], d)] >= limit for d in allowed & with_room)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 10_000))
def test_benchmark_shaped_plans_keep_every_rule(seed: int) -> None:
    from bench.generators import rotation_instance

    problem = rotation_instance(300, seed=seed)
    plan = solve(problem)
    assert plan["status"] == "optimal" and rotation_violations(problem, plan) == []
    assert_reasons_are_true(problem, plan)


def test_retired_departments_in_interests_are_left_out_of_the_ranking() -> None:
    problem = {
        "departments": [{"id": "product", "capacity": 1}],
        "agents": [
            {"id": "A", "team": "T", "interests": ["retired", "product"], "history": ["retired"]}
        ],
    }
    assert solve(problem)["interest_score"] == 3


def test_an_agent_who_has_seen_every_department_may_go_anywhere_again() -> None:
    problem = {
        "departments": [{"id": "sales", "capacity": 1}, {"id": "billing", "capacity": 1}],
        "agents": [
            {"id": "A", "team": "T", "interests": ["sales"], "history": ["sales", "billing"]}
        ],
    }
    assert solve(problem)["assignments"] == [{"agent": "A", "department": "sales"}]


def test_a_pin_into_history_or_over_capacity_is_infeasible_and_named() -> None:
    problem = {
        "departments": [{"id": "sales", "capacity": 1}, {"id": "billing", "capacity": 3}],
        "agents": [
            {"id": "A", "team": "T", "history": ["sales"], "pinned": "sales"},
            {"id": "B", "team": "T", "pinned": "billing"},
            {"id": "C", "team": "T", "pinned": "billing"},
            {"id": "D", "team": "U"},
        ],
        "max_per_team_per_department": 1,
    }
    plan = solve(problem)
    assert plan["status"] == "infeasible" and plan["interest_score"] is None
    named = {row["agent"]: row["reason"] for row in plan["unassigned"]}
    assert set(named) == {"A", "B", "C"}
    assert "in their history" in named["A"] and "over the limit of 1 per team" in named["B"]


@pytest.mark.parametrize(
    "change,message",
    [
        ({"departments": [{"id": "x", "capacity": -1}]}, "department x: capacity -1 is negative"),
        (
            {"departments": [{"id": "x", "capacity": 1}, {"id": "x", "capacity": 2}]},
            "department id x is listed twice",
        ),
        (
            {"agents": [{"id": "A", "team": "T"}, {"id": "A", "team": "T"}]},
            "agent id A is listed twice",
        ),
        (
            {"agents": [{"id": "A", "team": "T", "pinned": "nowhere"}]},
            "agent A: is pinned to department nowhere, which is not listed",
        ),
        ({"extra": True}, "extra: unknown key"),
    ],
)
def test_bad_input_is_refused_naming_the_place(change: dict[str, Any], message: str) -> None:
    base = {"departments": [{"id": "x", "capacity": 1}], "agents": [{"id": "A", "team": "T"}]}
    with pytest.raises(InvalidInput) as error:
        read_rotation_problem({**base, **change})
    assert any(message in p for p in error.value.problems), error.value.problems


# --- explanations for a lead (the planner's own rules, on the final counts) ----------------------


def explained(problem: dict[str, Any]) -> dict[str, str]:
    parsed = read_rotation_problem(problem)
    plan = assign_rotations(parsed)
    placed = dict(plan.assignments)
    by_id = {a.id: a for a in parsed.agents}
    used = Counter(placed.values())
    used_team = Counter((by_id[a].team, d) for a, d in placed.items())
    return {a.id: parsed.explain(a, placed.get(a.id), used, used_team) for a in parsed.agents}


def test_an_assignment_on_a_listed_interest_says_which_choice_it_is() -> None:
    problem = {
        "departments": [{"id": "sales", "capacity": 1}, {"id": "billing", "capacity": 1}],
        "agents": [
            {"id": "A", "team": "T", "interests": ["sales", "billing"]},
            {"id": "B", "team": "U", "interests": ["sales", "billing"]},
        ],
    }
    assert sorted(explained(problem).values()) == ["1st choice", "2nd choice"]


def test_no_listed_interest_is_explained_by_history_capacity_and_team_limit() -> None:
    problem = {
        "term": {"id": "2027-Q1"},
        "departments": [
            {"id": "sales", "capacity": 1},
            {"id": "billing", "capacity": 3},
            {"id": "product", "capacity": 0},
            {"id": "other", "capacity": 5},
        ],
        "max_per_team_per_department": 1,
        "agents": [
            {"id": "A", "team": "T", "interests": ["sales"], "pinned": "sales"},
            {"id": "B", "team": "T", "interests": ["billing"], "pinned": "billing"},
            {"id": "C", "team": "T", "interests": ["retired", "sales", "billing", "product"]},
            {"id": "D", "team": "U", "interests": ["billing"], "history": ["billing"]},
            {"id": "E", "team": "U"},
        ],
    }
    why = explained(problem)
    assert why["A"] == "1st choice" and why["B"] == "1st choice"
    assert why["C"] == (
        "retired not hosting this term; sales full — capacity 1 reached; "
        "billing already takes 1 of this team, the limit; product not hosting this term"
    )
    assert why["D"] == "already visited billing"
    assert why["E"] == "listed no interests"


def test_the_history_phrase_names_the_term_of_the_visit() -> None:
    problem = read_rotation_problem(
        {"departments": [{"id": "sales", "capacity": 1}], "agents": [{"id": "A", "team": "T"}]}
    )
    agent = RotationAgent(
        "A", "T", ("sales",), frozenset({"sales"}), visits=(("sales", "2026-Q2"),)
    )
    two = RotationProblem("x", {"sales": 1, "billing": 1}, (agent,))
    assert two.out_of_reach(agent, "sales") == "already visited sales (2026-Q2)"
    # The full sentence (used to refuse an override) is the same rule in other words.
    assert two.why_not(agent, "sales") == (
        "has already been an ambassador in sales; they see the other departments first"
    )
    # Once every hosting department has been seen, any may come again.
    assert problem.out_of_reach(agent, "sales") is None


def test_a_department_filled_by_other_teams_is_full_rather_than_not_hosting() -> None:
    agent = RotationAgent("A", "T", ("sales",))
    problem = RotationProblem("x", {"sales": 0}, (agent,), taken_elsewhere={"sales": 4})
    assert problem.out_of_reach(agent, "sales") == (
        "sales full — other teams' ambassadors take its 4 places"
    )


@settings(max_examples=60, deadline=None)
@given(tiny_problems())
def test_every_agent_of_a_plan_gets_a_true_explanation(problem: dict[str, Any]) -> None:
    """A placed agent off their listed interests always has a rule that kept each one from
    them: an optimal plan never leaves a listed department with room."""
    for agent, why in explained(problem).items():
        assert why and "still has room" not in why, (agent, why)
