"""The worker lease (core.platform.lease): one holder at a time on SQLite and PostgreSQL, taken
over once it runs out, given up on a clean stop, and a holder that cannot renew steps down before
another may take it. The lease's clock is pinned (date and time) and moved by the tests."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from core.platform import lease as leases
from core.platform.db import make_engine
from core.platform.lease import Lease, acquire, holder_of, release

START = dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    pinned = Clock()
    monkeypatch.setattr(leases, "utcnow", pinned)
    return pinned


@pytest.fixture
def db(committed_url: str) -> Iterator[Engine]:
    engine = make_engine(committed_url)
    yield engine
    engine.dispose()


def test_one_holder_at_a_time_and_the_other_takes_over_once_it_runs_out(
    db: Engine, clock: Clock
) -> None:
    assert acquire(db, name="scheduler", holder="a", seconds=30)
    assert not acquire(db, name="scheduler", holder="b", seconds=30)
    clock.advance(20)
    assert acquire(db, name="scheduler", holder="a", seconds=30)  # renewed: 30 s from now
    clock.advance(29)
    assert not acquire(db, name="scheduler", holder="b", seconds=30)
    assert holder_of(db, name="scheduler") == "a"
    clock.advance(2)  # a stopped renewing: its lease has run out
    assert holder_of(db, name="scheduler") is None
    assert acquire(db, name="scheduler", holder="b", seconds=30)
    assert not acquire(db, name="scheduler", holder="a", seconds=30), "a comes back as standby"
    assert holder_of(db, name="scheduler") == "b"


def test_a_lease_given_up_is_taken_at_once_and_leases_are_by_name(db: Engine, clock: Clock) -> None:
    assert acquire(db, name="scheduler", holder="a", seconds=30)
    assert acquire(db, name="other", holder="b", seconds=30)
    release(db, name="scheduler", holder="b")  # not b's to give up: nothing happens
    assert not acquire(db, name="scheduler", holder="b", seconds=30)
    release(db, name="scheduler", holder="a")
    assert acquire(db, name="scheduler", holder="b", seconds=30)


def test_two_processes_asking_at_the_same_moment_get_one_lease(db: Engine, clock: Clock) -> None:
    def ask(start: threading.Barrier, name: str, holder: str, won: list[str]) -> None:
        start.wait()
        if acquire(db, name=name, holder=holder, seconds=30):
            won.append(holder)

    for round_ in range(5):
        start = threading.Barrier(2)
        won: list[str] = []
        threads = [
            threading.Thread(target=ask, args=(start, f"race-{round_}", h, won)) for h in ("a", "b")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1, (round_, won)


def test_a_holder_that_cannot_renew_steps_down_before_another_may_take_it(
    db: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = Lease(db, holder="a", seconds=30)
    assert mine.check()
    clock.advance(10)
    assert mine.check()  # renewed
    real_acquire = leases.acquire

    def unreachable(*args: object, **kwargs: object) -> bool:
        raise ConnectionError("the database did not answer")

    monkeypatch.setattr(leases, "acquire", unreachable)
    clock.advance(10)
    assert mine.check(), "one failed renewal is tried again; the lease still runs 20 s"
    clock.advance(11)
    assert not mine.check(), "21 s without a renewal: more than two thirds of the lease"
    monkeypatch.setattr(leases, "acquire", real_acquire)
    assert not acquire(db, name="scheduler", holder="b", seconds=30)  # not run out yet…
    clock.advance(10)
    assert acquire(db, name="scheduler", holder="b", seconds=30)  # …now it has: b takes over
    assert not mine.check()  # and a, back in touch, stands by


def test_the_lease_lasts_what_the_setting_says_within_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEADWAY_WORKER_LEASE_SECONDS", "12")
    assert leases.lease_seconds() == 12
    monkeypatch.setenv("HEADWAY_WORKER_LEASE_SECONDS", "0.1")
    assert leases.lease_seconds() == 3
    monkeypatch.setenv("HEADWAY_WORKER_LEASE_SECONDS", "soon")
    assert leases.lease_seconds() == leases.DEFAULT_SECONDS
    monkeypatch.delenv("HEADWAY_WORKER_LEASE_SECONDS")
    assert leases.lease_seconds() == 30
