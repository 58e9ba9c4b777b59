"""The ambassador programme on the database: run, override, publish, history, outcomes, access."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import Session, col, select

from core.models import (
    Assignment,
    Department,
    Interest,
    Notification,
    NotificationKind,
    Person,
    ProjectStatus,
    Role,
    Team,
)
from core.pd.closures import add_closure
from core.pd.exports import rotation_ics
from core.people.access import load_actor
from core.platform.config import get_settings
from core.platform.errors import AccessDenied, InvalidInput
from core.rotations.interests import (
    interest_checks,
    interests_of,
    interests_prompt,
    set_interests,
)
from core.rotations.outcomes import projects, save_project, set_host_feedback
from core.rotations.planning import (
    choices_sentence,
    list_assignments,
    my_rotations,
    override,
    publish_rotations,
    review_assignments,
    run_rotations,
    without_a_choice,
)
from core.rotations.programme import programme
from core.rotations.terms import create_term, list_terms, set_hosting
from seed.demo import seed_demo
from tests.conftest import TODAY, actor_of, make_person, make_team


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
        2027, 1, 6, 14, 0, tzinfo=ZoneInfo("UTC")
    )
    assert "exdate" not in event

    # No session on a closed day: the week of a closure day is left out of the series.
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    add_closure(session, actor=admin, date=dt.date(2027, 2, 10), reason="Site move")
    calendar = Calendar.from_ical(rotation_ics(session, actor=agent, assignment_id=mine.id))
    [event] = calendar.walk("VEVENT")
    assert [d.dt for d in event["exdate"].dts] == [
        dt.datetime(2027, 2, 10, 14, 0, tzinfo=ZoneInfo("UTC"))
    ]


def test_the_rotation_calendar_holds_the_hours_the_app_states_in_the_organisations_zone(
    session: Session, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app said "4 hours a week" (the term) while the file held a 10:00–12:00 session with no
    time zone (issue 25, item 6): both now come from the department's weekly session, and the
    file names the zone (TZID and its VTIMEZONE)."""
    monkeypatch.setenv("HEADWAY_TIMEZONE", "Europe/Berlin")
    get_settings.cache_clear()
    lead, term = world["lead"], world["term"]
    for d in world["depts"]:
        set_hosting(
            session,
            actor=world["manager"],
            term_id=term.id,
            department_id=d.id,
            capacity=2,
            weekday=1,
            start_time=dt.time(10, 0),
            hours=2.5,
        )
    run_rotations(session, actor=lead, term_id=term.id, team_ids=[world["team"].id])
    publish_rotations(session, actor=lead, term_id=term.id, team_ids=[world["team"].id])
    agent = actor_of(session, world["agents"][0])
    [mine] = my_rotations(session, actor=agent)
    assert mine.weekly == "Tuesdays 10:00–12:30 (2.5 hours a week)"
    [told] = session.exec(
        select(Notification).where(
            Notification.person_id == agent.id,
            Notification.kind == NotificationKind.ROTATION_PUBLISHED,
        )
    ).all()
    assert mine.weekly in told.body
    text = rotation_ics(session, actor=agent, assignment_id=mine.id)
    assert b"DTSTART;TZID=Europe/Berlin:20270105T100000" in text
    assert b"DTEND;TZID=Europe/Berlin:20270105T123000" in text
    calendar = Calendar.from_ical(text)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Berlin"
    [event] = calendar.walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert end - start == dt.timedelta(hours=2.5) and start.utcoffset() == dt.timedelta(hours=1)
    assert mine.weekly in str(event["description"])


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
    assert "no rotation" not in overview.summary
    make_person(session, team=world["team"], email="late@example.com")  # joined after the run
    later = programme(session, actor=world["manager"], term_id=term.id)
    assert later.summary.endswith(  # nobody is left out in silence
        "1 of the 5 agents have no rotation this term: their team leads have not published one "
        "for them yet."
    )
    assert "done" in [s for _, s, _ in overview.projects]
    with pytest.raises(AccessDenied):
        programme(session, actor=lead, term_id=term.id)


# --- interests that need a refresh ---------------------------------------------------------------


def current_and_past(session: Session, world: dict) -> tuple[int, int]:
    """A past term (2026-Q3, Sales for agent 0) and the current one (2026-Q4, from 1 October);
    world's 2027-Q1 is the next term."""
    m, sales = world["manager"], world["depts"][0]
    ids = []
    for name, start, end in (
        ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ):
        term = create_term(session, actor=m, name=name, start=start, end=end)
        ids.append(term.id)
    session.add(
        Assignment(
            term_id=ids[0],
            person_id=world["agents"][0].id,
            department_id=sales.id,
            status="published",
        )
    )
    session.flush()
    return ids[0], ids[1]


