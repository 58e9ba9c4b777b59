"""What the HTTP API (`ui/api.py`, `/api/v1/…`) does, without HTTP: read models paged by cursor,
and writes that go through the import rules the CSV uploads already follow.

- Reads are paged by an opaque cursor (the last id of the page before, encoded), `limit` at most
  `MAX_LIMIT`; each answer says the next cursor or none.
- A write of metric observations is the CSV import's (`core.metrics.imports.import_metrics`):
  idempotent by the caller's `reference`, all or nothing, one sentence per bad item — named by
  its index in the request (`item 0` is the first) instead of a line of a file.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from sqlmodel import Session

from core.metrics.imports import OPTIONAL, REQUIRED, MetricsImport, import_metrics
from core.people.access import Purpose, require_teams, teams_for
from core.people.org import list_people
from core.platform.actor import Actor
from core.platform.errors import InvalidInput, NotFound

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_ITEMS = 100_000  # observations in one JSON request; larger sends go as CSV


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id the page starts after (0 for the first page); InvalidInput for a cursor this API
    did not give."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    match = re.fullmatch(r"after:(\d{1,18})", text)
    if match is None:
        raise InvalidInput(
            "The cursor is not one this API gave; start again without a cursor.",
            ["cursor: not a cursor from a previous page"],
        )
    return int(match.group(1))


def read_limit(text: str | None) -> int:
    if text is None:  # `limit=` with nothing is not a number: refused like any other
        return DEFAULT_LIMIT
    # ASCII digits only: "²" is a digit to str.isdigit but not a number to int()
    if not re.fullmatch(r"[0-9]{1,6}", text) or not 1 <= int(text) <= MAX_LIMIT:
        raise InvalidInput(
            f"limit must be a whole number from 1 to {MAX_LIMIT}.",
            [f"limit: {text[:20]!r} is not a whole number from 1 to {MAX_LIMIT}"],
        )
    return int(text)


def _page(rows: Sequence[dict[str, Any]], after: int, limit: int) -> Page:
    """`rows` sorted by id: those after `after`, at most `limit`."""
    rest = [r for r in rows if r["id"] > after]
    chunk = rest[:limit]
    more = len(rest) > limit
    return Page(chunk, encode_cursor(chunk[-1]["id"]) if more and chunk else None)


def people_page(session: Session, *, actor: Actor, cursor: str | None, limit: int) -> Page:
    """The people the token's maker may see (the general rule), by id."""
    after = decode_cursor(cursor)
    people = sorted(list_people(session, actor=actor, include_inactive=True), key=lambda p: p.id)
    rows: list[dict[str, Any]] = [
        {
            "id": p.id,
            "name": p.name,
            "email": p.email,
            "role": p.role.value,
            "team_id": p.team_id,
            "active": p.active,
        }
        for p in people
    ]
    return _page(rows, after, limit)


def teams_page(session: Session, *, actor: Actor, cursor: str | None, limit: int) -> Page:
    """The teams the token's maker may review (leads their own, managers and admins all); an
    agent's own team."""
    after = decode_cursor(cursor)
    visible = teams_for(session, actor=actor, purpose=Purpose.REVIEW)
    if not visible and actor.team_id is not None:
        from core.models import Team

        team = session.get(Team, actor.team_id)
        visible = {team.id: team.name} if team is not None and team.id is not None else {}
    rows: list[dict[str, Any]] = [{"id": i, "name": visible[i]} for i in sorted(visible)]
    return _page(rows, after, limit)


# ------------------------------------------------------------------ writes


def _as_item(problem: str, first_line: int) -> str:
    """ "line N: why" of the CSV made from a request → "item K: why" (K = N - first_line)."""
    head, sep, why = problem.partition(":")
    number = head.removeprefix("line ")
    if sep and head.startswith("line ") and number.isdigit():
        return f"item {int(number) - first_line}:{why}"
    return problem


def items_csv(items: object, *, key: str, columns: Sequence[str]) -> bytes:
    """The request's items (a list under `key`) as an import's CSV (header, then item 0 on
    line 2); refuses a body that is not a list of objects, naming each bad item."""
    if not isinstance(items, list):
        raise InvalidInput(
            f'The body must be a JSON object with a list under "{key}".',
            [f"{key}: not a list"],
        )
    if len(items) > MAX_ITEMS:
        raise InvalidInput(
            f"{len(items):,} {key} in one request; send at most {MAX_ITEMS:,}, or send "
            "the file as text/csv.",
            [f"{key}: {len(items):,} items, at most {MAX_ITEMS:,}"],
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"item {index}: not an object")
            writer.writerow([""] * len(columns))
            continue
        unknown = sorted(set(item) - set(columns))
        if unknown:
            problems.append(f"item {index}: unknown field(s) {', '.join(unknown)}")
        writer.writerow(["" if item.get(c) is None else str(item.get(c)) for c in columns])
    if problems:
        raise InvalidInput(f"Nothing was stored: {len(problems)} item(s) need fixing.", problems)
    return out.getvalue().encode()


def observations_csv(items: object) -> bytes:
    """Metric observations (a request's list) as the metrics import's CSV."""
    return items_csv(items, key="observations", columns=(*REQUIRED, *OPTIONAL))


