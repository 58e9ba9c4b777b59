"""dispute history keeps the answers a reviewer re-answered (question, old answer, new answer)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dispute_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "answer_changes",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="[]",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("dispute_event", schema=None) as batch_op:
        batch_op.drop_column("answer_changes")
