"""My day, per role (core.home): what each role is told to do today, with the numbers of the
pages it links to."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session, col, delete

from core.coaching.follow_ups import follow_up_status
from core.coaching.notes import NoteInput, add_follow_up, coaching_queue, write_note
from core.growth.checkins import falling_agents
from core.home.admin import admin_day
from core.home.agent import agent_day
from core.home.lead import lead_day
from core.home.manager import manager_day
from core.models import Assignment, Department, PdDay, Pledge, Term
from core.people.access import load_actor
from core.platform.errors import AccessDenied
from tests.conftest import TODAY, actor_of

THURSDAY = TODAY + dt.timedelta(days=3)  # TODAY is Monday 23 November 2026


def coached(session: Session, org: dict, *, follow_up: dt.date, on: dt.date = TODAY) -> int:
    lead = actor_of(session, org["red_lead"])
    return write_note(
        session,
        actor=lead,
        agent_id=org["red_agent"].id,
        data=NoteInput(
            focus_metric="csat",
            to_try="Offer a callback time",
            actions="offer a callback time\nand write it in the ticket",
            follow_up_date=follow_up,
        ),
        date=on,
    )


def test_an_agent_is_told_when_their_coach_checks_back_in_and_about_what(
    session: Session, org: dict
) -> None:
    note_id = coached(
        session, org, follow_up=TODAY - dt.timedelta(days=2), on=TODAY - dt.timedelta(days=9)
    )
    add_follow_up(
        session,
        actor=actor_of(session, org["red_lead"]),
        note_id=note_id,
        outcome="Better",
        next_step="use the callback macro",
        next_date=THURSDAY,
        date=TODAY - dt.timedelta(days=2),
    )
    ahead = agent_day(session, actor=actor_of(session, org["red_agent"]), day=TODAY)
    [check_in] = ahead.check_ins
    assert (check_in.coach, check_in.date, check_in.about, check_in.overdue) == (
        org["red_lead"].name,
        THURSDAY,
        "use the callback macro",  # the latest agreed step, not the first note's
        False,
    )
    assert (
        ahead.headline()[0]
        == f"Your coach {org['red_lead'].name} checks back in with you on Thu 26 Nov."
    )


def test_an_agent_sees_their_current_and_next_rotation_and_todays_mind_check(
    session: Session, org: dict
) -> None:
    billing, sales = Department(name="Billing"), Department(name="Sales")
    now = Term(
        name="Autumn", start=TODAY - dt.timedelta(days=30), end=TODAY + dt.timedelta(days=30)
    )
    later = Term(
        name="Winter", start=TODAY + dt.timedelta(days=40), end=TODAY + dt.timedelta(days=120)
    )
    session.add_all([billing, sales, now, later])
    session.flush()
    for term, dept in ((now, billing), (later, sales)):
        session.add(
            Assignment(
                term_id=term.id,
                person_id=org["red_agent"].id,
                department_id=dept.id,
                status="published",
            )
        )
    session.add(
        Pledge(
            agent_id=org["red_agent"].id,
            mentor_id=org["red_lead"].id,
            commitments=json.dumps(["Listen first"]),
            start_date=TODAY - dt.timedelta(days=7),
            status="active",
        )
    )
    session.flush()
    ahead = agent_day(session, actor=actor_of(session, org["red_agent"]), day=TODAY)
    assert ahead.rotation_now is not None and ahead.rotation_now.department == "Billing"
    assert ahead.rotation_next is not None and ahead.rotation_next.department == "Sales"
    assert "Your mind check for Friday is waiting." in ahead.headline()


def test_a_lead_sees_the_check_ins_of_the_coaching_queue_and_this_weeks_pd_days(
    session: Session, org: dict
) -> None:
    coached(session, org, follow_up=TODAY)
    coached(session, org, follow_up=TODAY - dt.timedelta(days=3), on=TODAY - dt.timedelta(days=10))
    session.add(PdDay(person_id=org["red_agent2"].id, date=TODAY, status="published"))
    session.add(PdDay(person_id=org["red_agent"].id, date=THURSDAY, status="published"))
    session.add(PdDay(person_id=org["blue_agent"].id, date=TODAY, status="published"))  # not mine
    session.add(
        PdDay(person_id=org["red_agent"].id, date=TODAY + dt.timedelta(days=7), status="published")
    )
    session.flush()
    lead = actor_of(session, org["red_lead"])
    [team] = lead_day(session, actor=lead, day=TODAY).teams
    queue = [
        r
        for r in coaching_queue(session, actor=lead, team_id=org["red"].id)
        if r.overdue or r.due_today
    ]
    assert team.check_ins == queue and (team.due_today, team.overdue) == (1, 1)
    assert team.pd_today == [org["red_agent2"].name]
    assert team.pd_this_week == [(THURSDAY, org["red_agent"].name)]
    headline = lead_day(session, actor=lead, day=TODAY).headline()
    assert headline[0] == "Coaching: 1 check-in due today and 1 overdue."
    assert "1 agent on a PD day today, 1 more PD day later this week." in headline
    # Nobody away today: the sentence starts with what is ahead, never "0 agents".
    session.exec(delete(PdDay).where(col(PdDay.date) == TODAY))
    later = lead_day(session, actor=lead, day=TODAY).headline()
    assert "1 PD day later this week." in later and not any("0 agents" in x for x in later)


def test_a_manager_sees_teams_needing_attention_counted_by_the_shared_rules(
    session: Session, org: dict
) -> None:
    coached(session, org, follow_up=TODAY - dt.timedelta(days=3), on=TODAY - dt.timedelta(days=10))
    manager = actor_of(session, org["manager"])
    plan = manager_day(session, actor=manager, day=TODAY)
    red = next(t for t in plan.teams if t.team == "Red")
    status = follow_up_status(
        session, agent_ids=[org["red_agent"].id, org["red_agent2"].id], day=TODAY
    )
    assert red.overdue == sum(s.overdue for s in status.values()) == 1
    assert len(red.falling) == len(
        falling_agents(session, actor=manager, team_ids=[org["red"].id], as_of=TODAY).get(
            org["red"].id, []
        )
    )
    assert plan.needing_attention[0].team == "Red"
    assert plan.headline()[0].startswith("1 of 2 teams need attention: 1 overdue check-in")


def test_an_admin_is_told_who_cannot_log_in_and_only_admins_get_that_view(
    session: Session, org: dict
) -> None:
    plan = admin_day(session, actor=actor_of(session, org["admin"]), day=TODAY)
    assert org["red_agent"].name in plan.without_password  # the builders set no password
    assert plan.latest_data is None and "No metrics have been imported yet." in plan.headline()
    with pytest.raises(AccessDenied):
        admin_day(session, actor=load_actor(session, org["manager"].id), day=TODAY)
