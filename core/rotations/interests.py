"""Agents' ranked interests in the departments they would like to represent support in."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, delete, select

from core.access import Actor, require_view_person
from core.errors import AccessDenied, InvalidInput, NotFound
from core.models import Department, Interest, Person, Role


def set_interests(session: Session, *, actor: Actor, department_ids: Sequence[int]) -> None:
    """An agent ranks the departments they would like to represent support in (first = most)."""
    if actor.role is not Role.AGENT:
        raise AccessDenied("Only agents rank their own interests.")
    if len(set(department_ids)) != len(department_ids):
        raise InvalidInput("Each department can be ranked once.")
    known = {d for d in session.exec(select(Department.id)).all()}
    if not set(department_ids) <= known:
        raise InvalidInput("One of those departments does not exist.")
    session.exec(delete(Interest).where(col(Interest.person_id) == actor.id))
    session.add_all(
        Interest(person_id=actor.id, department_id=d, rank=i + 1)
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
