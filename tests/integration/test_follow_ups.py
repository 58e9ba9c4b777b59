"""One count everywhere: the Monday digest, the coaching queue and the team-growth page read
"overdue" and "needs a check-in" from the same functions, so their numbers agree."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.coaching.follow_ups import follow_up_status, is_overdue
from core.coaching.notes import coaching_queue
from core.growth.teams import Scope, coverage, team_growth
from core.models import CoachingNote, Person, Role, Team
from core.people.access import load_actor
from core.reminders.digest import _team_weeks
from seed.demo import seed_demo
from tests.conftest import TODAY


def test_a_check_in_is_overdue_only_once_its_day_has_passed() -> None:
    assert not is_overdue(TODAY, TODAY)
    assert is_overdue(TODAY - dt.timedelta(days=1), TODAY)
    assert not is_overdue(None, TODAY)


def test_the_digest_counts_what_the_coaching_queue_and_team_growth_pages_show(
    session: Session,
) -> None:
    seed_demo(session, agents=30, years=1, random_seed=5, today=TODAY)
    agent = session.exec(select(Person).where(Person.email == "agent@example.com")).one()
    lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
    for days_ago in (3, 0):  # one overdue check-in and one due today, whatever the seed made
        session.add(
            CoachingNote(
                agent_id=agent.id,
                coach_id=lead.id,
                date=TODAY - dt.timedelta(days=10),
                to_try="Name the next step before ending the call",
                follow_up_date=TODAY - dt.timedelta(days=days_ago),
            )
        )
    session.flush()
    manager_id = session.exec(select(Person.id).where(Person.role == Role.MANAGER)).first()
    assert manager_id is not None
    manager = load_actor(session, manager_id)
    teams = {t.id: t.name for t in session.exec(select(Team)).all() if t.id is not None}
    weeks = {w.team_id: w for w in _team_weeks(session, TODAY, sorted(teams))}
    flagged_somewhere = overdue_somewhere = False
    for team_id in teams:
        queue = coaching_queue(session, actor=manager, team_id=team_id)
        scope = Scope(TODAY - dt.timedelta(days=180), TODAY, (team_id,), "qa_score")
        page = team_growth(session, actor=manager, scope=scope)
        cover = coverage(session, actor=manager, scope=scope)
        week = weeks[team_id]
        assert (
            week.overdue == sum(r.overdue for r in queue) == int(cover["overdue_follow_ups"].sum())
        )
        assert len(week.falling) == len(page.flags) == page.ranking.falling_trends
        flagged_somewhere |= bool(page.flags)
        overdue_somewhere |= week.overdue > 0
        status = follow_up_status(session, agent_ids=[r.agent_id for r in queue], day=TODAY)
        assert [r.due_today for r in queue] == [status[r.agent_id].due_today for r in queue]
    assert flagged_somewhere and overdue_somewhere, "the demo should show both"
