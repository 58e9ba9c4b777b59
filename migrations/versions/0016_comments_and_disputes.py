"""comments on coaching notes and evaluations, 1:1 sign-offs, disputes of evaluations with their
history, and the notification kinds they send (comment, dispute, dispute_due)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 16:40:00
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _sibling(name: str) -> ModuleType:
    """An earlier revision's module (for its constraint helpers), loaded by path as alembic does."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_0011 = _sibling("0011_drafts_and_interest_refresh")
_0012 = _sibling("0012_pd_day_closed_kind")
NEW_KINDS = ("comment", "dispute", "dispute_due")
KINDS = (*_0012.KINDS, *NEW_KINDS)
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
        sa.CheckConstraint(
            "status IN ('open', 'upheld', 'adjusted')", name="ck_dispute_status"
        ),
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
    _0011._kind_checks(KINDS)


def downgrade() -> None:
    for table in ("notification", "notification_preference"):
        op.get_bind().execute(
            sa.text(f"DELETE FROM {table} WHERE kind IN ('comment', 'dispute', 'dispute_due')")
        )
    _0011._kind_checks(_0012.KINDS)
    for table in ("dispute_event", "dispute", "note_agreement", "comment"):
        op.drop_table(table)
