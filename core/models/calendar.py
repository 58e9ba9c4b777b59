"""Closure days: dates the whole organisation is closed (a site shutdown, a local holiday the
`holidays` package does not know). Public holidays come from HEADWAY_HOLIDAYS; see core.platform.calendar."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.platform.clock import utcnow


class ClosureDay(SQLModel, table=True):
    __tablename__ = "closure_day"

    date: dt.date = Field(primary_key=True)
    reason: str = Field(max_length=120)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
