"""Team growth on the database: scope and access, planted coaching effects, the data stamp."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from core.access import load_actor
from core.data_version import current
from core.errors import AccessDenied
from core.growth.teams import Scope, coaching_effect_tables, team_growth, visible_teams
from core.models import Person, Team
from seed.demo import seed_demo
from tests.conftest import TODAY


@pytest.fixture
def demo(session: Session) -> dict:
    seed_demo(session, agents=40, years=1, random_seed=11, today=TODAY)
    people = {p.email: p for p in session.exec(select(Person)).all()}
    return {
        "manager": load_actor(session, people["manager@example.com"].id),
        "lead": load_actor(session, people["lead@example.com"].id),
        "agent": load_actor(session, people["agent@example.com"].id),
        "teams": [t.id for t in session.exec(select(Team).order_by(Team.id)).all()],
    }


def scope(teams: list[int], metric: str = "qa_score") -> Scope:
    return Scope(TODAY - dt.timedelta(days=180), TODAY, tuple(teams), metric)


def test_a_manager_sees_every_team_and_a_lead_only_their_own(session: Session, demo: dict) -> None:
    assert set(visible_teams(session, actor=demo["manager"])) == set(demo["teams"])
    assert list(visible_teams(session, actor=demo["lead"])) == [demo["teams"][0]]
    with pytest.raises(AccessDenied):
        team_growth(session, actor=demo["lead"], scope=scope(demo["teams"]))
    with pytest.raises(AccessDenied):
        visible_teams(session, actor=demo["agent"])


def test_every_table_is_computed_for_the_scope(session: Session, demo: dict) -> None:
    bundle = team_growth(session, actor=demo["manager"], scope=scope(demo["teams"]))
    assert set(bundle.trends["team"]) and bundle.trends["mean"].between(0, 100).all()
    assert len(bundle.means) == 40
    assert {"days_since_coaching", "open_notes", "overdue_follow_ups"} <= set(
        bundle.coverage.columns
    )
    assert bundle.activity["pd_days_taken"].sum() > 0 and bundle.activity["rotations"].sum() > 0
    assert len(bundle.effects.notes) > 0
    assert set(bundle.effects.notes["verdict"]) <= {
        "improved",
        "declined",
        "no change",
        "not enough data",
    }
    # Any metric may be flagged; each flag's headline says the worsening in the metric's terms.
    assert bundle.flags and all(
        ("fell" in flag.headline) == (flag.slope_per_30_days < 0) for _, _, _, flag in bundle.flags
    )


def test_the_planted_qa_coaching_effect_is_found_on_average(session: Session, demo: dict) -> None:
    effects = coaching_effect_tables(
        session,
        actor=demo["manager"],
        scope=Scope(TODAY - dt.timedelta(days=330), TODAY, tuple(demo["teams"]), "qa_score"),
        every_focus=True,
    )
    qa = effects.by_focus[effects.by_focus["focus area"] == "QA score"]
    assert len(qa) == 1 and qa.iloc[0]["mean effect"] > 0  # planted: 0, 3 or 6 points


def test_every_write_bumps_the_data_version(session: Session, demo: dict) -> None:
    before = current(session)
    person = session.exec(select(Person).limit(1)).one()
    person.name = person.name + " Jr"
    session.add(person)
    session.flush()
    assert current(session) == before + 1
