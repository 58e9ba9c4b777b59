"""typed persistence: link tables for a note's evaluations and a plan run's teams, typed plan-run
rules, CHECK constraints for enum columns and declared ranges

Moves the data: `coaching_note.evaluation_ids` ("3,7") becomes rows of coaching_note_evaluation
(ids of evaluations that no longer exist are dropped); `plan_run.team_ids` becomes rows of
plan_run_team and its JSON `parameters` two integer columns; an unchosen PD-day purpose ("")
becomes NULL; floors, capacities and ranks below their range are raised to its bottom (a floor of
−5 staffed means 0), a weekday outside 0–6 becomes Wednesday (the default hosting day).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 13:21:13.787887
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The values each enum column may hold, as of this revision (a later enum member needs a later
# migration that widens its constraint).
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("person", "role"): ("agent", "team_lead", "manager", "admin"),
    ("leave", "kind"): ("annual leave", "sick", "training", "other"),
    ("pd_day", "status"): ("draft", "published", "completed", "cancelled"),
    ("pd_day", "purpose"): (
        "hone skills",
        "practise",
        "stay current",
        "experiment",
        "create",
        "learn",
        "share",
    ),
    ("plan_run", "status"): ("blocked", "optimal", "feasible", "infeasible", "unknown"),
    ("learning_share", "visibility"): ("team", "organisation"),
    ("pledge", "status"): ("draft", "awaiting mentor", "active", "renewed", "retired"),
    ("mind_check", "answer"): ("kept", "partly", "slipped"),
    ("assignment", "status"): ("proposed", "published", "active", "completed"),
    ("ambassador_project", "status"): ("idea", "in progress", "done", "dropped"),
    ("evaluation", "channel"): ("phone", "chat", "email", "social"),
    ("notification", "email_state"): ("none", "pending", "sending", "sent", "failed"),
}
KINDS = (
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
)
ENUMS[("notification", "kind")] = KINDS
ENUMS[("notification_preference", "kind")] = KINDS

# (table, column, low, high)
RANGES = (
    ("team", "min_staffed", 0, None),
    ("staffing_override", "min_staffed", 0, None),
    ("department_hosting", "capacity", 0, None),
    ("department_hosting", "weekday", 0, 6),
    ("interest", "rank", 1, None),
    ("plan_run", "pd_days_per_agent", 0, None),
    ("plan_run", "min_gap_days", 0, None),
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _range(column: str, low: int, high: int | None) -> str:
    return f"{column} >= {low}" + (f" AND {column} <= {high}" if high is not None else "")


@contextmanager
def _keeping_triggers(table: str) -> Iterator[None]:
    """On SQLite a batch migration rebuilds the table, which drops its triggers (the learning
    shares' full-text index is kept by three); make them again on the new table."""
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


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "plan_run_team",
        sa.Column("plan_run_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_run_id"], ["plan_run.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("plan_run_id", "team_id"),
    )
    op.create_table(
        "coaching_note_evaluation",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluation.id"]),
        sa.ForeignKeyConstraint(["note_id"], ["coaching_note.id"]),
        sa.PrimaryKeyConstraint("note_id", "evaluation_id"),
    )
    op.create_index(
        "ix_coaching_note_evaluation_evaluation_id",
        "coaching_note_evaluation",
        ["evaluation_id"],
        unique=False,
    )

    # --- move the comma lists and the JSON into rows and columns ---
    evaluations = {row[0] for row in bind.execute(sa.text("SELECT id FROM evaluation"))}
    links = [
        {"note_id": note_id, "evaluation_id": int(part)}
        for note_id, ids in bind.execute(sa.text("SELECT id, evaluation_ids FROM coaching_note"))
        for part in sorted({p.strip() for p in (ids or "").split(",")} - {""})
        if part.isdigit() and int(part) in evaluations
    ]
    if links:
        bind.execute(
            sa.text(
                "INSERT INTO coaching_note_evaluation (note_id, evaluation_id) "
                "VALUES (:note_id, :evaluation_id)"
            ),
            links,
        )
    with op.batch_alter_table("plan_run") as batch_op:
        batch_op.add_column(sa.Column("pd_days_per_agent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("min_gap_days", sa.Integer(), nullable=True))
    teams = {row[0] for row in bind.execute(sa.text("SELECT id FROM team"))}
    team_rows, rules = [], []
    for run_id, team_ids, parameters in bind.execute(
        sa.text("SELECT id, team_ids, parameters FROM plan_run")
    ):
        for part in sorted({p.strip() for p in (team_ids or "").split(",")} - {""}):
            if part.isdigit() and int(part) in teams:
                team_rows.append({"plan_run_id": run_id, "team_id": int(part)})
        try:
            values = json.loads(parameters or "{}")
        except ValueError:
            values = {}
        rules.append(
            {
                "id": run_id,
                "per_agent": max(0, int(values.get("pd_days_per_agent", 2))),
                "gap": max(0, int(values.get("min_gap_days", 14))),
            }
        )
    if team_rows:
        bind.execute(
            sa.text(
                "INSERT INTO plan_run_team (plan_run_id, team_id) VALUES (:plan_run_id, :team_id)"
            ),
            team_rows,
        )
    if rules:
        bind.execute(
            sa.text(
                "UPDATE plan_run SET pd_days_per_agent = :per_agent, min_gap_days = :gap "
                "WHERE id = :id"
            ),
            rules,
        )
    with op.batch_alter_table("pd_day") as batch_op:
        batch_op.alter_column("purpose", existing_type=sa.VARCHAR(length=40), nullable=True)
    bind.execute(sa.text("UPDATE pd_day SET purpose = NULL WHERE purpose = ''"))
    for table, column, low, high in RANGES:
        if table == "plan_run":
            continue
        bind.execute(sa.text(f"UPDATE {table} SET {column} = {low} WHERE {column} < {low}"))
        if high is not None:
            bind.execute(sa.text(f"UPDATE {table} SET {column} = 2 WHERE {column} > {high}"))

    # --- drop what moved, then the constraints ---
    with op.batch_alter_table("coaching_note") as batch_op:
        batch_op.drop_column("evaluation_ids")
    with op.batch_alter_table("plan_run") as batch_op:
        batch_op.alter_column("pd_days_per_agent", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("min_gap_days", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("team_ids")
        batch_op.drop_column("parameters")
    checks: dict[str, list[tuple[str, str]]] = {}
    for (table, column), values in ENUMS.items():
        checks.setdefault(table, []).append((f"ck_{table}_{column}", _in(column, values)))
    for table, column, low, high in RANGES:
        checks.setdefault(table, []).append(
            (f"ck_{table}_{column}_range", _range(column, low, high))
        )
    for table, constraints in checks.items():
        with _keeping_triggers(table), op.batch_alter_table(table) as batch_op:
            for name, condition in constraints:
                batch_op.create_check_constraint(name, condition)


def downgrade() -> None:
    bind = op.get_bind()
    checks: dict[str, list[str]] = {}
    for table, column in ENUMS:
        checks.setdefault(table, []).append(f"ck_{table}_{column}")
    for table, column, _low, _high in RANGES:
        checks.setdefault(table, []).append(f"ck_{table}_{column}_range")
    for table, names in checks.items():
        with _keeping_triggers(table), op.batch_alter_table(table) as batch_op:
            for name in names:
                batch_op.drop_constraint(name, type_="check")

    with op.batch_alter_table("plan_run") as batch_op:
        batch_op.add_column(
            sa.Column("team_ids", sa.VARCHAR(length=4000), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("parameters", sa.VARCHAR(length=4000), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("coaching_note") as batch_op:
        batch_op.add_column(
            sa.Column("evaluation_ids", sa.VARCHAR(length=1000), nullable=False, server_default="")
        )
    runs: dict[int, list[str]] = {}
    for run_id, team_id in bind.execute(
        sa.text("SELECT plan_run_id, team_id FROM plan_run_team ORDER BY team_id")
    ):
        runs.setdefault(run_id, []).append(str(team_id))
    for run_id, per_agent, gap in bind.execute(
        sa.text("SELECT id, pd_days_per_agent, min_gap_days FROM plan_run")
    ).all():
        bind.execute(
            sa.text("UPDATE plan_run SET team_ids = :teams, parameters = :params WHERE id = :id"),
            {
                "id": run_id,
                "teams": ",".join(runs.get(run_id, [])),
                "params": json.dumps({"pd_days_per_agent": per_agent, "min_gap_days": gap}),
            },
        )
    notes: dict[int, list[str]] = {}
    for note_id, evaluation_id in bind.execute(
        sa.text(
            "SELECT note_id, evaluation_id FROM coaching_note_evaluation ORDER BY evaluation_id"
        )
    ):
        notes.setdefault(note_id, []).append(str(evaluation_id))
    for note_id, ids in notes.items():
        bind.execute(
            sa.text("UPDATE coaching_note SET evaluation_ids = :ids WHERE id = :id"),
            {"id": note_id, "ids": ",".join(ids)},
        )
    bind.execute(sa.text("UPDATE pd_day SET purpose = '' WHERE purpose IS NULL"))
    with op.batch_alter_table("pd_day") as batch_op:
        batch_op.alter_column("purpose", existing_type=sa.VARCHAR(length=40), nullable=False)
    with op.batch_alter_table("plan_run") as batch_op:
        batch_op.drop_column("min_gap_days")
        batch_op.drop_column("pd_days_per_agent")
    op.drop_index(
        "ix_coaching_note_evaluation_evaluation_id", table_name="coaching_note_evaluation"
    )
    op.drop_table("coaching_note_evaluation")
    op.drop_table("plan_run_team")
