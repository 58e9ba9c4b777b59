"""Organisation services: people, teams and departments, with validation (the CSV import of
people is in `people_import`)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session, col, func, select

from core.models import AuditAction, Department, Dispute, DisputeStatus, Person, Role, Team
from core.people.access import Actor, require_admin, visible_people
from core.people.audit import record
from core.people.auth import revoke_person_sessions
from core.platform.clock import today
from core.platform.errors import InvalidInput, NotFound, StaleEdit
from core.platform.limits import max_length, require_fits

EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


@dataclass(frozen=True)
class PersonRead:
    id: int
    name: str
    email: str
    role: Role
    team_id: int | None
    team_name: str
    hire_date: dt.date | None
    active: bool
    version: int


@dataclass(frozen=True)
class PersonInput:
    name: str
    email: str
    role: Role
    team_id: int | None = None
    hire_date: dt.date | None = None


@dataclass(frozen=True)
class TeamRead:
    id: int
    name: str
    site: str
    lead_id: int | None
    lead_name: str
    min_staffed: int
    size: int
    version: int


@dataclass(frozen=True)
class TeamInput:
    name: str
    site: str = ""
    lead_id: int | None = None
    min_staffed: int = 0


@dataclass(frozen=True)
class DepartmentRead:
    id: int
    name: str
    host_contact_name: str
    host_contact_email: str
    description: str
    active: bool
    version: int


@dataclass(frozen=True)
class DepartmentInput:
    name: str
    host_contact_name: str = ""
    host_contact_email: str = ""
    description: str = ""


# ---------------------------------------------------------------- people


class Nameable(Protocol):
    """Anything that names a person: a Person, a PersonRead."""

    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...


def people_labels(people: Iterable[Nameable]) -> dict[int, str]:
    """How each person reads in one list, picker or table: their name, plus their e-mail when
    someone else in the same list has the same name ("Jordan Johnson
    (jordan.johnson2@example.com)"). E-mails are unique, so no two labels are ever the same — which
    also matters to Streamlit, whose pickers tell options apart by their label."""
    listed = [p for p in people if p.id is not None]
    shared = Counter(_same_name(p.name) for p in listed)
    return {
        p.id: p.name if shared[_same_name(p.name)] == 1 else f"{p.name} ({p.email})"
        for p in listed
        if p.id is not None
    }


def _same_name(name: str) -> str:
    return " ".join(name.casefold().split())


def person_labels(session: Session, *, person_ids: Iterable[int]) -> dict[int, str]:
    """`people_labels` of these people, for lists whose rows carry only an id and a name (a PD
    day, a rotation, a team's table). Names and work e-mails are the organisation's directory;
    the caller passes only ids it was allowed to read."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    return people_labels(session.exec(select(Person).where(col(Person.id).in_(ids))).all())


def _person_read(person: Person, team_names: dict[int, str]) -> PersonRead:
    assert person.id is not None
    return PersonRead(
        id=person.id,
        name=person.name,
        email=person.email,
        role=Role(person.role),
        team_id=person.team_id,
        team_name=team_names.get(person.team_id, "") if person.team_id else "",
        hire_date=person.hire_date,
        active=person.active,
        version=person.version,
    )


def _team_names(session: Session) -> dict[int, str]:
    return {t.id: t.name for t in session.exec(select(Team)).all() if t.id is not None}


def list_people(
    session: Session,
    *,
    actor: Actor,
    team_id: int | None = None,
    include_inactive: bool = False,
    search: str = "",
) -> list[PersonRead]:
    """The people `actor` may see, by name."""
    query = select(Person).where(visible_people(actor)).order_by(col(Person.name))
    if team_id is not None:
        query = query.where(Person.team_id == team_id)
    if not include_inactive:
        query = query.where(col(Person.active).is_(True))
    if search.strip():
        needle = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(Person.name).like(needle) | func.lower(Person.email).like(needle)
        )
    names = _team_names(session)
    return [_person_read(p, names) for p in session.exec(query).all()]


def get_person(session: Session, *, actor: Actor, person_id: int) -> PersonRead:
    from core.people.access import require_view_person

    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    require_view_person(actor, person)
    return _person_read(person, _team_names(session))


def _clean_person(session: Session, data: PersonInput, *, person_id: int | None) -> PersonInput:
    name = data.name.strip()
    email = data.email.strip().lower()
    if not name:
        raise InvalidInput("A person needs a name.")
    require_fits(("Name", name, max_length(Person, "name")))
    if not EMAIL_RE.match(email) or len(email) > max_length(Person, "email"):
        raise InvalidInput(f"{data.email.strip()!r} is not an email address.")
    clash = session.exec(select(Person).where(func.lower(Person.email) == email)).first()
    if clash is not None and clash.id != person_id:
        raise InvalidInput(f"{email} is already used by {clash.name}.")
    if data.team_id is not None and session.get(Team, data.team_id) is None:
        raise InvalidInput(f"There is no team with id {data.team_id}.")
    if data.role in (Role.AGENT, Role.TEAM_LEAD) and data.team_id is None:
        raise InvalidInput(
            f"{'An agent' if data.role is Role.AGENT else 'A team lead'} must belong to a team."
        )
    if data.hire_date is not None and data.hire_date > today():
        raise InvalidInput(f"The hire date {data.hire_date.isoformat()} is in the future.")
    return PersonInput(name, email, data.role, data.team_id, data.hire_date)


def create_person(session: Session, *, actor: Actor, data: PersonInput) -> PersonRead:
    require_admin(actor)
    clean = _clean_person(session, data, person_id=None)
    person = Person(
        name=clean.name,
        email=clean.email,
        role=clean.role,
        team_id=clean.team_id,
        hire_date=clean.hire_date,
    )
    session.add(person)
    session.flush()
    _make_lead_of_team_without_one(session, person)
    return _person_read(person, _team_names(session))


def _make_lead_of_team_without_one(session: Session, person: Person) -> None:
    if person.role == Role.TEAM_LEAD and person.team_id is not None:
        team = session.get(Team, person.team_id)
        if team is not None and team.lead_id is None:
            team.lead_id = person.id
            session.add(team)


def _check_version(kind: str, current: int, expected: int) -> None:
    if current != expected:
        raise StaleEdit(
            f"This {kind} was changed by someone else since you opened it; "
            "reload to see their change, then make yours again."
        )


def update_person(
    session: Session, *, actor: Actor, person_id: int, data: PersonInput, expected_version: int
) -> PersonRead:
    require_admin(actor)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    _check_version("person", person.version, expected_version)
    clean = _clean_person(session, data, person_id=person_id)
    led = session.exec(select(Team).where(Team.lead_id == person_id)).all()
    if led and (clean.role is not Role.TEAM_LEAD or any(t.id != clean.team_id for t in led)):
        raise InvalidInput(
            f"{person.name} leads {', '.join(t.name for t in led)}; choose another lead for "
            "that team first."
        )
    old_role = Role(person.role)
    person.name, person.email, person.role = clean.name, clean.email, clean.role
    person.team_id, person.hire_date = clean.team_id, clean.hire_date
    person.version += 1
    session.add(person)
    session.flush()
    _make_lead_of_team_without_one(session, person)
    if clean.role is not old_role:
        _record_account_change(
            session,
            actor=actor,
            person_id=person_id,
            action=AuditAction.ROLE_CHANGED,
            detail=f"role changed from {old_role.label} to {clean.role.label}",
        )
    return _person_read(person, _team_names(session))


def _record_account_change(
    session: Session, *, actor: Actor, person_id: int, action: AuditAction, detail: str
) -> None:
    """Record a change to who someone is in Headway; a role change or a deactivation also ends
    their open sessions (they log in again with their new rights, or not at all)."""
    record(
        session,
        actor=actor,
        action=action,
        record_type="person",
        record_id=person_id,
        subject_id=person_id,
        detail=detail,
    )
    if action in (AuditAction.ROLE_CHANGED, AuditAction.ACCOUNT_DEACTIVATED):
        revoke_person_sessions(session, person_id=person_id, actor=actor, reason=detail)


def set_person_active(
    session: Session, *, actor: Actor, person_id: int, active: bool
) -> PersonRead:
    require_admin(actor)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    if person_id == actor.id and not active:
        raise InvalidInput("You cannot deactivate your own account.")
    if not active:
        led = session.exec(select(Team).where(Team.lead_id == person_id)).all()
        if led:
            raise InvalidInput(
                f"{person.name} leads {', '.join(t.name for t in led)}; choose another lead first."
            )
    was_active = person.active
    if was_active and not active:
        owns = session.exec(
            select(func.count())
            .select_from(Dispute)
            .where(Dispute.owner_id == person_id, Dispute.status == DisputeStatus.OPEN)
        ).one()
        if owns:
            # core.accounts.set_account_active hands them over first (people stays below quality).
            raise InvalidInput(
                f"{person.name} still decides {owns} open dispute{'' if owns == 1 else 's'}: "
                "hand them to someone who can decide them first."
            )
    person.active = active
    person.version += 1
    session.add(person)
    session.flush()
    if was_active != active:
        _record_account_change(
            session,
            actor=actor,
            person_id=person_id,
            action=AuditAction.ACCOUNT_REACTIVATED if active else AuditAction.ACCOUNT_DEACTIVATED,
            detail="account reactivated" if active else "account deactivated",
        )
    return _person_read(person, _team_names(session))


# ---------------------------------------------------------------- teams


def list_teams(session: Session) -> list[TeamRead]:
    """Every team (team names and leads are not private)."""
    sizes = dict(
        session.exec(
            select(Person.team_id, func.count())
            .where(col(Person.active).is_(True), Person.role == Role.AGENT)
            .group_by(col(Person.team_id))
        ).all()
    )
    people = {
        p.id: p.name
        for p in session.exec(
            select(Person).where(
                col(Person.id).in_(select(Team.lead_id).where(col(Team.lead_id).is_not(None)))
            )
        ).all()
    }
    return [
        TeamRead(
            id=t.id,
            name=t.name,
            site=t.site,
            lead_id=t.lead_id,
            lead_name=people.get(t.lead_id, "") if t.lead_id else "",
            min_staffed=t.min_staffed,
            size=int(sizes.get(t.id, 0)),
            version=t.version,
        )
        for t in session.exec(select(Team).order_by(col(Team.name))).all()
        if t.id is not None
    ]


def _clean_team(session: Session, data: TeamInput, *, team_id: int | None) -> TeamInput:
    name = data.name.strip()
    if not name:
        raise InvalidInput("A team needs a name.")
    require_fits(
        ("Name", name, max_length(Team, "name")), ("Site", data.site, max_length(Team, "site"))
    )
    clash = session.exec(select(Team).where(func.lower(Team.name) == name.lower())).first()
    if clash is not None and clash.id != team_id:
        raise InvalidInput(f"There is already a team called {clash.name}.")
    if data.min_staffed < 0:
        raise InvalidInput("The staffing floor cannot be negative.")
    if data.lead_id is not None:
        lead = session.get(Person, data.lead_id)
        if lead is None or not lead.active:
            raise InvalidInput("The chosen lead is not an active person.")
        if lead.role != Role.TEAM_LEAD:
            raise InvalidInput(f"{lead.name} is not a team lead; change their role first.")
        if team_id is not None and lead.team_id != team_id:
            raise InvalidInput(
                f"{lead.name} belongs to another team; move them to this team first."
            )
        other = session.exec(select(Team).where(Team.lead_id == data.lead_id)).first()
        if other is not None and other.id != team_id:
            raise InvalidInput(f"{lead.name} already leads {other.name}.")
    return TeamInput(name, data.site.strip(), data.lead_id, data.min_staffed)


def _team_read(session: Session, team_id: int) -> TeamRead:
    return next(t for t in list_teams(session) if t.id == team_id)


def create_team(session: Session, *, actor: Actor, data: TeamInput) -> TeamRead:
    require_admin(actor)
    clean = _clean_team(
        session, TeamInput(data.name, data.site, None, data.min_staffed), team_id=None
    )
    team = Team(name=clean.name, site=clean.site, min_staffed=clean.min_staffed)
    session.add(team)
    session.flush()
    assert team.id is not None
    return _team_read(session, team.id)


def update_team(
    session: Session, *, actor: Actor, team_id: int, data: TeamInput, expected_version: int
) -> TeamRead:
    require_admin(actor)
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"There is no team with id {team_id}.")
    _check_version("team", team.version, expected_version)
    clean = _clean_team(session, data, team_id=team_id)
    team.name, team.site, team.lead_id = clean.name, clean.site, clean.lead_id
    team.min_staffed = clean.min_staffed
    team.version += 1
    session.add(team)
    session.flush()
    return _team_read(session, team_id)


