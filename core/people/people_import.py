"""The people import: an admin adds or updates many people at once from a CSV file (all or
nothing, every refused line named)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from core.models import Person, Role, Team
from core.people.access import Actor, require_admin
from core.people.org import EMAIL_RE, PersonInput, create_person
from core.platform.clock import today
from core.platform.csvio import CsvRow, line_of, read_csv
from core.platform.errors import InvalidInput

PEOPLE_COLUMNS = ("name", "email", "role", "team")
PEOPLE_OPTIONAL = ("hire_date",)


@dataclass(frozen=True)
class PeopleImport:
    added: int
    ignored_columns: list[str]


def _parse_person_row(
    row: CsvRow, teams: dict[str, int], taken: dict[str, int]
) -> tuple[PersonInput | None, list[str]]:
    v = row.values
    reasons: list[str] = []
    name = v["name"]
    if not name:
        reasons.append("name is empty")
    elif len(name) > 120:
        reasons.append("name is longer than 120 characters")
    email = v["email"].lower()
    if not EMAIL_RE.match(email):
        reasons.append(f"{v['email']!r} is not an email address")
    elif email in taken:
        where = taken[email]
        reasons.append(f"email {email} is already used" + (f" (line {where})" if where > 0 else ""))
    try:
        role = Role(v["role"].strip().lower().replace(" ", "_"))
    except ValueError:
        reasons.append(f"unknown role {v['role']!r} (agent, team_lead, manager or admin)")
        role = Role.AGENT
    team_id = teams.get(v["team"].lower()) if v["team"] else None
    if v["team"] and team_id is None:
        reasons.append(f"unknown team {v['team']!r}")
    elif not v["team"] and role in (Role.AGENT, Role.TEAM_LEAD):
        reasons.append(f"a {role.label.lower()} needs a team")
    hire: dt.date | None = None
    if v.get("hire_date"):
        try:
            hire = dt.date.fromisoformat(v["hire_date"])
            if hire > today():
                reasons.append(f"hire_date {hire.isoformat()} is in the future")
        except ValueError:
            reasons.append(f"hire_date {v['hire_date']!r} is not a date (YYYY-MM-DD)")
    if reasons:
        return None, reasons
    taken[email] = row.line
    return PersonInput(name, email, role, team_id, hire), []


def import_people(session: Session, *, actor: Actor, data: bytes) -> PeopleImport:
    """Add the people of a CSV (name,email,role,team[,hire_date]): all rows, or none."""
    require_admin(actor)
    table = read_csv(data, required=PEOPLE_COLUMNS, optional=PEOPLE_OPTIONAL)
    teams = {t.name.lower(): t.id for t in session.exec(select(Team)).all() if t.id is not None}
    taken = {e.lower(): 0 for e in session.exec(select(Person.email)).all()}
    people: list[PersonInput] = []
    problems = list(table.problems)  # rows that could not be read at all
    for row in table.rows:
        person, reasons = _parse_person_row(row, teams, taken)
        if person is None:
            problems.append(f"line {row.line}: " + "; ".join(reasons))
        else:
            people.append(person)
    if problems:
        problems.sort(key=line_of)
        raise InvalidInput(f"Nothing was imported: {len(problems)} line(s) need fixing.", problems)
    for person in people:
        create_person(session, actor=actor, data=person)
    return PeopleImport(added=len(people), ignored_columns=table.ignored_columns)
