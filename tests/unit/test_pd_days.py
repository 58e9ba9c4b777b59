"""PD-day planner: hard rules (checked by an independent validator), optimality, explanations."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.platform.errors import InvalidInput
from core.scheduling.pd_days import plan_pd_days
from core.scheduling.pd_problem import read_pd_problem
from tests.unit.validators import pd_objective, pd_violations

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"
MONDAY = dt.date(2027, 1, 4)


def solve(problem: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return plan_pd_days(read_pd_problem(problem), processes=1, **kw).to_json()


def small_problem(
    days: int = 5,
    k: int = 1,
    gap: int = 0,
    floor: int = 1,
    agents: list[dict] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "period": {
            "start": MONDAY.isoformat(),
            "end": (MONDAY + dt.timedelta(days=days - 1)).isoformat(),
        },
        "pd_days_per_agent": k,
        "min_gap_days": gap,
        "teams": [{"id": "T1", "min_staffed": floor}],
        "agents": agents or [{"id": f"A{i}", "team": "T1"} for i in range(3)],
        **extra,
    }


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared/spec/examples is not beside the project")
def test_the_published_example_gives_its_stated_optimum() -> None:
    problem = json.loads((EXAMPLES / "pd_problem.json").read_text())
    plan = solve(problem)
    assert (plan["status"], plan["preferred_honoured"], plan["spread_cost"]) == ("optimal", 20, 54)
    assert pd_violations(problem, plan) == []


# ---------------------------------------------------------------- one test per hard rule


def test_rule_1_every_agent_gets_exactly_the_number_of_days_on_allowed_days() -> None:
    problem = small_problem(
        days=7,
        k=2,
        agents=[
            {"id": "A0", "team": "T1", "unavailable": ["2027-01-05"]},
            {"id": "A1", "team": "T1"},
            {"id": "A2", "team": "T1"},
        ],
        blackout_dates=["2027-01-06"],
    )
    plan = solve(problem)
    assert plan["status"] == "optimal" and pd_violations(problem, plan) == []
    dates = {r["date"] for r in plan["assignments"]}
    assert "2027-01-06" not in dates and "2027-01-09" not in dates and "2027-01-10" not in dates


def test_rule_2_pins_are_kept() -> None:
    problem = small_problem(
        agents=[{"id": "A0", "team": "T1", "pinned": ["2027-01-07"]}, {"id": "A1", "team": "T1"}]
    )
    plan = solve(problem)
    assert {"agent": "A0", "date": "2027-01-07"} in plan["assignments"]


def test_rule_3_days_of_one_agent_are_at_least_the_gap_apart() -> None:
    problem = small_problem(
        days=12,
        k=2,
        gap=7,
        floor=0,
        agents=[{"id": "A0", "team": "T1", "preferred": ["2027-01-04", "2027-01-05"]}],
    )
    plan = solve(problem)
    days = sorted(dt.date.fromisoformat(r["date"]) for r in plan["assignments"])
    assert (days[1] - days[0]).days >= 7
    assert plan["preferred_honoured"] == 1


def test_rule_4_the_floor_holds_and_a_day_already_short_through_leave_takes_no_pd_day() -> None:
    agents = [
        {"id": f"A{i}", "team": "T1", "unavailable": ["2027-01-04"] if i < 2 else []}
        for i in range(4)
    ]
    problem = small_problem(days=5, k=1, floor=3, agents=agents)
    plan = solve(problem)
    assert plan["status"] == "optimal" and pd_violations(problem, plan) == []
    assert all(r["date"] != "2027-01-04" for r in plan["assignments"])


# ---------------------------------------------------------------- objective


def test_preferred_dates_come_before_previous_days_and_previous_before_spread() -> None:
    agents = [
        {"id": "A0", "team": "T1", "preferred": ["2027-01-05"], "previous": ["2027-01-06"]},
        {"id": "A1", "team": "T1", "previous": ["2027-01-05"]},
    ]
    plan = solve(small_problem(days=5, k=1, floor=0, agents=agents))
    assert plan["preferred_honoured"] == 1 and plan["previous_kept"] == 1
    assert plan["spread_cost"] == 4  # both on the 5th: keeping A1's previous day beats spreading


@st.composite
def tiny_problems(draw: st.DrawFn) -> dict[str, Any]:
    days = draw(st.integers(4, 9))
    k = draw(st.integers(1, 2))
    n = draw(st.integers(1, 3))
    period = [MONDAY + dt.timedelta(days=i) for i in range(days)]
    iso = [d.isoformat() for d in period]
    agents = []
    for i in range(n):
        agents.append(
            {
                "id": f"A{i}",
                "team": "T1",
                "unavailable": draw(st.lists(st.sampled_from(iso), max_size=2, unique=True)),
                "preferred": draw(st.lists(st.sampled_from(iso), max_size=3, unique=True)),
                "previous": draw(st.lists(st.sampled_from(iso), max_size=2, unique=True)),
            }
        )
    return {
        "period": {"start": iso[0], "end": iso[-1]},
        "pd_days_per_agent": k,
        "min_gap_days": draw(st.integers(0, 4)),
        "blackout_dates": draw(st.lists(st.sampled_from(iso), max_size=1)),
        "teams": [
            {
                "id": "T1",
                "min_staffed": draw(st.integers(0, n)),
                "min_staffed_by_date": {iso[0]: draw(st.integers(0, n))},
            }
        ],
        "agents": agents,
    }


def brute_force(problem: dict[str, Any]) -> tuple[int, int, int] | None:
    """The best (preferred, previous, -spread) over every combination of days, or None."""
    iso_days = []
    day = dt.date.fromisoformat(problem["period"]["start"])
    while day <= dt.date.fromisoformat(problem["period"]["end"]):
        iso_days.append(day)
        day += dt.timedelta(days=1)
    k = problem["pd_days_per_agent"]
    options = [list(itertools.combinations(iso_days, k)) for _ in problem["agents"]]
    best = None
    for combo in itertools.product(*options):
        assignments = [
            (a["id"], d) for a, days in zip(problem["agents"], combo, strict=True) for d in days
        ]
        plan = {"assignments": [{"agent": a, "date": d.isoformat()} for a, d in assignments]}
        if pd_violations(problem, plan):
            continue
        pref, prev, spread = pd_objective(problem, assignments)
        if best is None or (pref, prev, -spread) > best:
            best = (pref, prev, -spread)
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_every_plan_keeps_every_rule_and_is_as_good_as_brute_force(problem: dict[str, Any]) -> None:
    plan = solve(problem)
    best = brute_force(problem)
    if best is None:
        assert plan["status"] == "infeasible" and plan["conflicts"]
        assert all(c["team"] == "T1" for c in plan["conflicts"])
        return
    assert plan["status"] == "optimal"
    assert pd_violations(problem, plan) == []
    assert (plan["preferred_honoured"], plan["previous_kept"], -plan["spread_cost"]) == best


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 10_000))
def test_benchmark_shaped_plans_keep_every_rule(seed: int) -> None:
    from bench.generators import pd_instance

    problem = pd_instance(40, seed=seed)
    plan = solve(problem, time_limit=20)
    assert plan["status"] in ("optimal", "feasible")
    assert pd_violations(problem, plan) == []


# ---------------------------------------------------------------- explanations and bad input


def test_a_team_without_enough_slots_is_explained_in_plain_words_and_no_other_team_is_blamed() -> (
    None
):
    problem = {
        "period": {"start": "2027-01-04", "end": "2027-01-08"},
        "pd_days_per_agent": 2,
        "teams": [{"id": "T1", "min_staffed": 1}, {"id": "T3", "min_staffed": 9}],
        "agents": [{"id": f"A{i}", "team": "T1"} for i in range(3)]
        + [{"id": f"B{i}", "team": "T3"} for i in range(10)],
    }
    plan = solve(problem)
    assert plan["status"] == "infeasible" and plan["assignments"] == []
    assert plan["preferred_honoured"] is None and plan["spread_cost"] is None
    assert [c["team"] for c in plan["conflicts"]] == ["T3"]
    assert plan["conflicts"][0]["reason"].startswith(
        "team T3 needs 9 of its 10 agents on the phones every day, so at most 1 can be away; "
        "its agents need 20 PD days but the period has 5 free PD-day slots on its 5 plannable days"
    )


def test_a_pin_on_a_day_without_room_is_infeasible_and_names_the_pin() -> None:
    agents = [
        {"id": "A0", "team": "T1", "pinned": ["2027-01-05"]},
        {"id": "A1", "team": "T1", "pinned": ["2027-01-05"]},
        {"id": "A2", "team": "T1"},
    ]
    plan = solve(small_problem(days=5, k=1, floor=2, agents=agents))
    assert plan["status"] == "infeasible"
    named = {(c["agent"], tuple(c["dates"])) for c in plan["conflicts"]}
    assert ("A0", ("2027-01-05",)) in named and ("A1", ("2027-01-05",)) in named


def test_a_shortfall_that_counting_cannot_see_names_the_short_dates() -> None:
    # A0 and A1 can only take the 4th and the 7th (3 days apart), which have room for one agent
    # each: slots (10) and each agent's own room pass the counting checks; together they fail.
    only = {"2027-01-04", "2027-01-07"}
    weekdays = [(MONDAY + dt.timedelta(days=i)).isoformat() for i in range(12)]
    blocked = [d for d in weekdays if d not in only]
    agents = [{"id": f"A{i}", "team": "T1", "unavailable": blocked} for i in range(2)] + [
        {"id": "A2", "team": "T1"}
    ]
    problem = small_problem(days=12, k=2, gap=3, floor=0, agents=agents)
    problem["teams"][0]["min_staffed_by_date"] = {"2027-01-04": 2, "2027-01-07": 2}
    plan = solve(problem)
    assert plan["status"] == "infeasible"
    [conflict] = plan["conflicts"]
    assert conflict["team"] == "T1" and conflict["agent"] is None
    assert set(conflict["dates"]) <= only and conflict["dates"]
    assert (
        "short by" in conflict["reason"] and "lower the floor on those days" in conflict["reason"]
    )


@pytest.mark.parametrize(
    "change,message",
    [
        ({"bogus": 1}, "bogus: unknown key"),
        ({"agents": [{"id": "A0", "team": "T9"}]}, "agent A0: team T9 is not listed in teams"),
        (
            {"agents": [{"id": "A0", "team": "T1"}, {"id": "A0", "team": "T1"}]},
            "agent id A0 is listed twice",
        ),
        (
            {"agents": [{"id": "A0", "team": "T1", "pinned": ["2027-02-01"]}]},
            "agent A0, pinned 2027-02-01: is outside the period",
        ),
        (
            {"agents": [{"id": "A0", "team": "T1", "pinned": ["2027-01-09"]}]},
            "agent A0, pinned 2027-01-09: is a Saturday",
        ),
        (
            {
                "agents": [
                    {
                        "id": "A0",
                        "team": "T1",
                        "pinned": ["2027-01-05"],
                        "unavailable": ["2027-01-05"],
                    }
                ]
            },
            "is a day the agent is unavailable",
        ),
        (
            {"agents": [{"id": "A0", "team": "T1", "pinned": ["2027-01-05", "2027-01-06"]}]},
            "has 2 pinned days but each agent gets 1",
        ),
        (
            {"agents": [{"id": "A0", "team": "T1", "unavailable": ["05/01/2027"]}]},
            "agents[0].unavailable[0]: '05/01/2027' is not a date",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_place(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        read_pd_problem({**small_problem(days=7), **change})
    assert any(message in p for p in error.value.problems), error.value.problems
