"""evaluations sent through the API carry the caller's reference (the QA tool's id of the
evaluation), unique, so sending the same evaluation again stores nothing twice

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation") as batch:
        batch.add_column(
            sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    op.create_index("uq_evaluation_reference", "evaluation", ["reference"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_evaluation_reference", table_name="evaluation")
    with op.batch_alter_table("evaluation") as batch:
        batch.drop_column("reference")