def test_interests_ranked_before_this_term_are_stale_and_visited_ones_exhausted(
    session: Session, world: dict
) -> None:
    sales, product, billing = world["depts"]
    current_and_past(session, world)
    team = [world["team"].id]
    first, second, third, fourth = (actor_of(session, a) for a in world["agents"])
    set_interests(session, actor=first, department_ids=[sales.id])  # visited in 2026-Q3
    set_interests(session, actor=second, department_ids=[product.id, sales.id])
    set_interests(session, actor=third, department_ids=[billing.id])
    old = session.exec(select(Interest).where(Interest.person_id == third.id)).one()
    old.updated_at = dt.datetime(2026, 9, 20, 12, tzinfo=dt.UTC)  # before 2026-Q4 started
    session.add(old)
    session.flush()
    checks = {c.person_id: c for c in interest_checks(session, team_ids=team, day=TODAY)}

    assert checks[first.id].exhausted and not checks[first.id].stale
    assert checks[first.id].blocked == ("already visited Sales (2026-Q3)",)
    assert "None of your choices can be had in 2027-Q1" in checks[first.id].advice()
    assert not checks[second.id].needs_refresh and checks[second.id].term == "2027-Q1"
    assert checks[third.id].stale and not checks[third.id].exhausted
    assert checks[third.id].ranked_on == dt.date(2026, 9, 20)
    assert checks[fourth.id].stale and checks[fourth.id].ranked_on is None
    assert "not ranked any departments" in (interests_prompt(session, fourth) or "")
    assert interests_prompt(session, second) is None
    assert interests_prompt(session, world["lead"]) is None  # only agents rank interests

    # Ranking again (today, on the organisation's clock) clears the prompt.
    set_interests(session, actor=first, department_ids=[product.id])
    assert interests_prompt(session, first) is None


def test_a_department_that_stops_hosting_exhausts_the_interests_that_name_it(
    session: Session, world: dict
) -> None:
    sales, product, billing = world["depts"]
    agent = actor_of(session, world["agents"][0])
    set_interests(session, actor=agent, department_ids=[billing.id, product.id])
    set_hosting(
        session,
        actor=world["manager"],
        term_id=world["term"].id,
        department_id=billing.id,
        capacity=0,
    )
    product.active = False
    session.add(product)
    session.flush()
    [check] = [
        c
        for c in interest_checks(session, team_ids=[world["team"].id], day=TODAY)
        if c.person_id == agent.id
    ]
    assert check.exhausted
    assert check.blocked == ("Billing not hosting this term", "Product not hosting this term")


# --- the lead's review: every assignment explained -----------------------------------------------


def test_the_lead_sees_who_has_no_choice_within_reach_and_why_each_agent_is_placed(
    session: Session, world: dict
) -> None:
    sales, product, billing = world["depts"]
    current_and_past(session, world)
    lead, term, team = world["lead"], world["term"], [world["team"].id]
    agents = [actor_of(session, a) for a in world["agents"]]
    set_interests(session, actor=agents[0], department_ids=[sales.id])  # visited
    for agent in agents[1:]:
        set_interests(session, actor=agent, department_ids=[product.id, billing.id])

    stuck = without_a_choice(session, actor=lead, term_id=term.id, team_ids=team)
    assert stuck == [(world["agents"][0].name, "already visited Sales (2026-Q3)")]

    outcome = run_rotations(session, actor=lead, term_id=term.id, team_ids=team)
    assert outcome.assigned == outcome.agents == 4
    review = review_assignments(session, actor=lead, term_id=term.id, team_ids=team)
    why = {r.person_id: r.why for r in review.rows}
    assert why[agents[0].id] == "already visited Sales (2026-Q3)"
    # Product takes 2 and Billing 2 of one team (the limit): the third of them gets Billing.
    assert sorted(why[a.id] for a in agents[1:]) == ["1st choice", "1st choice", "2nd choice"]
    assert review.not_placed == []
    assert review.summary == (
        "3 of 4 agents got one of their choices: 2 first choice, 1 second; "
        "1 could not — see why in the table."
    )
    with pytest.raises(AccessDenied):
        review_assignments(session, actor=agents[1], term_id=term.id, team_ids=team)


def test_the_choices_sentence_says_in_words_what_the_plan_achieved() -> None:
    assert choices_sentence([1, 1, 2, 3, None], 6) == (
        "4 of 6 agents got one of their choices: 2 first choice, 1 second, 1 third; "
        "2 could not — see why in the table."
    )
    assert choices_sentence([2, 2], 2) == "All 2 agents got one of their choices: 2 second choice."
    assert choices_sentence([None], 3).startswith("None of the 3 agents got one of their choices")
    assert choices_sentence([], 0) == ""


