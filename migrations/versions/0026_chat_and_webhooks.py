"""Chat and outbound webhooks: the targets an admin sets (a team's or the organisation's Slack or
Teams webhook, other systems' endpoints with their signing secret), one delivery row per message
(the outbox, claimed before it is sent) and every attempt

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=nullable)


def _text(name: str, length: int | None = None) -> sa.Column[object]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False)


def upgrade() -> None:
    op.create_table(
        "outbound_target",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=True),
        _text("label", 80),
        _text("url", 1000),
        _text("secret", 100),
        _text("topics", 1000),
        _at("created_at"),
        _at("removed_at", nullable=True),
        sa.CheckConstraint("kind IN ('slack', 'teams', 'webhook')", name="ck_outbound_target_kind"),
    )
    op.create_table(
        "outbound_delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("target_id", sa.Integer(), sa.ForeignKey("outbound_target.id"), nullable=False),
        sa.Column(
            "notification_id",
            sa.Integer(),
            sa.ForeignKey("notification.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        _text("event_type", 40),
        _text("body"),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_try_at"),
        _at("claimed_at", nullable=True),
        _text("last_error", 500),
        _at("sent_at", nullable=True),
        _at("created_at"),
        sa.UniqueConstraint("target_id", "notification_id", name="uq_outbound_delivery_note"),
        sa.UniqueConstraint("target_id", "event_id", name="uq_outbound_delivery_event"),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed')",
            name="ck_outbound_delivery_state",
        ),
    )
    op.create_index(
        "ix_outbound_delivery_due", "outbound_delivery", ["state", "next_try_at"], unique=False
    )
    op.create_index(
        "ix_outbound_delivery_target", "outbound_delivery", ["target_id", "id"], unique=False
    )
    op.create_table(
        "outbound_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "delivery_id",
            sa.Integer(),
            sa.ForeignKey("outbound_delivery.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _at("at"),
        sa.Column("ok", sa.Boolean(), nullable=False),
        _text("outcome", 300),
    )
    op.create_index(
        "ix_outbound_attempt_delivery", "outbound_attempt", ["delivery_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_outbound_attempt_delivery", table_name="outbound_attempt")
    op.drop_table("outbound_attempt")
    op.drop_index("ix_outbound_delivery_target", table_name="outbound_delivery")
    op.drop_index("ix_outbound_delivery_due", table_name="outbound_delivery")
    op.drop_table("outbound_delivery")
    op.drop_table("outbound_target")
