"""forecasts per team, date and interval, and the staffing targets floors are computed for

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast_interval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("aht_seconds", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column(
            "interval_minutes", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False
        ),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("contacts >= 0", name="ck_forecast_interval_contacts_range"),
        sa.CheckConstraint(
            "start_minute >= 0 AND start_minute <= 1439",
            name="ck_forecast_interval_start_minute_range",
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.ForeignKeyConstraint(["imported_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "date", "start_minute", name="uq_forecast_interval"),
    )
    op.create_index(
        "ix_forecast_interval_team_date", "forecast_interval", ["team_id", "date"], unique=False
    )
    op.create_table(
        "staffing_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "service_level_pct", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False
        ),
        sa.Column("answer_seconds", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("shrinkage_pct", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "max_occupancy_pct", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True
        ),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.ForeignKeyConstraint(["set_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id"),
    )


def downgrade() -> None:
    op.drop_table("staffing_target")
    op.drop_index("ix_forecast_interval_team_date", table_name="forecast_interval")
    op.drop_table("forecast_interval")
