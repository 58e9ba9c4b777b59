"""Metric imports (contract: `headway import metrics`): validate every row, then write all or none.

The same functions serve the CLI and the upload page: `check_metrics_csv` previews (counts, a
sample of the new rows and line-numbered problems; nothing visible is written), `import_metrics`
writes.

How an import holds under load. The file is read line by line (never whole in memory, never
parsed twice). Each valid row goes to the `import_staging` table under the import's own id, in
batches of BATCH_ROWS, each batch its own short transaction; the checks that need the whole
file (a line repeating an earlier one, a value differing from the stored one, rows already
stored) then run as SQL over the staged rows. No `observation` row is written until every line
is valid; then ONE transaction moves the staged rows into `observation` (INSERT ... SELECT) and
inserts the data-version stamp (core.platform.data_version, insert-only: no row every writer queues on).
That move is the only moment other writers can wait for the import: on PostgreSQL they never do
(new rows lock nothing others write), on SQLite, which has one writer at a time, it is the time
to copy the rows inside the database (bench/imports.py prints it; well under a second for an
upload of the page's size limit). So the import is all-or-nothing: a failure while staging or
checking (a bad line, a dropped connection, a crash) leaves `observation` untouched, and the move
either commits whole or not at all. Staged rows are removed when the import ends, whether it
succeeded or not; rows of an import whose process died are removed by the daily retention job
(`tidy_import_tables`).

Because it commits as it goes, the import works in a session of its own on the caller's
database: its commits are not the caller's, and the caller's rollback does not undo a finished
import. On SQLite, call it from a session holding no write (the move would wait for it).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, SQLModel
from sqlmodel import select as sm_select

from core.metrics.observations import ObservationRow, bulk_copy
from core.models import METRICS, Person, Role
from core.people.access import Actor
from core.platform import data_version
from core.platform.clock import today, utcnow
from core.platform.csvio import line_of, read_csv, stream_csv, write_csv
from core.platform.errors import AccessDenied, InvalidInput
from core.platform.parsing import read_date, read_number

log = logging.getLogger(__name__)

REQUIRED = ("agent_email", "date", "metric", "value")
OPTIONAL = ("source", "reference")
DEFAULT_SOURCE = "import"
BATCH_ROWS = 5_000  # rows staged per short transaction
SAMPLE_ROWS = 200  # new rows kept for the preview
STAGING_KEPT = dt.timedelta(days=1)  # staged rows older than this belong to a dead import
RACED = (
    "Nothing was imported: while the file was being checked, someone else stored scores for "
    "some of the same agents, days and metrics. Check the file again to see which lines."
)
_STAGED = (
    *("import_id", "line", "person_id", "date", "metric", "value", "source", "reference"),
    "staged_at",
)


@dataclass
class MetricsCheck:
    new_rows: list[ObservationRow] = field(default_factory=list)  # the first SAMPLE_ROWS
    already_present: int = 0
    problems: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_lines: list[int] = field(default_factory=list)  # the lines of `new_rows`
    new_count: int = 0  # every new row, not only the sample
    # The agents of `new_rows` by their e-mail address, as the preview shows them (a person id
    # means nothing to whoever uploads the file).
    new_emails: list[str] = field(default_factory=list)

    @property
    def preview(self) -> list[tuple[object, ...]]:
        """The sample of new rows as the page shows them: line, agent e-mail, date, metric,
        value, source, reference."""
        return [
            (line, email, *row[1:])
            for line, email, row in zip(self.new_lines, self.new_emails, self.new_rows, strict=True)
        ]

    @property
    def refused_lines(self) -> int:
        """How many lines of the file are refused (a problem on line 1 refuses the file)."""
        return len({line_of(p) for p in self.problems})

    @property
    def good_rows_importable(self) -> bool:
        """Whether "import the good rows, refuse the others" can be offered: some lines are
        refused, some rows are new, and the header itself is fine."""
        return bool(self.problems) and self.new_count > 0 and min(map(line_of, self.problems)) > 1


def _parse_value(text: str, metric: str | None) -> tuple[float | None, str | None]:
    value, problem = read_number(text)
    if value is not None and metric in METRICS and not METRICS[metric].in_range(value):
        info = METRICS[metric]
        return None, f"{metric} {text[:40]} is out of range ({info.range_text})"
    return value, problem


def check_metrics_csv(
    session: Session, *, data: bytes | IO[bytes], actor: Actor | None = None
) -> MetricsCheck:
    """Every problem of the file by line, and the rows it would add. Writes nothing visible.

    `actor` None is the operator at the command line; a person may import only the scores of
    people they may see (leads their team, managers and admins everyone) and never their own;
    agents may not import.
    """
    _refuse_agents(actor)
    import_id = uuid.uuid4().hex
    with _own_session(session) as own:
        try:
            return _stage_and_check(own, data, actor, import_id)
        finally:
            _unstage(own, import_id)


@dataclass(frozen=True)
class MetricsImport:
    added: int
    already_present: int
    ignored_columns: list[str]
    refused: list[str] = field(default_factory=list)  # "line N: why", when good rows were kept


def import_metrics(
    session: Session,
    *,
    data: bytes | IO[bytes],
    actor: Actor | None = None,
    good_rows: int | None = None,
) -> MetricsImport:
    """Write the file's new rows if every row is valid; otherwise raise with every problem.

    `good_rows` is the other choice, made explicitly by the person after the check: import the
    file's good new rows (there were `good_rows` of them) and refuse the bad lines, which come
    back in `refused` (`refused_rows_csv` makes the file to fix them in). If the file no longer
    checks to that many good rows (someone stored some meanwhile), nothing is written: they
    look again before choosing. The command line keeps the contract's all or nothing."""
    _refuse_agents(actor)
    import_id = uuid.uuid4().hex
    with _own_session(session) as own:
        try:
            check = _stage_and_check(own, data, actor, import_id)
            if check.problems and good_rows is None:
                raise InvalidInput(
                    f"Nothing was imported: {len(check.problems)} line(s) need fixing.",
                    check.problems,
                )
            if check.problems and (check.new_count != good_rows or not check.good_rows_importable):
                message = (
                    f"Nothing was imported: the file now checks to {check.new_count} good new "
                    f"row(s), not the {good_rows} you chose to import. Check it again."
                )
                raise InvalidInput(message, check.problems or [message])
            added = _move(own, import_id, check.new_count) if check.new_count else 0
        finally:
            _unstage(own, import_id)
    return MetricsImport(added, check.already_present, check.ignored_columns, check.problems)


