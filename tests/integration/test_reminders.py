"""Reminder rules, events and the inbox on SQLite and PostgreSQL, with a controllable clock: each
kind from a seeded situation, exactly once, preferences respected, inboxes private."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from core.coaching.notes import NoteInput, add_follow_up, write_note
from core.learning.pledges import draft_pledge, nudge, sign
from core.learning.shares import ShareInput, hide_share, write_share
from core.models import (
    Assignment,
    CoachingNote,
    Department,
    MindCheck,
    Notification,
    PdDay,
    Person,
    Pledge,
    Role,
    Term,
)
from core.notify.notifications import (
    Preference,
    inbox,
    mark_all_read,
    mark_read,
    preferences,
    set_preferences,
    unread_count,
)
from core.platform.calendar import organisation_calendar
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.reminders.rules import escalation_recipients
from core.reminders.schedule import catch_up_moment, run_due
from tests.conftest import TODAY, actor_of, make_person

MONDAY = TODAY  # 2026-11-23
assert MONDAY.weekday() == 0


def at(day: dt.date, hour: int = 7, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


def lines(created) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(c.recipient, c.kind, c.subject) for c in created}


def note(session: Session, org: dict, *, follow_up: dt.date | None, on: dt.date = MONDAY) -> int:
    row = CoachingNote(
        agent_id=org["red_agent"].id,
        coach_id=org["red_lead"].id,
        date=min(on, follow_up or on),
        focus_metric="fcr",
        to_try="Ask what else is open before closing",
        follow_up_date=follow_up,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def of_kind(created, kind: str) -> list:  # type: ignore[no-untyped-def]
    return [c for c in created if c.kind == kind]


# --- daily rules ---------------------------------------------------------------------------------


def test_a_follow_up_due_today_reaches_the_coach_and_the_agent_once(
    session: Session, org: dict
) -> None:
    note_id = note(session, org, follow_up=MONDAY)
    created = run_due(session, at=at(MONDAY, 7, 5))
    lead, agent = org["red_lead"].email, org["red_agent"].email
    assert {
        (lead, "follow_up_due", f"coaching_note:{note_id}"),
        (agent, "check_in_today", f"coaching_note:{note_id}"),
    } <= lines(created)
    assert run_due(session, at=at(MONDAY, 7, 5)) == []
    assert of_kind(run_due(session, at=at(MONDAY, 16, 0)), "follow_up_due") == []
    coach_view = inbox(session, actor=actor_of(session, org["red_lead"]))
    due = [n for n in coach_view if n.kind == "follow_up_due"]
    assert due[0].title == f"Check back in with {org['red_agent'].name} on {MONDAY:%A %-d %B}"
    assert (due[0].page, due[0].query) == ("coaching", {"agent": str(org["red_agent"].id)})


def test_nothing_is_due_before_seven_or_on_a_weekend(session: Session, org: dict) -> None:
    note(session, org, follow_up=MONDAY)
    assert run_due(session, at=at(MONDAY, 6, 59)) == []
    assert run_due(session, at=at(day(-1), 9, 0)) == []  # Sunday


def test_a_follow_up_recorded_at_noon_for_today_is_picked_up_later_the_same_day(
    session: Session, org: dict
) -> None:
    assert of_kind(run_due(session, at=at(MONDAY, 7, 0)), "follow_up_due") == []
    lead = actor_of(session, org["red_lead"])
    data = NoteInput(focus_metric="fcr", to_try="Summarise before closing", follow_up_date=MONDAY)
    write_note(session, actor=lead, agent_id=org["red_agent"].id, data=data)
    later = run_due(session, at=at(MONDAY, 12, 30))
    assert [c.recipient for c in of_kind(later, "follow_up_due")] == [org["red_lead"].email]


def test_a_follow_up_promised_for_saturday_is_reminded_on_friday(
    session: Session, org: dict
) -> None:
    note(session, org, follow_up=day(5))
    friday = run_due(session, at=at(day(4)))
    titles = [c.title for c in of_kind(friday, "follow_up_due")]
    assert titles == [f"Check back in with {org['red_agent'].name} on Saturday 28 November"]


def test_an_overdue_follow_up_escalates_after_two_working_days_to_the_coachs_lead(
    session: Session, org: dict
) -> None:
    thursday = day(-4)
    assert organisation_calendar(session).add_working_days(thursday, 2) == MONDAY
    note_id = note(session, org, follow_up=thursday, on=day(-10))
    assert of_kind(run_due(session, at=at(day(-3))), "follow_up_overdue") == []  # Friday
    escalated = of_kind(run_due(session, at=at(MONDAY)), "follow_up_overdue")
    # The coach leads the team: their follow-ups escalate to the managers.
    assert [(c.recipient, c.subject) for c in escalated] == [
        (org["manager"].email, f"coaching_note:{note_id}")
    ]
    assert of_kind(run_due(session, at=at(day(1))), "follow_up_overdue") == []  # once


def test_a_check_in_recorded_in_time_stops_the_escalation(session: Session, org: dict) -> None:
    note_id = note(session, org, follow_up=day(-4), on=day(-10))
    add_follow_up(
        session,
        actor=actor_of(session, org["red_lead"]),
        note_id=note_id,
        outcome="Better summaries",
        closes=True,
        date=day(-3),
    )
    assert of_kind(run_due(session, at=at(MONDAY)), "follow_up_overdue") == []


def test_a_coach_in_a_team_led_by_someone_else_escalates_to_that_lead(
    session: Session, org: dict
) -> None:
    deputy = make_person(session, role=Role.TEAM_LEAD, team=org["red"])
    assert [p.id for p in escalation_recipients(session, deputy)] == [org["red_lead"].id]
    assert escalation_recipients(session, org["manager"]) == []


def add_pd_day(session: Session, person: Person, on: dt.date, status: str = "published") -> PdDay:
    row = PdDay(person_id=person.id, date=on, status=status, purpose="practise", goal="Shadow QA")
    session.add(row)
    session.flush()
    return row


def test_the_working_day_before_a_pd_day_the_agent_is_reminded_with_their_goal(
    session: Session, org: dict
) -> None:
    tuesday = add_pd_day(session, org["red_agent"], day(1))
    next_monday = add_pd_day(session, org["red_agent2"], day(7))
    add_pd_day(session, org["blue_agent"], day(1), status="draft")
    monday = of_kind(run_due(session, at=at(MONDAY)), "pd_day_tomorrow")
    assert [(c.recipient, c.subject, c.title) for c in monday] == [
        (org["red_agent"].email, f"pd_day:{tuesday.id}", "Your PD day is tomorrow")
    ]
    body = session.exec(select(Notification.body).where(Notification.kind == "pd_day_tomorrow"))
    assert "Your goal: Shadow QA" in body.one()
    friday = of_kind(run_due(session, at=at(day(4))), "pd_day_tomorrow")
    assert [(c.subject, c.title) for c in friday] == [
        (f"pd_day:{next_monday.id}", "Your PD day is on Monday 30 November")
    ]


def test_the_day_after_a_pd_day_without_a_share_brings_a_gentle_prompt(
    session: Session, org: dict
) -> None:
    friday = add_pd_day(session, org["red_agent"], day(-3))
    shared = add_pd_day(session, org["red_agent2"], day(-3))
    write_share(
        session,
        actor=actor_of(session, org["red_agent2"]),
        data=ShareInput(title="Callbacks", learned="Offer a time", pd_day_id=shared.id),
    )
    prompts = of_kind(run_due(session, at=at(MONDAY)), "share_prompt")
    assert [(c.recipient, c.subject) for c in prompts] == [
        (org["red_agent"].email, f"pd_day:{friday.id}")
    ]


def make_term(session: Session, org: dict, *, start: dt.date, end: dt.date) -> Assignment:
    term = Term(name=f"T{start}", start=start, end=end)
    dept = Department(
        name="Billing", host_contact_name="Hana Host", host_contact_email="Hana@Example.org"
    )
    session.add_all([term, dept])
    session.flush()
    row = Assignment(
        term_id=term.id, person_id=org["red_agent"].id, department_id=dept.id, status="published"
    )
    proposed = Assignment(
        term_id=term.id, person_id=org["blue_agent"].id, department_id=dept.id, status="proposed"
    )
    session.add_all([row, proposed])
    session.flush()
    return row


def test_a_term_starting_next_week_reaches_the_ambassador_and_the_host_contact(
    session: Session, org: dict
) -> None:
    row = make_term(session, org, start=day(7), end=day(90))
    created = of_kind(run_due(session, at=at(MONDAY)), "term_starts")
    assert lines(created) == {
        (org["red_agent"].email, "term_starts", f"assignment:{row.id}"),
        ("hana@example.org", "term_starts", f"term:{row.term_id}/department:{row.department_id}"),
    }
    host = session.exec(
        select(Notification).where(Notification.recipient_email == "hana@example.org")
    ).one()
    assert host.person_id is None and not host.in_app
    assert org["red_agent"].name in host.body and org["blue_agent"].name not in host.body


def test_a_term_ending_next_week_reaches_the_ambassador(session: Session, org: dict) -> None:
    row = make_term(session, org, start=day(-80), end=day(9))  # ends Wednesday next week
    created = of_kind(run_due(session, at=at(day(2))), "term_ends")
    assert (org["red_agent"].email, "term_ends", f"assignment:{row.id}") in lines(created)


def test_three_weeks_before_a_term_agents_with_stale_or_exhausted_interests_are_asked_once(
    session: Session, org: dict
) -> None:
    from core.models import DepartmentHosting, Interest
    from core.rotations.interests import set_interests

    current = Term(name="2026-Q4", start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 20))
    upcoming = Term(name="2027-Q1", start=day(25), end=day(110))  # Friday 18 December
    sales, billing = Department(name="Sales"), Department(name="Billing")
    session.add_all([current, upcoming, sales, billing])
    session.flush()
    session.add(DepartmentHosting(term_id=upcoming.id, department_id=sales.id, capacity=3))
    fine = make_person(session, team=org["red"])
    set_interests(session, actor=actor_of(session, fine), department_ids=[sales.id])
    # Ranked this term, but Billing does not host next term: exhausted.
    set_interests(session, actor=actor_of(session, org["red_agent2"]), department_ids=[billing.id])
    # Ranked last term: stale, though Sales is still within reach.
    session.add(
        Interest(
            person_id=org["blue_agent"].id,
            department_id=sales.id,
            rank=1,
            updated_at=dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC),
        )
    )
    # red_agent never ranked any; the leads and the manager are not agents.
    session.flush()

    assert of_kind(run_due(session, at=at(MONDAY)), "interests_refresh") == []  # 25 days ahead
    created = of_kind(run_due(session, at=at(day(4))), "interests_refresh")  # 21 days ahead
    subject = f"term:{upcoming.id}"
    assert lines(created) == {
        (org["red_agent"].email, "interests_refresh", subject),
        (org["red_agent2"].email, "interests_refresh", subject),
        (org["blue_agent"].email, "interests_refresh", subject),
    }
    bodies = {
        n.person_id: n
        for n in session.exec(
            select(Notification).where(Notification.kind == "interests_refresh")
        ).all()
    }
    exhausted = bodies[org["red_agent2"].id]
    assert exhausted.title == "Rank your rotation interests for 2027-Q1"
    assert "Billing not hosting this term" in exhausted.body and exhausted.link == "my_rotation"
    assert "before this term started" in bodies[org["blue_agent"].id].body
    # Once per agent and term: the next working days bring nothing new.
    assert of_kind(run_due(session, at=at(day(7))), "interests_refresh") == []


def live_pledge(session: Session, org: dict) -> Pledge:
    pledge = Pledge(
        agent_id=org["red_agent"].id,
        mentor_id=org["red_lead"].id,
        commitments=json.dumps(["Greet every caller by name"]),
        start_date=day(-30),
        status="active",
    )
    session.add(pledge)
    session.flush()
    return pledge


def test_the_morning_mind_check_goes_only_to_agents_who_have_not_checked_in(
    session: Session, org: dict
) -> None:
    pledge = live_pledge(session, org)
    other = Pledge(
        agent_id=org["red_agent2"].id,
        mentor_id=org["red_lead"].id,
        commitments=json.dumps(["Smile"]),
        start_date=day(-30),
        status="active",
    )
    session.add(other)
    session.flush()
    session.add(
        MindCheck(pledge_id=other.id, agent_id=org["red_agent2"].id, date=MONDAY, answer="kept")
    )
    session.flush()
    created = of_kind(run_due(session, at=at(MONDAY)), "mind_check")
    assert [(c.recipient, c.subject) for c in created] == [
        (org["red_agent"].email, f"pledge:{pledge.id}")
    ]


def test_no_mind_check_is_asked_for_on_a_pledges_first_day(session: Session, org: dict) -> None:
    pledge = live_pledge(session, org)
    pledge.start_date = MONDAY  # nothing with the pledge to look back on yet
    session.add(pledge)
    session.flush()
    assert of_kind(run_due(session, at=at(MONDAY)), "mind_check") == []
    tuesday = of_kind(run_due(session, at=at(day(1))), "mind_check")
    assert [c.subject for c in tuesday] == [f"pledge:{pledge.id}"]


def test_the_monday_digest_reaches_each_lead_and_each_manager_at_half_past_seven(
    session: Session, org: dict
) -> None:
    note(session, org, follow_up=day(2))
    add_pd_day(session, org["red_agent"], day(3))
    assert of_kind(run_due(session, at=at(MONDAY, 7, 15)), "weekly_digest") == []
    created = of_kind(run_due(session, at=at(MONDAY, 7, 30)), "weekly_digest")
    assert lines(created) == {
        (org["red_lead"].email, "weekly_digest", f"team:{org['red'].id}"),
        (org["blue_lead"].email, "weekly_digest", f"team:{org['blue'].id}"),
        (org["manager"].email, "weekly_digest", "organisation"),
    }
    red = session.exec(
        select(Notification.body).where(Notification.subject == f"team:{org['red'].id}")
    ).one()
    assert "Follow-ups due this week: 1" in red and org["red_agent"].name in red
    assert "PD days in the next two weeks: 1" in red
    blue = session.exec(
        select(Notification.body).where(Notification.subject == f"team:{org['blue'].id}")
    ).one()
    assert org["red_agent"].name not in blue  # a lead's digest is about their own team
    assert of_kind(run_due(session, at=at(day(1), 7, 30)), "weekly_digest") == []


# --- events --------------------------------------------------------------------------------------


def test_a_coaching_note_about_me_reaches_me_as_it_is_written(session: Session, org: dict) -> None:
    lead = actor_of(session, org["red_lead"])
    data = NoteInput(focus_metric="csat", to_try="Name the next step", follow_up_date=day(1))
    note_id = write_note(session, actor=lead, agent_id=org["red_agent"].id, data=data)
    mine = inbox(session, actor=actor_of(session, org["red_agent"]))
    assert [(n.kind, n.title) for n in mine] == [
        ("coaching_note", f"{org['red_lead'].name} wrote a coaching note about you")
    ]
    assert "Tuesday 24 November" in mine[0].body
    assert (
        session.exec(select(Notification.subject).where(Notification.kind == "coaching_note")).one()
        == f"coaching_note:{note_id}"
    )


def test_a_signed_pledge_asks_the_mentor_and_the_mentor_nudges_once_a_day(
    session: Session, org: dict
) -> None:
    agent, mentor = actor_of(session, org["red_agent"]), actor_of(session, org["red_lead"])
    pledge_id = draft_pledge(
        session,
        actor=agent,
        mentor_id=mentor.id,
        commitments=["Greet every caller by name"],
        start_date=MONDAY,
    )
    sign(session, actor=agent, pledge_id=pledge_id)
    assert [n.kind for n in inbox(session, actor=mentor)] == ["pledge_cosign"]
    with pytest.raises(AccessDenied, match="live pledge"):
        nudge(session, actor=mentor, pledge_id=pledge_id)
    sign(session, actor=mentor, pledge_id=pledge_id)
    with pytest.raises(AccessDenied):
        nudge(session, actor=actor_of(session, org["blue_lead"]), pledge_id=pledge_id)
    nudge(session, actor=mentor, pledge_id=pledge_id, message="You've got this")
    with pytest.raises(InvalidInput, match="today already"):
        nudge(session, actor=mentor, pledge_id=pledge_id)
    nudges = [n for n in inbox(session, actor=agent) if n.kind == "mentor_nudge"]
    assert [n.body for n in nudges] == ["You've got this"]


def test_a_hidden_share_tells_its_author_why(session: Session, org: dict) -> None:
    author = actor_of(session, org["red_agent"])
    share_id = write_share(
        session, actor=author, data=ShareInput(title="Refund hacks", learned="Skip the checks")
    )
    hide_share(
        session,
        actor=actor_of(session, org["red_lead"]),
        share_id=share_id,
        reason="It describes skipping the refund checks",
    )
    (hidden,) = [n for n in inbox(session, actor=author) if n.kind == "share_hidden"]
    assert "skipping the refund checks" in hidden.body


# --- preferences and the inbox ------------------------------------------------------------------


def test_a_kind_switched_off_is_not_created_and_e_mail_only_stays_out_of_the_inbox(
    session: Session, org: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.platform.config import get_settings

    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:2525")
    get_settings.cache_clear()
    lead, agent = actor_of(session, org["red_lead"]), actor_of(session, org["red_agent"])
    set_preferences(session, actor=agent, choices=[Preference("check_in_today", "", False, False)])
    set_preferences(session, actor=lead, choices=[Preference("follow_up_due", "", False, True)])
    note(session, org, follow_up=MONDAY)
    created = run_due(session, at=at(MONDAY))
    assert of_kind(created, "check_in_today") == []
    (due,) = session.exec(select(Notification).where(Notification.kind == "follow_up_due")).all()
    assert (due.in_app, due.email_state) == (False, "pending")
    assert [n for n in inbox(session, actor=lead) if n.kind == "follow_up_due"] == []
    saved = {p.kind: (p.in_app, p.email) for p in preferences(session, actor=lead)}
    assert saved["follow_up_due"] == (False, True)
    assert saved["weekly_digest"] == (True, True)  # a kind's default
    with pytest.raises(InvalidInput):
        set_preferences(session, actor=lead, choices=[Preference("spam", "", True, True)])


def test_without_smtp_nothing_is_queued_for_e_mail(session: Session, org: dict) -> None:
    note(session, org, follow_up=MONDAY)
    run_due(session, at=at(MONDAY))
    states = session.exec(select(Notification.email_state)).all()
    assert states and set(states) == {"none"}


def test_an_inbox_is_private_and_read_marks_count_down(session: Session, org: dict) -> None:
    note(session, org, follow_up=MONDAY)
    run_due(session, at=at(MONDAY))
    lead, agent = actor_of(session, org["red_lead"]), actor_of(session, org["red_agent"])
    agent_items = inbox(session, actor=agent)
    assert agent_items and unread_count(session, actor=agent) == len(agent_items)
    with pytest.raises(NotFound):
        mark_read(session, actor=lead, notification_id=agent_items[0].id)
    mark_read(session, actor=agent, notification_id=agent_items[0].id)
    assert unread_count(session, actor=agent) == len(agent_items) - 1
    assert inbox(session, actor=agent, unread_only=True) == agent_items[1:]
    mark_read(session, actor=agent, notification_id=agent_items[0].id, read=False)
    assert mark_all_read(session, actor=agent) == len(agent_items)
    assert unread_count(session, actor=agent) == 0
    assert all(n.kind != "check_in_today" for n in inbox(session, actor=lead))


def test_a_run_caught_up_after_midnight_stands_for_the_day_it_was_due() -> None:
    tz = dt.UTC
    weekdays = frozenset({0, 1, 2, 3, 4})
    now = dt.datetime(2026, 11, 24, 5, 0, tzinfo=tz)  # Tuesday before seven
    moment = catch_up_moment(now, at=dt.time(7), weekdays=weekdays)
    assert moment == dt.datetime(2026, 11, 23, 23, 59, 59, tzinfo=tz)
    later = dt.datetime(2026, 11, 24, 9, 0, tzinfo=tz)
    assert catch_up_moment(later, at=dt.time(7), weekdays=weekdays) == later


def test_the_schedule_and_working_days_follow_the_settings(
    session: Session, org: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.platform.config import get_settings

    monkeypatch.setenv("HEADWAY_REMINDERS_AT", "08:30")
    monkeypatch.setenv("HEADWAY_WORKING_DAYS", "mon-sat")
    get_settings.cache_clear()
    saturday = day(5)
    note(session, org, follow_up=saturday)
    assert of_kind(run_due(session, at=at(day(4), 9)), "follow_up_due") == []  # not Friday now
    assert of_kind(run_due(session, at=at(saturday, 8, 29)), "follow_up_due") == []
    (due,) = of_kind(run_due(session, at=at(saturday, 8, 30)), "follow_up_due")
    assert due.title.endswith(f" on {saturday:%A %-d %B}")


@pytest.mark.parametrize("value", ["weekdays", "mon-funday", ""])
def test_unreadable_working_days_are_refused_with_the_setting_named(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import ValidationError

    from core.platform.config import Settings

    monkeypatch.setenv("HEADWAY_WORKING_DAYS", value)
    with pytest.raises(ValidationError, match="HEADWAY_WORKING_DAYS"):
        Settings()
