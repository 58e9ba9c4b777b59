"""A database busy with other work (a lock held past the bounded wait) gives one sentence, on
both databases, and nothing half-written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from core.models import Team
from core.platform.db import BUSY, make_engine, session_scope
from core.platform.errors import DatabaseBusy


def test_a_write_that_waits_past_the_lock_wait_is_refused_with_one_sentence(
    committed_url: str,
) -> None:
    if committed_url.startswith("sqlite"):
        engine = make_engine(committed_url)
        from sqlalchemy import event

        event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA busy_timeout = 200"))
        holder = sqlite3.connect(committed_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        release = holder.rollback
    else:
        engine = make_engine(committed_url, connect_args={"options": "-c lock_timeout=200"})
        other = make_engine(committed_url)
        connection = other.connect()
        transaction = connection.begin()
        connection.execute(text("LOCK TABLE team IN EXCLUSIVE MODE"))

        def release() -> None:
            transaction.rollback()
            connection.close()
            other.dispose()

    try:
        with pytest.raises(DatabaseBusy) as refused, session_scope(engine) as session:
            session.add(Team(name="Night shift", site="Leeds", min_staffed=1))
            session.flush()
        assert str(refused.value) == BUSY
    finally:
        release()
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Team)).one() == 0
    engine.dispose()


def test_other_database_errors_are_not_called_busy(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(Exception) as failed, session_scope(engine) as session:
        session.exec(text("SELECT * FROM no_such_table"))  # type: ignore[call-overload]
    assert not isinstance(failed.value, DatabaseBusy)
