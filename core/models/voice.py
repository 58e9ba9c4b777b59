"""Customer voice: contact reasons, insights agents log, the contacts that heard them, themes a
department answers (with their history), and daily contact volumes per reason."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import at_least, enum_field, one_of
from core.platform.clock import utcnow


class ReasonStatus(StrEnum):
    ACTIVE = "active"
    PROPOSED = "proposed"  # an agent's proposal, waiting for a lead
    RETIRED = "retired"  # no longer offered; kept for the insights and volumes that name it


class InsightKind(StrEnum):
    PROBLEM = "problem"
    IDEA = "idea"
    PRAISE = "praise"
    QUESTION = "unanswered question"  # the company's pages do not answer it


class ThemeStatus(StrEnum):
    OPEN = "open"  # waiting to be taken to the department
    TAKEN = "taken"
    WILL_CHANGE = "will change"
    CHANGED = "changed"
    WONT_CHANGE = "will not change"
    NEEDS_EVIDENCE = "needs more evidence"


class ThemeStep(StrEnum):
    CREATED = "created"
    TAKEN = "taken"
    ANSWERED = "answered"


class ContactReason(SQLModel, table=True):
    __tablename__ = "contact_reason"
    __table_args__ = (one_of("status", ReasonStatus, table="contact_reason"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    status: ReasonStatus = enum_field(ReasonStatus, 20, default=ReasonStatus.ACTIVE)
    proposed_by_id: int | None = Field(default=None, foreign_key="person.id")
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class Insight(SQLModel, table=True):
    """What a customer wanted or said, as one agent logged it (personal data masked)."""

    __table_args__ = (
        Index("ix_insight_group", "reason_id", "department_id"),
        Index("ix_insight_created", "created_at"),
        Index("ix_insight_last_heard", "last_heard"),
        Index("ix_insight_contacts", "contacts"),
        Index("ix_insight_merged", "merged_into_id", "reason_id", "department_id"),
        one_of("kind", InsightKind, table="insight"),
    )

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="person.id", index=True)
    reason_id: int = Field(foreign_key="contact_reason.id")
    department_id: int = Field(foreign_key="department.id")
    kind: InsightKind = enum_field(InsightKind, 30, default=InsightKind.PROBLEM)
    text: str = Field(max_length=1000)
    contact_ref: str = Field(default="", max_length=80)
    theme_id: int | None = Field(default=None, foreign_key="theme.id", index=True)
    # Merged into another insight: its contacts moved there; the row stays (nothing is lost).
    merged_into_id: int | None = Field(default=None, foreign_key="insight.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)
    # Kept from its InsightContact rows (core.voice.insights): lists sort and count without
    # aggregating every contact.
    contacts: int = Field(default=0)
    agents: int = Field(default=0)
    first_heard: dt.date | None = None
    last_heard: dt.date | None = None


class InsightContact(SQLModel, table=True):
    """One contact that raised an insight: the author's own, or an "I heard this too"."""

    __tablename__ = "insight_contact"
    __table_args__ = (
        Index("ix_insight_contact_insight", "insight_id", "day"),
        Index("ix_insight_contact_group", "reason_id", "department_id", "person_id", "day"),
        Index("ix_insight_contact_day", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    insight_id: int = Field(foreign_key="insight.id")
    # The insight's reason and department (kept on merge): the grouped counts read this table only.
    reason_id: int = Field(foreign_key="contact_reason.id")
    department_id: int = Field(foreign_key="department.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    day: dt.date
    # Where it was first logged when merged in from another insight (None: logged here).
    from_insight_id: int | None = Field(default=None, foreign_key="insight.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class Theme(SQLModel, table=True):
    """Insights a lead promoted to be carried to a department; its answers are ThemeEvents."""

    __table_args__ = (
        Index("ix_theme_department", "department_id", "status"),
        one_of("status", ThemeStatus, table="theme"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120)
    reason_id: int = Field(foreign_key="contact_reason.id")
    department_id: int = Field(foreign_key="department.id")
    status: ThemeStatus = enum_field(ThemeStatus, 30, default=ThemeStatus.OPEN)
    created_by_id: int = Field(foreign_key="person.id")
    created_on: dt.date  # the organisation's day it became a theme (changes cannot predate it)
    created_at: dt.datetime = Field(default_factory=utcnow)
    taken_by_id: int | None = Field(default=None, foreign_key="person.id")
    taken_on: dt.date | None = None
    answered_on: dt.date | None = None  # the first answer's day
    change_date: dt.date | None = None  # changed: the first day the change was in effect
    version: int = Field(default=1)


class ThemeEvent(SQLModel, table=True):
    """One step of a theme (created, taken, an answer), with who and when; never edited."""

    __tablename__ = "theme_event"
    __table_args__ = (
        one_of("step", ThemeStep, table="theme_event"),
        one_of("answer", ThemeStatus, table="theme_event"),
    )

    id: int | None = Field(default=None, primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", index=True)
    step: ThemeStep = enum_field(ThemeStep, 20)
    answer: ThemeStatus | None = enum_field(ThemeStatus, 30, default=None, nullable=True)
    words: str = Field(default="", max_length=1000)  # the department's words
    day: dt.date | None = None  # will change: by when; changed: first day in effect
    by_id: int = Field(foreign_key="person.id")
    at: dt.datetime = Field(default_factory=utcnow)


class ContactVolume(SQLModel, table=True):
    """How many contacts came in for one reason on one day (imported from the contact system)."""

    __tablename__ = "contact_volume"
    __table_args__ = (
        UniqueConstraint("reason_id", "day", name="uq_contact_volume"),
        at_least("contacts", 0, table="contact_volume"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reason_id: int = Field(foreign_key="contact_reason.id")
    day: dt.date
    contacts: int = Field(ge=0)
