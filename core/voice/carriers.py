"""Who carries a theme to its department: this term's ambassadors, a department's host, and the
lead or manager where no ambassador is placed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.models import (
    Assignment,
    Department,
    Person,
    Role,
    Term,
)
from core.people.access import Actor
from core.platform.clock import today
from core.rotations.planning import FIXED


def day_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def current_term_id(session: Session) -> int | None:
    day = today()
    return session.exec(
        select(Term.id)
        .where(col(Term.start) <= day, col(Term.end) >= day)
        .order_by(col(Term.start))
    ).first()


def ambassadors(session: Session, department_id: int | None = None) -> dict[int, set[int]]:
    """Department → the people placed there in the current term (published or under way)."""
    term = current_term_id(session)
    if term is None:
        return {}
    query = select(Assignment.department_id, Assignment.person_id).where(
        Assignment.term_id == term, col(Assignment.status).in_(FIXED)
    )
    if department_id is not None:
        query = query.where(Assignment.department_id == department_id)
    placed: dict[int, set[int]] = {}
    for d, p in session.exec(query).all():
        placed.setdefault(d, set()).add(p)
    return placed


def _hosted_by(session: Session, actor: Actor) -> set[int]:
    """The departments whose host contact is the actor (matched by e-mail address)."""
    email = session.exec(select(Person.email).where(Person.id == actor.id)).first()
    if not email:
        return set()
    return {
        d
        for d in session.exec(
            select(Department.id).where(
                func.lower(Department.host_contact_email) == email.lower(),
                col(Department.active).is_(True),
            )
        ).all()
        if d is not None
    }


@dataclass(frozen=True)
class Carrier:
    """What the actor may do for each department: take its themes there, answer for it."""

    carries: frozenset[int]
    answers: frozenset[int]
    unplaced: bool  # a lead or manager carrying for departments without an ambassador

    @classmethod
    def of(cls, session: Session, actor: Actor) -> Carrier:
        placed = ambassadors(session)
        carries = {d for d, people in placed.items() if actor.id in people}
        unplaced = actor.role in (Role.TEAM_LEAD, Role.MANAGER)
        if unplaced:
            carries |= {
                d
                for d in session.exec(select(Department.id).where(col(Department.active).is_(True)))
                if d is not None and d not in placed
            }
        return cls(frozenset(carries), frozenset(carries | _hosted_by(session, actor)), unplaced)
