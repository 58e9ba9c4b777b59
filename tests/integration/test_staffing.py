"""Forecasts in the database: the import's rules, replacing a forecast, targets, and the floors
the PD planner keeps (forecast days: Erlang C; days without a forecast: the hand-set floor)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core.models import ForecastInterval, PdDay, Role
from core.pd.coverage import coverage
from core.pd.planning import PlanSettings, plan_period
from core.platform.errors import AccessDenied, InvalidInput
from core.staffing import (
    forecast_floors,
    import_forecast,
    set_staffing_target,
    staffing_target,
)
from tests.conftest import actor_of, make_person, make_team

START, END = dt.date(2027, 1, 4), dt.date(2027, 1, 15)
HEADER = "team,date,start,contacts,aht_seconds\n"


@pytest.fixture
def org(session: Session) -> dict:
    red = make_team(session, name="Red", min_staffed=2)
    blue = make_team(session, name="Blue", min_staffed=1)
    lead = make_person(session, role=Role.TEAM_LEAD, team=red, leads=True)
    manager = make_person(session, role=Role.MANAGER)
    agents = [make_person(session, team=red, email=f"r{i}@example.com") for i in range(8)]
    return {
        "red": red,
        "blue": blue,
        "lead": actor_of(session, lead),
        "manager": actor_of(session, manager),
        "agents": agents,
    }


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_a_lead_imports_their_teams_forecast_and_a_second_import_changes_nothing(
    session: Session, org: dict
) -> None:
    data = csv("Red,2027-01-05,10:00,40,300", "Red,2027-01-05,10:30,30,300")
    first = import_forecast(session, data=data, actor=org["lead"])
    assert (first.days_added, first.days_replaced, first.days_unchanged) == (1, 0, 0)
    again = import_forecast(session, data=data, actor=org["lead"])
    assert (again.days_added, again.days_replaced, again.days_unchanged) == (0, 0, 1)
    assert len(session.exec(select(ForecastInterval)).all()) == 2


def test_a_newer_forecast_replaces_the_days_it_covers_and_keeps_who_imported_it(
    session: Session, org: dict
) -> None:
    import_forecast(
        session,
        data=csv("Red,2027-01-05,10:00,40,300", "Red,2027-01-06,10:00,40,300"),
        actor=org["lead"],
    )
    result = import_forecast(session, data=csv("Red,2027-01-05,11:00,90,300"), actor=org["manager"])
    assert (result.days_added, result.days_replaced) == (0, 1)
    rows = session.exec(select(ForecastInterval).order_by(ForecastInterval.date)).all()
    assert [(r.date.day, r.start_minute, r.contacts) for r in rows] == [(5, 660, 90), (6, 600, 40)]
    assert rows[0].imported_by_id == org["manager"].id
    assert rows[1].imported_by_id == org["lead"].id


def test_a_bad_forecast_is_refused_line_by_line_and_nothing_is_written(
    session: Session, org: dict
) -> None:
    data = csv(
        "Red,2027-01-05,10:00,40,300",
        "Blue,2027-01-05,10:00,40,300",  # not the lead's team: unknown to them
        "Nowhere,2027-01-05,10:00,40,300",
        "Red,2020-01-05,10:00,40,300",  # in the past
        "Red,2027-01-05,10:00,abc,300",
    )
    with pytest.raises(InvalidInput) as refused:
        import_forecast(session, data=data, actor=org["lead"])
    problems = refused.value.problems
    assert problems[0] == "line 3: unknown team 'Blue'"
    assert problems[1] == "line 4: unknown team 'Nowhere'"
    assert problems[2].startswith("line 5: date 2020-01-05 is in the past")
    assert problems[3].startswith("line 6: contacts 'abc' is not a number")
    assert session.exec(select(ForecastInterval)).all() == []


def test_agents_cannot_import_forecasts(session: Session, org: dict) -> None:
    with pytest.raises(AccessDenied):
        import_forecast(
            session,
            data=csv("Red,2027-01-05,10:00,40,300"),
            actor=actor_of(session, org["agents"][0]),
        )


def test_the_planner_keeps_the_forecast_floor_and_the_hand_set_floor_where_there_is_none(
    session: Session, org: dict
) -> None:
    # 60 contacts of 300 s in 30 minutes: 10 Erlangs, 14 agents for 80 % in 20 s... too many
    # for a team of 8; 9 contacts: 1.5 Erlangs → 4 agents → floor 6 at 30 % shrinkage.
    import_forecast(session, data=csv("Red,2027-01-05,10:00,9,300"), actor=org["lead"])
    floors = forecast_floors(session, team_ids=[org["red"].id], start=START, end=END)
    day = floors[org["red"].id][dt.date(2027, 1, 5)]
    assert (day.agents_needed, day.floor) == (4, 6)
    settings = PlanSettings(START, END, (org["red"].id,), 1, 14)
    outcome = plan_period(session, actor=org["lead"], settings=settings)
    assert outcome.status in ("optimal", "feasible")
    on_pd = session.exec(select(PdDay).where(PdDay.date == dt.date(2027, 1, 5))).all()
    assert len(on_pd) <= 8 - 6
    cells = {c.date: c for c in coverage(session, actor=org["lead"], settings=settings).cells}
    assert cells[dt.date(2027, 1, 5)].floor == 6
    assert cells[dt.date(2027, 1, 6)].floor == 2  # no forecast: the team's own floor


def test_a_team_override_of_the_target_changes_its_floors(session: Session, org: dict) -> None:
    import_forecast(session, data=csv("Red,2027-01-05,10:00,9,300"), actor=org["lead"])
    assert staffing_target(session, actor=org["lead"], team_id=org["red"].id).inherited
    set_staffing_target(
        session,
        actor=org["lead"],
        team_id=org["red"].id,
        service_level="80/20",
        shrinkage="50",
        max_occupancy=None,
    )
    floors = forecast_floors(session, team_ids=[org["red"].id], start=START, end=END)
    assert floors[org["red"].id][dt.date(2027, 1, 5)].floor == 8  # 4 / 0.5
    with pytest.raises(AccessDenied):
        set_staffing_target(
            session,
            actor=org["lead"],
            team_id=None,
            service_level="80/20",
            shrinkage="30",
            max_occupancy=None,
        )
    with pytest.raises(InvalidInput, match="Shrinkage"):
        set_staffing_target(
            session,
            actor=org["manager"],
            team_id=None,
            service_level="80/20",
            shrinkage="100",
            max_occupancy=None,
        )
    with pytest.raises(InvalidInput) as refused:  # every field's problem at once
        set_staffing_target(
            session,
            actor=org["manager"],
            team_id=None,
            service_level="80",
            shrinkage="100",
            max_occupancy="150",
        )
    said = str(refused.value)
    assert said.index("Service level:") < said.index("Shrinkage:") < said.index("Maximum occ")


def test_the_command_line_import_is_all_or_nothing_and_idempotent(
    sqlite_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.cli import main
    from core.platform.db import make_engine

    path = tmp_path / "cli.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    with Session(make_engine(url)) as session:
        make_team(session, name="Red")
        session.commit()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv("Red,2027-01-05,10:00,40,300", "Red,2027-01-05,10:30,30,300"))
    bad.write_bytes(csv("Red,2027-01-06,10:00,40,300", "Red,2027-01-06,10:00,41,300"))
    assert main(["import", "forecast", str(bad), "--database", url]) == 1
    assert "line 3: team 'Red' has the interval at 10:00 on 2027-01-06 already on line 2" in (
        capsys.readouterr().err
    )
    assert main(["import", "forecast", str(good), "--database", url]) == 0
    assert "2 intervals: 1 team-days added, 0 replaced, 0 already present" in (
        capsys.readouterr().out
    )
    assert main(["import", "forecast", str(good), "--database", url]) == 0
    assert "0 team-days added, 0 replaced, 1 already present" in capsys.readouterr().out
    with Session(make_engine(url)) as session:
        assert len(session.exec(select(ForecastInterval)).all()) == 2
