"""Throttling of password checks (login and change password): growing delays, never a lock.

Every failed check is counted against keys. A few failures are free (typos); after them the next
attempt on that key is accepted only after a delay that doubles with each further failure (1, 2,
4 … s) up to a cap of one minute, so the real owner of an account waits at most a minute, however
long an attacker keeps trying. An attempt that comes too early is refused unchecked (the caller
still does the same password-hashing work, so neither the answer nor its timing tells a throttled
key from an unknown account), and it moves no counter: hammering does not lengthen the wait.

Which keys (the "device cookie" defence of OWASP's authentication guidance):
- From a device (a browser holding Headway's signed device cookie) on which this account has
  logged in within 90 days: only that device's own counter for the account. A stranger
  guessing the account, from anywhere (the owner's own desk, or the proxy address everyone
  shares), never makes the owner wait on their usual browser.
- From anything else: the account's counter for unknown devices, and the client address's
  counter (10 free failures: a contact centre's staff may share one address).
A success clears the account counter it was checked against, never an address's: logging in to
one's own account between guesses does not reset the guessing allowance of an address. The
address is the one uvicorn reports: a proxy's forwarded address only when that proxy is trusted
(FORWARDED_ALLOW_IPS; docs/security-changes.md). Counters are forgotten a day after their last
failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import LoginThrottle
from core.platform.db import dialect_insert


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
KNOWN_DEVICE_FOR = dt.timedelta(days=90)
LOCAL = "local"  # Streamlit reports no address for a loopback connection


def _key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _normal(email: str) -> str:
    return email.strip().lower()


def _device_pair(email: str, device: str) -> str:
    return _key("device", _normal(email), device)


@dataclass(frozen=True)
class Attempt:
    """The keys one password check is counted against."""

    account: str  # the account, from devices it has not logged in on
    device_account: str | None  # the account, from this known device
    address: str
    known_device: bool  # has this account logged in on this device (within 90 days)?

    @property
    def counted(self) -> list[tuple[str, Policy]]:
        if self.known_device and self.device_account is not None:
            return [(self.device_account, ACCOUNT)]
        return [(self.account, ACCOUNT), (self.address, ADDRESS)]


def attempt_for(
    session: Session,
    *,
    email: str,
    client: str | None,
    now: dt.datetime,
    device: str | None = None,
) -> Attempt:
    """`email` as typed (normalised here); `client` the address, None when unknown or local;
    `device` the id in the browser's verified device cookie, None without one."""
    email = _normal(email)
    known = False
    if device is not None:
        seen = session.get(LoginThrottle, _device_pair(email, device))
        known = (
            seen is not None
            and seen.last_success_at is not None
            and now - seen.last_success_at < KNOWN_DEVICE_FOR
        )
    return Attempt(
        account=_key("account", email, "elsewhere"),
        device_account=None if device is None else _key("account", email, "device", device),
        address=_key("address", client or LOCAL),
        known_device=known,
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
    session.execute(dialect_insert(session, LoginThrottle).values(key=key).on_conflict_do_nothing())
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
    """Clear the account counter this attempt was checked against; an address's counter stays
    (a success of one's own must not buy guesses at others' accounts)."""
    for key, policy in attempt.counted:
        if policy is ADDRESS:
            continue
        row = session.get(LoginThrottle, key)
        if row is not None:
            row.failures, row.next_allowed_at = 0, None
            session.add(row)
    session.flush()


def remember_device(session: Session, *, email: str, device: str, now: dt.datetime) -> None:
    """The account has just logged in on `device`: its owner's later attempts there count on
    that device's own counter."""
    pair = _locked_row(session, _device_pair(email, device))
    pair.last_success_at = now
    session.add(pair)
    session.flush()
