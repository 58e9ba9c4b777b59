"""Calibration sessions: evaluators score the same interactions blind, then compare.

Nothing here is ever deleted or overwritten: a score is final once saved, the reveal is a moment
recorded once, and a new agreed reference is a new row (the latest one counts).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.platform.clock import utcnow


class CalibrationSession(SQLModel, table=True):
    __tablename__ = "calibration_session"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120)
    scorecard_id: int = Field(foreign_key="scorecard.id")
    created_by_id: int = Field(foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    revealed_at: dt.datetime | None = None
    revealed_by_id: int | None = Field(default=None, foreign_key="person.id")


class CalibrationInvite(SQLModel, table=True):
    """An evaluator invited to score the session's interactions."""

    __tablename__ = "calibration_invite"

    session_id: int = Field(foreign_key="calibration_session.id", primary_key=True)
    evaluator_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    invited_at: dt.datetime = Field(default_factory=utcnow)


class CalibrationCall(SQLModel, table=True):
    """One interaction of a session: its reference, and a link to the recording or ticket."""

    __tablename__ = "calibration_call"
    __table_args__ = (UniqueConstraint("session_id", "position", name="uq_calibration_call_pos"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="calibration_session.id", index=True)
    position: int
    reference: str = Field(max_length=120)
    link: str = Field(default="", max_length=500)


class CalibrationScore(SQLModel, table=True):
    """One evaluator's blind answers for one interaction (final once saved)."""

    __tablename__ = "calibration_score"
    __table_args__ = (
        UniqueConstraint("call_id", "evaluator_id", name="uq_calibration_score_once"),
    )

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="calibration_call.id", index=True)
    evaluator_id: int = Field(foreign_key="person.id")
    answers: str  # JSON, as Evaluation.answers
    score: float
    critical_failed: bool = Field(default=False)
    scored_at: dt.datetime = Field(default_factory=utcnow)


class CalibrationReference(SQLModel, table=True):
    """The score the session agreed for one interaction, with why; the latest row counts."""

    __tablename__ = "calibration_reference"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="calibration_call.id", index=True)
    answers: str
    score: float
    critical_failed: bool = Field(default=False)
    notes: str = Field(default="", max_length=4000)
    by_id: int = Field(foreign_key="person.id")
    at: dt.datetime = Field(default_factory=utcnow)
