"""Storage of quality and performance observations: fast bulk loading on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection
from sqlmodel import Session

from core.platform.clock import utcnow

ObservationRow = tuple[
    int, dt.date, str, float, str, str
]  # person, date, metric, value, source, ref

_COLUMNS = ("person_id", "date", "metric", "value", "source", "reference", "created_at")
SQLITE_BATCH = 50_000


def bulk_insert_observations(session: Session, rows: Iterable[ObservationRow]) -> int:
    """Insert rows in the session's transaction with the database's fastest path; returns count.

    PostgreSQL gets COPY, SQLite a prepared executemany: an ORM insert per row is 20-50x slower,
    which matters for a two-year seed of 2,000 agents. (Metric imports do not write here
    directly: they stage their rows and move them in one short transaction, core.metrics.imports.)
    """
    from core.platform.data_version import bump

    bump(session)
    created = utcnow()
    return bulk_copy(
        session.connection(), "observation", _COLUMNS, ((*row, created) for row in rows)
    )


def bulk_copy(
    connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Append `rows` to `table` in the connection's transaction: COPY on PostgreSQL, a prepared
    executemany in batches on SQLite (dates and times as SQLAlchemy stores them there)."""
    names = ", ".join(columns)
    count = 0
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    statement = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"
    batch: list[Sequence[object]] = []
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) >= SQLITE_BATCH:
            connection.exec_driver_sql(statement, batch)
            count += len(batch)
            batch = []
    if batch:
        connection.exec_driver_sql(statement, batch)
        count += len(batch)
    return count


def _sqlite_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
