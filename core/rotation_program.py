"""The customer-ambassador programme on the organisation's data: terms, hosting capacity,
agents' ranked interests, assignment runs (the exact planner of core.scheduling.rotations),
hand overrides with validation, publishing, outcomes and the programme overview."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Calendar, Event
from sqlmodel import Session, col, delete, select

from core.access import Actor, require_planner, require_view_person
from core.calendar import organisation_calendar
from core.clock import today, utcnow
from core.errors import AccessDenied, InvalidInput, NotFound, StaleEdit
from core.models import (
    AmbassadorProject,
    Assignment,
    AssignmentStatus,
    CareerMove,
    Department,
    DepartmentHosting,
    Interest,
    NotificationKind,
    Person,
    ProjectStatus,
    Role,
    Team,
    Term,
    id_of,
)
from core.notifications import active_people, message_to, send
from core.scheduling.rotations import RotationAgent, RotationProblem, assign_rotations

FIXED = (
    AssignmentStatus.PUBLISHED,
    AssignmentStatus.ACTIVE,
    AssignmentStatus.COMPLETED,
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class TermRead:
    id: int
    name: str
    start: dt.date
    end: dt.date
    hours_per_week: float
    max_per_team: int | None


@dataclass(frozen=True)
class HostingRead:
    department_id: int
    department: str
    host: str
    capacity: int
    weekday: int
    start_time: dt.time
    hours: float


@dataclass(frozen=True)
class AssignmentRead:
    id: int
    term_id: int
    term: str
    person_id: int
    person_name: str
    team_name: str
    department_id: int
    department: str
    status: AssignmentStatus
    interest_rank: int | None
    host_feedback: str
    version: int


@dataclass(frozen=True)
class RotationOutcome:
    status: str
    assigned: int
    unassigned: list[tuple[str, str]]
    interest_score: int | None
    solve_seconds: float


def _term_read(t: Term) -> TermRead:
    assert t.id is not None
    return TermRead(t.id, t.name, t.start, t.end, t.hours_per_week, t.max_per_team_per_department)


def list_terms(session: Session) -> list[TermRead]:
    return [
        _term_read(t) for t in session.exec(select(Term).order_by(col(Term.start).desc())).all()
    ]


def current_term(session: Session) -> TermRead | None:
    day = today()
    terms = list_terms(session)
    return next((t for t in terms if t.start <= day <= t.end), None) or next(
        (t for t in reversed(terms) if t.start > day), terms[0] if terms else None
    )


def create_term(
    session: Session,
    *,
    actor: Actor,
    name: str,
    start: dt.date,
    end: dt.date,
    hours_per_week: float = 4.0,
    max_per_team: int | None = 4,
) -> TermRead:
    if not actor.sees_everyone:
        raise AccessDenied("Only managers open a new rotation term.")
    name = name.strip()
    if not name or len(name) > 40:
        raise InvalidInput("A term needs a name of at most 40 characters.")
    if end <= start:
        raise InvalidInput(f"The term ends ({end}) before it starts ({start}).")
    if not 0 < hours_per_week <= 20:
        raise InvalidInput("Hours per week must be more than 0 and at most 20.")
    if session.exec(select(Term).where(Term.name == name)).first():
        raise InvalidInput(f"There is already a term called {name}.")
    term = Term(
        name=name,
        start=start,
        end=end,
        hours_per_week=hours_per_week,
        max_per_team_per_department=max_per_team,
    )
    session.add(term)
    session.flush()
    return _term_read(term)


def open_next_term(
    session: Session,
    *,
    actor: Actor,
    name: str,
    start: dt.date,
    end: dt.date,
    hours_per_week: float,
    max_per_team: int | None,
) -> TermRead:
    """A new term whose departments host as they did in the latest term (capacity, weekday, hours)."""
    latest = session.exec(select(Term).order_by(col(Term.start).desc())).first()
    term = create_term(
        session,
        actor=actor,
        name=name,
        start=start,
        end=end,
        hours_per_week=hours_per_week,
        max_per_team=max_per_team,
    )
    if latest is not None and latest.id is not None:
        for h in session.exec(
            select(DepartmentHosting).where(DepartmentHosting.term_id == latest.id)
        ).all():
            session.add(
                DepartmentHosting(
                    term_id=term.id,
                    department_id=h.department_id,
                    capacity=h.capacity,
                    weekday=h.weekday,
                    start_time=h.start_time,
                    hours=h.hours,
                )
            )
    return term


def hosting(session: Session, *, term_id: int) -> list[HostingRead]:
    """Every active department with its hosting for the term (capacity 0 if not set yet)."""
    rows = {
        h.department_id: h
        for h in session.exec(
            select(DepartmentHosting).where(DepartmentHosting.term_id == term_id)
        ).all()
    }
    out = []
    for d in session.exec(
        select(Department).where(col(Department.active).is_(True)).order_by(col(Department.name))
    ).all():
        assert d.id is not None
        h = rows.get(d.id) or DepartmentHosting(term_id=term_id, department_id=d.id)
        out.append(
            HostingRead(
                d.id, d.name, d.host_contact_name, h.capacity, h.weekday, h.start_time, h.hours
            )
        )
    return out


def set_hosting(
    session: Session,
    *,
    actor: Actor,
    term_id: int,
    department_id: int,
    capacity: int,
    weekday: int | None = None,
    start_time: dt.time | None = None,
    hours: float | None = None,
) -> None:
    require_planner(actor)
    if capacity < 0:
        raise InvalidInput("A capacity cannot be negative.")
    if weekday is not None and not 0 <= weekday <= 6:
        raise InvalidInput(f"A weekday is 0 (Monday) to 6 (Sunday), not {weekday}.")
    row = session.exec(
        select(DepartmentHosting).where(
            DepartmentHosting.term_id == term_id, DepartmentHosting.department_id == department_id
        )
    ).first() or DepartmentHosting(term_id=term_id, department_id=department_id)
    row.capacity = capacity
    if weekday is not None:
        row.weekday = weekday
    if start_time is not None:
        row.start_time = start_time
    if hours is not None:
        row.hours = hours
    session.add(row)


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


def _agents(session: Session, team_ids: Sequence[int]) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .where(
                col(Person.team_id).in_(team_ids),
                Person.role == Role.AGENT,
                col(Person.active).is_(True),
            )
            .order_by(col(Person.name))
        ).all()
    )


def _term(session: Session, term_id: int) -> Term:
    term = session.get(Term, term_id)
    if term is None:
        raise NotFound(f"There is no rotation term with id {term_id}.")
    return term


def build_problem(
    session: Session, *, term_id: int, team_ids: Sequence[int]
) -> tuple[RotationProblem, dict[str, Person], dict[str, int]]:
    """The planner's problem for some teams: capacity already taken by other teams is left out."""
    term = _term(session, term_id)
    agents = _agents(session, team_ids)
    ids = [a.id for a in agents]
    departments = {h.department: h for h in hosting(session, term_id=term_id)}
    dept_ids = {name: h.department_id for name, h in departments.items()}
    names = {h.department_id: name for name, h in departments.items()}
    taken = Counter(
        names.get(a.department_id, "")
        for a in session.exec(
            select(Assignment)
            .where(Assignment.term_id == term_id, col(Assignment.person_id).not_in(ids))
            .where(col(Assignment.status).in_(FIXED))
        ).all()
    )
    capacities = {name: max(0, h.capacity - taken[name]) for name, h in departments.items()}
    interests: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i in session.exec(select(Interest).where(col(Interest.person_id).in_(ids))).all():
        interests[i.person_id].append((i.rank, i.department_id))
    history: dict[int, set[str]] = defaultdict(set)
    pinned: dict[int, str] = {}
    all_names = {d.id: d.name for d in session.exec(select(Department)).all()}
    earlier = set(session.exec(select(Term.id).where(Term.start < term.start)).all())
    for a in session.exec(select(Assignment).where(col(Assignment.person_id).in_(ids))).all():
        if a.status not in FIXED:
            continue
        name = all_names.get(a.department_id, str(a.department_id))
        if a.term_id == term_id:
            pinned[a.person_id] = name
        elif a.term_id in earlier:
            history[a.person_id].add(name)
    keys: dict[str, Person] = {}
    rows = []
    for person in agents:
        assert person.id is not None
        key = f"{person.name} (#{person.id})"
        keys[key] = person
        ranked = [names[d] for _, d in sorted(interests.get(person.id, [])) if d in names]
        rows.append(
            RotationAgent(
                key,
                str(person.team_id),
                tuple(ranked),
                frozenset(history[person.id]),
                pinned.get(person.id),
            )
        )
    problem = RotationProblem(term.name, capacities, tuple(rows), term.max_per_team_per_department)
    return problem, keys, dept_ids


