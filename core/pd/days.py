"""The PD days themselves: reading a team's and my own, moving one by hand (checked against the
planner's rules), unpublishing, an agent's goal for a day and the dates they request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import Blackout, PdDay, PdPurpose, PdRequest, PdStatus, Person, PlanRun, Role, Team
from core.pd.changes import Change, tell_change
from core.pd.planning import ACTIVE, DEFAULT_GAP, FIXED, PlanSettings, _build_problem, _load_context
from core.people.access import Actor, require_planner
from core.platform.calendar import organisation_calendar
from core.platform.clock import today, utcnow
from core.platform.errors import AccessDenied, InvalidInput, NotFound, StaleEdit
from core.platform.limits import max_length, require_fits


@dataclass(frozen=True)
class PdDayRead:
    id: int
    person_id: int
    person_name: str
    team_id: int | None
    team_name: str
    date: dt.date
    status: PdStatus
    purpose: str
    goal: str
    version: int


def _read(day: PdDay, people: dict[int, Person], teams: dict[int, Team]) -> PdDayRead:
    person = people[day.person_id]
    assert day.id is not None
    team = teams.get(person.team_id) if person.team_id else None
    return PdDayRead(
        day.id,
        day.person_id,
        person.name,
        person.team_id,
        team.name if team else "",
        day.date,
        PdStatus(day.status),
        day.purpose or "",
        day.goal,
        day.version,
    )


def list_team_days(session: Session, *, actor: Actor, settings: PlanSettings) -> list[PdDayRead]:
    """Draft, published and completed days of the teams in the period, by date."""
    require_planner(actor, settings.team_ids)
    rows = session.exec(
        select(PdDay, Person)
        .join(Person, col(Person.id) == PdDay.person_id)
        .where(
            col(Person.team_id).in_(settings.team_ids),
            PdDay.date >= settings.start,
            PdDay.date <= settings.end,
        )
        .where(col(PdDay.status).in_(ACTIVE))
        .order_by(col(PdDay.date), col(Person.name))
    ).all()
    teams = {
        t.id: t
        for t in session.exec(select(Team).where(col(Team.id).in_(settings.team_ids))).all()
        if t.id
    }
    people = {p.id: p for _, p in rows if p.id}
    return [_read(day, people, teams) for day, _ in rows]


def my_pd_days(session: Session, *, actor: Actor) -> list[PdDayRead]:
    """The actor's own published and completed PD days (drafts are the lead's until published)."""
    rows = session.exec(
        select(PdDay)
        .where(PdDay.person_id == actor.id, col(PdDay.status).in_(FIXED))
        .order_by(col(PdDay.date))
    ).all()
    me = session.get(Person, actor.id)
    assert me is not None and me.id is not None
    team = session.get(Team, me.team_id) if me.team_id is not None else None  # theirs only
    teams = {team.id: team} if team is not None and team.id is not None else {}
    return [_read(d, {me.id: me}, teams) for d in rows]


def my_withdrawn_days(session: Session, *, actor: Actor) -> list[PdDayRead]:
    """The actor's PD days they were told of that are theirs no more (unpublished or cancelled):
    their calendar file carries each as a cancellation, so the event leaves their calendar."""
    rows = session.exec(
        select(PdDay)
        .where(
            PdDay.person_id == actor.id,
            col(PdDay.status).in_((PdStatus.DRAFT, PdStatus.CANCELLED)),
            col(PdDay.published_at).is_not(None),
        )
        .order_by(col(PdDay.date))
    ).all()
    me = session.get(Person, actor.id)
    assert me is not None and me.id is not None
    return [_read(d, {me.id: me}, {}) for d in rows]


def closed_days(session: Session, dates: Iterable[dt.date]) -> dict[dt.date, str]:
    """Which of `dates` the organisation's calendar closes, and why (a PD day there cannot stay)."""
    calendar = organisation_calendar(session)
    return {d: why for d in set(dates) if (why := calendar.closed_because(d)) is not None}


def _day_for_planner(
    session: Session, actor: Actor, pd_day_id: int, expected_version: int | None
) -> tuple[PdDay, Person]:
    day = session.get(PdDay, pd_day_id)
    if day is None:
        raise NotFound(f"There is no PD day with id {pd_day_id}.")
    person = session.get(Person, day.person_id)
    assert person is not None and person.team_id is not None
    require_planner(actor, [person.team_id])
    if expected_version is not None and day.version != expected_version:
        raise StaleEdit(
            "This PD day was changed by someone else since you opened it; reload and try again."
        )
    return day, person


def unpublish(session: Session, *, actor: Actor, pd_day_id: int) -> None:
    """Take a published day back to draft (e.g. when new leave makes it impossible); the agent
    is told, and their calendar file cancels the event."""
    day, _ = _day_for_planner(session, actor, pd_day_id, None)
    if day.status != PdStatus.PUBLISHED:
        raise InvalidInput("Only a published PD day can be unpublished.")
    day.status = PdStatus.DRAFT
    day.version += 1
    day.updated_at = utcnow()
    session.add(day)
    tell_change(session, day, change=Change.UNPUBLISHED, old_date=day.date, by=actor.name)


