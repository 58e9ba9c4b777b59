"""Daily contact volumes per reason (`headway import contacts`, the Contact volumes page).

The file: `date`, `reason`, `contacts` (other columns are ignored), one row per reason and day,
as a contact-centre platform's daily report by contact reason (or disposition code) gives them.
The import rules are those of every Headway import: every line is checked first and nothing is
written unless all are valid (`line N: why`); a row already stored with the same count is
counted as already present, so the same file imported twice adds nothing; a row whose count
differs from the stored one is refused (stored figures are not overwritten silently).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

from sqlmodel import Session, col, func, select

from core.models import ContactReason, ContactVolume, ReasonStatus, Role
from core.people.access import Actor
from core.platform.csvio import line_of, read_csv
from core.platform.errors import AccessDenied, InvalidInput
from core.platform.parsing import read_date, read_number

COLUMNS = ("date", "reason", "contacts")


@dataclass(frozen=True)
class ContactsImport:
    added: int
    already_present: int
    ignored_columns: list[str]
    reasons: int
    first_day: dt.date | None
    last_day: dt.date | None

    def sentence(self) -> str:
        if not self.added:
            return f"Nothing new: all {self.already_present} rows were already stored."
        assert self.first_day is not None and self.last_day is not None
        return (
            f"Added {self.added} daily figures for {self.reasons} reason(s), "
            f"{self.first_day:%-d %b %Y} to {self.last_day:%-d %b %Y}"
            + (f"; {self.already_present} were already stored." if self.already_present else ".")
        )


def import_contacts(
    session: Session, *, data: bytes | IO[bytes], actor: Actor | None = None
) -> ContactsImport:
    """Add the file's daily contact counts if every line is valid; otherwise raise with every
    problem, each `line N: …`, and change nothing. `actor` None is the operator at the command
    line; agents may not import."""
    if actor is not None and actor.role is Role.AGENT:
        raise AccessDenied("Contact volumes are imported by team leads, managers and admins.")
    raw = data if isinstance(data, bytes | bytearray) else data.read()
    table = read_csv(bytes(raw), required=COLUMNS)
    reasons = {
        r.name.lower(): r
        for r in session.exec(
            select(ContactReason).where(ContactReason.status != ReasonStatus.PROPOSED)
        ).all()
    }
    problems = list(table.problems)
    seen: dict[tuple[int, dt.date], int] = {}
    wanted: dict[tuple[int, dt.date], tuple[int, int]] = {}  # key → (contacts, line)
    for row in table.rows:
        v = row.values
        why = []
        day, problem = read_date(v["date"].strip())
        if problem:
            why.append(problem)
        name = " ".join(v["reason"].split())
        reason = reasons.get(name.lower())
        if not name:
            why.append("reason missing")
        elif reason is None:
            why.append(
                f"unknown reason {name[:60]!r} (an admin adds it to the contact reasons first)"
            )
        number, problem = read_number(v["contacts"].strip(), "contacts")
        if problem:
            why.append(problem)
        elif number is not None and number < 0:
            why.append(f"contacts {number:g} is negative (a day's count is 0 or more)")
        elif number is not None and number != int(number):
            why.append(f"contacts {number:g} is not a whole number")
        if not why and reason is not None and day is not None and number is not None:
            assert reason.id is not None
            key = (reason.id, day)
            if key in seen:
                why.append(f"repeats line {seen[key]} ({reason.name} on {day.isoformat()})")
            else:
                seen[key] = row.line
                wanted[key] = (int(number), row.line)
        if why:
            problems.append(f"line {row.line}: " + "; ".join(why))
    stored = _stored(session, wanted)
    for key, (contacts, line) in wanted.items():
        if key in stored and stored[key] != contacts:
            problems.append(
                f"line {line}: {key[1].isoformat()} already has {stored[key]} contacts for this "
                f"reason, not {contacts} (stored figures are not overwritten)"
            )
    if problems:
        problems.sort(key=line_of)
        raise InvalidInput(f"Nothing was imported: {len(problems)} line(s) need fixing.", problems)
    new = {k: c for k, (c, _) in wanted.items() if k not in stored}
    session.add_all(ContactVolume(reason_id=r, day=d, contacts=c) for (r, d), c in new.items())
    session.flush()
    days = [d for _, d in new]
    return ContactsImport(
        len(new),
        len(wanted) - len(new),
        table.ignored_columns,
        len({r for r, _ in new}),
        min(days, default=None),
        max(days, default=None),
    )


def _stored(
    session: Session, wanted: Mapping[tuple[int, dt.date], object]
) -> dict[tuple[int, dt.date], int]:
    if not wanted:
        return {}
    days = [d for _, d in wanted]
    rows = session.exec(
        select(ContactVolume).where(
            col(ContactVolume.reason_id).in_({r for r, _ in wanted}),
            col(ContactVolume.day) >= min(days),
            col(ContactVolume.day) <= max(days),
        )
    ).all()
    return {(v.reason_id, v.day): v.contacts for v in rows}


def daily_contacts(session: Session) -> dict[str, dict[dt.date, int]]:
    """Every reason's daily contacts, by reason name (organisation-wide figures, no person)."""
    daily: dict[str, dict[dt.date, int]] = {}
    for name, day, contacts in session.exec(
        select(col(ContactReason.name), col(ContactVolume.day), col(ContactVolume.contacts)).join(
            ContactReason, col(ContactReason.id) == ContactVolume.reason_id
        )
    ).all():
        daily.setdefault(name, {})[day] = contacts
    return daily


def volume_span(session: Session) -> tuple[int, dt.date | None, dt.date | None]:
    """How many daily figures are stored, and their first and last day."""
    count, first, last = session.exec(
        select(func.count(), func.min(ContactVolume.day), func.max(ContactVolume.day))
    ).one()
    return int(count), first, last
