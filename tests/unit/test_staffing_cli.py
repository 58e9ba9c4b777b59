"""`headway staffing`: the contract of shared/spec/CLI.md on files (exit codes, lines, flags)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.cli import main

EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples" / "staffing"
HEADER = "team,date,start,contacts,aht_seconds\n"


def run(tmp_path: Path, text: str | bytes, *flags: str) -> tuple[int, Path]:
    source, target = tmp_path / "forecast.csv", tmp_path / "floors.json"
    if isinstance(text, str):
        source.write_text(text, encoding="utf-8", newline="")
    else:
        source.write_bytes(text)
    code = main(["staffing", "--forecast", str(source), "--output", str(target), *flags])
    return code, target


def floors(path: Path) -> list[dict[str, object]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["floors"])


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="shared/spec is not beside the repository")
def test_the_public_example_gives_exactly_the_expected_floors(tmp_path: Path) -> None:
    flags = (EXAMPLE / "flags.txt").read_text().split()
    target = tmp_path / "floors.json"
    code = main(
        ["staffing", "--forecast", str(EXAMPLE / "forecast.csv"), "--output", str(target), *flags]
    )
    assert code == 0
    assert json.loads(target.read_text()) == json.loads((EXAMPLE / "expected.json").read_text())


def test_defaults_are_80_in_20_seconds_and_30_percent_shrinkage(tmp_path: Path) -> None:
    # 10 contacts of 300 s in 30 minutes: 1.67 Erlangs, 4 agents for 80 % in 20 s (by hand from
    # Erlang C: 3 agents answer 74.5 %); 4 / 0.7 = 5.71, so a floor of 6.
    code, out = run(tmp_path, HEADER + "T,2027-03-01,10:00,10,300\n")
    assert code == 0
    assert floors(out) == [
        {"team": "T", "date": "2027-03-01", "agents_needed": 4, "peak_start": "10:00", "floor": 6}
    ]


def test_the_busiest_interval_wins_and_the_earliest_start_breaks_a_tie(tmp_path: Path) -> None:
    rows = [
        "T,2027-03-01,14:00,10,300",
        "T,2027-03-01,09:30,10,300",
        "T,2027-03-01,11:00,2,300",
        "T,2027-03-02,08:00,0,300",
        "T,2027-03-02,07:30,0,300",
        "S,2027-03-01,12:00,40,300",
    ]
    code, out = run(tmp_path, HEADER + "\n".join(rows) + "\n")
    assert code == 0
    got = [
        (f["team"], f["date"], f["peak_start"], f["agents_needed"], f["floor"]) for f in floors(out)
    ]
    assert got == [
        ("S", "2027-03-01", "12:00", 10, 15),
        ("T", "2027-03-01", "09:30", 4, 6),
        ("T", "2027-03-02", "07:30", 0, 0),
    ]


def test_shrinkage_with_decimals_is_exact(tmp_path: Path) -> None:
    # 600 contacts of 300 s in 30 min is 100 Erlangs; with max occupancy 80 % → at least 125.
    code, out = run(
        tmp_path,
        HEADER + "T,2027-03-01,10:00,600,300\n",
        "--service-level",
        "50/60",
        "--max-occupancy",
        "80",
        "--shrinkage",
        "37.5",
    )
    assert code == 0
    [row] = floors(out)
    assert row["agents_needed"] == 125 and row["floor"] == 200  # 125 / 0.625 = 200 exactly


def test_header_in_any_order_bom_crlf_quotes_and_other_columns_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "\ufeffnote,aht_seconds,contacts,interval_minutes,start,date,team\r\n"
        '"a, ""quoted""\nnote",300,10,30,10:00,2027-03-01,"Team, A"\r\n'
        'x,300,10,15,9:00,2027-03-01,"Team, A"\r\n'
    )
    code, out = run(tmp_path, text.encode("utf-8"))
    assert code == 0, capsys.readouterr().err
    [row] = floors(out)
    assert row["team"] == "Team, A"
    assert row["peak_start"] == "09:00"  # 10 contacts in 15 minutes is busier than in 30
    assert "ignored column(s): note" in capsys.readouterr().err


def test_bad_rows_are_named_by_line_and_no_output_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        "T,2027-03-01,10:00,10,300",
        "T,2027-02-30,10:00,10,300",
        "T,2027-03-01,25:00,10,300",
        "T,2027-03-01,10:30,-1,300",
        "T,2027-03-01,11:00,2.5,300",
        "T,2027-03-01,11:30,3,0",
        ",2027-03-01,12:00,3,100",
        "T,2027-03-01,10:00,10,300",
        "T,2027-03-01,10:00,11,300",
        '"T,2027-03-01\n,12:30,1,1',
    ]
    code, out = run(tmp_path, HEADER + "\n".join(rows) + "\n")
    assert code == 1 and not out.exists()
    err = capsys.readouterr().err
    assert "line 3: bad date '2027-02-30'" in err
    assert "line 4: start '25:00' is not a time of day" in err
    assert "line 5: contacts '-1' is not a whole number" in err
    assert "line 6: contacts '2.5' is not a whole number" in err
    assert "line 7: aht_seconds 0 is out of range" in err
    assert "line 8: team missing" in err
    assert "line 9: duplicate of line 2" in err
    assert "line 10: team 'T' has the interval at 10:00 on 2027-03-01 already on line 2" in err
    assert "line 11: has 1 fields but the header has 5" in err
    assert "line 2:" not in err


def test_a_missing_column_is_line_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(tmp_path, "team,date,start,contacts\nT,2027-03-01,10:00,3\n")
    assert code == 1 and not out.exists()
    assert "line 1: missing required column(s) aht_seconds" in capsys.readouterr().err


def test_a_header_with_no_rows_gives_no_floors(tmp_path: Path) -> None:
    code, out = run(tmp_path, HEADER)
    assert code == 0 and floors(out) == []


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (("--service-level", "80"), "is not a service level"),
        (("--service-level", "100/20"), "less than 100"),
        (("--service-level", "0/20"), "more than 0"),
        (("--service-level", "80/-5"), "is not a service level"),
        (("--shrinkage", "100"), "shrinkage 100 % is out of range"),
        (("--shrinkage", "-1"), "is not a percentage for shrinkage"),
        (("--shrinkage", "thirty"), "is not a percentage for shrinkage"),
        (("--max-occupancy", "0"), "maximum occupancy 0 % is out of range"),
        (("--max-occupancy", "101"), "maximum occupancy 101 % is out of range"),
    ],
)
def test_bad_flags_get_one_sentence_and_exit_1(
    tmp_path: Path, flags: tuple[str, ...], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(tmp_path, HEADER + "T,2027-03-01,10:00,10,300\n", *flags)
    assert code == 1 and not out.exists()
    assert says in capsys.readouterr().err


def test_an_unreadable_forecast_file_is_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "floors.json"
    code = main(
        ["staffing", "--forecast", os.fspath(tmp_path / "nope.csv"), "--output", str(target)]
    )
    assert code == 1 and not target.exists()
    assert "cannot read" in capsys.readouterr().err