def run_rotations(
    session: Session, *, actor: Actor, term_id: int, team_ids: Sequence[int]
) -> RotationOutcome:
    """Propose a department for every agent of the teams; published assignments stay."""
    require_planner(actor, team_ids)
    if not team_ids:
        raise InvalidInput("Choose at least one team.")
    problem, keys, dept_ids = build_problem(session, term_id=term_id, team_ids=team_ids)
    if not problem.agents:
        raise InvalidInput("The chosen teams have no active agents.")
    plan = assign_rotations(problem)
    names = {k: p.name for k, p in keys.items()}
    unassigned = [(names[a], r) for a, r in plan.unassigned]
    if plan.status != "optimal":
        return RotationOutcome(plan.status, 0, unassigned, None, plan.solve_seconds)
    ids = [p.id for p in keys.values()]
    session.exec(
        delete(Assignment).where(
            col(Assignment.term_id) == term_id,
            col(Assignment.person_id).in_(ids),
            col(Assignment.status) == AssignmentStatus.PROPOSED,
        )
    )
    by_key = {a.id: a for a in problem.agents}
    new = []
    for key, department in plan.assignments:
        if by_key[key].pinned is not None:
            continue
        ranked = list(by_key[key].interests)
        rank = ranked.index(department) + 1 if department in ranked else None
        new.append(
            Assignment(
                term_id=term_id,
                person_id=id_of(keys[key]),
                department_id=dept_ids[department],
                interest_rank=rank,
            )
        )
    session.add_all(new)
    session.flush()
    return RotationOutcome(
        "optimal", len(plan.assignments), unassigned, plan.interest_score, plan.solve_seconds
    )


