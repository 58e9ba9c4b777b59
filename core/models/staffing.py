"""Forecasts and staffing targets: what the floors of the PD planner are computed from."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import at_least
from core.platform.clock import utcnow


class ForecastInterval(SQLModel, table=True):
    """One interval of a team's forecast: contacts offered and handle time (numbers kept as
    written, so that floors are exact). Who imported it and when are kept with each row; a newer
    import for the same team and date replaces the day's rows."""

    __tablename__ = "forecast_interval"
    __table_args__ = (
        UniqueConstraint("team_id", "date", "start_minute", name="uq_forecast_interval"),
        Index("ix_forecast_interval_team_date", "team_id", "date"),
        at_least("contacts", 0, table="forecast_interval"),
        at_least("start_minute", 0, table="forecast_interval", high=1439),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    date: dt.date
    start_minute: int = Field(ge=0, le=1439)
    contacts: int = Field(ge=0)
    aht_seconds: str = Field(max_length=32)
    interval_minutes: str = Field(default="30", max_length=16)
    imported_by_id: int | None = Field(default=None, foreign_key="person.id")
    imported_at: dt.datetime = Field(default_factory=utcnow)


class StaffingTarget(SQLModel, table=True):
    """The service level, shrinkage and maximum occupancy floors are computed for: the
    organisation's (team_id None) or one team's override. Percentages kept as written."""

    __tablename__ = "staffing_target"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", unique=True)
    service_level_pct: str = Field(default="80", max_length=16)
    answer_seconds: str = Field(default="20", max_length=16)
    shrinkage_pct: str = Field(default="30", max_length=16)
    max_occupancy_pct: str | None = Field(default=None, max_length=16)
    set_by_id: int | None = Field(default=None, foreign_key="person.id")
    set_at: dt.datetime = Field(default_factory=utcnow)
