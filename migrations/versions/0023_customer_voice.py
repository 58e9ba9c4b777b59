"""customer voice: contact reasons, insights and the contacts that heard them, themes with their
history, daily contact volumes per reason, full-text search of insights, and three notification
kinds (voice_outcome, voice_theme, voice_reason)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 05:10:00
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "follow_up_due",
    "check_in_today",
    "follow_up_overdue",
    "pd_day_tomorrow",
    "share_prompt",
    "term_starts",
    "term_ends",
    "mind_check",
    "pledge_cosign",
    "mentor_nudge",
    "coaching_note",
    "pd_published",
    "rotation_published",
    "share_hidden",
    "weekly_digest",
    "interests_refresh",
    "pd_day_closed",
    "calibration_invite",
    "calibration_revealed",
    "comment",
    "dispute",
    "dispute_due",
    "pd_day_changed",
)
NEW_KINDS = ("voice_outcome", "voice_theme", "voice_reason")
KINDS = (*OLD_KINDS, *NEW_KINDS)
THEME_STATUSES = (
    "open",
    "taken",
    "will change",
    "changed",
    "will not change",
    "needs more evidence",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


@contextmanager
def _keeping_triggers(table: str) -> Iterator[None]:
    """On SQLite a batch migration rebuilds the table, which drops its triggers; make them again."""
    bind = op.get_bind()
    triggers = (
        [
            row[0]
            for row in bind.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                {"t": table},
            )
        ]
        if bind.dialect.name == "sqlite"
        else []
    )
    yield
    for sql in triggers:
        bind.exec_driver_sql(sql)


def _kind_checks(kinds: tuple[str, ...]) -> None:
    for table in ("notification", "notification_preference"):
        with _keeping_triggers(table), op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"ck_{table}_kind", type_="check")
            batch_op.create_check_constraint(f"ck_{table}_kind", _in("kind", kinds))


def _text(length: int | None = None) -> sa.types.TypeEngine[str]:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=nullable)


def _ref(name: str, table: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(f"{table}.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "contact_reason",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", _text(80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        _ref("proposed_by_id", "person", nullable=True),
        _ref("decided_by_id", "person", nullable=True),
        _at("created_at"),
        sa.UniqueConstraint("name"),
        sa.CheckConstraint(
            _in("status", ("active", "proposed", "retired")), name="ck_contact_reason_status"
        ),
    )
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", _text(120), nullable=False),
        _ref("reason_id", "contact_reason"),
        _ref("department_id", "department"),
        sa.Column("status", sa.String(length=30), nullable=False),
        _ref("created_by_id", "person"),
        sa.Column("created_on", sa.Date(), nullable=False),
        _at("created_at"),
        _ref("taken_by_id", "person", nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("change_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(_in("status", THEME_STATUSES), name="ck_theme_status"),
    )
    op.create_index("ix_theme_department", "theme", ["department_id", "status"])
    op.create_table(
        "insight",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("author_id", "person"),
        _ref("reason_id", "contact_reason"),
        _ref("department_id", "department"),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", _text(1000), nullable=False),
        sa.Column("contact_ref", _text(80), nullable=False),
        _ref("theme_id", "theme", nullable=True),
        _ref("merged_into_id", "insight", nullable=True),
        _at("created_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("agents", sa.Integer(), nullable=False),
        sa.Column("first_heard", sa.Date(), nullable=True),
        sa.Column("last_heard", sa.Date(), nullable=True),
        sa.CheckConstraint(
            _in("kind", ("problem", "idea", "praise", "unanswered question")),
            name="ck_insight_kind",
        ),
    )
    op.create_index("ix_insight_author_id", "insight", ["author_id"])
    op.create_index("ix_insight_theme_id", "insight", ["theme_id"])
    op.create_index("ix_insight_group", "insight", ["reason_id", "department_id"])
    op.create_index("ix_insight_created", "insight", ["created_at"])
    op.create_index("ix_insight_last_heard", "insight", ["last_heard"])
    op.create_index("ix_insight_contacts", "insight", ["contacts"])
    op.create_index(
        "ix_insight_merged", "insight", ["merged_into_id", "reason_id", "department_id"]
    )
    op.create_table(
        "insight_contact",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("insight_id", "insight"),
        _ref("reason_id", "contact_reason"),
        _ref("department_id", "department"),
        _ref("person_id", "person"),
        sa.Column("day", sa.Date(), nullable=False),
        _ref("from_insight_id", "insight", nullable=True),
        _at("created_at"),
    )
    op.create_index("ix_insight_contact_person_id", "insight_contact", ["person_id"])
    op.create_index("ix_insight_contact_insight", "insight_contact", ["insight_id", "day"])
    op.create_index(
        "ix_insight_contact_group",
        "insight_contact",
        ["reason_id", "department_id", "person_id", "day"],
    )
    op.create_index("ix_insight_contact_day", "insight_contact", ["day"])
    op.create_table(
        "theme_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("theme_id", "theme"),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.String(length=30), nullable=True),
        sa.Column("words", _text(1000), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        _ref("by_id", "person"),
        _at("at"),
        sa.CheckConstraint(
            _in("step", ("created", "taken", "answered")), name="ck_theme_event_step"
        ),
        sa.CheckConstraint(_in("answer", THEME_STATUSES), name="ck_theme_event_answer"),
    )
    op.create_index("ix_theme_event_theme_id", "theme_event", ["theme_id"])
    op.create_table(
        "contact_volume",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("reason_id", "contact_reason"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.UniqueConstraint("reason_id", "day", name="uq_contact_volume"),
        sa.CheckConstraint("contacts >= 0", name="ck_contact_volume_contacts_range"),
    )
    _create_search()
    _kind_checks(KINDS)


SEARCH_TEXT = "coalesce({p}text, '') || ' ' || coalesce({p}contact_ref, '')"


def _create_search() -> None:
    """Each database's own full-text search, as learning shares have it: FTS5 (porter stemming)
    kept by triggers on SQLite, a generated tsvector with a GIN index on PostgreSQL."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE insight_fts USING fts5(body, tokenize = 'porter unicode61')"
        )
        new = SEARCH_TEXT.format(p="new.")
        op.execute(
            "CREATE TRIGGER insight_ai AFTER INSERT ON insight BEGIN "
            f"INSERT INTO insight_fts(rowid, body) VALUES (new.id, {new}); END"
        )
        op.execute(
            "CREATE TRIGGER insight_au AFTER UPDATE OF text, contact_ref ON insight BEGIN "
            f"UPDATE insight_fts SET body = {new} WHERE rowid = new.id; END"
        )
        op.execute(
            "CREATE TRIGGER insight_ad AFTER DELETE ON insight BEGIN "
            "DELETE FROM insight_fts WHERE rowid = old.id; END"
        )
    else:
        op.execute(
            "ALTER TABLE insight ADD COLUMN search tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('english', {SEARCH_TEXT.format(p='')})) STORED"
        )
        op.execute("CREATE INDEX ix_insight_search ON insight USING GIN (search)")


def downgrade() -> None:
    for table in ("notification", "notification_preference"):
        for kind in NEW_KINDS:
            op.get_bind().execute(sa.text(f"DELETE FROM {table} WHERE kind = '{kind}'"))
    _kind_checks(OLD_KINDS)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS insight_fts")
    for table in ("contact_volume", "theme_event", "insight_contact", "insight", "theme"):
        op.drop_table(table)
    op.drop_table("contact_reason")
