"""drafts of long texts; when an agent last ranked their interests; the interests_refresh kind

Existing interests count as ranked when this migration runs (their age is unknown).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 13:40:11.959352
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


# The notification kinds as 0010 left them (copied here: revisions stand alone).
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
)
# ...and with this revision's interests_refresh.
KINDS = (
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
)


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
    op.create_table(
        "form_draft",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("form", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("fields", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("person_id", "form"),
    )
    with op.batch_alter_table("interest") as batch_op:
        batch_op.add_column(
            sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.get_bind().execute(
        sa.text("UPDATE interest SET updated_at = :now"), {"now": dt.datetime.now(dt.UTC)}
    )
    with op.batch_alter_table("interest") as batch_op:
        batch_op.alter_column(
            "updated_at", existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False
        )
    _kind_checks(KINDS)


def downgrade() -> None:
    op.get_bind().execute(sa.text("DELETE FROM notification WHERE kind = 'interests_refresh'"))
    op.get_bind().execute(
        sa.text("DELETE FROM notification_preference WHERE kind = 'interests_refresh'")
    )
    _kind_checks(PREVIOUS_KINDS)
    with op.batch_alter_table("interest") as batch_op:
        batch_op.drop_column("updated_at")
    op.drop_table("form_draft")
