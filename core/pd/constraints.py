"""What the PD planner works around besides leave: blackout dates and a team's floor on a date."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from core.models import Blackout, StaffingOverride
from core.people.access import Actor, require_planner
from core.platform.errors import AccessDenied, InvalidInput
from core.platform.limits import max_length, require_fits


def add_blackout(
    session: Session, *, actor: Actor, date: dt.date, team_id: int | None, reason: str
) -> None:
    """A day without PD days: for one team (its planners) or organisation-wide (managers)."""
    if team_id is None:
        if not actor.sees_everyone:
            raise AccessDenied("Only managers set organisation-wide blackout dates.")
    else:
        require_planner(actor, [team_id])
    require_fits(("Reason (for a blackout)", reason, max_length(Blackout, "reason")))
    clash = session.exec(
        select(Blackout).where(
            Blackout.date == date,
            Blackout.team_id == team_id if team_id else col(Blackout.team_id).is_(None),
        )
    ).first()
    if clash is not None:
        raise InvalidInput(f"{date:%d %b %Y} is already a blackout date.")
    session.add(Blackout(date=date, team_id=team_id, reason=reason.strip()))


def set_floor(
    session: Session, *, actor: Actor, team_id: int, date: dt.date, min_staffed: int
) -> None:
    """The team's floor on one date (a forecast peak), replacing its default floor that day."""
    require_planner(actor, [team_id])
    if min_staffed < 0:
        raise InvalidInput("A floor cannot be negative.")
    row = session.exec(
        select(StaffingOverride).where(
            StaffingOverride.team_id == team_id, StaffingOverride.date == date
        )
    ).first() or StaffingOverride(team_id=team_id, date=date, min_staffed=min_staffed)
    row.min_staffed = min_staffed
    session.add(row)
