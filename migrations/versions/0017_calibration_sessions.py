"""calibration sessions: interactions scored blind by invited evaluators, revealed side by side,
with an agreed reference per interaction; two notification kinds (invited, revealed)

The notification kinds this revision adds on top of 0012's list: calibration_invite and
calibration_revealed (another branch may widen the same CHECK: merge the lists).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 16:40:00
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


# The notification kinds as 0016 left them (copied here: revisions stand alone).
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
    "comment",
    "dispute",
    "dispute_due",
)
NEW_KINDS = ("calibration_invite", "calibration_revealed")
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


def upgrade() -> None:
    _kind_checks(KINDS)
    op.create_table(
        "calibration_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revealed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("revealed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["revealed_by_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["scorecard.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "calibration_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["calibration_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "position", name="uq_calibration_call_pos"),
    )
    with op.batch_alter_table("calibration_call", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_call_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "calibration_invite",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluator_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["calibration_session.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "evaluator_id"),
    )
    with op.batch_alter_table("calibration_invite", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_invite_evaluator_id"), ["evaluator_id"], unique=False
        )

    op.create_table(
        "calibration_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("answers", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("critical_failed", sa.Boolean(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calibration_call.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calibration_reference", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_reference_call_id"), ["call_id"], unique=False
        )

    op.create_table(
        "calibration_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("answers", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("critical_failed", sa.Boolean(), nullable=False),
        sa.Column("scored_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calibration_call.id"],
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id", "evaluator_id", name="uq_calibration_score_once"),
    )
    with op.batch_alter_table("calibration_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calibration_score_call_id"), ["call_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calibration_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_score_call_id"))

    op.drop_table("calibration_score")
    with op.batch_alter_table("calibration_reference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_reference_call_id"))

    op.drop_table("calibration_reference")
    with op.batch_alter_table("calibration_invite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_invite_evaluator_id"))

    op.drop_table("calibration_invite")
    with op.batch_alter_table("calibration_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_call_session_id"))

    op.drop_table("calibration_call")
    op.drop_table("calibration_session")
    for table in ("notification", "notification_preference"):
        for kind in NEW_KINDS:
            op.get_bind().execute(sa.text(f"DELETE FROM {table} WHERE kind = '{kind}'"))
    _kind_checks(PREVIOUS_KINDS)
