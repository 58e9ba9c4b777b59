"""API tokens: service tokens an admin makes for a system, personal read tokens; each kept as
its SHA-256 digest with its scopes, expiry, revocation and last use

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("scopes", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        _at("revoked_at", nullable=True),
        sa.Column("revoked_by", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        _at("last_used_at", nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.UniqueConstraint("token_hash"),
        sa.CheckConstraint("kind IN ('service', 'personal')", name="ck_api_token_kind"),
    )
    op.create_index("ix_api_token_owner", "api_token", ["owner_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_api_token_owner", table_name="api_token")
    op.drop_table("api_token")
