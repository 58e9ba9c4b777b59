"""The ambassador programme's scoreboard, per department: themes carried, answered, changed, the
median days from first heard to the department's answer, and the contacts the changes avoided."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.models import Department, Insight, InsightContact, Theme, ThemeStatus
from core.people.access import Actor
from core.platform.csvio import write_csv
from core.platform.errors import AccessDenied

HEADER = (
    "Department",
    "Themes",
    "Waiting to be taken",
    "Carried",
    "Answered",
    "Changed",
    "Median days first heard to answer",
    "Contacts avoided a month",
)


@dataclass(frozen=True)
class DepartmentScore:
    department_id: int
    department: str
    themes: int
    waiting: int
    carried: int
    answered: int
    changed: int
    median_days_to_answer: float | None
    contacts_avoided: float | None = None  # a month, from the measured changes (None: none yet)

    def row(self) -> tuple[object, ...]:
        return (
            self.department,
            self.themes,
            self.waiting,
            self.carried,
            self.answered,
            self.changed,
            "" if self.median_days_to_answer is None else round(self.median_days_to_answer, 1),
            _avoided_text(self.contacts_avoided),
        )


def _avoided_text(avoided: float | None) -> object:
    """Blank before any change was measured; "no clear change" where the measured changes
    avoided nothing that shows (a bare 0 would read as a measured zero)."""
    if avoided is None:
        return ""
    return "no clear change" if round(avoided) == 0 else round(avoided)


def _require_programme_reader(actor: Actor) -> None:
    if not actor.sees_everyone:
        raise AccessDenied("The ambassador programme's scoreboard is for managers and admins.")


def voice_scoreboard(
    session: Session, *, actor: Actor, avoided: Mapping[int, float] | None = None
) -> list[DepartmentScore]:
    """One row per department with at least one theme, most changes first. `avoided` gives the
    contacts a month each department's measured changes avoided (core.voice.impact)."""
    _require_programme_reader(actor)
    themes = session.exec(select(Theme)).all()
    if not themes:
        return []
    first_heard = dict(
        session.exec(
            select(Insight.theme_id, func.min(InsightContact.day))
            .join(InsightContact, col(InsightContact.insight_id) == Insight.id)
            .where(col(Insight.theme_id).is_not(None))
            .group_by(col(Insight.theme_id))
        ).all()
    )
    names = dict(session.exec(select(Department.id, Department.name)).all())
    by_department: dict[int, list[Theme]] = {}
    for t in themes:
        by_department.setdefault(t.department_id, []).append(t)
    scores = []
    for department_id, rows in by_department.items():
        days = [
            (t.answered_on - first_heard[t.id]).days
            for t in rows
            if t.answered_on is not None and first_heard.get(t.id) is not None
        ]
        scores.append(
            DepartmentScore(
                department_id,
                names.get(department_id, ""),
                len(rows),
                sum(t.status in (ThemeStatus.OPEN, ThemeStatus.NEEDS_EVIDENCE) for t in rows),
                sum(t.taken_on is not None for t in rows),
                sum(t.answered_on is not None for t in rows),
                sum(t.status is ThemeStatus.CHANGED for t in rows),
                statistics.median(days) if days else None,
                (avoided or {}).get(department_id),
            )
        )
    return sorted(scores, key=lambda s: (-s.changed, -s.answered, s.department))


def scoreboard_csv(
    session: Session, *, actor: Actor, avoided: Mapping[int, float] | None = None
) -> bytes:
    """The scoreboard as CSV for the department heads (through the CSV neutraliser)."""
    return write_csv(
        HEADER, [s.row() for s in voice_scoreboard(session, actor=actor, avoided=avoided)]
    )