REFUSED_COLUMNS = ("line", *REQUIRED, *OPTIONAL, "reason")


def refused_rows_csv(data: bytes | IO[bytes], problems: list[str]) -> bytes:
    """The refused lines of an uploaded metrics file, as they were, each with its reason: the
    file to fix and upload again (its own header, so it imports as it is once fixed). A line
    that could not be read at all keeps only its number and reason. Written through the CSV
    neutraliser."""
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(line_of(problem), []).append(problem.split(": ", 1)[-1])
    rows: list[tuple[object, ...]] = []
    seen: set[int] = set()
    if not reasons.keys() - {0, 1}:
        return write_csv(REFUSED_COLUMNS, rows)
    table = stream_csv(data, required=REQUIRED, optional=OPTIONAL)
    for row in table.rows:
        if row.line in reasons:
            seen.add(row.line)
            values = [row.values.get(c, "") for c in (*REQUIRED, *OPTIONAL)]
            rows.append((row.line, *values, "; ".join(reasons[row.line])))
    for line in sorted(reasons.keys() - seen - {0, 1}):
        blank = [""] * (len(REQUIRED) + len(OPTIONAL))
        rows.append((line, *blank, "; ".join(reasons[line])))
    rows.sort(key=lambda r: int(str(r[0])))
    return write_csv(REFUSED_COLUMNS, rows)


def tidy_import_tables(session: Session) -> None:
    """Daily (the retention job), one short transaction: prune the data-version stamp rows and
    remove staged rows left by an import whose process died."""
    data_version.prune(session)
    staging = _table("import_staging")
    session.execute(delete(staging).where(staging.c.staged_at < utcnow() - STAGING_KEPT))


