"""The ambassador programme on the database: run, override, publish, history, outcomes, access."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlmodel import Session, select

from core.calendar import add_closure
from core.errors import AccessDenied, InvalidInput
from core.exports import rotation_ics
from core.models import Assignment, Department, ProjectStatus, Role
from core.rotations.interests import interests_of, set_interests
from core.rotations.outcomes import projects, save_project, set_host_feedback
from core.rotations.planning import (
    list_assignments,
    my_rotations,
    override,
    publish_rotations,
    run_rotations,
)
from core.rotations.programme import programme
from core.rotations.terms import create_term, set_hosting
from tests.conftest import actor_of, make_person, make_team


@pytest.fixture
def world(session: Session) -> dict:
    team = make_team(session, name="Red")
    lead = make_person(session, role=Role.TEAM_LEAD, team=team, leads=True)
    manager = make_person(session, role=Role.MANAGER)
    agents = [make_person(session, team=team, email=f"r{i}@example.com") for i in range(4)]
    depts = []
    for name in ("Sales", "Product", "Billing"):
        d = Department(name=name, host_contact_name=f"{name} Host")
        session.add(d)
        depts.append(d)
    session.flush()
    m = actor_of(session, manager)
    term = create_term(
        session,
        actor=m,
        name="2027-Q1",
        start=dt.date(2027, 1, 4),
        end=dt.date(2027, 3, 26),
        max_per_team=2,
    )
    for d in depts:
        set_hosting(
            session,
            actor=m,
            term_id=term.id,
            department_id=d.id,
            capacity=2,
            weekday=2,
            start_time=dt.time(14),
            hours=2,
        )
    return {
        "team": team,
        "lead": actor_of(session, lead),
        "manager": m,
        "agents": agents,
        "depts": depts,
        "term": term,
    }


def test_agents_rank_interests_and_the_run_honours_them_within_the_rules(
    session: Session, world: dict
) -> None:
    sales, product, billing = world["depts"]
    for agent in world["agents"]:
        set_interests(
            session, actor=actor_of(session, agent), department_ids=[product.id, sales.id]
        )
    outcome = run_rotations(
        session, actor=world["lead"], term_id=world["term"].id, team_ids=[world["team"].id]
    )
    assert outcome.status == "optimal" and outcome.assigned == 4 and outcome.unassigned == []
    rows = list_assignments(
        session, actor=world["lead"], term_id=world["term"].id, team_ids=[world["team"].id]
    )
    assert sorted(r.department for r in rows) == [
        "Product",
        "Product",
        "Sales",
        "Sales",
    ]  # 2 per team per department
    assert outcome.interest_score == 2 * 3 + 2 * 2
    assert interests_of(session, actor=world["lead"], person_id=world["agents"][0].id) == [
        (1, "Product"),
        (2, "Sales"),
    ]


def test_overrides_are_validated_and_published_rotations_reach_the_agent(
    session: Session, world: dict
) -> None:
    sales, product, billing = world["depts"]
    lead, term = world["lead"], world["term"]
    run_rotations(session, actor=lead, term_id=term.id, team_ids=[world["team"].id])
    rows = list_assignments(session, actor=lead, term_id=term.id, team_ids=[world["team"].id])
    full = next(d for d in world["depts"] if sum(r.department_id == d.id for r in rows) == 2)
    mover = next(r for r in rows if r.department_id != full.id)
    with pytest.raises(InvalidInput, match="is full this term|already takes 2 agents"):
        override(
            session,
            actor=lead,
            assignment_id=mover.id,
            department_id=full.id,
            expected_version=mover.version,
        )
    agent = actor_of(session, world["agents"][0])
    assert my_rotations(session, actor=agent) == []
    assert publish_rotations(session, actor=lead, term_id=term.id, team_ids=[world["team"].id]) == 4
    [mine] = my_rotations(session, actor=agent)
    calendar = Calendar.from_ical(rotation_ics(session, actor=agent, assignment_id=mine.id))
    [event] = calendar.walk("VEVENT")
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event.decoded("dtstart") == dt.datetime(
        2027, 1, 6, 14, 0
    )
    assert "exdate" not in event

    # No session on a closed day: the week of a closure day is left out of the series.
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    add_closure(session, actor=admin, date=dt.date(2027, 2, 10), reason="Site move")
    calendar = Calendar.from_ical(rotation_ics(session, actor=agent, assignment_id=mine.id))
    [event] = calendar.walk("VEVENT")
    assert [d.dt for d in event["exdate"].dts] == [dt.datetime(2027, 2, 10, 14, 0)]


def test_an_agent_does_not_return_to_a_department_until_they_have_seen_them_all(
    session: Session, world: dict
) -> None:
    m, team_ids = world["manager"], [world["team"].id]
    past = create_term(
        session,
        actor=m,
        name="2026-Q4",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 12, 31),
        max_per_team=None,
    )
    for d in world["depts"]:
        set_hosting(session, actor=m, term_id=past.id, department_id=d.id, capacity=4)
    sales = world["depts"][0]
    for agent in world["agents"]:
        set_interests(session, actor=actor_of(session, agent), department_ids=[sales.id])
    run_rotations(session, actor=m, term_id=past.id, team_ids=team_ids)
    publish_rotations(session, actor=m, term_id=past.id, team_ids=team_ids)
    run_rotations(session, actor=m, term_id=world["term"].id, team_ids=team_ids)
    now = {
        a.person_id: a.department_id
        for a in session.exec(
            select(Assignment).where(Assignment.term_id == world["term"].id)
        ).all()
    }
    assert all(dept != sales.id for dept in now.values())
    row = next(
        a for a in session.exec(select(Assignment).where(Assignment.term_id == world["term"].id))
    )
    with pytest.raises(InvalidInput, match="already been an ambassador in Sales"):
        override(
            session,
            actor=m,
            assignment_id=row.id,
            department_id=sales.id,
            expected_version=row.version,
        )


def test_projects_belong_to_the_ambassador_and_host_feedback_to_the_lead(
    session: Session, world: dict
) -> None:
    lead, term = world["lead"], world["term"]
    run_rotations(session, actor=lead, term_id=term.id, team_ids=[world["team"].id])
    publish_rotations(session, actor=lead, term_id=term.id, team_ids=[world["team"].id])
    agent = actor_of(session, world["agents"][1])
    [mine] = my_rotations(session, actor=agent)
    save_project(
        session,
        actor=agent,
        assignment_id=mine.id,
        title="FAQ rewrite",
        status=ProjectStatus.DONE,
        impact="Fewer calls",
    )
    with pytest.raises(AccessDenied):
        save_project(
            session, actor=lead, assignment_id=mine.id, title="x", status=ProjectStatus.IDEA
        )
    with pytest.raises(AccessDenied):
        set_host_feedback(session, actor=agent, assignment_id=mine.id, note="I was great")
    set_host_feedback(session, actor=lead, assignment_id=mine.id, note="Great ambassador")
    other = actor_of(session, world["agents"][2])
    with pytest.raises(AccessDenied):
        projects(session, actor=other, assignment_id=mine.id)
    overview = programme(session, actor=world["manager"], term_id=term.id)
    assert sum(u.ambassadors for u in overview.by_department) == 4
    assert "done" in [s for _, s, _ in overview.projects]
    with pytest.raises(AccessDenied):
        programme(session, actor=lead, term_id=term.id)
