"""a published PD day that changes is told: when it was first published (its calendar file keeps
it as a cancellation once withdrawn), and the notification kind pd_day_changed

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 05:20:00
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

OLD_KINDS = (
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
    "calibration_invite",
    "calibration_revealed",
    "comment",
    "dispute",
    "dispute_due",
)
NEW_KINDS = ("pd_day_changed",)
KINDS = (*OLD_KINDS, *NEW_KINDS)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


@contextmanager
def _keeping_triggers(table: str) -> Iterator[None]:
    """On SQLite a batch migration rebuilds the table, which drops its triggers: make them again."""
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
    for table in ("notification", "notification_preference"):
        with _keeping_triggers(table), op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"ck_{table}_kind", type_="check")
            batch_op.create_check_constraint(f"ck_{table}_kind", _in("kind", kinds))


def upgrade() -> None:
    _kind_checks(KINDS)
    with _keeping_triggers("pd_day"), op.batch_alter_table("pd_day") as batch_op:
        batch_op.add_column(
            sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    # Days already published or completed were told when they were published.
    op.execute(
        "UPDATE pd_day SET published_at = updated_at WHERE status IN ('published', 'completed')"
    )


def downgrade() -> None:
    for table in ("notification", "notification_preference"):
        op.get_bind().execute(
            sa.text(f"DELETE FROM {table} WHERE kind IN ({', '.join(map(repr, NEW_KINDS))})")
        )
    _kind_checks(OLD_KINDS)
    with _keeping_triggers("pd_day"), op.batch_alter_table("pd_day") as batch_op:
        batch_op.drop_column("published_at")
