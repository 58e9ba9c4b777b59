"""QA scorecards and evaluations, coaching notes with follow-ups, versions and private remarks."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.models.types import enum_field, one_of
from core.platform.clock import utcnow


class Channel(StrEnum):
    """Where the evaluated interaction happened."""

    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"


class Scorecard(SQLModel, table=True):
    """One version of a QA form; a new version is a new row with the same family."""

    id: int | None = Field(default=None, primary_key=True)
    family: str = Field(max_length=80, index=True)  # the form's name, shared by its versions
    version: int = Field(default=1)
    definition: str  # JSON: {"sections": [{"title", "weight", "questions": [{"text", "kind", "critical"}]}]}
    active: bool = Field(default=True)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class Evaluation(SQLModel, table=True):
    __table_args__ = (
        Index("ix_evaluation_agent_date", "agent_id", "date"),
        Index("uq_evaluation_reference", "reference", unique=True),
        one_of("channel", Channel, table="evaluation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="person.id")
    evaluator_id: int = Field(foreign_key="person.id")
    scorecard_id: int = Field(foreign_key="scorecard.id")
    interaction_ref: str = Field(default="", max_length=120)
    channel: Channel = enum_field(Channel, 20, default=Channel.PHONE)
    date: dt.date
    answers: str  # JSON list per section of lists per question: "yes" | "no" | "na" | 1..5
    comments: str = Field(default="", max_length=4000)
    score: float
    critical_failed: bool = Field(default=False)
    created_at: dt.datetime = Field(default_factory=utcnow)
    # The sender's id of the evaluation (a QA tool's, through the API): sent again, it is not
    # stored twice. None for evaluations made in Headway.
    reference: str | None = Field(default=None, max_length=200)


class CoachingNote(SQLModel, table=True):
    __tablename__ = "coaching_note"
    __table_args__ = (Index("ix_coaching_note_agent_date", "agent_id", "date"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="person.id")
    coach_id: int = Field(foreign_key="person.id")
    date: dt.date
    focus_metric: str = Field(default="", max_length=32)
    focus_section: str = Field(default="", max_length=120)
    went_well: str = Field(default="", max_length=4000)
    to_try: str = Field(default="", max_length=4000)
    actions: str = Field(default="", max_length=4000)
    follow_up_date: dt.date | None = None
    closed: bool = Field(default=False)
    acknowledged_at: dt.datetime | None = None
    version: int = Field(default=1)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class CoachingNoteEvaluation(SQLModel, table=True):
    """An evaluation a coaching note refers to."""

    __tablename__ = "coaching_note_evaluation"

    note_id: int = Field(foreign_key="coaching_note.id", primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", primary_key=True, index=True)


class CoachingNoteVersion(SQLModel, table=True):
    """The note as it was before an edit (who edited it, when)."""

    __tablename__ = "coaching_note_version"

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="coaching_note.id", index=True)
    version: int
    snapshot: str  # JSON of the editable fields
    edited_by_id: int = Field(foreign_key="person.id")
    edited_at: dt.datetime = Field(default_factory=utcnow)


class FollowUp(SQLModel, table=True):
    __tablename__ = "follow_up"

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="coaching_note.id", index=True)
    date: dt.date
    outcome: str = Field(default="", max_length=4000)
    next_step: str = Field(default="", max_length=4000)
    next_date: dt.date | None = None
    closes: bool = Field(default=False)
    by_id: int = Field(foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class PrivateRemark(SQLModel, table=True):
    """A coach's remark on a note: other coaches of the agent see it; the agent never does."""

    __tablename__ = "private_remark"

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="coaching_note.id", index=True)
    author_id: int = Field(foreign_key="person.id")
    text: str = Field(max_length=4000)
    created_at: dt.datetime = Field(default_factory=utcnow)
