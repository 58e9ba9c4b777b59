"""Customer-ambassador rotations: terms, department capacity, interests, assignments, outcomes."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import at_least, enum_field, one_of
from core.platform.clock import utcnow


class AssignmentStatus(StrEnum):
    PROPOSED = "proposed"
    PUBLISHED = "published"
    ACTIVE = "active"
    COMPLETED = "completed"


class ProjectStatus(StrEnum):
    IDEA = "idea"
    IN_PROGRESS = "in progress"
    DONE = "done"
    DROPPED = "dropped"


class Term(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    start: dt.date
    end: dt.date
    hours_per_week: float = Field(default=4.0)
    max_per_team_per_department: int | None = Field(default=4)


class DepartmentHosting(SQLModel, table=True):
    """How a department hosts ambassadors: the weekly session and its capacity each term."""

    __tablename__ = "department_hosting"
    __table_args__ = (
        UniqueConstraint("term_id", "department_id", name="uq_hosting"),
        at_least("capacity", 0, table="department_hosting"),
        at_least("weekday", 0, high=6, table="department_hosting"),
    )

    id: int | None = Field(default=None, primary_key=True)
    term_id: int = Field(foreign_key="term.id")
    department_id: int = Field(foreign_key="department.id")
    capacity: int = Field(default=0, ge=0)
    weekday: int = Field(default=2, ge=0, le=6)
    start_time: dt.time = Field(default=dt.time(14, 0))
    hours: float = Field(default=2.0)


class Interest(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("person_id", "department_id", name="uq_interest"),
        at_least("rank", 1, table="interest"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    department_id: int = Field(foreign_key="department.id")
    rank: int = Field(ge=1)
    updated_at: dt.datetime = Field(default_factory=utcnow)  # when the agent last ranked them


class Assignment(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("term_id", "person_id", name="uq_assignment"),
        one_of("status", AssignmentStatus, table="assignment"),
    )

    id: int | None = Field(default=None, primary_key=True)
    term_id: int = Field(foreign_key="term.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    department_id: int = Field(foreign_key="department.id")
    status: AssignmentStatus = enum_field(AssignmentStatus, 20, default=AssignmentStatus.PROPOSED)
    interest_rank: int | None = None
    host_feedback: str = Field(default="", max_length=2000)
    version: int = Field(default=1)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class AmbassadorProject(SQLModel, table=True):
    """A goal or project an ambassador conceived during a rotation, and what came of it."""

    __tablename__ = "ambassador_project"
    __table_args__ = (one_of("status", ProjectStatus, table="ambassador_project"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    title: str = Field(max_length=200)
    status: ProjectStatus = enum_field(ProjectStatus, 20, default=ProjectStatus.IDEA)
    impact: str = Field(default="", max_length=2000)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class CareerMove(SQLModel, table=True):
    """A person who moved into a department (after a rotation, typically)."""

    __tablename__ = "career_move"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    department_id: int = Field(foreign_key="department.id")
    date: dt.date
    note: str = Field(default="", max_length=500)
