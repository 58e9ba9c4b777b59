"""What came of a rotation: the ambassador's projects, the host's feedback and career moves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import (
    AmbassadorProject,
    Assignment,
    AssignmentStatus,
    CareerMove,
    Department,
    Person,
    ProjectStatus,
    Term,
)
from core.people.access import Actor, require_view_person
from core.platform.clock import today, utcnow
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits


def _own_or_coach(session: Session, actor: Actor, assignment_id: int) -> Assignment:
    a = session.get(Assignment, assignment_id)
    if a is None:
        raise NotFound(f"There is no assignment with id {assignment_id}.")
    person = session.get(Person, a.person_id)
    assert person is not None
    require_view_person(actor, person)
    return a


@dataclass(frozen=True)
class ProjectRead:
    id: int
    assignment_id: int
    title: str
    status: ProjectStatus
    impact: str


def projects(session: Session, *, actor: Actor, assignment_id: int) -> list[ProjectRead]:
    _own_or_coach(session, actor, assignment_id)
    rows = session.exec(
        select(AmbassadorProject)
        .where(AmbassadorProject.assignment_id == assignment_id)
        .order_by(col(AmbassadorProject.id))
    ).all()
    return [
        ProjectRead(p.id or 0, p.assignment_id, p.title, ProjectStatus(p.status), p.impact)
        for p in rows
    ]


def save_project(
    session: Session,
    *,
    actor: Actor,
    assignment_id: int,
    title: str,
    status: ProjectStatus,
    impact: str = "",
    project_id: int | None = None,
) -> None:
    """The ambassador logs a goal or project and what came of it."""
    a = _own_or_coach(session, actor, assignment_id)
    if a.person_id != actor.id:
        raise AccessDenied("Only the ambassador logs their own goals and projects.")
    term = session.get(Term, a.term_id)
    if a.status == AssignmentStatus.COMPLETED or (term is not None and today() > term.end):
        ended = f" on {term.end:%-d %B %Y}" if term is not None else ""
        raise InvalidInput(
            f"This rotation ended{ended}: its goals and projects stay as they were logged."
        )
    if not title.strip():
        raise InvalidInput("Give the goal or project a title.")
    require_fits(
        ("A goal or project", title, max_length(AmbassadorProject, "title")),
        ("Impact so far", impact, max_length(AmbassadorProject, "impact")),
    )
    project = (
        session.get(AmbassadorProject, project_id)
        if project_id
        else AmbassadorProject(assignment_id=assignment_id, title="")
    )
    if project is None or project.assignment_id != assignment_id:
        raise NotFound("That project does not exist.")
    project.title, project.status, project.impact = title.strip(), status, impact.strip()
    project.updated_at = utcnow()
    session.add(project)


def set_host_feedback(session: Session, *, actor: Actor, assignment_id: int, note: str) -> None:
    """The host's short note at the end of a term, recorded by the agent's lead or a manager."""
    a = _own_or_coach(session, actor, assignment_id)
    if a.person_id == actor.id:
        raise AccessDenied("Host feedback is recorded by your lead or a manager.")
    require_fits(("What the host said", note, max_length(Assignment, "host_feedback")))
    a.host_feedback = note.strip()
    session.add(a)


def record_career_move(
    session: Session,
    *,
    actor: Actor,
    person_id: int,
    department_id: int,
    date: dt.date,
    note: str = "",
) -> None:
    if not actor.sees_everyone:
        raise AccessDenied("Only managers and admins record career moves.")
    if session.get(Person, person_id) is None or session.get(Department, department_id) is None:
        raise NotFound("That person or department does not exist.")
    require_fits(("Note", note, max_length(CareerMove, "note")))
    session.add(
        CareerMove(person_id=person_id, department_id=department_id, date=date, note=note.strip())
    )
