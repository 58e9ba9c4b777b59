"""Rotation terms and each department's hosting in a term (capacity, weekday, time, hours)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import Department, DepartmentHosting, Term
from core.people.access import Actor, require_planner, require_programme
from core.platform.clock import today
from core.platform.errors import InvalidInput, NotFound
from core.platform.limits import max_length, require_fits

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
class WeeklySession:
    """When an ambassador is with their department each week: the one truth the app's sentences
    and the calendar file are both made from."""

    weekday: int
    start_time: dt.time
    hours: float

    @property
    def end_time(self) -> dt.time:
        begin = dt.datetime.combine(dt.date(2000, 1, 3), self.start_time)
        return (begin + dt.timedelta(hours=self.hours)).time()

    def sentence(self) -> str:
        """E.g. "Wednesdays 14:00–16:00 (2 hours a week)"."""
        hours = f"{self.hours:g} hour{'' if self.hours == 1 else 's'} a week"
        return f"{WEEKDAYS[self.weekday]}s {self.start_time:%H:%M}–{self.end_time:%H:%M} ({hours})"


_UNSET = DepartmentHosting(term_id=0, department_id=0)
DEFAULT_SESSION = WeeklySession(_UNSET.weekday, _UNSET.start_time, _UNSET.hours)


@dataclass(frozen=True)
class HostingRead:
    department_id: int
    department: str
    host: str
    capacity: int
    weekday: int
    start_time: dt.time
    hours: float

    @property
    def session(self) -> WeeklySession:
        return WeeklySession(self.weekday, self.start_time, self.hours)


def term_read(t: Term) -> TermRead:
    assert t.id is not None
    return TermRead(t.id, t.name, t.start, t.end, t.hours_per_week, t.max_per_team_per_department)


def list_terms(session: Session) -> list[TermRead]:
    return [term_read(t) for t in session.exec(select(Term).order_by(col(Term.start).desc())).all()]


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
    require_programme(actor)
    name = name.strip()
    if not name:
        raise InvalidInput("Give the term a name, e.g. 2027-Q2.")
    require_fits(("Name", name, max_length(Term, "name")))
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
    return term_read(term)


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


def hosting(session: Session, *, actor: Actor, term_id: int) -> list[HostingRead]:
    """Every active department with its hosting for the term, for those who plan rotations."""
    require_planner(actor)
    return _hosting(session, term_id=term_id)


def _hosting(session: Session, *, term_id: int) -> list[HostingRead]:
    """Every active department with its hosting for the term (capacity 0 if not set yet): the
    building block of the scoped services (planning, programme, an agent's calendar file)."""
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
    """How many agents a department hosts in a term, and when: the same for every team."""
    require_programme(actor)
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


def weekly_sessions(
    session: Session, term_ids: Iterable[int]
) -> dict[tuple[int, int], WeeklySession]:
    """(term id, department id) → the department's weekly session in that term, for the
    departments that set one; `DEFAULT_SESSION` for the others (as `_hosting` reads them)."""
    rows = session.exec(
        select(DepartmentHosting).where(col(DepartmentHosting.term_id).in_(set(term_ids)))
    ).all()
    return {
        (h.term_id, h.department_id): WeeklySession(h.weekday, h.start_time, h.hours) for h in rows
    }


def weekly_session(session: Session, *, term_id: int, department_id: int) -> WeeklySession:
    return weekly_sessions(session, [term_id]).get((term_id, department_id), DEFAULT_SESSION)


def get_term(session: Session, term_id: int) -> Term:
    term = session.get(Term, term_id)
    if term is None:
        raise NotFound(f"There is no rotation term with id {term_id}.")
    return term