def _effective_status(a: Assignment, term: Term) -> AssignmentStatus:
    if a.status == AssignmentStatus.PUBLISHED:
        day = today()
        if day > term.end:
            return AssignmentStatus.COMPLETED
        if day >= term.start:
            return AssignmentStatus.ACTIVE
    return AssignmentStatus(a.status)


def _reads(session: Session, rows: Sequence[Assignment]) -> list[AssignmentRead]:
    terms = {t.id: t for t in session.exec(select(Term)).all()}
    depts = {d.id: d.name for d in session.exec(select(Department)).all()}
    teams = {t.id: t.name for t in session.exec(select(Team)).all()}
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(col(Person.id).in_([r.person_id for r in rows]))
        ).all()
    }
    out = []
    for a in rows:
        assert a.id is not None
        person = people[a.person_id]
        term = terms[a.term_id]
        out.append(
            AssignmentRead(
                a.id,
                a.term_id,
                term.name,
                a.person_id,
                person.name,
                teams.get(person.team_id, ""),
                a.department_id,
                depts.get(a.department_id, ""),
                _effective_status(a, term),
                a.interest_rank,
                a.host_feedback,
                a.version,
            )
        )
    return out


def list_assignments(
    session: Session, *, actor: Actor, term_id: int, team_ids: Sequence[int]
) -> list[AssignmentRead]:
    require_planner(actor, team_ids)
    rows = session.exec(
        select(Assignment)
        .join(Person, col(Person.id) == Assignment.person_id)
        .where(Assignment.term_id == term_id, col(Person.team_id).in_(team_ids))
        .order_by(col(Person.name))
    ).all()
    return _reads(session, rows)


def override(
    session: Session, *, actor: Actor, assignment_id: int, department_id: int, expected_version: int
) -> None:
    """Move one agent to another department by hand, refusing anything that breaks a rule."""
    a = session.get(Assignment, assignment_id)
    if a is None:
        raise NotFound(f"There is no assignment with id {assignment_id}.")
    person = session.get(Person, a.person_id)
    assert person is not None and person.team_id is not None
    require_planner(actor, [person.team_id])
    if a.version != expected_version:
        raise StaleEdit(
            "This assignment was changed by someone else since you opened it; reload and try again."
        )
    term = _term(session, a.term_id)
    dept = session.get(Department, department_id)
    if dept is None:
        raise NotFound("That department does not exist.")
    cap = next(
        (
            h.capacity
            for h in hosting(session, term_id=a.term_id)
            if h.department_id == department_id
        ),
        0,
    )
    others = session.exec(
        select(Assignment).where(
            Assignment.term_id == a.term_id,
            Assignment.department_id == department_id,
            Assignment.id != a.id,
        )
    ).all()
    if len(others) >= cap:
        raise InvalidInput(f"{dept.name} is full this term ({cap} ambassadors).")
    limit = term.max_per_team_per_department
    if limit is not None:
        same_team = session.exec(select(Person.id).where(Person.team_id == person.team_id)).all()
        if sum(1 for o in others if o.person_id in same_team) >= limit:
            raise InvalidInput(
                f"{dept.name} already takes {limit} agents of {person.name}'s team this term."
            )
    # The history rule is the planner's own (the problem says why not), never a second copy.
    problem, keys, _ = build_problem(session, term_id=a.term_id, team_ids=[person.team_id])
    agent = next(r for r in problem.agents if keys[r.id].id == person.id)
    reason = problem.why_not(agent, dept.name)
    if reason is not None:
        raise InvalidInput(f"{person.name} {reason}.")
    ranks = dict(
        (d, r)
        for r, d in session.exec(
            select(Interest.rank, Interest.department_id).where(Interest.person_id == person.id)
        ).all()
    )
    a.department_id = department_id
    a.interest_rank = ranks.get(department_id)
    a.version += 1
    a.updated_at = utcnow()
    session.add(a)


