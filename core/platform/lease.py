"""A lease on a name, kept in the database: with two `headway worker` processes (a standby kept
running for failover) exactly one holds the "scheduler" lease and runs the jobs; the other waits,
and takes the lease once the holder has stopped renewing it (killed, frozen, cut off from the
database).

A lease is one row: its holder and when it runs out. Taking and renewing it is one conditional
UPDATE ("mine, or run out"), atomic on SQLite and PostgreSQL alike; a first INSERT that loses a race
to another process's INSERT is refused by the primary key. A holder renews every third of the
lease and steps down by itself when it could not renew for two thirds of it, so two holders never
overlap as long as the machines' clocks agree within a third of a lease (NTP does far better).
The times are the wall clock, never HEADWAY_NOW: a lease must run out in real time.

Reminders and e-mails stay exactly once without the lease (the jobs claim their work in the
database); the lease keeps the standby from doing the same work a second time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core.models import WorkerLease
from core.platform.clock import utcnow

log = logging.getLogger("headway.jobs")

SCHEDULER = "scheduler"
DEFAULT_SECONDS = 30.0


def lease_seconds() -> float:
    """How long a lease lasts unrenewed: HEADWAY_WORKER_LEASE_SECONDS, 30 by default (a standby
    takes over within that, plus one of its checks)."""
    raw = os.environ.get("HEADWAY_WORKER_LEASE_SECONDS", "")
    try:
        seconds = float(raw) if raw else DEFAULT_SECONDS
    except ValueError:
        seconds = DEFAULT_SECONDS
    return min(max(seconds, 3.0), 600.0)


def new_holder() -> str:
    """This process's name as a holder: host, process id and a random part (a restarted process
    with the same id is another holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(engine: Engine, *, name: str, holder: str, seconds: float) -> bool:
    """Take or renew the lease `name` for `seconds` from now; False when another holder's lease
    has not run out."""
    now = utcnow()
    until = now + dt.timedelta(seconds=seconds)
    table = WorkerLease.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        taken = connection.execute(
            update(table)
            .where(
                table.c.name == name,
                (table.c.holder == holder) | (table.c.expires_at < now),
            )
            .values(holder=holder, expires_at=until)
        ).rowcount
    if taken:
        return True
    try:
        with engine.begin() as connection:
            connection.execute(insert(table).values(name=name, holder=holder, expires_at=until))
    except IntegrityError:  # the row is there: another holder's lease, not run out
        return False
    return True


def release(engine: Engine, *, name: str, holder: str) -> None:
    """Give the lease up (a clean stop): a standby takes it at its next check, not a lease later."""
    table = WorkerLease.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(delete(table).where(table.c.name == name, table.c.holder == holder))


def holder_of(engine: Engine, *, name: str) -> str | None:
    """Who holds the lease now (None: nobody, or it has run out)."""
    table = WorkerLease.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        row = connection.execute(
            table.select().where(table.c.name == name, table.c.expires_at >= utcnow())
        ).first()
    return None if row is None else str(row.holder)


@dataclass
class Lease:
    """One process's hold on a lease, checked from its main loop: `check()` says whether it holds
    the lease now, taking or renewing it when due. A renewal that fails (the database unreachable)
    is logged and tried at the next check; once the last renewal is two thirds of a lease old the
    process no longer counts as holding it, before another process may take it."""

    engine: Engine
    name: str = SCHEDULER
    holder: str = ""
    seconds: float = DEFAULT_SECONDS
    _renewed_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        self.holder = self.holder or new_holder()

    @property
    def every(self) -> float:
        """How often to check: a third of the lease."""
        return self.seconds / 3

    def check(self) -> bool:
        now = utcnow()
        due = self._renewed_at is None or now - self._renewed_at >= dt.timedelta(
            seconds=self.every * 0.9
        )
        if due:
            try:
                if acquire(self.engine, name=self.name, holder=self.holder, seconds=self.seconds):
                    self._renewed_at = now
                else:
                    self._renewed_at = None
            except Exception:
                log.exception("the %s lease could not be renewed; trying again", self.name)
        if self._renewed_at is None:
            return False
        if utcnow() - self._renewed_at > dt.timedelta(seconds=self.seconds * 2 / 3):
            self._renewed_at = None  # too long without a renewal: step down before it runs out
            return False
        return True

    def give_up(self) -> None:
        self._renewed_at = None
        try:
            release(self.engine, name=self.name, holder=self.holder)
        except Exception:
            log.exception("the %s lease could not be given up; it runs out by itself", self.name)
