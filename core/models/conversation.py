"""The agent's voice: comments on coaching notes and evaluations, 1:1 sign-offs, and disputes of
evaluations with the history of every decision (nothing is deleted)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from core.models.types import enum_field, one_of
from core.platform.clock import utcnow


class CommentOn(StrEnum):
    """The kind of record a comment belongs to."""

    COACHING_NOTE = "coaching_note"
    EVALUATION = "evaluation"


class Comment(SQLModel, table=True):
    """One message in the conversation on a coaching note or an evaluation (the agent's own
    record): written by the agent or one of their coaches, shown as text."""

    __table_args__ = (
        Index("ix_comment_record", "record_type", "record_id"),
        one_of("record_type", CommentOn, table="comment"),
    )

    id: int | None = Field(default=None, primary_key=True)
    record_type: CommentOn = enum_field(CommentOn, 20)
    record_id: int
    agent_id: int = Field(foreign_key="person.id", index=True)  # whose record it is
    author_id: int = Field(foreign_key="person.id")
    text: str = Field(max_length=2000)
    created_at: dt.datetime = Field(default_factory=utcnow)


class NoteAgreement(SQLModel, table=True):
    """ "We agreed on: …" for a 1:1 (a coaching note): proposed by one side (who signs it by
    proposing), signed by the other. A newer proposal supersedes an unsigned one; both stay."""

    __tablename__ = "note_agreement"

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="coaching_note.id", index=True)
    text: str = Field(max_length=2000)
    proposed_by_id: int = Field(foreign_key="person.id")
    proposed_at: dt.datetime = Field(default_factory=utcnow)
    agent_signed_at: dt.datetime | None = None
    coach_id: int | None = Field(default=None, foreign_key="person.id")  # the coach who signed
    coach_signed_at: dt.datetime | None = None
    superseded: bool = Field(default=False)


class DisputeStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the score stands
    ADJUSTED = "adjusted"  # the reviewer changed the score


class Dispute(SQLModel, table=True):
    """An agent's dispute of an evaluation (the whole of it, or some of its questions), with the
    reviewer who owns it until it is decided and the day it is due."""

    __table_args__ = (
        one_of("status", DisputeStatus, table="dispute"),
        # At most one open dispute per evaluation, also when two requests race.
        Index(
            "uq_dispute_open",
            "evaluation_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_dispute_status_due", "status", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True)
    agent_id: int = Field(foreign_key="person.id", index=True)
    evaluator_id: int = Field(foreign_key="person.id", index=True)
    items: str = Field(default="[]")  # JSON list of the disputed questions' labels; [] = all
    reason: str = Field(max_length=2000)
    status: DisputeStatus = enum_field(DisputeStatus, 10, default=DisputeStatus.OPEN)
    owner_id: int = Field(foreign_key="person.id", index=True)  # the reviewer
    due_date: dt.date
    opened_at: dt.datetime = Field(default_factory=utcnow)
    old_score: float  # the score when the dispute was opened
    new_score: float | None = None  # set when adjusted
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: dt.datetime | None = None
    decision_reason: str = Field(default="", max_length=2000)


class DisputeStep(StrEnum):
    OPENED = "opened"
    UPHELD = "upheld"
    ADJUSTED = "adjusted"


class DisputeEvent(SQLModel, table=True):
    """The dispute history: every state change, who made it, when and why (append-only)."""

    __tablename__ = "dispute_event"
    __table_args__ = (one_of("step", DisputeStep, table="dispute_event"),)

    id: int | None = Field(default=None, primary_key=True)
    dispute_id: int = Field(foreign_key="dispute.id", index=True)
    step: DisputeStep = enum_field(DisputeStep, 10)
    by_id: int = Field(foreign_key="person.id")
    at: dt.datetime = Field(default_factory=utcnow)
    reason: str = Field(default="", max_length=2000)
    old_score: float | None = None
    new_score: float | None = None
    # The questions a reviewer re-answered: JSON [{"question", "old", "new"}], [] otherwise.
    answer_changes: str = Field(default="[]")
