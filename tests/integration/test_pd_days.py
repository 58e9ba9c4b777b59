"""PD-day planning on the database: plan, publish, re-plan, new leave, moves, goals, exports."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlmodel import Session, select

from core.metrics.imports import import_leave
from core.models import Blackout, Leave, PdDay, PdPurpose, PdStatus, Role
from core.pd.days import (
    check_move,
    list_team_days,
    move,
    my_pd_days,
    request_dates,
    set_goal,
    unpublish,
)
from core.pd.exports import pd_days_ics
from core.pd.planning import PlanSettings, plan_period, publish
from core.platform.errors import AccessDenied, InvalidInput, StaleEdit
from tests.conftest import actor_of, make_person, make_team

START, END = dt.date(2027, 1, 4), dt.date(2027, 2, 26)


@pytest.fixture
def team_setup(session: Session) -> dict:
    team = make_team(session, name="Red", min_staffed=3)
    lead = make_person(session, role=Role.TEAM_LEAD, team=team, leads=True)
    agents = [make_person(session, team=team, email=f"a{i}@example.com") for i in range(5)]
    other = make_team(session, name="Blue")
    return {
        "team": team,
        "lead": actor_of(session, lead),
        "agents": agents,
        "other": other,
        "settings": PlanSettings(START, END, (team.id,), 2, 14),
    }


def days_of(session: Session, person_id: int) -> list[PdDay]:
    return list(
        session.exec(select(PdDay).where(PdDay.person_id == person_id).order_by(PdDay.date)).all()
    )


def test_a_plan_gives_every_agent_their_days_as_drafts_and_publishing_shows_them_to_the_agent(
    session: Session, team_setup: dict
) -> None:
    outcome = plan_period(session, actor=team_setup["lead"], settings=team_setup["settings"])
    assert outcome.status == "optimal" and outcome.drafts == 10
    agent = team_setup["agents"][0]
    assert my_pd_days(session, actor=actor_of(session, agent)) == []  # drafts are not shown yet
    assert publish(session, actor=team_setup["lead"], settings=team_setup["settings"]) == 10
    mine = my_pd_days(session, actor=actor_of(session, agent))
    assert len(mine) == 2 and all(d.status is PdStatus.PUBLISHED for d in mine)


def test_re_planning_keeps_published_days_and_previous_drafts(
    session: Session, team_setup: dict
) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    publish(session, actor=lead, settings=settings)
    published = {(d.person_id, d.date) for d in session.exec(select(PdDay)).all()}
    newcomer = make_person(session, team=team_setup["team"], email="new@example.com")
    outcome = plan_period(session, actor=lead, settings=settings)
    assert outcome.status == "optimal" and outcome.pinned == 10 and outcome.drafts == 2
    after = {(d.person_id, d.date) for d in session.exec(select(PdDay)).all()}
    assert published <= after and len(days_of(session, newcomer.id)) == 2
    drafts = {
        (d.person_id, d.date)
        for d in session.exec(select(PdDay).where(PdDay.status == "draft")).all()
    }
    plan_period(session, actor=lead, settings=settings)
    assert {
        (d.person_id, d.date)
        for d in session.exec(select(PdDay).where(PdDay.status == "draft")).all()
    } == drafts


def test_new_leave_on_a_published_day_is_named_not_dropped_and_unpublishing_resolves_it(
    session: Session, team_setup: dict
) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    publish(session, actor=lead, settings=settings)
    agent = team_setup["agents"][1]
    day = days_of(session, agent.id)[0]
    session.add(Leave(person_id=agent.id, start=day.date, end=day.date, kind="sick"))
    session.flush()
    outcome = plan_period(session, actor=lead, settings=settings)
    assert outcome.status == "blocked"
    [stale] = outcome.stale
    assert stale.pd_day_id == day.id and "falls on their leave" in stale.reason
    assert session.get(PdDay, day.id).status == "published"  # never silently dropped
    unpublish(session, actor=lead, pd_day_id=day.id)
    outcome = plan_period(session, actor=lead, settings=settings)
    assert outcome.status == "optimal"
    assert all(d.date != day.date for d in days_of(session, agent.id))


def test_an_impossible_plan_is_explained_for_the_team(session: Session, team_setup: dict) -> None:
    # 5 agents, floor 3: 2 away a day over 5 days is 10 slots for 15 PD days.
    settings = PlanSettings(START, START + dt.timedelta(days=4), (team_setup["team"].id,), 3, 0)
    outcome = plan_period(session, actor=team_setup["lead"], settings=settings)
    assert outcome.status == "infeasible"
    assert any("Red" in c.reason for c in outcome.conflicts)


def test_settings_no_period_can_meet_are_refused_before_published_days_are_blamed(
    session: Session, team_setup: dict
) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    publish(session, actor=lead, settings=settings)
    agent = team_setup["agents"][0]
    day = days_of(session, agent.id)[0]
    session.add(Leave(person_id=agent.id, start=day.date, end=day.date, kind="sick"))
    session.flush()  # a published day is now stale, but the settings are the real problem
    impossible = PlanSettings(START, START + dt.timedelta(days=59), (team_setup["team"].id,), 6, 90)
    with pytest.raises(InvalidInput) as refusal:
        plan_period(session, actor=lead, settings=impossible)
    assert str(refusal.value) == (
        "A 60-day period fits at most 1 PD day per agent 90 days apart; choose a longer period, "
        "fewer PD days or a shorter gap."
    )
    no_gap = PlanSettings(START, START + dt.timedelta(days=6), (team_setup["team"].id,), 6, 0)
    with pytest.raises(InvalidInput, match="has only 5 working day"):
        plan_period(session, actor=lead, settings=no_gap)
    assert plan_period(session, actor=lead, settings=settings).status == "blocked"  # then stale


def test_holidays_and_blackouts_count_against_the_days_a_period_can_hold(
    session: Session, team_setup: dict
) -> None:
    from core.pd.closures import add_closure

    lead, team = team_setup["lead"], team_setup["team"]
    week = PlanSettings(START, START + dt.timedelta(days=4), (team.id,), 4, 0)  # Mon-Fri
    admin = actor_of(session, make_person(session, role=Role.ADMIN, email="admin@example.com"))
    add_closure(session, actor=admin, date=START, reason="Office move")
    session.add(Blackout(date=START + dt.timedelta(days=1), team_id=team.id, reason="Release"))
    session.flush()
    with pytest.raises(InvalidInput, match="has only 3 working day"):
        plan_period(session, actor=lead, settings=week)


def test_moves_are_checked_against_every_rule(session: Session, team_setup: dict) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    agent = team_setup["agents"][2]
    first, second = days_of(session, agent.id)
    saturday = dt.date(2027, 1, 9)
    assert any(
        "not a working day" in p
        for p in check_move(session, actor=lead, pd_day_id=first.id, new_date=saturday)
    )
    near = second.date - dt.timedelta(days=3)
    while near.weekday() >= 5:
        near -= dt.timedelta(days=1)
    assert any(
        "closer than 14 days" in p
        for p in check_move(session, actor=lead, pd_day_id=first.id, new_date=near)
    )
    session.add(Blackout(date=dt.date(2027, 1, 13), reason="Release day"))
    session.flush()
    assert any(
        "blackout" in p
        for p in check_move(session, actor=lead, pd_day_id=first.id, new_date=dt.date(2027, 1, 13))
    )
    with pytest.raises(InvalidInput):
        move(
            session,
            actor=lead,
            pd_day_id=first.id,
            new_date=saturday,
            expected_version=first.version,
        )
    with pytest.raises(StaleEdit):
        move(
            session,
            actor=lead,
            pd_day_id=first.id,
            new_date=first.date,
            expected_version=first.version + 5,
        )


def test_the_floor_is_checked_when_moving(session: Session, team_setup: dict) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    days = list_team_days(session, actor=lead, settings=settings)
    # 5 agents, floor 3: a day with two agents away is full.
    by_date: dict[dt.date, int] = {}
    for d in days:
        by_date[d.date] = by_date.get(d.date, 0) + 1
    full = [day for day, n in by_date.items() if n == 2]
    if full:
        mover = next(
            d
            for d in days
            if d.date != full[0]
            and abs((d.date - full[0]).days) >= 14
            and all(
                abs((o.date - full[0]).days) >= 14
                for o in days
                if o.person_id == d.person_id and o.id != d.id
            )
        )
        problems = check_move(session, actor=lead, pd_day_id=mover.id, new_date=full[0])
        assert any("under its floor of 3" in p for p in problems)


def test_only_planners_of_the_team_plan(session: Session, team_setup: dict) -> None:
    agent = actor_of(session, team_setup["agents"][0])
    with pytest.raises(AccessDenied):
        plan_period(session, actor=agent, settings=team_setup["settings"])
    other_lead = make_person(session, role=Role.TEAM_LEAD, team=team_setup["other"], leads=True)
    with pytest.raises(AccessDenied):
        publish(session, actor=actor_of(session, other_lead), settings=team_setup["settings"])


def test_an_agent_sets_the_goal_of_their_own_day_only_and_requests_become_preferred(
    session: Session, team_setup: dict
) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    me, other = team_setup["agents"][3], team_setup["agents"][4]
    wish = dt.date(2027, 2, 3)
    assert request_dates(session, actor=actor_of(session, me), dates=[wish]) == 1
    plan_period(session, actor=lead, settings=settings)
    assert wish in [d.date for d in days_of(session, me.id)]
    day = days_of(session, me.id)[0]
    set_goal(
        session,
        actor=actor_of(session, me),
        pd_day_id=day.id,
        purpose=PdPurpose.EXPERIMENT,
        goal="Try a new chat opener",
    )
    assert session.get(PdDay, day.id).goal == "Try a new chat opener"
    with pytest.raises(AccessDenied):
        set_goal(
            session,
            actor=actor_of(session, other),
            pd_day_id=day.id,
            purpose=PdPurpose.LEARN,
            goal="x",
        )


def test_the_calendar_export_has_one_all_day_event_per_pd_day(
    session: Session, team_setup: dict
) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    days = list_team_days(session, actor=lead, settings=settings)
    calendar = Calendar.from_ical(pd_days_ics(days))
    events = calendar.walk("VEVENT")
    assert len(events) == len(days) == 10
    first = events[0]
    assert first.decoded("dtstart") == days[0].date and first.decoded("dtend") == days[
        0
    ].date + dt.timedelta(days=1)
    assert len({str(e["uid"]) for e in events}) == 10


def test_a_leave_csv_is_imported_all_or_nothing(session: Session, team_setup: dict) -> None:
    lead = team_setup["lead"]
    good = b"agent_email,start,end,kind\na0@example.com,2027-01-05,2027-01-07,annual leave\na1@example.com,2027-01-11,2027-01-11,\n"
    assert import_leave(session, data=good, actor=lead) == 2
    bad = b"agent_email,start,end,kind\na0@example.com,2027-02-05,2027-02-01,sick\nzz@example.com,2027-13-01,2027-01-01,holiday\n"
    with pytest.raises(InvalidInput) as error:
        import_leave(session, data=bad, actor=lead)
    assert error.value.problems[0] == "line 2: ends (2027-02-01) before it starts (2027-02-05)"
    assert error.value.problems[1].startswith(
        "line 3: unknown agent 'zz@example.com'; bad start date"
    )
    assert len(session.exec(select(Leave)).all()) == 2


def test_leads_add_team_blackouts_and_peak_floors_and_only_managers_organisation_wide(
    session: Session, team_setup: dict
) -> None:
    from core.models import StaffingOverride
    from core.pd.constraints import add_blackout, set_floor

    lead, team = team_setup["lead"], team_setup["team"]
    add_blackout(session, actor=lead, date=dt.date(2027, 1, 6), team_id=team.id, reason="Release")
    with pytest.raises(InvalidInput, match="already a blackout"):
        add_blackout(session, actor=lead, date=dt.date(2027, 1, 6), team_id=team.id, reason="")
    with pytest.raises(AccessDenied):
        add_blackout(session, actor=lead, date=dt.date(2027, 1, 7), team_id=None, reason="")
    set_floor(session, actor=lead, team_id=team.id, date=dt.date(2027, 1, 8), min_staffed=4)
    set_floor(
        session, actor=lead, team_id=team.id, date=dt.date(2027, 1, 8), min_staffed=5
    )  # all 5 on the phones
    assert [o.min_staffed for o in session.exec(select(StaffingOverride)).all()] == [5]
    plan_period(session, actor=lead, settings=team_setup["settings"])
    dates = {d.date for d in session.exec(select(PdDay)).all()}
    assert dt.date(2027, 1, 6) not in dates and dt.date(2027, 1, 8) not in dates


def test_the_coverage_says_in_words_when_every_day_is_alike_and_names_closed_days(
    session: Session, team_setup: dict
) -> None:
    from core.pd.closures import add_closure
    from core.pd.coverage import coverage

    lead, team, settings = team_setup["lead"], team_setup["team"], team_setup["settings"]
    admin = actor_of(session, make_person(session, role=Role.ADMIN, email="admin@example.com"))
    add_closure(session, actor=admin, date=START, reason="Office move")
    session.add(Blackout(date=START + dt.timedelta(days=1), team_id=team.id, reason="Release"))
    session.flush()
    before = coverage(session, actor=lead, settings=settings)
    assert before.uniform and before.summary.startswith(
        "Every open day from 4 Jan to 26 Feb 2027 has 2 agents above the floor in team Red"
    )
    assert before.closed == [
        "Monday 4 January is a closure day (Office move)",
        "Tuesday 5 January is a blackout date of team Red (Release)",
    ]
    cell = next(c for c in before.cells if c.date == START + dt.timedelta(days=2))
    assert cell.note == "2 agents above the floor: 5 on the phones, floor 3."
    assert before.cannot_fit is None
    plan_period(session, actor=lead, settings=settings)
    after = coverage(session, actor=lead, settings=settings)
    assert not after.uniform and after.summary.startswith("Tightest day: ")
    busy = next(c for c in after.cells if c.on_pd == 1)  # 10 PD days spread one a day
    assert busy.note == "1 agent above the floor: 4 on the phones, floor 3 (1 on a PD day)."


def test_each_pd_day_says_why_it_is_on_its_date(session: Session, team_setup: dict) -> None:
    from core.pd.coverage import why_my_days, why_these_days

    lead, settings = team_setup["lead"], team_setup["settings"]
    me = team_setup["agents"][3]
    wish = dt.date(2027, 2, 3)
    request_dates(session, actor=actor_of(session, me), dates=[wish])
    plan_period(session, actor=lead, settings=settings)
    days = list_team_days(session, actor=lead, settings=settings)
    reasons = why_these_days(session, actor=lead, settings=settings)
    assert set(reasons) == {d.id for d in days}
    wished = next(d for d in days if d.person_id == me.id and d.date == wish)
    on_pd = sum(1 for d in days if d.date == wish)
    assert reasons[wished.id].startswith(
        f"{me.name} asked for it; keeps {5 - on_pd} on the phones on Wed 3 Feb (floor 3)"
    )
    # Leave for someone else on every other day of a PD day's week makes it the week's quietest.
    other = next(d for d in days if d.person_id != me.id and d.date.isocalendar()[1] > 2)
    colleague = next(a for a in team_setup["agents"] if a.id not in (me.id, other.person_id))
    monday = other.date - dt.timedelta(days=other.date.weekday())
    for offset in range(5):
        day = monday + dt.timedelta(days=offset)
        if day != other.date:
            session.add(Leave(person_id=colleague.id, start=day, end=day, kind="annual leave"))
    session.flush()
    quiet = why_these_days(session, actor=lead, settings=settings)[other.id]
    assert "the quietest day of its week for Red" in quiet, quiet
    publish(session, actor=lead, settings=settings)
    mine = why_my_days(session, actor=actor_of(session, me))
    assert mine[wished.id].startswith("Your preferred date; keeps ")


def test_a_past_or_missing_date_request_says_what_to_change(
    session: Session, team_setup: dict
) -> None:
    agent = actor_of(session, team_setup["agents"][0])
    with pytest.raises(InvalidInput) as past:
        request_dates(session, actor=agent, dates=[dt.date(2026, 11, 20)])
    assert str(past.value) == "Choose a date after today: 20 Nov 2026 has passed."
    with pytest.raises(InvalidInput, match="23 Nov 2026 is today"):
        request_dates(session, actor=agent, dates=[dt.date(2026, 11, 23)])
    with pytest.raises(InvalidInput, match="Choose the date you would like"):
        request_dates(session, actor=agent, dates=[])
