"""drafts of long texts; when an agent last ranked their interests; the interests_refresh kind

Existing interests count as ranked when this migration runs (their age is unknown).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 13:40:11.959352
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None



def _sibling(name: str) -> ModuleType:
    """An earlier revision's module (for its constraint helpers), loaded by path as alembic does."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_0010 = _sibling("0010_typed_persistence")
KINDS = (*_0010.KINDS, "interests_refresh")


def _kind_checks(kinds: tuple[str, ...]) -> None:
    for table in ("notification", "notification_preference"):
        with _0010._keeping_triggers(table), op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"ck_{table}_kind", type_="check")
            batch_op.create_check_constraint(f"ck_{table}_kind", _0010._in("kind", kinds))


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
    _kind_checks(_0010.KINDS)
    with op.batch_alter_table("interest") as batch_op:
        batch_op.drop_column("updated_at")
    op.drop_table("form_draft")
