"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, and builders."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from faker import Faker
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.models import Person, Role, Team, TokenKind
from core.people.access import Actor, load_actor
from core.platform.config import get_settings
from core.platform.db import make_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TODAY = dt.date(2026, 11, 23)
# The moment every test runs at (HEADWAY_NOW, local time): HEADWAY_TODAY pins only the date, and
# what is due (reminders from 07:00, the digest from 07:30) depends on the hour as well.
NOW = dt.datetime.combine(TODAY, dt.time(9, 0))
PASSWORD = "correct-horse-battery"


def skip_or_fail(reason: str) -> None:
    """Outside CI a missing server or browser skips the test; in CI it is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_lock_bin() -> Path:
    """bin/ of a venv synced from the app lock alone (tests/app_lock.py): what `make run`
    installs, without the test tools."""
    from tests.app_lock import AppLockUnavailable, app_lock_bin

    try:
        return app_lock_bin()
    except AppLockUnavailable as exc:
        skip_or_fail(f"no environment from the app lock: {exc}")
        raise


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HEADWAY_TODAY", TODAY.isoformat())
    monkeypatch.setenv("HEADWAY_NOW", NOW.isoformat(timespec="minutes"))
    # A key of the tests' own, so that no test writes a key file beside a default database.
    monkeypatch.setenv("HEADWAY_SECRET", "tests-only-" + "k" * 32)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# ------------------------------------------------------------------ PostgreSQL server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test process's own: the one HEADWAY_TEST_DATABASE_URL
    names (one database per pytest-xdist worker on its server), or a throwaway server's."""
    url = os.environ.get("HEADWAY_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url:
        if worker is None:
            yield url
        else:
            with _database_of_its_own(url, worker) as own:
                yield own
        return
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")) or os.geteuid() != 0:
        skip_or_fail("PostgreSQL is not installed here (apt-get install postgresql)")
    from tools.serve import free_port

    directory = tempfile.mkdtemp(prefix="headway-pg-")
    result = subprocess.run(
        [str(ROOT / ".ci" / "pg-start"), directory, str(free_port())],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        skip_or_fail(f"could not start PostgreSQL: {result.stderr.strip()}")
    try:
        yield result.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(ROOT / ".ci" / "pg-stop"), directory], check=False)


@contextmanager
def _database_of_its_own(url: str, worker: str) -> Iterator[str]:
    """A fresh database beside the one `url` names, for one pytest-xdist worker."""
    from sqlalchemy import make_url

    server = make_url(url)
    name = f"{server.database}_{worker}"
    admin = make_engine(server.render_as_string(False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield server.set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of each kind, fresh for each test."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("postgres_engine")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits stay inside one outer transaction, rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


# ------------------------------------------------------------------ builders

fake = Faker()
Faker.seed(1)


def make_team(session: Session, *, name: str | None = None, min_staffed: int = 2) -> Team:
    team = Team(
        name=name or f"{fake.unique.word().title()} Team", site="Leeds", min_staffed=min_staffed
    )
    session.add(team)
    session.flush()
    return team


# Argon2 at its smallest cost for the people tests build. A hash carries its own cost, and
# every check of a password against it pays that cost: with Headway's (64 MiB, three passes)
# the throttling tests, hundreds of checks each, took 70 s instead of 1 s in the suite's order.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@functools.lru_cache(maxsize=8)
def _hash(password: str) -> str:
    """One argon2 hash per password for the whole run: builders make many people."""
    return CHEAP_HASHER.hash(password)


def make_person(
    session: Session,
    *,
    role: Role = Role.AGENT,
    team: Team | None = None,
    email: str | None = None,
    password: str | None = None,
    leads: bool = False,
) -> Person:
    person = Person(
        name=fake.name(),
        email=email or fake.unique.email(),
        role=role.value,
        team_id=team.id if team else None,
        hire_date=TODAY - dt.timedelta(days=900),
        password_hash=_hash(password) if password else None,
    )
    session.add(person)
    session.flush()
    if leads and team is not None:
        team.lead_id = person.id
        session.add(team)
        session.flush()
    return person


def actor_of(session: Session, person: Person) -> Actor:
    assert person.id is not None
    return load_actor(session, person.id)


def api_token(session: Session, who: Person, kind: TokenKind, *scopes: str) -> str:
    """The text of a token `who` makes with `scopes`, valid for 30 days from TODAY."""
    from core.connect.tokens import create_token

    return create_token(
        session,
        actor=actor_of(session, who),
        name=f"{who.email} {' '.join(scopes)}",
        kind=kind,
        scopes=scopes,
        expires_on=TODAY + dt.timedelta(days=30),
    ).text


@pytest.fixture
def org(session: Session) -> dict[str, Person | Team]:
    """Two teams, each with a lead and two agents, plus a manager and an admin."""
    red, blue = make_team(session, name="Red"), make_team(session, name="Blue")
    return {
        "red": red,
        "blue": blue,
        # Those who decide things can log in (a dispute is routed only to someone who can).
        "red_lead": make_person(
            session, role=Role.TEAM_LEAD, team=red, leads=True, password=PASSWORD
        ),
        "blue_lead": make_person(
            session, role=Role.TEAM_LEAD, team=blue, leads=True, password=PASSWORD
        ),
        "red_agent": make_person(session, team=red),
        "red_agent2": make_person(session, team=red),
        "blue_agent": make_person(session, team=blue),
        "manager": make_person(session, role=Role.MANAGER, password=PASSWORD),
        "admin": make_person(session, role=Role.ADMIN, password=PASSWORD),
    }


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def committed_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh, migrated database of each kind whose commits are real (for several connections,
    processes and schedulers); DATABASE_URL points at it."""
    if request.param == "sqlite":
        path = tmp_path / "committed.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        drop = None
    else:
        from sqlalchemy import make_url

        server = make_url(request.getfixturevalue("postgres_url"))
        name = f"headway_{uuid.uuid4().hex[:12]}"
        admin = make_engine(server.render_as_string(False), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        url = server.set(database=name).render_as_string(False)
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()

        def drop() -> None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()

    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    if drop is not None:
        drop()


_PRINTED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep what a test hands over to be printed (`("printed", text)` in its user_properties):
    a pytest-xdist worker's own output never reaches the terminal, its reports do."""
    if report.when == "call":
        _PRINTED.extend(str(text) for name, text in report.user_properties if name == "printed")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _PRINTED:
        terminalreporter.section("figures printed by the tests")
        for text in _PRINTED:
            terminalreporter.write_line(text.rstrip())


# The files that take a minute or more each (measured in CI), then the other browser journeys:
# run first, so that the two workers of `make test` (pytest-xdist, one file per worker at a
# time) finish together instead of one of them starting a long file when the rest is done.
_LONGEST_FIRST = (
    "tests/e2e/test_load_smoke.py",
    "tests/integration/test_import_memory.py",
    "tests/e2e/test_sso_certified_provider.py",
    "tests/integration/test_scale_out.py",
    "tests/e2e/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return next(
            (i for i, start in enumerate(_LONGEST_FIRST) if path.startswith(start)),
            len(_LONGEST_FIRST),
        )

    items.sort(key=rank)  # stable: each file's tests keep their order
