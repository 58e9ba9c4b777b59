"""Bad input anywhere on the command line is exit 1 and one sentence naming the place, never a
traceback and never an output file; a bug is exit 70 with the traceback kept in a log file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import cli
from core.cli import main
from core.platform.config import get_settings

PD = {
    "period": {"start": "2027-01-04", "end": "2027-01-08"},
    "pd_days_per_agent": 1,
    "teams": [{"id": "T1", "min_staffed": 0}],
    "agents": [{"id": "A1", "team": "T1"}],
}


def plan(tmp_path: Path, text: str, *extra: str) -> tuple[int, Path]:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(text)
    return main(["plan-pd", "--input", str(source), "--output", str(target), *extra]), target


def one_sentence(err: str) -> str:
    assert "Traceback" not in err
    return err


def test_json_nested_100000_deep_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = plan(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert code == 1 and not out.exists()
    assert "in.json is nested too deeply to read" in one_sentence(capsys.readouterr().err)


def test_a_period_ending_on_the_last_day_of_the_calendar_is_refused_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = {**PD, "period": {"start": "9999-12-01", "end": "9999-12-31"}}
    code, out = plan(tmp_path, json.dumps(problem))
    assert code == 1 and not out.exists()
    err = one_sentence(capsys.readouterr().err)
    assert "period.end: 9999-12-31 is after 2099-12-31" in err
    assert "period.start: 9999-12-01 is after 2099-12-31" in err


@pytest.mark.parametrize(
    "text,expected",
    [
        ('{"pd_days_per_agent": NaN}', "NaN is not a number JSON allows"),
        ('{"pd_days_per_agent": ' + "9" * 5000 + "}", "a number in it is too long"),
        (json.dumps({**PD, "pd_days_per_agent": 10**12}), "pd_days_per_agent: must be at most"),
        (
            json.dumps({**PD, "agents": [{"id": "A1", "team": "T1", "pinned": ["0001-01-01"]}]}),
            "agents[0].pinned[0]: 0001-01-01 is before 2000-01-01",
        ),
    ],
)
def test_numbers_and_dates_json_or_python_would_take_are_refused_by_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    code, out = plan(tmp_path, text)
    assert code == 1 and not out.exists()
    assert expected in one_sentence(capsys.readouterr().err)


@pytest.mark.parametrize("limit", ["nan", "inf", "-inf", "-1", "0", "1_0", "1e400", "86401"])
def test_a_time_limit_that_is_not_a_positive_finite_number_of_seconds_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    code, out = plan(tmp_path, json.dumps(PD), f"--time-limit={limit}")
    assert code == 1 and not out.exists()
    err = one_sentence(capsys.readouterr().err)
    assert f"argument --time-limit: {limit!r} is not a number of seconds" in err


def test_a_moment_beyond_the_calendar_is_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "run-due", "--at", "9999-12-31T23:59"]) == 1
    err = one_sentence(capsys.readouterr().err)
    assert "argument --at: 9999-12-31T23:59 is out of range" in err


@pytest.mark.parametrize(
    "argv,expected",
    [
        (["seed", "--years", "100000"], "argument --years: '100000' is not a number of years"),
        (["seed", "--agents", "1_000"], "argument --agents: '1_000' is not a number of agents"),
        (["seed", "--random-seed", "-1"], "argument --random-seed"),
        (["seed", "--today", "0001-01-01"], "argument --today: date 0001-01-01 is before"),
        (
            [
                "trend-flags",
                "--observations",
                "o.csv",
                "--metric",
                "csat",
                "--output",
                "f.json",
                "--as-of",
                "2027-01-01",
                "--window",
                "99999",
            ],
            "argument --window: '99999' is not a whole number of days from 1 to 3,650",
        ),
    ],
)
def test_arguments_out_of_range_are_refused_naming_the_argument(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert main(argv) == 1
    assert expected in one_sentence(capsys.readouterr().err)


def test_a_today_pinned_outside_the_calendar_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("HEADWAY_TODAY", "0001-01-01")
    get_settings.cache_clear()
    code, _ = plan(tmp_path, json.dumps(PD))
    assert code == 1
    assert "HEADWAY_TODAY=0001-01-01 is out of range" in one_sentence(capsys.readouterr().err)


def test_an_output_that_cannot_be_written_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(PD))
    target = tmp_path / "missing" / "out.json"
    assert main(["plan-pd", "--input", str(source), "--output", str(target)]) == 1
    assert f"cannot write {target}" in one_sentence(capsys.readouterr().err)


def test_an_unexpected_error_is_one_sentence_exit_70_and_the_traceback_is_in_the_named_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: object) -> int:
        raise KeyError("a bug")

    monkeypatch.setattr(cli, "cmd_plan_pd", broken)
    code, out = plan(tmp_path, json.dumps(PD))
    err = one_sentence(capsys.readouterr().err)
    assert code == cli.EXIT_INTERNAL_ERROR == 70 and not out.exists()
    assert err.startswith("headway: internal error (KeyError)") and err.count("\n") == 1
    log_file = Path(err.strip().rsplit("details in ", 1)[1])
    try:
        logged = log_file.read_text()
        assert "Traceback" in logged and "a bug" in logged and "plan-pd" in logged
    finally:
        log_file.unlink()


# --- CSV files of the file-only commands -------------------------------------------------------


def effects(tmp_path: Path, observations: str) -> tuple[int, Path]:
    obs, notes, out = tmp_path / "obs.csv", tmp_path / "notes.csv", tmp_path / "effects.json"
    obs.write_text(observations)
    notes.write_text("note,agent,date,metric\nN1,A1,2027-01-04,qa_score\n")
    argv = ["coaching-effect", "--observations", str(obs), "--notes", str(notes)]
    return main([*argv, "--output", str(out)]), out


def test_every_bad_row_is_reported_even_after_a_row_with_the_wrong_number_of_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = effects(
        tmp_path,
        "agent,date,metric,value\n"
        "A1,2027-01-04,qa_score,3_0_0\n"
        "A1,2027-01-05,qa_score\n"
        "A1,0001-01-01,qa_score,80\n"
        "A1,2027-01-06,qa_score,nan\n"
        "A1,2027-01-07,qa_score,1e400\n"
        "A1,2027-01-08,qa_score,80\n"
        "A1,20270109,qa_score,80\n",
    )
    assert code == 1 and not out.exists()
    lines = one_sentence(capsys.readouterr().err).splitlines()
    assert [line.split(": ", 1)[1] for line in lines[1:]] == [
        "line 2: value '3_0_0' is not a number (write it like 12 or 12.5)",
        "line 3: has 3 fields but the header has 4",
        "line 4: date 0001-01-01 is before 2000-01-01",
        "line 5: value 'nan' is not a number (write it like 12 or 12.5)",
        "line 6: value '1e400' is too large",
        "line 8: bad date '20270109' (expected YYYY-MM-DD)",
    ]


def test_a_file_with_many_bad_rows_lists_the_first_50_and_counts_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"A1,2027-01-04,qa_score,x{i}\n" for i in range(60))
    code, _ = effects(tmp_path, "agent,date,metric,value\n" + rows)
    lines = capsys.readouterr().err.splitlines()
    assert code == 1 and "60 line(s) cannot be read" in lines[0]
    assert len(lines) == 1 + 50 + 1 and lines[-1] == "and 10 more problems"
