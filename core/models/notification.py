"""Notifications (reminders, follow-ups, digests, events) and each person's delivery preferences."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import enum_field, one_of
from core.platform.clock import utcnow


class NotificationKind(StrEnum):
    """What a notification is about; each has a label and defaults in `core.notify.notifications.KINDS`."""

    FOLLOW_UP_DUE = "follow_up_due"
    CHECK_IN_TODAY = "check_in_today"
    FOLLOW_UP_OVERDUE = "follow_up_overdue"
    PD_DAY_TOMORROW = "pd_day_tomorrow"
    SHARE_PROMPT = "share_prompt"
    TERM_STARTS = "term_starts"
    TERM_ENDS = "term_ends"
    MIND_CHECK = "mind_check"
    PLEDGE_COSIGN = "pledge_cosign"
    MENTOR_NUDGE = "mentor_nudge"
    COACHING_NOTE = "coaching_note"
    PD_PUBLISHED = "pd_published"
    ROTATION_PUBLISHED = "rotation_published"
    SHARE_HIDDEN = "share_hidden"
    WEEKLY_DIGEST = "weekly_digest"
    INTERESTS_REFRESH = "interests_refresh"
    PD_DAY_CLOSED = "pd_day_closed"
    CALIBRATION_INVITE = "calibration_invite"
    CALIBRATION_REVEALED = "calibration_revealed"
    COMMENT = "comment"
    DISPUTE = "dispute"
    DISPUTE_DUE = "dispute_due"
    PD_DAY_CHANGED = "pd_day_changed"
    VOICE_OUTCOME = "voice_outcome"
    VOICE_THEME = "voice_theme"
    VOICE_REASON = "voice_reason"


class EmailState(StrEnum):
    NONE = "none"  # not wanted, or no address
    PENDING = "pending"
    SENDING = "sending"  # claimed by one deliverer; no other may send it
    SENT = "sent"
    FAILED = "failed"


class Notification(SQLModel, table=True):
    """One message to one recipient. Unique per (recipient, kind, subject, due date): a job that
    runs twice, or two schedulers by mistake, cannot create it twice."""

    __table_args__ = (
        UniqueConstraint(
            "recipient_email", "kind", "subject", "due_date", name="uq_notification_once"
        ),
        Index("ix_notification_inbox", "person_id", "in_app", "read_at"),
        Index("ix_notification_email_state", "email_state"),
        one_of("kind", NotificationKind, table="notification"),
        one_of("email_state", EmailState, table="notification"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # A person (inbox and e-mail), or only an address (a department's host contact).
    person_id: int | None = Field(default=None, foreign_key="person.id")
    recipient_email: str = Field(max_length=254)
    kind: NotificationKind = enum_field(NotificationKind, 40)
    subject: str = Field(max_length=120)  # what it is about, e.g. "coaching_note:12"
    due_date: dt.date
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=8000)
    link: str = Field(
        default="", max_length=300
    )  # page url path with query, e.g. "coaching?agent=3"
    in_app: bool = Field(default=True)
    email_state: EmailState = enum_field(EmailState, 10, default=EmailState.NONE)
    email_error: str = Field(default="", max_length=500)
    created_at: dt.datetime = Field(default_factory=utcnow)
    read_at: dt.datetime | None = None


class NotificationPreference(SQLModel, table=True):
    """A person's choice for one kind; no row means the kind's defaults."""

    __tablename__ = "notification_preference"
    __table_args__ = (one_of("kind", NotificationKind, table="notification_preference"),)

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    kind: NotificationKind = enum_field(NotificationKind, 40, primary_key=True)
    in_app: bool = Field(default=True)
    email: bool = Field(default=False)
