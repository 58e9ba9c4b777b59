"""SCIM provisioning: a person's id in the identity provider (SCIM `externalId`), unique when
set, so the provider finds the people it made by its own id

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-08 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(
            sa.Column(
                "external_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True
            )
        )
        batch_op.create_index("ix_person_external_id", ["external_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_index("ix_person_external_id")
        batch_op.drop_column("external_id")