def forecast_csv(items: object) -> bytes:
    """Forecast intervals (a request's list) as the forecast import's CSV."""
    from core.staffing.forecast import OPTIONAL as F_OPTIONAL
    from core.staffing.forecast import REQUIRED as F_REQUIRED

    return items_csv(items, key="intervals", columns=(*F_REQUIRED, *F_OPTIONAL))


def contacts_csv(items: object) -> bytes:
    """Daily contact volumes (a request's list) as the contacts import's CSV."""
    from core.voice.volumes import COLUMNS

    return items_csv(items, key="contacts", columns=COLUMNS)


def _by_item(exc: InvalidInput) -> InvalidInput:
    message = str(exc).replace("line(s)", "item(s)")
    return InvalidInput(message, [_as_item(p, 2) for p in exc.problems])


def send_observations(
    session: Session, *, actor: Actor, data: bytes | IO[bytes], from_json: bool
) -> MetricsImport:
    """Store the observations (all or none) as the CSV import does; problems name the request's
    items (JSON) or the file's lines (CSV)."""
    try:
        return import_metrics(session, data=data, actor=actor)
    except InvalidInput as exc:
        if not from_json:
            raise
        raise _by_item(exc) from None


def send_forecast(
    session: Session, *, actor: Actor, data: bytes | IO[bytes], from_json: bool
) -> dict[str, int]:
    """Store a forecast (all or none) as the forecast import does; a newer forecast for the same
    team and dates replaces the older one."""
    from core.staffing.service import import_forecast

    try:
        stored = import_forecast(session, data=data, actor=actor)
    except InvalidInput as exc:
        if not from_json:
            raise
        raise _by_item(exc) from None
    return {
        "intervals": stored.intervals,
        "days_added": stored.days_added,
        "days_replaced": stored.days_replaced,
        "days_unchanged": stored.days_unchanged,
    }


def send_contacts(
    session: Session, *, actor: Actor, data: bytes | IO[bytes], from_json: bool
) -> dict[str, Any]:
    """Store daily contact volumes per reason (all or none) as the contacts import does: a day
    already stored with the same count is already present, one with another count is refused."""
    from core.voice.volumes import import_contacts

    try:
        stored = import_contacts(session, data=data, actor=actor)
    except InvalidInput as exc:
        if not from_json:
            raise
        raise _by_item(exc) from None
    return {
        "added": stored.added,
        "already_present": stored.already_present,
        "reasons": stored.reasons,
        "first_day": None if stored.first_day is None else stored.first_day.isoformat(),
        "last_day": None if stored.last_day is None else stored.last_day.isoformat(),
    }


# ------------------------------------------------------------------ read models for BI tools

SUMMARY_DAYS = 28


def team_summary(session: Session, *, actor: Actor, team_id: int, today: dt.date) -> dict[str, Any]:
    """A team's growth summary, as a BI tool pulls it: per metric, the team's mean over the last
    four weeks against the four weeks before, with how many observations each rests on. For
    whoever may review the team (its lead, managers, admins)."""
    from sqlalchemy import case, func
    from sqlalchemy import select as sa_select
    from sqlmodel import col, select

    from core.models import METRICS, Observation, Person, Role, Team

    require_teams(actor, Purpose.REVIEW, [team_id])
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"There is no team #{team_id}.")
    current = today - dt.timedelta(days=SUMMARY_DAYS - 1)
    previous = current - dt.timedelta(days=SUMMARY_DAYS)
    ids = [
        i
        for i in session.exec(
            select(Person.id).where(
                Person.team_id == team_id, Person.role == Role.AGENT, col(Person.active).is_(True)
            )
        ).all()
        if i is not None
    ]
    recent, earlier = col(Observation.date) >= current, col(Observation.date) < current
    rows = session.execute(
        sa_select(
            col(Observation.metric),
            func.avg(case((recent, Observation.value))),
            func.count(case((recent, 1))),
            func.avg(case((earlier, Observation.value))),
            func.count(case((earlier, 1))),
        )
        .where(col(Observation.person_id).in_(ids))
        .where(col(Observation.date) >= previous, col(Observation.date) <= today)
        .group_by(col(Observation.metric))
    ).all()
    found = {m: (now, n_now, before, n_before) for m, now, n_now, before, n_before in rows}
    metrics = []
    for metric, info in METRICS.items():
        now, n_now, before, n_before = found.get(metric, (None, 0, None, 0))
        metrics.append(
            {
                "metric": metric,
                "label": info.label,
                "current": None if now is None else round(float(now), 4),
                "current_observations": int(n_now),
                "previous": None if before is None else round(float(before), 4),
                "previous_observations": int(n_before),
                "change": None
                if now is None or before is None
                else round(float(now) - float(before), 4),
            }
        )
    return {
        "team_id": team_id,
        "team": team.name,
        "active_agents": len(ids),
        "as_of": today.isoformat(),
        "current_window": {"start": current.isoformat(), "end": today.isoformat()},
        "previous_window": {
            "start": previous.isoformat(),
            "end": (current - dt.timedelta(days=1)).isoformat(),
        },
        "metrics": metrics,
    }