def _own_session(session: Session) -> Session:
    """A session of the import's own on the caller's database, so that its short transactions
    commit without committing the caller's. A caller bound to one connection (a test's outer
    transaction) gets savepoints on that connection instead, and keeps the last word."""
    bind = session.get_bind()
    if isinstance(bind, Connection):
        return Session(bind=bind, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return Session(bind, expire_on_commit=False)


def _refuse_agents(actor: Actor | None) -> None:
    if actor is not None and actor.role is Role.AGENT:
        raise AccessDenied("Agents cannot import metrics; ask your team lead.")


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _stage(session: Session, rows: list[tuple[object, ...]]) -> None:
    """One batch of valid rows into the staging table, in a short transaction of its own."""
    bulk_copy(session.connection(), "import_staging", _STAGED, rows)
    session.commit()


def _stage_and_check(
    session: Session, data: bytes | IO[bytes], actor: Actor | None, import_id: str
) -> MetricsCheck:
    try:
        table = stream_csv(data, required=REQUIRED, optional=OPTIONAL)
    except InvalidInput as exc:
        return MetricsCheck(problems=exc.problems or [str(exc)])
    check = MetricsCheck(ignored_columns=table.ignored_columns)
    people = _people_and_roles(session, actor)
    session.commit()  # no read transaction stays open while the file is read
    latest, staged_at = today(), utcnow()
    batch: list[tuple[object, ...]] = []
    try:
        for row in table.rows:
            v = row.values
            reasons: list[str] = []
            email = v["agent_email"].lower()
            person_id, role = people.get(email, (None, Role.AGENT))
            if person_id is None:
                reasons.append(
                    f"unknown agent {v['agent_email'][:80]!r}" if email else "agent_email missing"
                )
            elif actor is not None and person_id == actor.id:
                reasons.append("these are your own scores: no one imports scores about themself")
            elif wrong := _not_an_agent(v["agent_email"], role, v["metric"]):
                reasons.append(wrong)
            day, problem = read_date(v["date"])
            if problem:
                reasons.append(problem)
            elif day is not None and day > latest:
                reasons.append(f"date {day.isoformat()} is after today ({latest.isoformat()})")
            metric = v["metric"]
            if metric not in METRICS:
                reasons.append(f"unknown metric {metric[:40]!r} (one of {', '.join(METRICS)})")
            value, problem = _parse_value(v["value"], metric)
            if problem:
                reasons.append(problem)
            if reasons:
                check.problems.append(f"line {row.line}: " + "; ".join(reasons))
                continue
            source, reference = v.get("source") or DEFAULT_SOURCE, v.get("reference", "")
            batch.append(
                (import_id, row.line, person_id, day, metric, value, source, reference, staged_at)
            )
            if len(batch) >= BATCH_ROWS:
                _stage(session, batch)
                batch = []
    except InvalidInput as exc:  # a bad byte further down the file
        return MetricsCheck(problems=exc.problems or [str(exc)])
    if batch:
        _stage(session, batch)
    check.problems += table.problems
    _check_staged(session, import_id, check)
    check.problems.sort(key=line_of)
    return check


_KEY = ("person_id", "date", "metric", "reference")  # observation's unique key


def _key(a: Any, b: Any) -> ColumnElement[bool]:
    """Rows of `a` and `b` (tables or aliases) about the same agent, day, metric and reference."""
    return and_(*(a.c[k] == b.c[k] for k in _KEY))


def _people_by_email(session: Session, actor: Actor | None) -> dict[str, int]:
    return {email: pid for email, (pid, _) in _people_and_roles(session, actor).items()}


def _people_and_roles(session: Session, actor: Actor | None) -> dict[str, tuple[int, Role]]:
    """E-mail (lower case) → (person id, role) of everyone `actor` may import for."""
    from core.people.access import visible_people

    query = sm_select(func.lower(Person.email), Person.id, Person.role)
    if actor is not None:
        query = query.where(visible_people(actor))
    return {
        email: (pid, Role(role))
        for email, pid, role in session.exec(query).all()
        if pid is not None
    }


# Metrics that score an agent's own contacts: a quality form scores an agent's call, so a QA
# score for a team lead, a manager or an admin is a mistake in the file (a lead's name on the
# evaluator column, say), not data.
AGENTS_ONLY = frozenset({"qa_score"})


def _not_an_agent(email: str, role: Role, metric: str) -> str | None:
    if metric in AGENTS_ONLY and role is not Role.AGENT:
        return (
            f"unknown agent {email[:80]!r} for {metric}: this address is a "
            f"{role.value.replace('_', ' ')}'s, and QA scores are for agents only"
        )
    return None


def _new_rows_query(import_id: str) -> tuple[Table, ColumnElement[bool]]:
    """The staged table and the condition of its rows that are new: first of their key in the
    file and not stored yet."""
    staged, stored = _table("import_staging"), _table("observation")
    earlier = _table("import_staging").alias("earlier")
    repeats = exists().where(
        earlier.c.import_id == import_id,
        _key(earlier, staged),
        earlier.c.line < staged.c.line,
    )
    in_store = exists().where(_key(stored, staged))
    return staged, and_(staged.c.import_id == import_id, ~repeats, ~in_store)


def _check_staged(session: Session, import_id: str, check: MetricsCheck) -> None:
    """The checks that need the whole file, as SQL over its staged rows (read only)."""
    staged, stored = _table("import_staging"), _table("observation")
    earlier = staged.alias("earlier")
    mine = staged.c.import_id == import_id
    first = (
        select(staged.c.line, func.min(earlier.c.line))
        .join(
            earlier,
            and_(
                earlier.c.import_id == import_id,
                _key(earlier, staged),
                earlier.c.line < staged.c.line,
            ),
        )
        .where(mine)
        .group_by(staged.c.line)
    )
    repeated: set[int] = set()
    for line, original in session.execute(first):
        repeated.add(line)
        check.problems.append(f"line {line}: duplicate of line {original}")
    pairs = select(staged, stored.c.value.label("stored_value")).join(
        stored,
        _key(stored, staged),
    )
    same = select(func.count()).select_from(
        pairs.where(mine, stored.c.value == staged.c.value).subquery()
    )
    check.already_present = int(session.execute(same).scalar_one())
    for row in session.execute(pairs.where(mine, stored.c.value != staged.c.value)):
        if row.line in repeated:
            continue
        check.problems.append(
            f"line {row.line}: a stored {row.metric} for this agent on {row.date.isoformat()} "
            f"with reference {row.reference!r} has the value {row.stored_value:g}, "
            f"not {row.value:g}"
        )
    _, new = _new_rows_query(import_id)
    check.new_count = int(
        session.execute(select(func.count()).select_from(staged).where(new)).scalar_one()
    )
    people = _table("person")
    sample = (
        select(*(staged.c[c] for c in ("line", *OBSERVED)), people.c.email)
        .join(people, people.c.id == staged.c.person_id)
        .where(new)
        .order_by(staged.c.line)
        .limit(SAMPLE_ROWS)
    )
    for line, *values, email in session.execute(sample):
        check.new_lines.append(line)
        check.new_rows.append(tuple(values))
        check.new_emails.append(email)
    session.commit()


OBSERVED = ("person_id", "date", "metric", "value", "source", "reference")


def _move(session: Session, import_id: str, expected: int) -> int:
    """The one transaction that makes the import visible: staged new rows into `observation`,
    and the data-version stamp. Raises (and writes nothing) if someone stored some of the same
    keys meanwhile."""
    staged, new = _new_rows_query(import_id)
    stored = _table("observation")
    created = bindparam("created", utcnow(), type_=stored.c.created_at.type)
    move = insert(stored).from_select(
        [*OBSERVED, "created_at"],
        select(*(staged.c[c] for c in OBSERVED), created).where(new),
    )
    try:
        connection = session.connection()
        if connection.dialect.name == "postgresql":  # its driver does not count INSERT ... SELECT
            moved = move.returning(literal(1)).cte("moved")
            added = int(connection.execute(select(func.count()).select_from(moved)).scalar_one())
        else:
            added = connection.execute(move).rowcount
        if added != expected:
            raise InvalidInput(RACED, [RACED])
        data_version.bump(session)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise InvalidInput(RACED, [RACED]) from exc
    except BaseException:
        session.rollback()
        raise
    return added


def _unstage(session: Session, import_id: str) -> None:
    """Remove the import's staged rows, a batch of lines per short transaction. A failure here
    hides nothing and shows nothing: the rows are invisible, and the daily tidy removes them."""
    staging = _table("import_staging")
    try:
        session.rollback()
        last = session.execute(
            select(func.max(staging.c.line)).where(staging.c.import_id == import_id)
        ).scalar_one()
        for upto in range(0, (last or 0) + 1, BATCH_ROWS * 4):
            session.execute(
                delete(staging).where(
                    staging.c.import_id == import_id, staging.c.line <= upto + BATCH_ROWS * 4
                )
            )
            session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        log.warning(
            "metric import %s: its staged rows stay until the daily tidy (%s)", import_id, exc
        )


LEAVE_COLUMNS = ("agent_email", "start", "end")
LEAVE_OPTIONAL = ("kind",)


def import_leave(session: Session, *, data: bytes, actor: Actor) -> int:
    """Add leave from a CSV (agent_email,start,end[,kind]): all rows or none; returns the count."""
    from core.models import Leave, LeaveKind

    if actor.role is Role.AGENT:
        raise AccessDenied("Agents cannot import leave; ask your team lead.")
    table = read_csv(data, required=LEAVE_COLUMNS, optional=LEAVE_OPTIONAL)
    people = _people_by_email(session, actor)
    kinds = {k.value: k for k in LeaveKind}
    rows: list[Leave] = []
    problems = list(table.problems)
    for row in table.rows:
        v = row.values
        reasons = []
        person_id = people.get(v["agent_email"].lower())
        if person_id is None:
            reasons.append(f"unknown agent {v['agent_email'][:80]!r}")
        days = []
        for column in ("start", "end"):
            day, problem = read_date(v[column], f"{column} date")
            days.append(day)
            if problem:
                reasons.append(problem)
        start, end = days
        if start and end and end < start:
            reasons.append(f"ends ({end}) before it starts ({start})")
        kind = (v.get("kind") or LeaveKind.ANNUAL).strip().lower()
        if kind not in kinds:
            reasons.append(f"unknown kind {kind[:40]!r} ({', '.join(kinds)})")
        if reasons:
            problems.append(f"line {row.line}: " + "; ".join(reasons))
        else:
            assert person_id is not None and start is not None and end is not None
            rows.append(Leave(person_id=person_id, start=start, end=end, kind=kinds[kind]))
    if problems:
        problems.sort(key=line_of)
        raise InvalidInput(f"Nothing was imported: {len(problems)} line(s) need fixing.", problems)
    session.add_all(rows)
    return len(rows)
