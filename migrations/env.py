"""Alembic environment: runs against the engine handed over by core.platform.db.migrate, or DATABASE_URL."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table on SQLModel.metadata)
from core.platform.db import make_engine

target_metadata = SQLModel.metadata


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    # APScheduler owns its job-store table; full-text search objects are made by hand per dialect.
    if type_ == "table" and (
        name == "apscheduler_jobs" or (name or "").startswith(("learning_share_fts", "insight_fts"))
    ):
        return False
    return not (type_ == "column" and name == "search") and not (
        type_ == "index" and name in ("ix_learning_share_search", "ix_insight_search")
    )


def run_migrations() -> None:
    engine = context.config.attributes.get("engine") or make_engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table (copy, drop, rename); with foreign keys on, SQLite
            # refuses to drop a table others refer to. Off for the migration, checked after it.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        with connection.begin():
            _migrate(connection)
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"the migration left rows whose references are gone: {broken}")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _migrate(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()


run_migrations()
