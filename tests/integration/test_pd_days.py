"""PD-day planning on the database: plan, publish, re-plan, new leave, moves, goals, exports."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlmodel import Session, select

from core.metrics.imports import import_leave
from core.models import Blackout, Leave, PdDay, PdPurpose, PdStatus, Role
from core.notify.notifications import inbox
from core.pd.coverage import coverage
from core.pd.days import (
    check_move,
    list_team_days,
    move,
    my_pd_days,
    my_withdrawn_days,
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


def test_new_leave_on_a_published_day_is_named_and_re_planning_moves_just_that_day(
    session: Session, team_setup: dict
) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    publish(session, actor=lead, settings=settings)
    agent = team_setup["agents"][1]
    day = days_of(session, agent.id)[0]
    old_date, old_version = day.date, day.version
    others = {(d.id, d.date) for d in session.exec(select(PdDay)).all() if d.id != day.id}
    session.add(Leave(person_id=agent.id, start=day.date, end=day.date, kind="sick"))
    session.flush()
    [stale] = coverage(session, actor=lead, settings=settings).conflicts  # named up front
    assert stale.pd_day_id == day.id and "falls on their leave" in stale.reason
    outcome = plan_period(session, actor=lead, settings=settings)
    assert outcome.status == "optimal" and outcome.drafts == 0
    moved = session.get(PdDay, day.id)
    assert moved.status == "published" and moved.date != old_date  # the same day, moved
    assert abs((moved.date - old_date).days) <= 14  # near where it was, rules allowing
    assert moved.version > old_version
    assert {(d.id, d.date) for d in session.exec(select(PdDay)).all() if d.id != day.id} == others
    [said] = outcome.moved
    assert said.startswith(f"{agent.name}'s PD day moved from {old_date:%a %-d %b} to ")
    notice = inbox(session, actor=actor_of(session, agent))[0]  # the newest
    assert notice.kind == "pd_day_changed"
    assert notice.title == f"Your PD day on {old_date:%A %-d %B} moved to {moved.date:%A %-d %B}"
    assert notice.body.startswith(f"{lead.name} moved it")


def test_a_published_day_already_done_that_cannot_stay_still_blocks_the_plan(
    session: Session, team_setup: dict
) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    publish(session, actor=lead, settings=settings)
    agent = team_setup["agents"][1]
    day = days_of(session, agent.id)[0]
    day.status = PdStatus.COMPLETED  # nobody moves a day gone by
    session.add(Leave(person_id=agent.id, start=day.date, end=day.date, kind="sick"))
    session.flush()
    outcome = plan_period(session, actor=lead, settings=settings)
    assert outcome.status == "blocked"
    [stale] = outcome.stale
    assert stale.pd_day_id == day.id and session.get(PdDay, day.id).date == day.date


def test_unpublishing_tells_the_agent_and_their_calendar_file_cancels_the_event(
    session: Session, team_setup: dict
) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    publish(session, actor=lead, settings=settings)
    agent = team_setup["agents"][1]
    me = actor_of(session, agent)
    day = days_of(session, agent.id)[0]
    unpublish(session, actor=lead, pd_day_id=day.id)
    notice = inbox(session, actor=me)[0]  # the newest
    assert notice.kind == "pd_day_changed"
    assert notice.title == f"Your PD day on {day.date:%A %-d %B} is withdrawn"
    withdrawn = my_withdrawn_days(session, actor=me)
    assert [d.id for d in withdrawn] == [day.id]
    events = {
        str(e["uid"]): e
        for e in Calendar.from_ical(
            pd_days_ics(my_pd_days(session, actor=me), withdrawn=withdrawn)
        ).walk("VEVENT")
    }
    gone = events[f"pd-day-{day.id}@headway"]
    assert str(gone["status"]) == "CANCELLED" and int(gone["sequence"]) == day.version
    # Re-planning replaces the drafts; the withdrawn day stays cancelled in the agent's file.
    plan_period(session, actor=lead, settings=settings)
    assert session.get(PdDay, day.id).status == "cancelled"
    assert [d.id for d in my_withdrawn_days(session, actor=me)] == [day.id]


def test_a_moved_published_day_is_told_and_its_calendar_event_keeps_its_uid_with_a_higher_sequence(
    session: Session, team_setup: dict
) -> None:
    lead, settings = team_setup["lead"], team_setup["settings"]
    plan_period(session, actor=lead, settings=settings)
    publish(session, actor=lead, settings=settings)
    agent = team_setup["agents"][0]
    me = actor_of(session, agent)

    def event() -> dict:
        [e] = [
            e
            for e in Calendar.from_ical(pd_days_ics(my_pd_days(session, actor=me))).walk("VEVENT")
            if str(e["uid"]) == f"pd-day-{day.id}@headway"
        ]
        return e

    day = days_of(session, agent.id)[0]
    before = event()
    # The nearest day the rules allow (the plan decides which: the solver may place the days
    # differently from one run to the next, so a week ahead may be full or too close to the
    # agent's other day).
    new_date = min(
        (
            d
            for d in (START + dt.timedelta(days=i) for i in range((END - START).days + 1))
            if d != day.date
            and d.weekday() < 5
            and not check_move(session, actor=lead, pd_day_id=day.id, new_date=d)
        ),
        key=lambda d: abs((d - day.date).days),
    )
    move(session, actor=lead, pd_day_id=day.id, new_date=new_date, expected_version=day.version)
    after = event()
    assert after["dtstart"].dt == new_date and before["dtstart"].dt != new_date
    assert int(after["sequence"]) > int(before["sequence"])
    notice = inbox(session, actor=me)[0]  # the newest
    assert notice.kind == "pd_day_changed" and f"moved to {new_date:%A %-d %B}" in notice.title


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
    assert plan_period(session, actor=lead, settings=settings).moved  # then the stale day moves


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
    assert cell.note == "2 agents above the floor: 5 working, floor 3."
    assert before.cannot_fit is None
    plan_period(session, actor=lead, settings=settings)
    after = coverage(session, actor=lead, settings=settings)
    assert not after.uniform and after.summary.startswith("Tightest day: ")
    busy = next(c for c in after.cells if c.on_pd == 1)  # 10 PD days spread one a day
    assert busy.note == "1 agent above the floor: 4 working, floor 3 (1 on a PD day)."


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
        f"{me.name} asked for it; keeps {5 - on_pd} working on Wed 3 Feb (floor 3)"
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


def test_a_floor_above_the_teams_size_is_refused_and_changes_nothing(
    session: Session, team_setup: dict
) -> None:
    from core.models import StaffingOverride
    from core.pd.constraints import set_floor

    lead, team = team_setup["lead"], team_setup["team"]
    with pytest.raises(InvalidInput) as refusal:
        set_floor(session, actor=lead, team_id=team.id, date=dt.date(2027, 1, 8), min_staffed=20)
    assert str(refusal.value) == (
        "A floor of 20 on Friday 8 January 2027 is more than team Red's 5 active agents: "
        "no plan could keep it. Choose 5 or fewer."
    )
    assert session.exec(select(StaffingOverride)).all() == []


def test_a_floor_set_back_to_0_restores_the_teams_default_and_a_floor_can_be_removed(
    session: Session, team_setup: dict
) -> None:
    from core.models import StaffingOverride
    from core.pd.constraints import planning_rules, remove_floor, set_floor

    lead, team, settings = team_setup["lead"], team_setup["team"], team_setup["settings"]
    peak = dt.date(2027, 1, 8)

    def floor_on(day: dt.date) -> int:
        return next(
            c.floor for c in coverage(session, actor=lead, settings=settings).cells if c.date == day
        )

    said = set_floor(session, actor=lead, team_id=team.id, date=peak, min_staffed=4)
    assert said == "Team Red's floor on Friday 8 January 2027 is 4 (its default is 3)."
    assert floor_on(peak) == 4
    [listed] = planning_rules(session, actor=lead, team_ids=[team.id], since=START).floors
    assert (listed.date, listed.min_staffed, listed.default, listed.size) == (peak, 4, 3, 5)
    said = set_floor(session, actor=lead, team_id=team.id, date=peak, min_staffed=0)
    assert said == "Team Red's floor on Friday 8 January 2027 is its default again: 3."
    assert session.exec(select(StaffingOverride)).all() == [] and floor_on(peak) == 3
    set_floor(session, actor=lead, team_id=team.id, date=peak, min_staffed=5)
    remove_floor(session, actor=lead, team_id=team.id, date=peak)
    assert floor_on(peak) == 3
    assert planning_rules(session, actor=lead, team_ids=[team.id], since=START).floors == []


def test_blackout_dates_are_listed_changed_and_removed_by_who_may_set_them(
    session: Session, team_setup: dict
) -> None:
    from core.pd.constraints import add_blackout, edit_blackout, planning_rules, remove_blackout

    lead, team = team_setup["lead"], team_setup["team"]
    manager = actor_of(session, make_person(session, role=Role.MANAGER, email="m@example.com"))
    add_blackout(session, actor=lead, date=dt.date(2027, 1, 6), team_id=team.id, reason="Release")
    add_blackout(session, actor=manager, date=dt.date(2027, 1, 7), team_id=None, reason="Audit")
    ours, org_wide = planning_rules(session, actor=lead, team_ids=[team.id], since=START).blackouts
    assert (ours.where, ours.reason, ours.changeable) == ("Red", "Release", True)
    assert (org_wide.where, org_wide.changeable) == ("Whole organisation", False)
    with pytest.raises(AccessDenied):
        remove_blackout(session, actor=lead, blackout_id=org_wide.id)
    add_blackout(session, actor=lead, date=dt.date(2027, 1, 13), team_id=team.id, reason="")
    with pytest.raises(InvalidInput, match="13 Jan 2027 is already a blackout date"):
        edit_blackout(
            session, actor=lead, blackout_id=ours.id, date=dt.date(2027, 1, 13), reason="Release"
        )
    edit_blackout(
        session, actor=lead, blackout_id=ours.id, date=dt.date(2027, 1, 12), reason="Release 2"
    )
    remove_blackout(session, actor=manager, blackout_id=org_wide.id)
    left = planning_rules(session, actor=lead, team_ids=[team.id], since=START).blackouts
    assert [(b.date, b.reason) for b in left] == [
        (dt.date(2027, 1, 12), "Release 2"),
        (dt.date(2027, 1, 13), ""),
    ]
    cells = coverage(session, actor=lead, settings=team_setup["settings"]).cells
    assert next(c for c in cells if c.date == dt.date(2027, 1, 7)).closed is None
    assert next(c for c in cells if c.date == dt.date(2027, 1, 12)).closed is not None
