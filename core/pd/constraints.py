"""What the PD planner works around besides leave: blackout dates and a team's floor on a date,
set, listed, changed and removed by the team's planners (the planner reads them in
core.pd.planning; nothing here computes a floor)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.models import Blackout, Person, Role, StaffingOverride, Team
from core.people.access import Actor, require_planner
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits


def _require_blackout_owner(actor: Actor, team_id: int | None) -> None:
    if team_id is None:
        if not actor.sees_everyone:
            raise AccessDenied("Only managers set organisation-wide blackout dates.")
    else:
        require_planner(actor, [team_id])


def _check_blackout(
    session: Session, *, date: dt.date, team_id: int | None, reason: str, other_than: int | None
) -> None:
    require_fits(("Reason (for a blackout)", reason, max_length(Blackout, "reason")))
    query = select(Blackout).where(
        Blackout.date == date,
        Blackout.team_id == team_id if team_id else col(Blackout.team_id).is_(None),
    )
    if other_than is not None:
        query = query.where(Blackout.id != other_than)
    clash = session.exec(query).first()
    if clash is not None:
        raise InvalidInput(f"{date:%d %b %Y} is already a blackout date.")


def add_blackout(
    session: Session, *, actor: Actor, date: dt.date, team_id: int | None, reason: str
) -> None:
    """A day without PD days: for one team (its planners) or organisation-wide (managers)."""
    _require_blackout_owner(actor, team_id)
    _check_blackout(session, date=date, team_id=team_id, reason=reason, other_than=None)
    session.add(Blackout(date=date, team_id=team_id, reason=reason.strip()))


def _blackout(session: Session, actor: Actor, blackout_id: int) -> Blackout:
    row = session.get(Blackout, blackout_id)
    if row is None:
        raise NotFound(f"There is no blackout date with id {blackout_id}.")
    _require_blackout_owner(actor, row.team_id)
    return row


def edit_blackout(
    session: Session, *, actor: Actor, blackout_id: int, date: dt.date, reason: str
) -> None:
    """Move a blackout date or change its reason (who may set it may change it)."""
    row = _blackout(session, actor, blackout_id)
    _check_blackout(session, date=date, team_id=row.team_id, reason=reason, other_than=row.id)
    row.date, row.reason = date, reason.strip()
    session.add(row)


def remove_blackout(session: Session, *, actor: Actor, blackout_id: int) -> None:
    """PD days may go on that date again."""
    session.delete(_blackout(session, actor, blackout_id))


def _team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"There is no team with id {team_id}.")
    return team


def team_size(session: Session, team_id: int) -> int:
    """The team's active agents: the most a floor can ask to be on the phones."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Person)
            .where(Person.team_id == team_id, Person.role == Role.AGENT, col(Person.active))
        ).one()
    )


def set_floor(
    session: Session, *, actor: Actor, team_id: int, date: dt.date, min_staffed: int
) -> str:
    """The team's floor on one date (a forecast peak), replacing its default floor that day.
    A floor of 0, or the team's default, removes the date's own floor: the default applies
    again. A floor above the team's active agents is refused (no day could keep it). Returns
    what now holds, in one sentence."""
    require_planner(actor, [team_id])
    team = _team(session, team_id)
    when = f"{date:%A %-d %B %Y}"
    if min_staffed < 0:
        raise InvalidInput("A floor cannot be negative.")
    size = team_size(session, team_id)
    if min_staffed > size:
        raise InvalidInput(
            f"A floor of {min_staffed} on {when} is more than team {team.name}'s {size} active "
            f"agents: no plan could keep it. Choose {size} or fewer."
        )
    row = _floor(session, team_id, date)
    if min_staffed in (0, team.min_staffed):
        if row is not None:
            session.delete(row)
        return f"Team {team.name}'s floor on {when} is its default again: {team.min_staffed}."
    row = row or StaffingOverride(team_id=team_id, date=date, min_staffed=min_staffed)
    row.min_staffed = min_staffed
    session.add(row)
    return (
        f"Team {team.name}'s floor on {when} is {min_staffed} (its default is {team.min_staffed})."
    )


def remove_floor(session: Session, *, actor: Actor, team_id: int, date: dt.date) -> str:
    """Remove the team's own floor on `date`: its default floor applies again."""
    require_planner(actor, [team_id])
    row = _floor(session, team_id, date)
    if row is None:
        raise NotFound(f"Team {_team(session, team_id).name} has no floor of its own on {date}.")
    return set_floor(session, actor=actor, team_id=team_id, date=date, min_staffed=0)


def _floor(session: Session, team_id: int, date: dt.date) -> StaffingOverride | None:
    return session.exec(
        select(StaffingOverride).where(
            StaffingOverride.team_id == team_id, StaffingOverride.date == date
        )
    ).first()


@dataclass(frozen=True)
class BlackoutRead:
    id: int
    date: dt.date
    team_id: int | None  # None: the whole organisation
    where: str  # "Whole organisation" or the team's name
    reason: str
    changeable: bool  # the reader may change or remove it


@dataclass(frozen=True)
class FloorRead:
    team_id: int
    team: str
    date: dt.date
    min_staffed: int
    default: int  # the team's floor on other days
    size: int  # the team's active agents

    @property
    def above_size(self) -> bool:
        """Set before the team shrank: no plan can keep it."""
        return self.min_staffed > self.size


@dataclass(frozen=True)
class PlanningRules:
    blackouts: list[BlackoutRead]
    floors: list[FloorRead]


def planning_rules(
    session: Session, *, actor: Actor, team_ids: Sequence[int], since: dt.date
) -> PlanningRules:
    """The blackout dates (the teams' and the organisation's) and the teams' own floors from
    `since` on, by date, for the teams' planners to read, change and remove."""
    require_planner(actor, team_ids)
    teams = {
        t.id: t for t in session.exec(select(Team).where(col(Team.id).in_(team_ids))).all() if t.id
    }
    blackouts = [
        BlackoutRead(
            b.id or 0,
            b.date,
            b.team_id,
            teams[b.team_id].name if b.team_id is not None else "Whole organisation",
            b.reason,
            b.team_id is not None or actor.sees_everyone,
        )
        for b in session.exec(
            select(Blackout)
            .where(
                Blackout.date >= since,
                col(Blackout.team_id).in_(team_ids) | col(Blackout.team_id).is_(None),
            )
            .order_by(col(Blackout.date), col(Blackout.id))
        ).all()
    ]
    sizes = {t: team_size(session, t) for t in teams}
    floors = [
        FloorRead(
            o.team_id,
            teams[o.team_id].name,
            o.date,
            o.min_staffed,
            teams[o.team_id].min_staffed,
            sizes[o.team_id],
        )
        for o in session.exec(
            select(StaffingOverride)
            .where(col(StaffingOverride.team_id).in_(team_ids), StaffingOverride.date >= since)
            .order_by(col(StaffingOverride.date), col(StaffingOverride.team_id))
        ).all()
    ]
    return PlanningRules(blackouts, floors)
