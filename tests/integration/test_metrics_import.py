"""`headway import metrics` and its service: all-or-nothing, line-numbered, idempotent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlmodel import Session, func, select

from core.cli import main
from core.metrics.imports import check_metrics_csv, import_metrics, refused_rows_csv
from core.models import Observation, Role
from core.platform.csvio import line_of
from core.platform.errors import AccessDenied, InvalidInput
from tests.conftest import actor_of, make_person, make_team
from tests.unit.csv_strategies import CSV_BYTES

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"
HEADER = "agent_email,date,metric,value,source,reference\n"


@pytest.fixture
def agents(session: Session) -> None:
    team = make_team(session)
    make_person(session, team=team, email="agent@example.com")
    make_person(session, team=make_team(session), email="agent2@example.com")


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Observation)).one()


def test_a_good_file_adds_its_rows_and_a_second_run_adds_none(
    session: Session, agents: None
) -> None:
    data = (
        (EXAMPLES / "metrics_good.csv").read_bytes()
        if EXAMPLES.exists()
        else (HEADER + "agent@example.com,2026-10-01,qa_score,87.5,maestroqa,EV-1001\n").encode()
    )
    first = import_metrics(session, data=data)
    second = import_metrics(session, data=data)
    assert first.added > 0 and first.already_present == 0
    assert (second.added, second.already_present) == (0, first.added)
    assert count(session) == first.added


def test_a_bad_file_writes_nothing_and_names_each_bad_line(session: Session, agents: None) -> None:
    data = (
        HEADER
        + "agent@example.com,2026-10-01,qa_score,87.5,maestroqa,EV-1001\n"
        + "nobody@example.com,2026-10-01,csat,4.6,survey,\n"
        + "agent@example.com,2026-13-45,fcr,0.78,telephony,\n"
        + "agent@example.com,2026-10-02,happiness,3,telephony,\n"
        + "agent2@example.com,2026-10-02,qa_score,140,maestroqa,EV-1002\n"
        + "AGENT@example.com,2026-10-01,qa_score,87.5,maestroqa,EV-1001\n"
        + "agent@example.com,2026-12-01,csat,4,survey,\n"
        + "agent@example.com,2026-10-03,csat,,survey,\n"
        + "agent@example.com,2026-10-03,aht_seconds,1e308,t,\n"
        + "agent@example.com,2026-10-03,fcr,lots,t,\n"
    ).encode()
    with pytest.raises(InvalidInput) as error:
        import_metrics(session, data=data)
    lines = [p.split(":")[0] for p in error.value.problems]
    assert lines == [f"line {n}" for n in range(3, 12)]
    problems = "\n".join(error.value.problems)
    for expected in (
        "line 3: unknown agent",
        "line 4: bad date",
        "line 5: unknown metric",
        "line 6: qa_score 140 is out of range",
        "line 7: duplicate of line 2",
        "line 8: date 2026-12-01 is after today",
        "line 9: value missing",
        "line 10: aht_seconds 1e308 is out of range",
        "line 11: value 'lots' is not a number",
    ):
        assert expected in problems
    assert count(session) == 0


def test_bom_crlf_quoted_newlines_any_column_order_and_extra_columns_are_accepted(
    session: Session, agents: None
) -> None:
    data = (
        "\ufeffvalue,comment,metric,agent_email,reference,date\r\n"
        '4.5,"a note, with ""quotes""\r\nand a new line",csat,agent@example.com,=cmd(),2026-10-01\r\n'
        "0.8,,fcr,Agent2@Example.com,,2026-10-02\r\n"
    ).encode()
    result = import_metrics(session, data=data)
    assert result.added == 2 and result.ignored_columns == ["comment"]
    references = set(session.exec(select(Observation.reference)).all())
    assert references == {"=cmd()", ""}


def test_a_stored_row_with_another_value_is_a_conflict(session: Session, agents: None) -> None:
    import_metrics(session, data=(HEADER + "agent@example.com,2026-10-01,csat,4.5,s,R1\n").encode())
    check = check_metrics_csv(
        session, data=(HEADER + "agent@example.com,2026-10-01,csat,4.0,s,R1\n").encode()
    )
    assert check.problems == [
        "line 2: a stored csat for this agent on 2026-10-01 with reference 'R1' has the value 4.5, not 4"
    ]


@pytest.mark.parametrize(
    "data,problem",
    [
        (b"", "line 1: the file is empty"),
        (
            b"agent_email,date,value\nagent@example.com,2026-10-01,3\n",
            "line 1: missing required column(s) metric",
        ),
        (
            "agent_email,date,metric,value\nJos\u00e9@example.com,2026-10-01,csat,4\n".encode(
                "latin-1"
            ),
            "line 2: the file is not UTF-8",
        ),
    ],
)
def test_hostile_files_get_a_line_numbered_error(
    session: Session, agents: None, data: bytes, problem: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        import_metrics(session, data=data)
    assert any(p.startswith(problem) for p in [str(error.value), *error.value.problems])


def test_a_header_without_rows_adds_nothing(session: Session, agents: None) -> None:
    assert import_metrics(session, data=HEADER.encode()).added == 0


def test_a_lead_imports_only_for_their_team_and_an_agent_not_at_all(session: Session) -> None:
    red, blue = make_team(session, name="Red"), make_team(session, name="Blue")
    lead = make_person(session, role=Role.TEAM_LEAD, team=red, leads=True)
    make_person(session, team=red, email="mine@example.com")
    stranger = make_person(session, team=blue, email="other@example.com")
    data = (
        HEADER + "mine@example.com,2026-10-01,csat,4,s,\nother@example.com,2026-10-01,csat,4,s,\n"
    ).encode()
    check = check_metrics_csv(session, data=data, actor=actor_of(session, lead))
    assert check.problems == ["line 3: unknown agent 'other@example.com'"]
    with pytest.raises(AccessDenied):
        check_metrics_csv(session, data=data, actor=actor_of(session, stranger))


def test_the_command_prints_the_summary_last_and_warns_about_ignored_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    assert main(["seed", "--database", url, "--agents", "4", "--years", "1"]) == 0
    capsys.readouterr()
    csv_file = tmp_path / "m.csv"
    csv_file.write_text(
        "agent_email,date,metric,value,extra\nagent@example.com,2026-10-01,csat,4.2,x\n"
    )
    assert main(["import", "metrics", str(csv_file), "--database", url]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines()[-1] == "added 1, already present 0"
    assert captured.err.count("extra") == 1
    csv_file.write_text("agent_email,date,metric,value\nagent@example.com,2026-10-01,csat,9\n")
    assert main(["import", "metrics", str(csv_file), "--database", url]) == 1
    assert "line 2: csat 9 is out of range" in capsys.readouterr().err


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=CSV_BYTES)
def test_any_bytes_are_imported_or_refused_with_invalid_input_never_another_error(
    session: Session, agents: None, data: bytes
) -> None:
    before = count(session)
    try:
        with session.begin_nested():
            import_metrics(session, data=data)
    except InvalidInput as exc:
        assert all(p.startswith("line ") for p in exc.problems)
        assert count(session) == before  # all or nothing


def test_underscored_infinite_and_ancient_values_are_refused_and_every_bad_row_is_named(
    session: Session, agents: None
) -> None:
    data = (
        HEADER
        + "agent@example.com,2026-10-01,aht_seconds,3_0_0,t,\n"
        + "agent@example.com,2026-10-01,csat,4,survey\n"
        + "agent@example.com,0001-01-01,csat,4,survey,\n"
        + "agent@example.com,2026-10-02,csat,nan,survey,\n"
        + "agent@example.com,2026-10-03,aht_seconds,1e400,t,\n"
        + "agent@example.com,2026-10-04,csat,4,survey,\n"
    ).encode()
    with pytest.raises(InvalidInput) as error:
        import_metrics(session, data=data)
    assert error.value.problems == [
        "line 2: value '3_0_0' is not a number (write it like 12 or 12.5)",
        "line 3: has 5 fields but the header has 6",
        "line 4: date 0001-01-01 is before 2000-01-01",
        "line 5: value 'nan' is not a number (write it like 12 or 12.5)",
        "line 6: value '1e400' is too large",
    ]
    assert count(session) == 0


def test_a_semicolon_separated_file_with_a_byte_order_mark_is_read(
    session: Session, agents: None
) -> None:
    """Excel in much of Europe saves "CSV UTF-8" with semicolons and a byte-order mark: it read
    "missing required columns" (issue 25, item 8)."""
    data = (
        "\ufeffagent_email;date;metric;value;source;reference\r\n"
        "agent@example.com;2026-10-01;csat;4,5;survey;S-1\r\n"
        "agent2@example.com;2026-10-01;fcr;0.75;telephony;\r\n"
    ).encode()
    check = check_metrics_csv(session, data=data)
    # Its columns are found; a decimal comma is named on its line, never guessed.
    assert check.problems == ["line 2: value '4,5' is not a number (write it like 12 or 12.5)"]
    assert check.preview == [
        (3, "agent2@example.com", dt.date(2026, 10, 1), "fcr", 0.75, "telephony", "")
    ]


def test_a_header_without_the_required_columns_names_the_columns_it_has(
    session: Session, agents: None
) -> None:
    data = "\ufeffEmail|Day|Metric|Score\nagent@example.com|2026-10-01|csat|4\n".encode()
    with pytest.raises(InvalidInput) as refused:
        import_metrics(session, data=data)
    [problem] = refused.value.problems
    assert problem.startswith("line 1: missing required column(s) agent_email, date, metric")
    assert "'Email|Day|Metric|Score'" in problem  # what was found, not only what is missing


def test_the_preview_names_agents_by_the_e_mail_uploaded_not_an_internal_id(
    session: Session, agents: None
) -> None:
    data = (HEADER + "Agent@Example.com,2026-10-01,csat,4.5,survey,S-1\n").encode()
    check = check_metrics_csv(session, data=data)
    assert check.preview == [
        (2, "agent@example.com", dt.date(2026, 10, 1), "csat", 4.5, "survey", "S-1")
    ]


def test_a_qa_score_for_a_team_lead_is_refused_and_other_metrics_for_them_are_not(
    session: Session, agents: None
) -> None:
    team = make_team(session)
    make_person(session, team=team, role=Role.TEAM_LEAD, leads=True, email="lead@example.com")
    data = (
        HEADER
        + "lead@example.com,2026-10-01,qa_score,90,maestroqa,EV-9\n"
        + "lead@example.com,2026-10-01,csat,4.5,survey,\n"
    ).encode()
    with pytest.raises(InvalidInput) as refused:
        import_metrics(session, data=data)
    assert refused.value.problems == [
        "line 2: unknown agent 'lead@example.com' for qa_score: this address is a team lead's, "
        "and QA scores are for agents only"
    ]
    assert count(session) == 0


def test_the_cli_refuses_a_qa_score_for_a_lead_by_line_as_the_contract_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], committed_url: str
) -> None:
    from core.platform.db import make_engine, session_scope

    with session_scope(make_engine(committed_url)) as session:
        make_person(session, role=Role.TEAM_LEAD, email="lead@example.com")
    path = tmp_path / "m.csv"
    path.write_text(HEADER + "lead@example.com,2026-10-01,qa_score,90,maestroqa,EV-9\n")
    assert main(["import", "metrics", str(path), "--database", committed_url]) == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith("line 2: unknown agent ")


def test_the_good_rows_are_imported_only_when_chosen_and_the_refused_come_back_with_reasons(
    session: Session, agents: None
) -> None:
    data = (
        HEADER
        + "agent@example.com,2026-10-01,csat,4.5,survey,S-1\n"
        + "nobody@example.com,2026-10-01,csat,4.6,survey,\n"
        + "agent2@example.com,2026-10-02,fcr,0.8,telephony,\n"
        + "agent@example.com,2026-10-03,csat,=HYPERLINK(1),survey,\n"
    ).encode()
    check = check_metrics_csv(session, data=data)
    assert (check.new_count, check.refused_lines, check.good_rows_importable) == (2, 2, True)
    with pytest.raises(InvalidInput):  # never silently: all or nothing unless chosen
        import_metrics(session, data=data)
    assert count(session) == 0
    with pytest.raises(InvalidInput, match="now checks to 2 good new row"):
        import_metrics(session, data=data, good_rows=3)  # not what the person saw
    assert count(session) == 0
    result = import_metrics(session, data=data, good_rows=2)
    assert result.added == 2 and count(session) == 2
    assert [line_of(p) for p in result.refused] == [3, 5]
    refused = refused_rows_csv(data, result.refused).decode("utf-8-sig").splitlines()
    assert refused[0] == "line,agent_email,date,metric,value,source,reference,reason"
    assert refused[1].startswith("3,nobody@example.com,2026-10-01,csat,4.6,survey,,unknown agent")
    assert refused[2].startswith("5,agent@example.com,2026-10-03,csat,'=HYPERLINK(1),survey,")
    # The same file again: its good rows are stored, only the refused lines remain.
    again = check_metrics_csv(session, data=data)
    assert (again.new_count, again.already_present, again.refused_lines) == (0, 2, 2)
    assert not again.good_rows_importable


def test_a_file_whose_header_is_wrong_offers_no_partial_import(
    session: Session, agents: None
) -> None:
    check = check_metrics_csv(session, data=b"email,date\nagent@example.com,2026-10-01\n")
    assert not check.good_rows_importable
    with pytest.raises(InvalidInput):
        import_metrics(session, data=b"email,date\nagent@example.com,2026-10-01\n", good_rows=0)
