"""The worker lease: which `headway worker` runs the scheduled jobs (core.platform.lease)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class WorkerLease(SQLModel, table=True):
    """One row per lease name: who holds it and until when (UTC). A holder renews it well
    before it runs out; another process may take it only once it has run out."""

    __tablename__ = "worker_lease"

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=200)
    expires_at: dt.datetime
