"""Engine factory, session scope and schema migration (Alembic) for SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, create_engine, text

import core.platform.data_version  # noqa: F401  (registers the write stamp on every session)
import core.platform.limits  # noqa: F401  (registers the NUL check on every session)
from core.platform.config import get_settings
from core.platform.errors import DatabaseBusy, DatabaseUnavailable

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


LOCK_WAIT_SECONDS = 30  # the bounded wait for a lock held by other work, on both databases

# Connections per process. Every Streamlit session runs its page on its own thread and holds a
# connection only while its page queries, so a few dozen serve hundreds of sessions; a page that
# finds none free waits up to LOCK_WAIT_SECONDS, then says the database is busy. SQLite
# connections are file handles (WAL: readers never block each other). PostgreSQL's default
# max_connections is 100: two app servers (30 each) and a worker stay well inside it.
POOL: dict[str, dict[str, Any]] = {
    "sqlite": {"pool_size": 20, "max_overflow": 30, "pool_timeout": LOCK_WAIT_SECONDS},
    "postgresql": {"pool_size": 10, "max_overflow": 20, "pool_timeout": LOCK_WAIT_SECONDS},
}


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` (default: DATABASE_URL). SQLite gets WAL and foreign keys."""
    url = url or get_settings().database_url
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"DATABASE_URL {url!r} is not a database URL.") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        if database and database != ":memory:":
            kwargs = {**POOL["sqlite"], **kwargs}
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": LOCK_WAIT_SECONDS},
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A statement waits for another transaction's lock at most this long, then fails (and a
    # page says the database is busy) rather than hanging a user or a job without end.
    kwargs.setdefault("connect_args", {"options": f"-c lock_timeout={LOCK_WAIT_SECONDS * 1000}"})
    return create_engine(url, pool_pre_ping=True, **{**POOL["postgresql"], **kwargs})


def shared_engine(url: str | None = None) -> Engine:
    """The process's one engine for `url` (default: DATABASE_URL), with its connection pool:
    the pages, the cookie routes and the reminder jobs of a server process all use it."""
    return _engine_for(url or get_settings().database_url)


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A REPLACE deletes the row it displaces: with recursive triggers that delete fires the
    # audit trail's append-only trigger (without, it would rewrite the trail silently).
    cursor.execute("PRAGMA recursive_triggers=ON")
    # Deleted and overwritten text is zeroed in the file, not left in free pages (erasure).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def check_database(engine: Engine) -> None:
    """Raise DatabaseUnavailable with one clear sentence if the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"Cannot reach the database at {redact(str(engine.url.render_as_string(False)))}: "
            f"{reason}"
        ) from exc


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        if is_busy(exc):
            raise DatabaseBusy(BUSY) from exc
        raise
    except PoolTimeout as exc:  # every connection of the pool busy for LOCK_WAIT_SECONDS
        session.rollback()
        raise DatabaseBusy(BUSY) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


BUSY = (
    "The database is busy with other work right now, so nothing was saved. "
    "What you entered is still here: try again in a minute."
)
# SQLite's lock messages; PostgreSQL's lock_not_available, deadlock and serialization failures.
_BUSY_SQLITE = ("database is locked", "database table is locked", "database is busy")
_BUSY_SQLSTATES = ("55P03", "40P01", "40001")


def is_busy(exc: OperationalError) -> bool:
    """Did this statement fail because other work held a lock past the wait (worth a retry)?"""
    if getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return any(words in str(exc.orig).lower() for words in _BUSY_SQLITE)


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (creates the database's tables on first run)."""
    from alembic import command

    check_database(engine)
    command.upgrade(alembic_config(engine), "head")


def rows_affected(result: object) -> int:
    """How many rows an UPDATE or DELETE statement changed (0 when the driver cannot say)."""
    return int(getattr(result, "rowcount", 0) or 0)


def dialect_insert(session: Session, model: Any) -> Any:
    """An INSERT of `model` with the database's ON CONFLICT clauses (SQLite and PostgreSQL both
    have them): `.on_conflict_do_nothing()`, `.on_conflict_do_update(…)`."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
