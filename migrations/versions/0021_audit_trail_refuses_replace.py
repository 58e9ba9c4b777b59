"""the audit trail refuses INSERT OR REPLACE on SQLite (a replace deletes the old row without
firing delete triggers unless recursive triggers are on, which core.platform.db also turns on)

PostgreSQL needs nothing: `INSERT … ON CONFLICT DO UPDATE` fires the BEFORE UPDATE trigger of
revision 0013, which refuses it.

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-07 05:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None

REFUSAL = "the audit trail is append-only"  # as in revision 0013


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_event "
            "WHEN EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_event_no_replace")