# --- the demo: next term's run gives most agents one of their choices ----------------------------


def test_on_the_demo_next_terms_run_places_most_agents_on_a_listed_interest(
    session: Session,
) -> None:
    seed_demo(session, agents=40, years=1, random_seed=11, today=TODAY)
    people = {p.email: p for p in session.exec(select(Person)).all()}
    lead = load_actor(session, people["lead@example.com"].id)
    manager = load_actor(session, people["manager@example.com"].id)
    teams = [t.id for t in session.exec(select(Team).order_by(col(Team.id))).all()]
    next_term = next(t for t in list_terms(session) if t.start > TODAY)

    mine = sorted(lead.led_team_ids)[:1]
    outcome = run_rotations(session, actor=lead, term_id=next_term.id, team_ids=mine)
    assert outcome.status == "optimal" and (outcome.interest_score or 0) > 0
    review = review_assignments(session, actor=lead, term_id=next_term.id, team_ids=mine)
    listed = [r for r in review.rows if r.why.endswith("choice")]
    assert len(listed) > 0.5 * outcome.agents, review.summary
    assert all(r.why for r in review.rows)
    assert "got one of their choices" in review.summary

    # The whole organisation at once, as a manager would.
    outcome = run_rotations(session, actor=manager, term_id=next_term.id, team_ids=teams)
    assert (outcome.interest_score or 0) > 0
    review = review_assignments(session, actor=manager, term_id=next_term.id, team_ids=teams)
    assert len([r for r in review.rows if r.why.endswith("choice")]) > 0.5 * outcome.agents
    assert all(r.why for r in review.rows) and all(why for _, why in review.not_placed)
    # Most agents have at least two departments within reach; the demo keeps a few stale ones.
    checks = interest_checks(session, team_ids=teams, day=TODAY)
    within = [c for c in checks if len(c.ranked) - len(c.blocked) >= 2]
    assert len(within) > 0.5 * len(checks)
    assert any(c.needs_refresh for c in checks) and not all(c.needs_refresh for c in checks)
    # The current term, published by the seed, reads as a sentence on the programme page.
    current = next(t for t in list_terms(session) if t.start <= TODAY <= t.end)
    overview = programme(session, actor=manager, term_id=current.id)
    assert "ambassadors got one of their choices" in overview.summary
    assert sum(u.first_choice for u in overview.by_department) > 0


def test_interests_are_capped_at_five_with_the_reason_and_a_repeat_is_named(
    session: Session, world: dict
) -> None:
    agent = actor_of(session, world["agents"][0])
    extra = [Department(name=f"Dept {i}") for i in range(3)]
    session.add_all(extra)
    session.flush()
    six = [d.id for d in world["depts"]] + [d.id for d in extra]
    with pytest.raises(InvalidInput, match=r"You ranked 6 departments\. Rank up to 5: "):
        set_interests(session, actor=agent, department_ids=six)
    sales, product, _ = world["depts"]
    with pytest.raises(InvalidInput, match=r"Sales is ranked 2 times \(1st and 3rd choice\)"):
        set_interests(session, actor=agent, department_ids=[sales.id, product.id, sales.id])
    set_interests(session, actor=agent, department_ids=six[:5])
    assert [r for r, _ in interests_of(session, actor=agent, person_id=agent.id)] == [1, 2, 3, 4, 5]


def test_a_completed_rotation_takes_no_new_goals(
    session: Session, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, term = world["lead"], world["term"]
    run_rotations(session, actor=lead, term_id=term.id, team_ids=[world["team"].id])
    publish_rotations(session, actor=lead, term_id=term.id, team_ids=[world["team"].id])
    agent = actor_of(session, world["agents"][0])
    [mine] = my_rotations(session, actor=agent)
    save_project(
        session, actor=agent, assignment_id=mine.id, title="FAQ", status=ProjectStatus.IDEA
    )
    monkeypatch.setenv("HEADWAY_TODAY", "2027-03-27")  # the day after the term ended
    get_settings.cache_clear()
    [ended] = my_rotations(session, actor=agent)
    assert ended.status.value == "completed"
    with pytest.raises(InvalidInput, match="This rotation ended on 26 March 2027"):
        save_project(
            session, actor=agent, assignment_id=mine.id, title="More", status=ProjectStatus.IDEA
        )
    assert [p.title for p in projects(session, actor=agent, assignment_id=mine.id)] == ["FAQ"]
