"""SCIM provisioning: a person's and a team's id in the identity provider (SCIM `externalId`),
unique when set, so the provider finds what it made by its own id; and when the provider deleted
a person (kept, deactivated, but no longer one of its resources)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def _external_id() -> sa.Column[str]:
    return sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("team") as batch_op:
        batch_op.add_column(_external_id())
        batch_op.create_index("ix_team_external_id", ["external_id"], unique=True)
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(_external_id())
        batch_op.add_column(
            sa.Column("deprovisioned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index("ix_person_external_id", ["external_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_index("ix_person_external_id")
        batch_op.drop_column("deprovisioned_at")
        batch_op.drop_column("external_id")
    with op.batch_alter_table("team") as batch_op:
        batch_op.drop_index("ix_team_external_id")
        batch_op.drop_column("external_id")