def publish_rotations(
    session: Session, *, actor: Actor, term_id: int, team_ids: Sequence[int]
) -> int:
    require_planner(actor, team_ids)
    rows = session.exec(
        select(Assignment)
        .join(Person, col(Person.id) == Assignment.person_id)
        .where(
            Assignment.term_id == term_id,
            col(Person.team_id).in_(team_ids),
            Assignment.status == AssignmentStatus.PROPOSED,
        )
    ).all()
    for a in rows:
        a.status = AssignmentStatus.PUBLISHED
        a.version += 1
        session.add(a)
    session.flush()
    term = _term(session, term_id)
    departments = {d.id: d.name for d in session.exec(select(Department)).all()}
    people = active_people(session, [a.person_id for a in rows])
    if term.end < today():  # a past term recorded late is no news to anyone
        return len(rows)
    send(
        session,
        [
            message_to(
                people[a.person_id],
                kind=NotificationKind.ROTATION_PUBLISHED,
                subject=f"assignment:{a.id}",
                title=f"You are a customer ambassador to {departments[a.department_id]} "
                f"in {term.name}",
                body=f"From {term.start:%-d %B} to {term.end:%-d %B %Y}, "
                f"{term.hours_per_week:g} hours a week. Details and the calendar on My rotation.",
                link="my_rotation",
            )
            for a in rows
            if a.person_id in people
        ],
    )
    return len(rows)


def my_rotations(session: Session, *, actor: Actor) -> list[AssignmentRead]:
    """My published rotations, newest term first (proposals stay with the lead until published)."""
    rows = session.exec(
        select(Assignment)
        .join(Term, col(Term.id) == Assignment.term_id)
        .where(Assignment.person_id == actor.id, col(Assignment.status).in_(FIXED))
        .order_by(col(Term.start).desc())
    ).all()
    return _reads(session, rows)


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
    if not title.strip() or len(title) > 200:
        raise InvalidInput("A project needs a title of at most 200 characters.")
    if len(impact) > 2000:
        raise InvalidInput("Impact notes can have at most 2,000 characters.")
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
    if len(note) > 2000:
        raise InvalidInput("A feedback note can have at most 2,000 characters.")
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
    session.add(
        CareerMove(person_id=person_id, department_id=department_id, date=date, note=note.strip())
    )


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
    term = _term(session, term_id)
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
        _term_read(term),
        by_department,
        interest_met,
        [(d, s, n) for (d, s), n in sorted(project_counts.items())],
        moves,
    )


def rotation_ics(session: Session, *, actor: Actor, assignment_id: int) -> bytes:
    """The weekly hosting session of one rotation as a recurring event (RFC 5545 RRULE)."""
    a = _own_or_coach(session, actor, assignment_id)
    term = _term(session, a.term_id)
    host = next(
        h for h in hosting(session, term_id=a.term_id) if h.department_id == a.department_id
    )
    first = term.start + dt.timedelta(days=(host.weekday - term.start.weekday()) % 7)
    begin = dt.datetime.combine(first, host.start_time)
    calendar = Calendar()
    calendar.add("prodid", "-//Headway//Ambassador rotation//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"rotation-{a.id}@headway")
    event.add("dtstamp", utcnow())
    event.add("dtstart", begin)
    event.add("dtend", begin + dt.timedelta(hours=host.hours))
    event.add("rrule", {"freq": "weekly", "until": dt.datetime.combine(term.end, dt.time(23, 59))})
    # No session on a closed day (public holiday, closure day): those weeks are left out.
    closed = organisation_calendar(session).closed_weekdays(first, term.end)
    skipped = [
        dt.datetime.combine(first + dt.timedelta(weeks=w), host.start_time)
        for w in range((term.end - first).days // 7 + 1)
        if first + dt.timedelta(weeks=w) in closed
    ]
    if skipped:
        event.add("exdate", skipped)
    event.add("summary", f"Customer ambassador: {host.department}")
    event.add(
        "description",
        f"Representing support in {host.department} ({term.name}); host: {host.host or 'to be confirmed'}.",
    )
    calendar.add_component(event)
    return bytes(calendar.to_ical())
