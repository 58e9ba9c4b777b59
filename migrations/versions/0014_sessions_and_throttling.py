"""sessions and throttling: one-time passwords expire (and are single use), failed password
checks are throttled per account and per address instead of locking the account

Drops person.failed_logins and person.locked_until (the 15-minute lockout is gone; counters live
in login_throttle, keyed by digests so the table names no e-mail and no address). Adds
person.one_time_password_expires_at: a one-time password set before this revision has none and
no longer opens a login; an admin sets a new one (valid 24 hours).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 16:30:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("next_allowed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_success_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "one_time_password_expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True
            )
        )
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.drop_column("one_time_password_expires_at")
    op.drop_table("login_throttle")
