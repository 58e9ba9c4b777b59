"""the pd_day_closed notification kind (a PD day on a newly added closure day)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 14:50:00
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _sibling(name: str) -> ModuleType:
    """An earlier revision's module (for its constraint helpers), loaded by path as alembic does."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_0011 = _sibling("0011_drafts_and_interest_refresh")
KINDS = (*_0011.KINDS, "pd_day_closed")


def upgrade() -> None:
    _0011._kind_checks(KINDS)


def downgrade() -> None:
    for table in ("notification", "notification_preference"):
        op.get_bind().execute(sa.text(f"DELETE FROM {table} WHERE kind = 'pd_day_closed'"))
    _0011._kind_checks(_0011.KINDS)