def _gap_for(session: Session, day: PdDay) -> int:
    run = session.get(PlanRun, day.plan_run_id) if day.plan_run_id else None
    return run.min_gap_days if run else DEFAULT_GAP


def check_move(session: Session, *, actor: Actor, pd_day_id: int, new_date: dt.date) -> list[str]:
    """Every rule a move of this PD day to `new_date` would break (empty: the move is fine).
    The rules are the planner's own (`PdProblem`), asked of the team on that one day."""
    day, person = _day_for_planner(session, actor, pd_day_id, None)
    assert person.team_id is not None and person.id is not None
    gap = _gap_for(session, day)
    one_day = PlanSettings(new_date, new_date, (person.team_id,), min_gap_days=gap)
    ctx = _load_context(session, one_day)
    problem, keys = _build_problem(one_day, ctx)
    team = problem.teams[0]
    agent = next((a for a in problem.agents if keys[a.id].id == person.id), None)
    problems = []
    closed = problem.why_not_plannable(team, new_date)
    if closed is not None:
        reason = next(
            (
                b.reason
                for b in session.exec(select(Blackout).where(Blackout.date == new_date)).all()
                if "blackout" in closed and b.reason and b.team_id in (None, person.team_id)
            ),
            "",
        )
        problems.append(f"{new_date:%d %b} {closed}" + (f" ({reason})." if reason else "."))
    if agent is not None and (away := problem.why_not_available(agent, new_date)):
        problems.append(f"{person.name}'s PD day on {new_date:%d %b} {away}.")
    others = session.exec(
        select(col(PdDay.date)).where(
            PdDay.person_id == person.id, PdDay.id != day.id, col(PdDay.status).in_(ACTIVE)
        )
    ).all()
    for other in problem.too_close(new_date, others):
        problems.append(
            f"{person.name} has another PD day on {other:%d %b}, closer than {gap} days."
        )
    if closed is None:
        on_pd = sum(1 for d in ctx.days if d.date == new_date and d.id != day.id)
        members = [a for a in problem.agents if a.team == team.id]
        if short := problem.why_short(team, members, new_date, on_pd + 1):
            problems.append(f"{short}.")
    return problems


def move(
    session: Session, *, actor: Actor, pd_day_id: int, new_date: dt.date, expected_version: int
) -> None:
    day, _ = _day_for_planner(session, actor, pd_day_id, expected_version)
    problems = check_move(session, actor=actor, pd_day_id=pd_day_id, new_date=new_date)
    if problems:
        raise InvalidInput("This move breaks a rule: " + " ".join(problems), problems)
    old_date = day.date
    day.date = new_date
    day.version += 1
    day.updated_at = utcnow()
    session.add(day)
    if day.status == PdStatus.PUBLISHED:
        tell_change(session, day, change=Change.MOVED, old_date=old_date, by=actor.name)


def set_goal(
    session: Session, *, actor: Actor, pd_day_id: int, purpose: PdPurpose, goal: str
) -> None:
    """An agent chooses the purpose of their own PD day and says what they want from it."""
    day = session.get(PdDay, pd_day_id)
    if day is None or day.person_id != actor.id:
        raise AccessDenied("You can only set the goal of your own PD days.")
    require_fits(("My goal for the day", goal, max_length(PdDay, "goal")))
    day.purpose = purpose
    day.goal = goal.strip()
    day.version += 1
    session.add(day)


def request_dates(session: Session, *, actor: Actor, dates: Iterable[dt.date]) -> int:
    """Dates an agent would like: they become `preferred` in the next plan."""
    if actor.role is not Role.AGENT:
        raise AccessDenied("Only agents request PD dates for themselves.")
    wanted = sorted(set(dates))
    if not wanted:
        raise InvalidInput("Choose the date you would like, then request it.")
    now = today()
    for wish in wanted:
        if wish <= now:
            when = "is today" if wish == now else "has passed"
            raise InvalidInput(f"Choose a date after today: {wish:%-d %b %Y} {when}.")
    calendar = organisation_calendar(session)
    for wish in wanted:
        closed = calendar.closed_because(wish)
        if closed is not None:
            raise InvalidInput(f"PD days are on working days: {closed}.")
    existing = set(
        session.exec(select(col(PdRequest.date)).where(PdRequest.person_id == actor.id)).all()
    )
    new = [PdRequest(person_id=actor.id, date=d) for d in wanted if d not in existing]
    session.add_all(new)
    return len(new)


def my_requests(session: Session, *, actor: Actor) -> list[dt.date]:
    return list(
        session.exec(
            select(col(PdRequest.date))
            .where(PdRequest.person_id == actor.id, PdRequest.date > today())
            .order_by(col(PdRequest.date))
        ).all()
    )
