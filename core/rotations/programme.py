"""The programme overview for managers: a term's departments and how many ambassadors got one of
their choices, projects, career moves."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.models import AmbassadorProject, Assignment, CareerMove, Department, Person, Role
from core.people.access import Actor
from core.platform.errors import AccessDenied
from core.rotations.planning import FIXED, choices_sentence
from core.rotations.terms import TermRead, _hosting, get_term, term_read

CHOICES = ("1st choice", "2nd choice", "3rd choice", "a later choice", "not one of their choices")


@dataclass(frozen=True)
class DepartmentUptake:
    department: str
    ambassadors: int
    capacity: int
    choices: dict[str, int]  # CHOICES → ambassadors

    @property
    def first_choice(self) -> int:
        return self.choices.get(CHOICES[0], 0)

    @property
    def any_choice(self) -> int:
        return self.ambassadors - self.choices.get(CHOICES[-1], 0)


@dataclass(frozen=True)
class Programme:
    term: TermRead
    by_department: list[DepartmentUptake]
    summary: str  # how many ambassadors got one of their choices, in words ("" when none)
    projects: list[tuple[str, str, int]]  # department, status, count
    moves: list[tuple[str, str, dt.date, bool]]  # person, department, date, after a rotation there


def programme(session: Session, *, actor: Actor, term_id: int) -> Programme:
    if not actor.sees_everyone:
        raise AccessDenied("The programme overview is for managers.")
    term = get_term(session, term_id)
    rows = [
        a
        for a in session.exec(select(Assignment).where(Assignment.term_id == term_id)).all()
        if a.status in FIXED
    ]
    depts = {d.department_id: d for d in _hosting(session, term_id=term_id)}
    by_dept: dict[int, Counter[str]] = {d: Counter() for d in depts}
    for a in rows:
        rank = a.interest_rank or 0
        label = CHOICES[min(rank, 4) - 1] if rank else CHOICES[-1]
        by_dept.setdefault(a.department_id, Counter())[label] += 1
    names = {d.id: d.name for d in session.exec(select(Department)).all()}
    by_department = [
        DepartmentUptake(
            depts[d].department if d in depts else names.get(d, ""),
            sum(c.values()),
            depts[d].capacity if d in depts else 0,
            {k: c[k] for k in CHOICES},
        )
        for d, c in by_dept.items()
    ]
    summary = choices_sentence(
        [a.interest_rank for a in rows],
        len(rows),
        why="the rotation planner says why for each",
        who="ambassadors",
    )
    agents = session.exec(
        select(func.count())
        .select_from(Person)
        .where(Person.role == Role.AGENT, col(Person.active).is_(True))
    ).one()
    if (without := agents - len(rows)) > 0:
        capacity = sum(d.capacity for d in depts.values())
        summary += f" {without} of the {agents} agents have no rotation this term" + (
            f": the departments host {capacity} in all."
            if capacity < agents
            else ": their team leads have not published one for them yet."
        )
    project_counts: Counter[tuple[str, str]] = Counter()
    for p, a in session.exec(
        select(AmbassadorProject, Assignment).join(
            Assignment, col(Assignment.id) == AmbassadorProject.assignment_id
        )
    ).all():
        project_counts[(names.get(a.department_id, ""), p.status)] += 1
    visited = {
        (a.person_id, a.department_id)
        for a in session.exec(select(Assignment)).all()
        if a.status in FIXED
    }
    moves = [
        (p.name, names.get(m.department_id, ""), m.date, (m.person_id, m.department_id) in visited)
        for m, p in session.exec(
            select(CareerMove, Person)
            .join(Person, col(Person.id) == CareerMove.person_id)
            .order_by(col(CareerMove.date).desc())
        ).all()
    ]
    return Programme(
        term_read(term),
        by_department,
        summary,
        [(d, s, n) for (d, s), n in sorted(project_counts.items())],
        moves,
    )
