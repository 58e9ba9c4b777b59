"""Team growth on the database: scope and access, planted coaching effects, the data stamp."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, delete, select

from core.growth.checkins import FallingCount, latest_data
from core.growth.teams import (
    Scope,
    coaching_effect_tables,
    team_growth,
    teams_scope,
    visible_teams,
)
from core.home.manager import manager_day
from core.models import Observation, Person, Team
from core.people.access import load_actor
from core.platform.data_version import current
from core.platform.errors import AccessDenied
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


def test_never_coached_agents_come_first_then_those_waiting_longest(
    session: Session, demo: dict
) -> None:
    cover = team_growth(session, actor=demo["manager"], scope=scope(demo["teams"])).coverage
    waited = cover["days_since_coaching"].tolist()
    never = cover["days_since_coaching"].isna().sum()
    assert never > 0, "the demo has agents never coached"
    assert cover["days_since_coaching"].iloc[:never].isna().all()
    assert waited[never:] == sorted(waited[never:], reverse=True)


def test_the_unfinished_last_week_is_marked_and_the_period_ends_at_the_latest_figures(
    session: Session, demo: dict
) -> None:
    assert TODAY.weekday() != 6  # a Monday: its week has just begun
    trends = team_growth(session, actor=demo["manager"], scope=scope(demo["teams"])).trends
    last_week = trends["week"].max()
    assert not trends[trends["week"] == last_week]["complete"].any()
    assert trends[trends["week"] < last_week]["complete"].all()
    assert latest_data(session, actor=demo["manager"], team_ids=demo["teams"]) == TODAY
    # Figures that stopped arriving a while ago: the period ends at the last of them.
    late = TODAY - dt.timedelta(days=61)
    session.execute(delete(Observation).where(col(Observation.date) > late))
    latest = latest_data(session, actor=demo["manager"], team_ids=demo["teams"])
    assert latest is not None and late - dt.timedelta(days=7) < latest <= late
    with pytest.raises(AccessDenied):
        latest_data(session, actor=demo["lead"], team_ids=demo["teams"])


def test_the_ranking_names_who_grows_on_the_same_tests_as_the_check_in_flags(
    session: Session, demo: dict
) -> None:
    bundle = team_growth(session, actor=demo["manager"], scope=scope(demo["teams"]))
    ranking = bundle.ranking
    assert ranking.improving and ranking.worsening, "the demo has both"
    assert ranking.falling_trends == len(bundle.flags)
    flagged = {(a, f.slope_per_30_days) for a, _, _, f in bundle.flags}
    assert flagged == {
        (g.agent_id, t.slope_per_30_days) for g in ranking.worsening for t in g.trends
    }
    ranked = [g.agent_id for g in (*ranking.improving, *ranking.steady)]
    assert len(set(ranked)) == len(ranked)
    everyone = len(bundle.means)
    moving = {g.agent_id for g in (*ranking.improving, *ranking.worsening)}
    assert len(moving) + len(ranking.steady) + len(ranking.too_little) == everyone


def test_my_day_and_team_growth_count_falling_trends_with_one_function_and_say_the_scope(
    session: Session, demo: dict
) -> None:
    """My day read "9 agents with a falling trend" (it counted trends) and Team growth, open on
    4 of the teams, "7 falling trends" as if for the organisation (issue 25, item 5)."""
    bundle = team_growth(session, actor=demo["manager"], scope=scope(demo["teams"]))
    plan = manager_day(session, actor=demo["manager"], day=TODAY)
    assert plan.falling == bundle.falling
    assert bundle.falling.trends == len(bundle.flags)
    assert bundle.falling.agents == len({a for a, _, _, _ in bundle.flags}) > 0
    assert bundle.falling.agents <= bundle.falling.trends
    n = len(demo["teams"])
    assert plan.headline()[0].endswith(f"{bundle.falling.words()} in all {n} teams you review.")
    fewer = team_growth(session, actor=demo["manager"], scope=scope(demo["teams"][:2]))
    assert fewer.falling.trends <= bundle.falling.trends
    assert teams_scope(2, n) == f"in 2 of the {n} teams you review"
    assert FallingCount(1, 1).words() == "1 falling trend among 1 agent"
