"""The programme overview for managers: a term's departments, interest met, projects, moves."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.access import Actor
from core.errors import AccessDenied
from core.models import AmbassadorProject, Assignment, CareerMove, Department, Person
from core.rotations.planning import FIXED
from core.rotations.terms import TermRead, get_term, hosting, term_read


@dataclass(frozen=True)
class Programme:
    term: TermRead
    by_department: list[tuple[str, int, int]]  # department, ambassadors, capacity
    interest_met: dict[str, float]  # "1st choice" … "no listed interest" → share of assigned agents
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
    depts = {d.department_id: d for d in hosting(session, term_id=term_id)}
    counts = Counter(a.department_id for a in rows)
    by_department = [(h.department, counts[d], h.capacity) for d, h in depts.items()]
    labels = {1: "1st choice", 2: "2nd choice", 3: "3rd choice"}
    met = Counter(labels.get(a.interest_rank or 0, "other department") for a in rows)
    interest_met = {
        k: met[k] / len(rows) if rows else 0.0 for k in [*labels.values(), "other department"]
    }
    names = {d.id: d.name for d in session.exec(select(Department)).all()}
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
        interest_met,
        [(d, s, n) for (d, s), n in sorted(project_counts.items())],
        moves,
    )
