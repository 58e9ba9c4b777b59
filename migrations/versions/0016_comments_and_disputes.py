"""comments on coaching notes and evaluations, 1:1 sign-offs, disputes of evaluations with their
history, and the notification kinds they send (comment, dispute, dispute_due)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 16:40:00
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


# The notification kinds as 0012 left them (copied here: revisions stand alone).
PREVIOUS_KINDS = (
    "follow_up_due",
    "check_in_today",
    "follow_up_overdue",
    "pd_day_tomorrow",
    "share_prompt",
    "term_starts",
    "term_ends",
    "mind_check",
    "pledge_cosign",
    "mentor_nudge",
    "coaching_note",
    "pd_published",
    "rotation_published",
    "share_hidden",
    "weekly_digest",
    "interests_refresh",
    "pd_day_closed",
)
NEW_KINDS = ("comment", "dispute", "dispute_due")
KINDS = (*PREVIOUS_KINDS, *NEW_KINDS)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


@contextmanager
def _keeping_triggers(table: str) -> Iterator[None]:
    """On SQLite a batch migration rebuilds the table, which drops its triggers (the learning
    shares' full-text index is kept by three); make them again on the new table."""
    bind = op.get_bind()
    triggers = (
        [
            row[0]
            for row in bind.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                {"t": table},
            )
        ]
        if bind.dialect.name == "sqlite"
        else []
    )
    yield
    for sql in triggers:
        bind.exec_driver_sql(sql)


def _kind_checks(kinds: tuple[str, ...]) -> None:
    """Re-create the notification kind CHECK on both tables with exactly `kinds`."""
    for table in ("notification", "notification_preference"):
        with _keeping_triggers(table), op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"ck_{table}_kind", type_="check")
            batch_op.create_check_constraint(f"ck_{table}_kind", _in("kind", kinds))


OPEN = sa.text("status = 'open'")


def _text(length: int | None = None) -> sa.types.TypeEngine[str]:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=nullable)


def _person(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("person.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        _person("agent_id"),
        _person("author_id"),
        sa.Column("text", _text(2000), nullable=False),
        _at("created_at"),
        sa.CheckConstraint(
            "record_type IN ('coaching_note', 'evaluation')", name="ck_comment_record_type"
        ),
    )
    op.create_index("ix_comment_agent_id", "comment", ["agent_id"])
    op.create_index("ix_comment_record", "comment", ["record_type", "record_id"])
    op.create_table(
        "note_agreement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("note_id", sa.Integer(), sa.ForeignKey("coaching_note.id"), nullable=False),
        sa.Column("text", _text(2000), nullable=False),
        _person("proposed_by_id"),
        _at("proposed_at"),
        _at("agent_signed_at", nullable=True),
        _person("coach_id", nullable=True),
        _at("coach_signed_at", nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_note_agreement_note_id", "note_agreement", ["note_id"])
    op.create_table(
        "dispute",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("evaluation_id", sa.Integer(), sa.ForeignKey("evaluation.id"), nullable=False),
        _person("agent_id"),
        _person("evaluator_id"),
        sa.Column("items", _text(), nullable=False),
        sa.Column("reason", _text(2000), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        _person("owner_id"),
        sa.Column("due_date", sa.Date(), nullable=False),
        _at("opened_at"),
        sa.Column("old_score", sa.Float(), nullable=False),
        sa.Column("new_score", sa.Float(), nullable=True),
        _person("decided_by_id", nullable=True),
        _at("decided_at", nullable=True),
        sa.Column("decision_reason", _text(2000), nullable=False),
        sa.CheckConstraint("status IN ('open', 'upheld', 'adjusted')", name="ck_dispute_status"),
    )
    for column in ("agent_id", "evaluation_id", "evaluator_id", "owner_id"):
        op.create_index(f"ix_dispute_{column}", "dispute", [column])
    op.create_index("ix_dispute_status_due", "dispute", ["status", "due_date"])
    op.create_index(
        "uq_dispute_open",
        "dispute",
        ["evaluation_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        "dispute_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dispute_id", sa.Integer(), sa.ForeignKey("dispute.id"), nullable=False),
        sa.Column("step", sa.String(length=10), nullable=False),
        _person("by_id"),
        _at("at"),
        sa.Column("reason", _text(2000), nullable=False),
        sa.Column("old_score", sa.Float(), nullable=True),
        sa.Column("new_score", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "step IN ('opened', 'upheld', 'adjusted')", name="ck_dispute_event_step"
        ),
    )
    op.create_index("ix_dispute_event_dispute_id", "dispute_event", ["dispute_id"])
    _kind_checks(KINDS)


def downgrade() -> None:
    for table in ("notification", "notification_preference"):
        op.get_bind().execute(
            sa.text(f"DELETE FROM {table} WHERE kind IN ('comment', 'dispute', 'dispute_due')")
        )
    _kind_checks(PREVIOUS_KINDS)
    for table in ("dispute_event", "dispute", "note_agreement", "comment"):
        op.drop_table(table)
