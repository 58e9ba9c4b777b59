"""Closure days, kept by admins: a day the whole organisation is closed. Adding one tells the
agents whose PD days fall on it, and their team leads, who move them (the working-day rule itself
is `core.platform.calendar`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import ClosureDay, NotificationKind, PdDay, PdStatus, Person, Team
from core.notify.notifications import message_to, send
from core.pd.changes import who_moves
from core.people.access import Actor, require_admin
from core.platform.clock import today
from core.platform.errors import InvalidInput, NotFound
from core.platform.limits import max_length, require_fits


@dataclass(frozen=True)
class ClosureRead:
    date: dt.date
    reason: str
    pd_days: tuple[str, ...] = ()  # whose PD days (draft or published) fall on it, when added

    def added(self) -> str:
        """What the admin reads once the day is added."""
        said = f"{self.date:%A %d %B %Y} is now a closure day."
        if not self.pd_days:
            return said + " No PD day falls on it."
        n = len(self.pd_days)
        names = ", ".join(self.pd_days[:8]) + (f" and {n - 8} more" if n > 8 else "")
        return (
            f"{said} {n} PD day{'' if n == 1 else 's'} fall{'s' if n == 1 else ''} on it "
            f"({names}): the agents and their team leads were told, and the planner asks to "
            "move them."
        )


def list_closures(session: Session, *, since: dt.date | None = None) -> list[ClosureRead]:
    """Closure days from `since` (default: a year ago), in date order; everyone may read them."""
    start = since or today() - dt.timedelta(days=365)
    rows = session.exec(
        select(ClosureDay).where(ClosureDay.date >= start).order_by(col(ClosureDay.date))
    ).all()
    return [ClosureRead(r.date, r.reason) for r in rows]


def add_closure(session: Session, *, actor: Actor, date: dt.date, reason: str) -> ClosureRead:
    require_admin(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why the organisation is closed that day.")
    require_fits(("Why the organisation is closed", reason, max_length(ClosureDay, "reason")))
    if session.get(ClosureDay, date) is not None:
        raise InvalidInput(f"{date:%A %d %B %Y} is already a closure day.")
    session.add(ClosureDay(date=date, reason=reason, created_by_id=actor.id))
    return ClosureRead(date, reason, _tell_about_pd_days(session, date, reason))


def _tell_about_pd_days(session: Session, date: dt.date, reason: str) -> tuple[str, ...]:
    """The PD days on a newly closed day: each agent hears of theirs (if published), each team
    lead of their team's; returns the agents' names."""
    rows = session.exec(
        select(PdDay, Person)
        .join(Person, col(Person.id) == PdDay.person_id)
        .where(PdDay.date == date, col(PdDay.status).in_([PdStatus.DRAFT, PdStatus.PUBLISHED]))
        .order_by(col(Person.name))
    ).all()
    leads = {t.id: t.lead_id for t in session.exec(select(Team)).all() if t.lead_id is not None}
    lead_people = {
        p.id: p
        for p in session.exec(
            select(Person).where(col(Person.id).in_(set(leads.values())), col(Person.active))
        ).all()
    }
    when = f"{date:%A %-d %B}"
    messages = []
    for day, person in rows:
        if day.status != PdStatus.PUBLISHED:
            continue
        day.version += 1  # the calendar file says, under a higher SEQUENCE, why it cannot stay
        session.add(day)
        if person.active:
            messages.append(
                message_to(
                    person,
                    kind=NotificationKind.PD_DAY_CLOSED,
                    subject=f"pd_day:{day.id}",
                    title=f"Your PD day on {when} falls on a closure day",
                    body=f"The organisation is closed that day ({reason}). "
                    f"{_capital(who_moves(session, person.team_id))} will move it to another "
                    "day and you will be told the new date: nothing to do for you.",
                    link="my_pd_days",
                )
            )
    by_lead: dict[int, list[str]] = {}
    for _, person in rows:
        lead_id = leads.get(person.team_id) if person.team_id is not None else None
        if lead_id is not None and lead_id in lead_people:
            by_lead.setdefault(lead_id, []).append(person.name)
    messages += [
        message_to(
            lead_people[lead_id],
            kind=NotificationKind.PD_DAY_CLOSED,
            subject=f"closure:{date.isoformat()}",
            title=f"{len(names)} PD day{'' if len(names) == 1 else 's'} of your team fall on "
            f"{when}, now a closure day",
            body=f"The organisation is closed that day ({reason}). On the PD day planner, "
            "“Plan PD days” moves just the days of "
            + ", ".join(names)
            + " (a draft is simply planned again) and tells each agent the new date; or move "
            "them by hand.",
            link="pd_planner",
        )
        for lead_id, names in by_lead.items()
    ]
    send(session, messages)
    return tuple(person.name for _, person in rows)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def remove_closure(session: Session, *, actor: Actor, date: dt.date) -> None:
    require_admin(actor)
    row = session.get(ClosureDay, date)
    if row is None:
        raise NotFound(f"{date:%A %d %B %Y} is not a closure day.")
    session.delete(row)
