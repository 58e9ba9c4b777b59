"""Learning shares with kudos, and positivity pledges with daily mind checks."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import enum_field, one_of
from core.platform.clock import utcnow


class Visibility(StrEnum):
    TEAM = "team"
    ORGANISATION = "organisation"


class PledgeStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_MENTOR = "awaiting mentor"
    ACTIVE = "active"
    RENEWED = "renewed"
    RETIRED = "retired"


class MindAnswer(StrEnum):
    KEPT = "kept"
    PARTLY = "partly"
    SLIPPED = "slipped"


class LearningShare(SQLModel, table=True):
    __tablename__ = "learning_share"
    __table_args__ = (
        Index("ix_learning_share_created", "created_at"),
        one_of("visibility", Visibility, table="learning_share"),
    )

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="person.id", index=True)
    title: str = Field(max_length=120)
    learned: str = Field(default="", max_length=4000)
    worked: str = Field(default="", max_length=4000)
    didnt_work: str = Field(default="", max_length=4000)
    next_time: str = Field(default="", max_length=4000)
    tags: str = Field(default="", max_length=500)  # comma-separated, lower case
    pd_day_id: int | None = Field(default=None, foreign_key="pd_day.id")
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id")
    visibility: Visibility = enum_field(Visibility, 20, default=Visibility.TEAM)
    hidden_reason: str | None = Field(default=None, max_length=500)
    hidden_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    edited_at: dt.datetime | None = None


class Kudos(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("share_id", "person_id", name="uq_kudos"),)

    id: int | None = Field(default=None, primary_key=True)
    share_id: int = Field(foreign_key="learning_share.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class Pledge(SQLModel, table=True):
    __table_args__ = (one_of("status", PledgeStatus, table="pledge"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="person.id", index=True)
    mentor_id: int = Field(foreign_key="person.id", index=True)
    commitments: str  # JSON list of sentences
    start_date: dt.date
    status: PledgeStatus = enum_field(PledgeStatus, 20, default=PledgeStatus.DRAFT)
    agent_signed_at: dt.datetime | None = None
    mentor_signed_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class MindCheck(SQLModel, table=True):
    __tablename__ = "mind_check"
    __table_args__ = (
        UniqueConstraint("agent_id", "date", name="uq_mind_check"),
        one_of("answer", MindAnswer, table="mind_check"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True)
    agent_id: int = Field(foreign_key="person.id")
    date: dt.date
    answer: MindAnswer = enum_field(MindAnswer, 10)
    note: str = Field(default="", max_length=1000)  # private: the agent and their mentor only
    commitment: int | None = None