# ---------------------------------------------------------------- departments


def _department_read(d: Department) -> DepartmentRead:
    assert d.id is not None
    return DepartmentRead(
        d.id, d.name, d.host_contact_name, d.host_contact_email, d.description, d.active, d.version
    )


def list_departments(session: Session, *, include_inactive: bool = False) -> list[DepartmentRead]:
    query = select(Department).order_by(col(Department.name))
    if not include_inactive:
        query = query.where(col(Department.active).is_(True))
    return [_department_read(d) for d in session.exec(query).all()]


def _clean_department(
    session: Session, data: DepartmentInput, *, department_id: int | None
) -> DepartmentInput:
    name = data.name.strip()
    if not name:
        raise InvalidInput("A department needs a name.")
    require_fits(("Name", name, max_length(Department, "name")))
    clash = session.exec(
        select(Department).where(func.lower(Department.name) == name.lower())
    ).first()
    if clash is not None and clash.id != department_id:
        raise InvalidInput(f"There is already a department called {clash.name}.")
    email = data.host_contact_email.strip().lower()
    if email and not EMAIL_RE.match(email):
        raise InvalidInput(f"{email!r} is not an email address.")
    require_fits(
        ("Host contact", data.host_contact_name, max_length(Department, "host_contact_name")),
        ("What the department does", data.description, max_length(Department, "description")),
    )
    return DepartmentInput(name, data.host_contact_name.strip(), email, data.description.strip())


def create_department(session: Session, *, actor: Actor, data: DepartmentInput) -> DepartmentRead:
    require_admin(actor)
    clean = _clean_department(session, data, department_id=None)
    department = Department(
        name=clean.name,
        host_contact_name=clean.host_contact_name,
        host_contact_email=clean.host_contact_email,
        description=clean.description,
    )
    session.add(department)
    session.flush()
    return _department_read(department)


def update_department(
    session: Session,
    *,
    actor: Actor,
    department_id: int,
    data: DepartmentInput,
    expected_version: int,
    active: bool = True,
) -> DepartmentRead:
    require_admin(actor)
    department = session.get(Department, department_id)
    if department is None:
        raise NotFound(f"There is no department with id {department_id}.")
    _check_version("department", department.version, expected_version)
    clean = _clean_department(session, data, department_id=department_id)
    department.name, department.description = clean.name, clean.description
    department.host_contact_name = clean.host_contact_name
    department.host_contact_email = clean.host_contact_email
    department.active = active
    department.version += 1
    session.add(department)
    session.flush()
    return _department_read(department)
