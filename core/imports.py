"""Metric imports (contract: `headway import metrics`): validate every row, then write all or none.

The same functions serve the CLI and the upload page: `check_metrics_csv` previews (rows and
line-numbered problems, nothing written), `import_metrics` writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from core.access import Actor
from core.clock import today
from core.csvio import line_of, read_csv
from core.errors import AccessDenied, InvalidInput
from core.models import METRICS, Observation, Person, Role
from core.observations import ObservationRow, bulk_insert_observations
from core.parsing import read_date, read_number

REQUIRED = ("agent_email", "date", "metric", "value")
OPTIONAL = ("source", "reference")
DEFAULT_SOURCE = "import"


@dataclass
class MetricsCheck:
    new_rows: list[ObservationRow] = field(default_factory=list)
    already_present: int = 0
    problems: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_lines: list[int] = field(default_factory=list)


def _parse_value(text: str, metric: str | None) -> tuple[float | None, str | None]:
    value, problem = read_number(text)
    if value is not None and metric in METRICS and not METRICS[metric].in_range(value):
        info = METRICS[metric]
        return None, f"{metric} {text[:40]} is out of range ({info.range_text})"
    return value, problem


def check_metrics_csv(session: Session, *, data: bytes, actor: Actor | None = None) -> MetricsCheck:
    """Every problem of the file by line, and the rows it would add. Writes nothing.

    `actor` None is the operator at the command line; a person may import only the scores of
    people they may see (leads their team, managers and admins everyone) and never their own;
    agents may not import.
    """
    if actor is not None and actor.role is Role.AGENT:
        raise AccessDenied("Agents cannot import metrics; ask your team lead.")
    try:
        table = read_csv(data, required=REQUIRED, optional=OPTIONAL)
    except InvalidInput as exc:
        return MetricsCheck(problems=exc.problems or [str(exc)])
    check = MetricsCheck(ignored_columns=table.ignored_columns, problems=list(table.problems))
    people = _people_by_email(session, actor)
    latest = today()
    parsed: list[tuple[int, int, dt.date, str, float, str, str]] = []
    first_line: dict[tuple[int, dt.date, str, str], int] = {}
    for row in table.rows:
        v = row.values
        reasons: list[str] = []
        email = v["agent_email"].lower()
        person_id = people.get(email)
        if person_id is None:
            reasons.append(
                f"unknown agent {v['agent_email'][:80]!r}" if email else "agent_email missing"
            )
        elif actor is not None and person_id == actor.id:
            reasons.append("these are your own scores: no one imports scores about themself")
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
        reference = v.get("reference", "")
        if not reasons:
            assert person_id is not None and day is not None and value is not None
            key = (person_id, day, metric, reference)
            if key in first_line:
                reasons.append(f"duplicate of line {first_line[key]}")
            else:
                first_line[key] = row.line
                parsed.append(
                    (
                        row.line,
                        person_id,
                        day,
                        metric,
                        value,
                        v.get("source") or DEFAULT_SOURCE,
                        reference,
                    )
                )
        if reasons:
            check.problems.append(f"line {row.line}: " + "; ".join(reasons))
    stored = _stored_values(session, parsed)
    for line, person_id, day, metric, value, source, reference in parsed:
        existing = stored.get((person_id, day, metric, reference))
        if existing is None:
            check.new_rows.append((person_id, day, metric, value, source, reference))
            check.new_lines.append(line)
        elif existing == value:
            check.already_present += 1
        else:
            check.problems.append(
                f"line {line}: a stored {metric} for this agent on {day.isoformat()} with reference "
                f"{reference!r} has the value {existing:g}, not {value:g}"
            )
    check.problems.sort(key=line_of)
    return check


def _people_by_email(session: Session, actor: Actor | None) -> dict[str, int]:
    from core.access import visible_people

    query = select(func.lower(Person.email), Person.id)
    if actor is not None:
        query = query.where(visible_people(actor))
    return {email: pid for email, pid in session.exec(query).all() if pid is not None}


def _stored_values(
    session: Session, parsed: list[tuple[int, int, dt.date, str, float, str, str]]
) -> dict[tuple[int, dt.date, str, str], float]:
    """Stored values for the keys of the file, read in one pass over its date range."""
    if not parsed:
        return {}
    wanted = {(p, d, m, r) for _, p, d, m, _, _, r in parsed}
    first, last = min(d for _, _, d, *_ in parsed), max(d for _, _, d, *_ in parsed)
    metrics = sorted({metric for _, _, _, metric, _, _, _ in parsed})
    rows = session.execute(
        sa_select(
            col(Observation.person_id),
            col(Observation.date),
            col(Observation.metric),
            col(Observation.reference),
            col(Observation.value),
        ).where(
            col(Observation.date) >= first,
            col(Observation.date) <= last,
            col(Observation.metric).in_(metrics),
        )
    ).all()
    return {(p, d, m, r): v for p, d, m, r, v in rows if (p, d, m, r) in wanted}


@dataclass(frozen=True)
class MetricsImport:
    added: int
    already_present: int
    ignored_columns: list[str]


def import_metrics(session: Session, *, data: bytes, actor: Actor | None = None) -> MetricsImport:
    """Write the file's new rows if every row is valid; otherwise raise with every problem."""
    check = check_metrics_csv(session, data=data, actor=actor)
    if check.problems:
        raise InvalidInput(
            f"Nothing was imported: {len(check.problems)} line(s) need fixing.", check.problems
        )
    added = bulk_insert_observations(session, check.new_rows)
    return MetricsImport(added, check.already_present, check.ignored_columns)


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
