"""The audit trail's one home: services record here, admins search and export it.

`record` adds a row in the caller's transaction, so a change and its trail commit (or roll back)
together. Reads of sensitive records (a coaching note, a private remark, an evaluation, a
dispute) are recorded by the service that returns them, with the reader as actor. Events that
must outlive a refused operation (a failed login) are recorded with `record` and committed before
the refusal is raised (`core.people.auth.authenticate`). `record` is the one signature of an
audit call; `record_reads` writes many reads in one statement.

What counts as a read: a record returned by a service to be shown to a person, one event per
record per call (a list of five notes is five events, written in one insert). Counting and
aggregating done by background jobs (reminders, the weekly digest) and by team statistics
(coaching effects, follow-up counts) is not a read: no one sees a record's text there.
Searching and exporting the trail itself is recorded too (`run_search`, `export_csv`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core.models import AuditAction, AuditEvent, Person
from core.people.access import Actor, require_admin
from core.platform.clock import utcnow
from core.platform.csvio import write_csv
from core.platform.errors import InvalidInput

MAX_RESULTS = 5000
PAGE_ROWS = 500  # the admin page shows at most this many events: newest first

# The record types the services write (the page offers them as a filter).
COACHING_NOTE = "coaching_note"
PRIVATE_REMARK = "private_remark"
EVALUATION = "evaluation"
PERSON = "person"
AUDIT_TRAIL = "audit_trail"
INSIGHT = "insight"
THEME = "theme"
RECORD_TYPES = (
    COACHING_NOTE,
    PRIVATE_REMARK,
    EVALUATION,
    "comment",
    "note_agreement",
    "dispute",
    PERSON,
    "session",
    "job",
    INSIGHT,
    THEME,
    AUDIT_TRAIL,
    "api_token",
)


def record(
    session: Session,
    *,
    actor: Actor | int | None,
    action: AuditAction,
    record_type: str,
    record_id: int | None = None,
    subject_id: int | None = None,
    client: str | None = None,
    detail: str = "",
) -> None:
    """Append one event (in the caller's transaction). `actor` None means the system."""
    session.add(
        AuditEvent(
            at=utcnow(),
            actor_id=actor.id if isinstance(actor, Actor) else actor,
            action=action,
            record_type=record_type,
            record_id=record_id,
            subject_id=subject_id,
            client=(client or None) and client[:64],
            detail=detail[:300],
        )
    )


def record_reads(
    session: Session,
    *,
    actor: Actor,
    record_type: str,
    rows: Sequence[tuple[int | None, int | None]],
    detail: str = "",
) -> None:
    """One `read` event per (record id, subject id) shown to `actor`, in one INSERT statement
    (however many records a list shows, the page pays one round trip)."""
    if not rows:
        return
    at = utcnow()
    session.execute(
        insert(AuditEvent),
        [
            {
                "at": at,
                "actor_id": actor.id,
                "action": AuditAction.READ,
                "record_type": record_type,
                "record_id": record_id,
                "subject_id": subject_id,
                "client": None,
                "detail": detail[:300],
            }
            for record_id, subject_id in rows
        ],
    )


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    actor: str  # a name, "system", or "person #N" for an id no longer known
    action: AuditAction
    record_type: str
    record_id: int | None
    subject: str
    client: str
    detail: str


def search(
    session: Session,
    *,
    actor: Actor,
    person_id: int | None = None,
    action: AuditAction | None = None,
    record_type: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = MAX_RESULTS,
) -> list[AuditRow]:
    """Newest first. `person_id` matches the actor or the subject. Admins only."""
    require_admin(actor)
    by, about = aliased(Person), aliased(Person)
    query = (
        select(AuditEvent, by.name, about.name)
        .outerjoin(by, col(by.id) == col(AuditEvent.actor_id))
        .outerjoin(about, col(about.id) == col(AuditEvent.subject_id))
    )
    if person_id is not None:
        query = query.where(
            (col(AuditEvent.actor_id) == person_id) | (col(AuditEvent.subject_id) == person_id)
        )
    if action is not None:
        query = query.where(col(AuditEvent.action) == action)
    if record_type:
        query = query.where(col(AuditEvent.record_type) == record_type)
    if since is not None:
        query = query.where(col(AuditEvent.at) >= _start_of(since))
    if until is not None:
        query = query.where(col(AuditEvent.at) < _start_of(until + dt.timedelta(days=1)))
    query = query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(limit)
    return [
        AuditRow(
            at=event.at,
            actor=_who(event.actor_id, by_name, system="system"),
            action=event.action,
            record_type=event.record_type,
            record_id=event.record_id,
            subject=_who(event.subject_id, about_name, system=""),
            client=event.client or "",
            detail=event.detail,
        )
        for event, by_name, about_name in session.exec(query).all()
    ]


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _who(person_id: int | None, name: str | None, *, system: str) -> str:
    if person_id is None:
        return system
    return name if name is not None else f"person #{person_id}"


AUDIT_CSV_HEADER = (
    "time (UTC)",
    "actor",
    "action",
    "record type",
    "record id",
    "about",
    "client",
    "detail",
)


def to_csv(rows: Sequence[AuditRow]) -> bytes:
    return write_csv(
        AUDIT_CSV_HEADER,
        (
            (
                r.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                r.actor,
                r.action.value,
                r.record_type,
                "" if r.record_id is None else r.record_id,
                r.subject,
                r.client,
                r.detail,
            )
            for r in rows
        ),
    )


@dataclass(frozen=True)
class AuditQuery:
    """What an admin searches the trail for; every field optional."""

    person_id: int | None = None
    action: AuditAction | None = None
    record_type: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def describe(self) -> str:
        """The search in Headway's words (ids and dates, never a name), for the trail itself."""
        parts = [
            f"person #{self.person_id}" if self.person_id is not None else "",
            f"action {self.action.value}" if self.action is not None else "",
            f"record type {self.record_type}" if self.record_type else "",
            f"from {self.since.isoformat()}" if self.since else "",
            f"to {self.until.isoformat()}" if self.until else "",
        ]
        return ", ".join(p for p in parts if p) or "everything"


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    more: bool  # there are older matching events than the ones shown


def _filtered(session: Session, actor: Actor, query: AuditQuery, limit: int) -> list[AuditRow]:
    if query.since and query.until and query.since > query.until:
        raise InvalidInput(
            f"The search runs from {query.since.isoformat()} to {query.until.isoformat()}: "
            "choose a start on or before the end."
        )
    return search(
        session,
        actor=actor,
        person_id=query.person_id,
        action=query.action,
        record_type=query.record_type,
        since=query.since,
        until=query.until,
        limit=limit,
    )


def run_search(
    session: Session, *, actor: Actor, query: AuditQuery, limit: int = PAGE_ROWS
) -> AuditPage:
    """The newest `limit` matching events (admins only); the search itself is recorded."""
    rows = _filtered(session, actor, query, limit + 1)
    record(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type=AUDIT_TRAIL,
        subject_id=query.person_id,
        detail=f"searched: {query.describe()}",
    )
    return AuditPage(rows[:limit], len(rows) > limit)


def export_csv(session: Session, *, actor: Actor, query: AuditQuery) -> bytes:
    """The matching events as CSV, newest first, at most MAX_RESULTS (admins only); recorded
    as an `export` of the trail."""
    rows = _filtered(session, actor, query, MAX_RESULTS)
    record(
        session,
        actor=actor,
        action=AuditAction.EXPORT,
        record_type=AUDIT_TRAIL,
        subject_id=query.person_id,
        detail=f"{len(rows)} events exported: {query.describe()}",
    )
    return to_csv(rows)
