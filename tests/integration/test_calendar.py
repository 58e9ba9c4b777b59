"""One calendar: working weekdays, public holidays (HEADWAY_HOLIDAYS) and closure days decide
every working day — settings are checked at start, reminders and the PD planner obey them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from core.cli import main
from core.models import CoachingNote, PdDay, Role
from core.pd.closures import add_closure, remove_closure
from core.pd.days import request_dates
from core.pd.planning import PlanSettings, plan_period
from core.platform.calendar import organisation_calendar
from core.platform.config import SettingsError, get_settings
from core.platform.errors import AccessDenied, InvalidInput
from core.reminders.schedule import run_due
from tests.conftest import actor_of, make_person, make_team

CHRISTMAS = dt.date(2026, 12, 25)  # a Friday; Monday 28 December is the Boxing Day holiday


def use(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("fri-mon", "wraps past Sunday"),
        ("", "is not a list of weekdays"),
        ("weekdays", "is not a list of weekdays"),
    ],
)
def test_a_working_week_that_names_no_day_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, words: str
) -> None:
    use(monkeypatch, HEADWAY_WORKING_DAYS=value)
    with pytest.raises(SettingsError, match=f"HEADWAY_WORKING_DAYS=.*{words}"):
        get_settings()


def test_working_weeks_and_holiday_codes_that_make_sense_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use(monkeypatch, HEADWAY_WORKING_DAYS="mon-wed,fri-sat", HEADWAY_HOLIDAYS="gb-eng")
    assert get_settings().working_days == {0, 1, 2, 4, 5}
    assert get_settings().holidays_code == "GB-ENG"
    use(monkeypatch, HEADWAY_HOLIDAYS="XX-YY")
    with pytest.raises(SettingsError, match="HEADWAY_HOLIDAYS='XX-YY' is not a country"):
        get_settings()


def test_the_cli_refuses_a_wrapping_working_week_with_one_sentence_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(monkeypatch, HEADWAY_WORKING_DAYS="fri-mon")
    assert main(["jobs", "run-due"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: HEADWAY_WORKING_DAYS='fri-mon'") and "Traceback" not in error


def test_holidays_and_closure_days_are_not_working_days(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, HEADWAY_HOLIDAYS="GB-ENG")
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    add_closure(session, actor=admin, date=dt.date(2026, 12, 29), reason="Site shutdown")
    calendar = organisation_calendar(session)
    assert calendar.closed_because(CHRISTMAS) == (
        "Friday 25 December is Christmas Day, a public holiday"
    )
    assert calendar.closed_because(dt.date(2026, 12, 29)) == (
        "Tuesday 29 December is a closure day (Site shutdown)"
    )
    assert calendar.next_working_day(dt.date(2026, 12, 24)) == dt.date(2026, 12, 30)
    assert calendar.previous_working_day(dt.date(2026, 12, 30)) == dt.date(2026, 12, 24)
    assert calendar.reminded_on(dt.date(2026, 12, 24))[-1] == dt.date(2026, 12, 29)
    remove_closure(session, actor=admin, date=dt.date(2026, 12, 29))
    assert organisation_calendar(session).is_working_day(dt.date(2026, 12, 29))


def test_the_week_starts_on_its_first_working_day(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, HEADWAY_HOLIDAYS="GB-ENG")
    calendar = organisation_calendar(session)
    starts = [d for d in calendar.days(dt.date(2026, 12, 14), dt.date(2027, 1, 10))]
    assert [d for d in starts if calendar.starts_the_week(d)] == [
        dt.date(2026, 12, 14),  # Monday
        dt.date(2026, 12, 21),  # Monday
        dt.date(2026, 12, 29),  # Tuesday: Monday 28 is the Boxing Day substitute
        dt.date(2027, 1, 4),  # Monday
    ]


def test_a_closure_day_on_pd_days_tells_the_admin_whose_and_the_agents_and_their_lead(
    session: Session,
) -> None:
    from core.home.agent import agent_day
    from core.models import Notification, PdStatus

    team = make_team(session, name="Billing")
    lead = make_person(session, role=Role.TEAM_LEAD, team=team, leads=True)
    agent, other = make_person(session, team=team), make_person(session, team=team)
    day = dt.date(2026, 12, 1)
    session.add(PdDay(person_id=agent.id, date=day, status=PdStatus.PUBLISHED))
    session.add(PdDay(person_id=other.id, date=day, status=PdStatus.DRAFT))
    session.flush()
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    added = add_closure(session, actor=admin, date=day, reason="Systems upgrade")
    assert set(added.pd_days) == {agent.name, other.name}
    assert "2 PD days fall on it" in added.added() and "team leads were told" in added.added()
    told = {
        (n.person_id, n.kind): n.title
        for n in session.exec(select(Notification).where(Notification.kind == "pd_day_closed"))
    }
    assert told[(agent.id, "pd_day_closed")] == (
        "Your PD day on Tuesday 1 December falls on a closure day"
    )
    assert (other.id, "pd_day_closed") not in told  # a draft: the lead moves it before publishing
    assert told[(lead.id, "pd_day_closed")].startswith("2 PD days of your team fall on Tuesday")
    ahead = agent_day(session, actor=actor_of(session, agent), day=dt.date(2026, 11, 24))
    # The agent is told who moves it (by name), never asked to do what only a lead can.
    assert (
        f"falls on a closed day: {lead.name}, your team lead, will move it and you will be told "
        "the new date" in " ".join(ahead.headline())
    )
    [notice] = session.exec(
        select(Notification).where(
            Notification.kind == "pd_day_closed", Notification.person_id == agent.id
        )
    ).all()
    assert f"{lead.name}, your team lead, will move it" in notice.body
    assert "nothing to do for you" in notice.body
    assert "cannot stay" in ahead.pd_day_line(ahead.pd_days[0])
    nothing = add_closure(session, actor=admin, date=dt.date(2026, 12, 2), reason="Training")
    assert nothing.added().endswith("No PD day falls on it.")


def test_only_an_admin_enters_closure_days_and_each_day_once(session: Session) -> None:
    team = make_team(session)
    lead = actor_of(session, make_person(session, role=Role.TEAM_LEAD, team=team, leads=True))
    with pytest.raises(AccessDenied):
        add_closure(session, actor=lead, date=CHRISTMAS, reason="Party")
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    add_closure(session, actor=admin, date=CHRISTMAS, reason="Party")
    with pytest.raises(InvalidInput, match="already a closure day"):
        add_closure(session, actor=admin, date=CHRISTMAS, reason="Party again")
    with pytest.raises(InvalidInput, match="Say why"):
        add_closure(session, actor=admin, date=dt.date(2027, 1, 4), reason="  ")


def test_no_daily_reminder_on_christmas_and_its_follow_up_is_reminded_the_day_before(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, HEADWAY_HOLIDAYS="GB-ENG", HEADWAY_TODAY="2026-12-24")
    team = make_team(session)
    lead = make_person(session, role=Role.TEAM_LEAD, team=team, leads=True)
    agent = make_person(session, team=team)
    for follow_up in (CHRISTMAS, dt.date(2026, 12, 28)):
        session.add(
            CoachingNote(
                agent_id=agent.id,
                coach_id=lead.id,
                date=dt.date(2026, 12, 21),
                to_try="Offer a callback time",
                follow_up_date=follow_up,
            )
        )
    session.flush()
    assert run_due(session, at=dt.datetime(2026, 12, 25, 7, 30)) == []
    # The substitute Boxing Day: no daily reminder and no digest; the digest goes on Tuesday,
    # the week's first working day (with Tuesday's reminders).
    assert run_due(session, at=dt.datetime(2026, 12, 28, 7, 30)) == []
    tuesday = run_due(session, at=dt.datetime(2026, 12, 29, 7, 30))
    assert "weekly_digest" in {c.kind for c in tuesday}
    assert not any(
        c.kind == "weekly_digest" for c in run_due(session, at=dt.datetime(2026, 12, 30, 8))
    )
    thursday = [c for c in run_due(session, at=dt.datetime(2026, 12, 24, 7, 30))]
    titles = sorted(c.title for c in thursday if c.kind == "follow_up_due")
    assert titles == [
        f"Check back in with {agent.name} on Friday 25 December",
        f"Check back in with {agent.name} on Monday 28 December",
    ]


def test_the_pd_planner_never_places_a_day_on_a_holiday_or_a_closure_day(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, HEADWAY_HOLIDAYS="GB-ENG", HEADWAY_TODAY="2026-12-01")
    team = make_team(session, name="Holiday Team", min_staffed=0)
    lead = actor_of(session, make_person(session, role=Role.TEAM_LEAD, team=team, leads=True))
    agents = [make_person(session, team=team) for _ in range(12)]
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    add_closure(session, actor=admin, date=dt.date(2026, 12, 31), reason="Stocktake")
    # Preferred dates on every closed day: the plan must still not use them.
    closed = [CHRISTMAS, dt.date(2026, 12, 28), dt.date(2026, 12, 31), dt.date(2027, 1, 1)]
    for person in agents[:4]:
        with pytest.raises(InvalidInput, match="public holiday|closure day"):
            request_dates(session, actor=actor_of(session, person), dates=closed[:1])
    period = PlanSettings(dt.date(2026, 12, 21), dt.date(2027, 1, 8), (team.id,), 1, 0)
    outcome = plan_period(session, actor=lead, settings=period)
    assert outcome.status == "optimal"
    days = {d.date for d in session.exec(select(PdDay)).all()}
    assert len(days) > 0 and not days & set(closed)


def test_a_published_day_closed_then_moved_is_told_and_the_calendar_file_follows_each_change(
    session: Session,
) -> None:
    from icalendar import Calendar

    from core.home.agent import agent_day
    from core.models import PdStatus
    from core.notify.notifications import inbox
    from core.pd.days import closed_days, move, my_pd_days
    from core.pd.exports import pd_days_ics

    team = make_team(session, name="Billing", min_staffed=0)
    lead = make_person(session, role=Role.TEAM_LEAD, team=team, leads=True)
    agent = make_person(session, team=team)
    me = actor_of(session, agent)
    day = dt.date(2026, 12, 1)
    pd_day = PdDay(person_id=agent.id, date=day, status=PdStatus.PUBLISHED, version=2)
    pd_day.published_at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    session.add(pd_day)
    session.flush()

    def event() -> dict:
        days = my_pd_days(session, actor=me)
        closed = closed_days(session, [d.date for d in days])
        [e] = Calendar.from_ical(pd_days_ics(days, closed=closed)).walk("VEVENT")
        return e

    published = event()
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    add_closure(session, actor=admin, date=day, reason="Systems upgrade")
    closed = event()
    assert int(closed["sequence"]) > int(published["sequence"])
    assert "It cannot stay: Tuesday 1 December is a closure day" in str(closed["description"])
    move(
        session,
        actor=actor_of(session, lead),
        pd_day_id=pd_day.id,
        new_date=dt.date(2026, 12, 3),
        expected_version=pd_day.version,
    )
    moved = event()
    assert str(moved["uid"]) == str(published["uid"]) == f"pd-day-{pd_day.id}@headway"
    assert int(moved["sequence"]) > int(closed["sequence"])
    assert moved["dtstart"].dt == dt.date(2026, 12, 3) and "cannot stay" not in str(
        moved["description"]
    )
    newest = inbox(session, actor=me)[0]  # the move is the news, above the closure's notice
    assert newest.kind == "pd_day_changed"
    assert newest.title == "Your PD day on Tuesday 1 December moved to Thursday 3 December"
    ahead = agent_day(session, actor=me, day=dt.date(2026, 11, 24))
    assert ahead.pd_day_line(ahead.pd_days[0]).startswith("PD day Thursday 03 December")
    assert "will move it" not in " ".join(ahead.headline())
