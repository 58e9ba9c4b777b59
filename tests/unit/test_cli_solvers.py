"""`headway plan-pd` and `headway assign-rotations`: exit codes and output files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main


def run(tmp_path: Path, command: str, problem: object) -> tuple[int, Path]:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(problem) if not isinstance(problem, str) else problem)
    return main([command, "--input", str(source), "--output", str(target)]), target


PD = {
    "period": {"start": "2027-01-04", "end": "2027-01-08"},
    "pd_days_per_agent": 1,
    "teams": [{"id": "T1", "min_staffed": 1}],
    "agents": [{"id": "A1", "team": "T1"}, {"id": "A2", "team": "T1"}],
}


def test_a_solvable_pd_problem_exits_0_with_a_plan(tmp_path: Path) -> None:
    code, out = run(tmp_path, "plan-pd", PD)
    assert code == 0 and json.loads(out.read_text())["status"] == "optimal"


def test_an_infeasible_pd_problem_exits_2_and_still_writes_the_conflicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(tmp_path, "plan-pd", {**PD, "teams": [{"id": "T1", "min_staffed": 2}]})
    assert code == 2
    assert json.loads(out.read_text())["conflicts"][0]["team"] == "T1"
    assert "team T1" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["plan-pd", "assign-rotations"])
def test_bad_input_exits_1_names_the_place_and_writes_no_file(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(tmp_path, command, '{"agents": [], "oops": 1')
    assert code == 1 and not out.exists()
    assert "not valid JSON: line 1" in capsys.readouterr().err
    code, out = run(
        tmp_path, command, {"agents": [], "teams": [], "departments": [], "surprise": 1}
    )
    assert code == 1 and not out.exists()
    assert "surprise: unknown key" in capsys.readouterr().err


def test_a_rotation_problem_exits_0_with_every_agent_listed_once(tmp_path: Path) -> None:
    problem = {
        "departments": [{"id": "sales", "capacity": 1}],
        "agents": [{"id": "A", "team": "T", "interests": ["sales"]}, {"id": "B", "team": "T"}],
    }
    code, out = run(tmp_path, "assign-rotations", problem)
    plan = json.loads(out.read_text())
    assert code == 0 and plan["assignments"] == [{"agent": "A", "department": "sales"}]
    assert plan["unassigned"] == [{"agent": "B", "reason": "every department is full: sales (1)"}]
