"""An admin's My day: what the organisation's set-up needs (closure days, imports, accounts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from core.models import (
    Observation,
    Person,
)
from core.pd.closures import ClosureRead, list_closures
from core.people.access import (
    Actor,
    require_admin,
)


@dataclass(frozen=True)
class AdminDay:
    day: dt.date
    without_password: list[str]  # active people who cannot log in yet
    one_time_password: list[str]  # active people who still have to choose their own password
    closures: list[ClosureRead]  # the next 60 days
    last_import: dt.datetime | None  # when metrics last arrived
    latest_data: dt.date | None  # the newest day any metric is about

    @property
    def stale_days(self) -> int | None:
        return None if self.latest_data is None else (self.day - self.latest_data).days

    def headline(self) -> list[str]:
        said = []
        if self.without_password:
            n = len(self.without_password)
            said.append(
                f"{n} {'person has' if n == 1 else 'people have'} no password yet and cannot log in."
            )
        if self.latest_data is None:
            said.append("No metrics have been imported yet.")
        elif (self.stale_days or 0) > STALE_IMPORT_DAYS:
            said.append(
                f"The newest metrics are from {self.latest_data:%A %-d %B}, {self.stale_days} days "
                "ago: time for an import."
            )
        if self.closures:
            c = self.closures[0]
            said.append(f"Next closure day: {c.date:%A %-d %B} ({c.reason}).")
        return said[:3] or ["Everyone can log in and the metrics are up to date."]


STALE_IMPORT_DAYS = 7


def admin_day(session: Session, *, actor: Actor, day: dt.date) -> AdminDay:
    require_admin(actor)
    people = session.exec(
        select(Person.name, Person.password_hash, Person.must_change_password)
        .where(col(Person.active).is_(True))
        .order_by(col(Person.name))
    ).all()
    last_import, latest = session.exec(
        select(func.max(Observation.created_at), func.max(Observation.date))
    ).one()
    return AdminDay(
        day,
        [n for n, h, _ in people if h is None],
        [n for n, h, must in people if h is not None and must],
        [c for c in list_closures(session, since=day) if c.date <= day + dt.timedelta(days=60)],
        last_import,
        latest,
    )
