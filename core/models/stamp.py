"""The data-version stamp (core.platform.data_version) and the staging rows of metric imports
(core.metrics.imports)."""

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    """One row; `version` is the stamp's epoch, raised only when the stamp rows are pruned."""

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0)


class DataStamp(SQLModel, table=True):
    """One row inserted per write to a table the cached reads use: insert-only, so concurrent
    writers never wait for each other on it."""

    __tablename__ = "data_stamp"

    id: int | None = Field(default=None, primary_key=True)


class ImportStaging(SQLModel, table=True):
    """Valid rows of a metric import being checked, keyed by the import's id and the file line;
    moved into `observation` in one short transaction, then removed."""

    __tablename__ = "import_staging"
    __table_args__ = (
        Index(
            "ix_import_staging_key", "import_id", "person_id", "date", "metric", "reference", "line"
        ),
    )

    import_id: str = Field(primary_key=True, max_length=32)
    line: int = Field(primary_key=True)
    person_id: int  # no foreign key: rows live seconds, and a crashed import's are pruned
    date: dt.date
    metric: str = Field(max_length=32)
    value: float
    source: str = Field(default="", max_length=80)
    reference: str = Field(default="", max_length=200)
    staged_at: dt.datetime
