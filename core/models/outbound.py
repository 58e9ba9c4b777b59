"""What Headway sends to other systems over HTTP: chat webhooks (Slack, Microsoft Teams) that
carry notifications to a team's channel, and outbound webhooks that tell other systems what
happened. Each message is one delivery row, claimed before it is sent (exactly once), retried with
backoff, with every attempt recorded."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import enum_field, one_of
from core.platform.clock import utcnow


class TargetKind(StrEnum):
    SLACK = "slack"  # a Slack incoming webhook: {"text": …}
    TEAMS = "teams"  # a Microsoft Teams webhook (Workflows or connector): an Adaptive Card
    WEBHOOK = "webhook"  # another system's endpoint: signed JSON events


class DeliveryState(StrEnum):
    PENDING = "pending"  # to send at `next_try_at`
    SENDING = "sending"  # claimed by one deliverer; no other may send it
    SENT = "sent"
    FAILED = "failed"  # given up: attempts used up, stopped part-way, or its target removed


class OutboundTarget(SQLModel, table=True):
    """A chat webhook of one team (or of the organisation: no team), or an outbound endpoint.
    The URL and the signing secret are secrets: never logged, the secret shown once; both are
    blanked when the target is removed."""

    __tablename__ = "outbound_target"
    __table_args__ = (one_of("kind", TargetKind, table="outbound_target"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: TargetKind = enum_field(TargetKind, 10)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    label: str = Field(default="", max_length=80)
    url: str = Field(max_length=1000)
    secret: str = Field(default="", max_length=100)  # signs webhook bodies (HMAC-SHA256)
    # Space-separated: notification kinds (chat) or event types (webhooks) it carries.
    topics: str = Field(default="", max_length=1000)
    created_at: dt.datetime = Field(default_factory=utcnow)
    removed_at: dt.datetime | None = None


class OutboundDelivery(SQLModel, table=True):
    """One message to one target: a notification to a chat webhook, or an event to an endpoint
    (its `body` is the exact JSON sent, written in the transaction that made the event: the
    outbox). Unique per target and notification or event: enqueuing twice sends once."""

    __tablename__ = "outbound_delivery"
    __table_args__ = (
        UniqueConstraint("target_id", "notification_id", name="uq_outbound_delivery_note"),
        UniqueConstraint("target_id", "event_id", name="uq_outbound_delivery_event"),
        Index("ix_outbound_delivery_due", "state", "next_try_at"),
        Index("ix_outbound_delivery_target", "target_id", "id"),
        one_of("state", DeliveryState, table="outbound_delivery"),
    )

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="outbound_target.id")
    # A notification removed (retention, erasure) takes its chat deliveries with it.
    notification_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("notification.id", ondelete="CASCADE"), nullable=True),
    )
    event_id: str | None = Field(default=None, max_length=36)
    event_type: str = Field(default="", max_length=40)
    body: str = Field(default="")
    state: DeliveryState = enum_field(DeliveryState, 10, default=DeliveryState.PENDING)
    attempts: int = Field(default=0)
    next_try_at: dt.datetime = Field(default_factory=utcnow)
    claimed_at: dt.datetime | None = None
    last_error: str = Field(default="", max_length=500)
    sent_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class OutboundAttempt(SQLModel, table=True):
    """One try at a delivery and what came of it ("HTTP 200", "HTTP 500", "timed out")."""

    __tablename__ = "outbound_attempt"
    __table_args__ = (Index("ix_outbound_attempt_delivery", "delivery_id"),)

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("outbound_delivery.id", ondelete="CASCADE"), nullable=False
        )
    )
    at: dt.datetime = Field(default_factory=utcnow)
    ok: bool = Field(default=False)
    outcome: str = Field(default="", max_length=300)
