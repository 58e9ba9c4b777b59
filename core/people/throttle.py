"""Throttling of password checks (login and change password): growing delays, never a lock.

Every failed check is counted against the account and against the client address. A few
failures are free (typos); after them the next attempt on that key is accepted only after a
delay that doubles with each further failure (1, 2, 4 … s) up to a cap of one minute, so the
real owner of an account waits at most a minute, however long an attacker keeps trying. An
attempt that comes too early is refused like a wrong password (the caller still does the same
password-hashing work, so neither the answer nor its timing tells a throttled key from an
unknown account), and it moves no counter: hammering does not lengthen the wait.

Failures on an account are counted apart for addresses its owner has logged in from before
("familiar") and for every other address, so a stranger guessing from elsewhere cannot make the
owner wait at their usual desk. The address key (10 free failures: a contact centre's staff may
share one address) applies to accounts that are not familiar at that address; a success clears
the counters it was checked against and its address's counter. Counters are forgotten a day
after their last failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from core.models import LoginThrottle


@dataclass(frozen=True)
class Policy:
    free_failures: int
    first_delay: dt.timedelta = dt.timedelta(seconds=1)
    max_delay: dt.timedelta = dt.timedelta(seconds=60)

    def delay_after(self, failures: int) -> dt.timedelta | None:
        """The wait before the next attempt after `failures` consecutive failures."""
        if failures <= self.free_failures:
            return None
        doublings = min(failures - self.free_failures - 1, 16)
        delay: dt.timedelta = self.first_delay * (1 << doublings)
        return min(delay, self.max_delay)


ACCOUNT = Policy(free_failures=3)
ADDRESS = Policy(free_failures=10)
FORGET_AFTER = dt.timedelta(days=1)
FAMILIAR_FOR = dt.timedelta(days=90)
LOCAL = "local"  # Streamlit reports no address for a loopback connection


def _key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """The keys one password check is counted against."""

    account: str
    familiar_account: str
    pair: str
    address: str
    familiar: bool  # has this account logged in from this address before?

    @property
    def counted(self) -> list[tuple[str, Policy]]:
        keys = [(self.familiar_account if self.familiar else self.account, ACCOUNT)]
        if not self.familiar:
            keys.append((self.address, ADDRESS))
        return keys


def attempt_for(session: Session, *, email: str, client: str | None, now: dt.datetime) -> Attempt:
    """`email` as typed (normalised here); `client` the address, None when unknown or local."""
    email = email.strip().lower()
    address = client or LOCAL
    pair = _key("pair", email, address)
    seen = session.get(LoginThrottle, pair)
    familiar = (
        seen is not None
        and seen.last_success_at is not None
        and now - seen.last_success_at < FAMILIAR_FOR
    )
    return Attempt(
        account=_key("account", email, "elsewhere"),
        familiar_account=_key("account", email, "familiar"),
        pair=pair,
        address=_key("address", address),
        familiar=familiar,
    )


def too_early(session: Session, attempt: Attempt, *, now: dt.datetime) -> bool:
    """Must this attempt wait longer (one of its keys is still in its delay)?"""
    return wait_left(session, attempt, now=now) > 0


def wait_left(session: Session, attempt: Attempt, *, now: dt.datetime) -> int:
    """Whole seconds until this attempt would be checked (0: now). It tells nothing about the
    account: an address nobody uses is slowed exactly like one that exists."""
    waits = [
        row.next_allowed_at - now
        for key, _ in attempt.counted
        if (row := session.get(LoginThrottle, key)) is not None
        and row.next_allowed_at is not None
        and row.next_allowed_at > now
    ]
    return math.ceil(max(waits).total_seconds()) if waits else 0


def _locked_row(session: Session, key: str) -> LoginThrottle:
    """The row of `key`, created if missing and locked for this transaction (PostgreSQL): two
    simultaneous failures both count."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(LoginThrottle).values(key=key).on_conflict_do_nothing())
    return session.exec(
        select(LoginThrottle)
        .where(col(LoginThrottle.key) == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def count_failure(session: Session, attempt: Attempt, *, now: dt.datetime) -> None:
    for key, policy in attempt.counted:
        row = _locked_row(session, key)
        if row.last_failure_at is not None and now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        delay = policy.delay_after(row.failures)
        row.next_allowed_at = None if delay is None else now + delay
        session.add(row)
    session.flush()


def count_success(session: Session, attempt: Attempt, *, now: dt.datetime) -> None:
    """Clear the counters this attempt was checked against and its address's; remember the
    address as familiar to the account."""
    keys = {key for key, _ in attempt.counted} | {attempt.familiar_account, attempt.address}
    for key in keys:
        row = session.get(LoginThrottle, key)
        if row is not None:
            row.failures, row.next_allowed_at = 0, None
            session.add(row)
    pair = _locked_row(session, attempt.pair)
    pair.last_success_at = now
    session.add(pair)
    session.flush()
