"""Agents' ranked interests in the departments they would like to represent support in, and
when those need a refresh before the next term.

Interests are *stale* when the agent has not ranked them since the current term started (or
never has); they are *exhausted* when none of the listed departments can be had in the next term
(already visited, not hosting, or no longer a department). Either way the agent is asked to rank
them again: on My rotation, on My day, and by the daily `interests_refresh` reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from core.models import Department, Interest, Person, Role, Term
from core.people.access import Actor, require_view_person
from core.platform.clock import now_local, today
from core.platform.config import get_settings
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.rotations.planning import _build_problem, active_agents
from core.scheduling.rotations import ordinal

# How many departments an agent ranks: the planner gives points to the first three of them that
# host in the term (core.scheduling.rotations), and the others stand in when one of those is
# full, already visited or not hosting; past five, a choice would never count.
MAX_INTERESTS = 5
CAP_REASON = (
    f"Rank up to {MAX_INTERESTS}: your lead's planner counts your first three that can be had "
    "in the term, and the others stand in when one of those is full or already visited."
)


def set_interests(session: Session, *, actor: Actor, department_ids: Sequence[int]) -> None:
    """An agent ranks the departments they would like to represent support in (first = most)."""
    if actor.role is not Role.AGENT:
        raise AccessDenied("Only agents rank their own interests.")
    names = dict(session.exec(select(Department.id, Department.name)).all())
    if not set(department_ids) <= set(names):
        raise InvalidInput("One of those departments does not exist.")
    for department in dict.fromkeys(department_ids):
        places = [i + 1 for i, d in enumerate(department_ids) if d == department]
        if len(places) > 1:
            raise InvalidInput(
                f"{names[department]} is ranked {len(places)} times "
                f"({' and '.join(ordinal(p) for p in places)} choice): rank each department once."
            )
    if len(department_ids) > MAX_INTERESTS:
        raise InvalidInput(f"You ranked {len(department_ids)} departments. {CAP_REASON}")
    session.exec(delete(Interest).where(col(Interest.person_id) == actor.id))
    # On the organisation's today (HEADWAY_TODAY in tests and demos): it is compared with
    # term dates, not used as an audit stamp.
    ranked_at = now_local()
    session.add_all(
        Interest(person_id=actor.id, department_id=d, rank=i + 1, updated_at=ranked_at)
        for i, d in enumerate(department_ids)
    )


def interests_of(session: Session, *, actor: Actor, person_id: int) -> list[tuple[int, str]]:
    """(rank, department) of a person's interests: theirs, their lead's and managers' to see."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    require_view_person(actor, person)
    rows = session.exec(
        select(Interest.rank, Department.name)
        .join(Department, col(Department.id) == Interest.department_id)
        .where(Interest.person_id == person_id)
        .order_by(col(Interest.rank))
    ).all()
    return [(int(r), str(n)) for r, n in rows]


# --- when interests need a refresh --------------------------------------------------------------


@dataclass(frozen=True)
class InterestsCheck:
    """One agent's interests measured against the next term."""

    person_id: int
    name: str
    term: str | None  # the next term, None when no term is open yet
    term_start: dt.date | None
    ranked: tuple[str, ...]
    ranked_on: dt.date | None  # when the agent last ranked them; None: never
    stale: bool  # not ranked since the current term started (or never)
    blocked: tuple[str, ...]  # why each listed department is out of reach next term
    exhausted: bool  # none of the listed departments can be had next term
    placed: bool  # already has a published rotation in the next term

    @property
    def needs_refresh(self) -> bool:
        return not self.placed and (self.stale or self.exhausted)

    def advice(self) -> str:
        """What the agent reads: why their interests need a look, and what to do."""
        term = self.term or "the next term"
        if not self.ranked:
            return (
                f"You have not ranked any departments yet. Rank the ones you would like to "
                f"visit in {term}: your team lead assigns rotations from your choices."
            )
        if self.exhausted:
            return (
                f"None of your choices can be had in {term} ({'; '.join(self.blocked)}). "
                "Rank departments you have not visited yet, so your lead can place you on one."
            )
        when = f" on {self.ranked_on:%-d %B %Y}" if self.ranked_on else ""
        return (
            f"You last ranked your interests{when}, before this term started. Check they are "
            f"still where you would like to go in {term}."
        )


def next_term(session: Session, day: dt.date) -> Term | None:
    """The first term that starts after `day`."""
    return session.exec(select(Term).where(Term.start > day).order_by(col(Term.start))).first()


def refresh_since(session: Session, day: dt.date) -> dt.date | None:
    """The start of the current term (the latest to have started by `day`): interests ranked
    before it are stale."""
    term = session.exec(
        select(Term).where(Term.start <= day).order_by(col(Term.start).desc())
    ).first()
    return term.start if term is not None else None


def _local_date(moment: dt.datetime) -> dt.date:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(get_settings().tz).date()


def interest_checks(
    session: Session, *, team_ids: Sequence[int], day: dt.date
) -> list[InterestsCheck]:
    """Every active agent of the teams, with their interests measured against the next term.
    No access check: callers show a person only their own (or run as the reminder job)."""
    people = active_agents(session, team_ids)
    ids = [p.id for p in people]
    ranked_on: dict[int, dt.date] = {}
    listed: dict[int, list[str]] = {}  # each person's departments, most wanted first
    for interest, department in session.exec(
        select(Interest, Department.name)
        .join(Department, col(Department.id) == Interest.department_id)
        .where(col(Interest.person_id).in_(ids))
        .order_by(col(Interest.rank))
    ).all():
        listed.setdefault(interest.person_id, []).append(department)
        day_ranked = _local_date(interest.updated_at)
        ranked_on[interest.person_id] = max(
            day_ranked, ranked_on.get(interest.person_id, day_ranked)
        )
    since = refresh_since(session, day)
    term = next_term(session, day)
    agents = {}
    problem = None
    if term is not None and term.id is not None and team_ids:
        problem, keys, _ = _build_problem(session, term_id=term.id, team_ids=team_ids)
        agents = {keys[a.id].id: a for a in problem.agents}
    checks = []
    for person in people:
        assert person.id is not None
        on = ranked_on.get(person.id)
        stale = on is None or (since is not None and on < since)
        agent = agents.get(person.id)
        ranked: tuple[str, ...] = ()
        blocked: list[str] = []
        exhausted = placed = False
        if problem is not None and agent is not None:
            ranked = tuple(dict.fromkeys(agent.interests))
            reasons = [problem.out_of_reach(agent, d) for d in ranked]
            blocked = [r for r in reasons if r is not None]
            exhausted = len(blocked) == len(ranked)
            placed = agent.pinned is not None
        else:
            ranked = tuple(listed.get(person.id, []))
        checks.append(
            InterestsCheck(
                person.id,
                person.name,
                term.name if term else None,
                term.start if term else None,
                ranked,
                on,
                stale,
                tuple(blocked),
                exhausted,
                placed,
            )
        )
    return checks


def my_interests_check(session: Session, *, actor: Actor) -> InterestsCheck | None:
    """The acting agent's own check (None for anyone who is not an agent in a team)."""
    if actor.role is not Role.AGENT or actor.team_id is None:
        return None
    mine = [
        c
        for c in interest_checks(session, team_ids=[actor.team_id], day=today())
        if c.person_id == actor.id
    ]
    return mine[0] if mine else None


def interests_prompt(session: Session, actor: Actor) -> str | None:
    """A short call to rank interests for the acting agent, or None when theirs are fine."""
    check = my_interests_check(session, actor=actor)
    if check is None or not check.needs_refresh:
        return None
    return check.advice()
