"""PD days and what constrains them: leave, blackout dates, staffing floors, requests, plan runs."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import at_least, enum_field, one_of
from core.platform.clock import utcnow


class PdStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PdPurpose(StrEnum):
    HONE = "hone skills"
    PRACTISE = "practise"
    STAY_CURRENT = "stay current"
    EXPERIMENT = "experiment"
    CREATE = "create"
    LEARN = "learn"
    SHARE = "share"


class PlanStatus(StrEnum):
    """How a planner run ended: blocked (stale published days), or the solver's verdict."""

    BLOCKED = "blocked"
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


class LeaveKind(StrEnum):
    ANNUAL = "annual leave"
    SICK = "sick"
    TRAINING = "training"
    OTHER = "other"


class Leave(SQLModel, table=True):
    __table_args__ = (
        Index("ix_leave_person_dates", "person_id", "start", "end"),
        one_of("kind", LeaveKind, table="leave"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    start: dt.date
    end: dt.date
    kind: LeaveKind = enum_field(LeaveKind, 40, default=LeaveKind.ANNUAL)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Blackout(SQLModel, table=True):
    """A day with no PD days: organisation-wide (team_id None) or for one team."""

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    reason: str = Field(default="", max_length=200)


class StaffingOverride(SQLModel, table=True):
    """A team's floor on one date (e.g. a forecast peak), replacing its default floor."""

    __tablename__ = "staffing_override"
    __table_args__ = (
        UniqueConstraint("team_id", "date", name="uq_staffing_override"),
        at_least("min_staffed", 0, table="staffing_override"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    date: dt.date
    min_staffed: int = Field(ge=0)


class PdDay(SQLModel, table=True):
    __tablename__ = "pd_day"
    __table_args__ = (
        Index("ix_pd_day_person_date", "person_id", "date"),
        Index("ix_pd_day_date", "date"),
        one_of("status", PdStatus, table="pd_day"),
        one_of("purpose", PdPurpose, table="pd_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    date: dt.date
    status: PdStatus = enum_field(PdStatus, 20, default=PdStatus.DRAFT)
    purpose: PdPurpose | None = enum_field(PdPurpose, 40, default=None)  # None: not chosen yet
    goal: str = Field(default="", max_length=1000)
    plan_run_id: int | None = Field(default=None, foreign_key="plan_run.id")
    version: int = Field(default=1)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    # When the agent was first told of it: a day published once stays in their calendar file,
    # as a cancellation, after it is unpublished or cancelled.
    published_at: dt.datetime | None = None


class PdRequest(SQLModel, table=True):
    """A date an agent would like as a PD day: a `preferred` date in the next plan."""

    __tablename__ = "pd_request"
    __table_args__ = (UniqueConstraint("person_id", "date", name="uq_pd_request"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    date: dt.date
    created_at: dt.datetime = Field(default_factory=utcnow)


class PlanRun(SQLModel, table=True):
    """One run of the PD planner: for which teams and period, with which rules, and how it ended."""

    __tablename__ = "plan_run"
    __table_args__ = (
        one_of("status", PlanStatus, table="plan_run"),
        at_least("pd_days_per_agent", 0, table="plan_run"),
        at_least("min_gap_days", 0, table="plan_run"),
    )

    id: int | None = Field(default=None, primary_key=True)
    start: dt.date
    end: dt.date
    pd_days_per_agent: int = Field(ge=0)
    min_gap_days: int = Field(ge=0)
    status: PlanStatus = enum_field(PlanStatus, 20)
    result: str = Field(default="{}")  # JSON summary
    run_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class PlanRunTeam(SQLModel, table=True):
    """A team a plan run planned for."""

    __tablename__ = "plan_run_team"

    plan_run_id: int = Field(foreign_key="plan_run.id", primary_key=True)
    team_id: int = Field(foreign_key="team.id", primary_key=True)
