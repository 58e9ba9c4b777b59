"""stamp and staging: the data-version stamp is insert-only rows (no single hot row that every
writer queues on) and metric imports stage their rows before one short move into observation

`data_version.version` stays, as the stamp's epoch (raised only when `data_stamp` is pruned).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 16:25:10
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "import_staging",
        sa.Column("import_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("metric", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("staged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", "line"),
    )
    with op.batch_alter_table("import_staging", schema=None) as batch_op:
        batch_op.create_index(
            "ix_import_staging_key",
            ["import_id", "person_id", "date", "metric", "reference", "line"],
            unique=False,
        )
    # Caches keyed on the old single counter are thrown away once: the new key starts at epoch
    # (old counter + 1).
    op.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")


def downgrade() -> None:
    with op.batch_alter_table("import_staging", schema=None) as batch_op:
        batch_op.drop_index("ix_import_staging_key")
    op.drop_table("import_staging")
    op.drop_table("data_stamp")
