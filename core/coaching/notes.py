"""Coaching notes on an agent's quality trend: focus, what to try, agreed actions, a follow-up
date ("I'll check back in on …"), follow-ups recorded later, acknowledgement by the agent,
coaches' private remarks, versioned edits with optimistic locking, and the lead's queue."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.coaching.follow_ups import follow_up_status, is_overdue
from core.models import (
    METRICS,
    AuditAction,
    CoachingNote,
    CoachingNoteEvaluation,
    CoachingNoteVersion,
    FollowUp,
    NotificationKind,
    Person,
    PrivateRemark,
    Role,
)
from core.note_evaluations import check_section, link_evaluations
from core.notify.notifications import notify
from core.notify.webhooks import emit
from core.people import audit
from core.people.access import Actor, is_coach_of, require_view_person
from core.people.org import people_labels
from core.platform.clock import today, utcnow
from core.platform.errors import AccessDenied, InvalidInput, NotFound, StaleEdit
from core.platform.limits import max_length, require_fits
from core.quality.evaluations import latest_qa_scores

EDITABLE = ("focus_metric", "focus_section", "went_well", "to_try", "actions", "follow_up_date")
# The note's texts as the form names them, each with its column's limit.
NOTE_TEXTS = {
    "focus_section": "Focus scorecard section",
    "went_well": "What went well",
    "to_try": "What to try",
    "actions": "Agreed actions",
}
NOTE_LIMITS = {name: max_length(CoachingNote, name) for name in NOTE_TEXTS}


@dataclass(frozen=True)
class NoteInput:
    focus_metric: str = ""
    focus_section: str = ""
    went_well: str = ""
    to_try: str = ""
    actions: str = ""
    follow_up_date: dt.date | None = None
    evaluation_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class FollowUpRead:
    date: dt.date
    outcome: str
    next_step: str
    next_date: dt.date | None
    closes: bool
    by: str


@dataclass(frozen=True)
class NoteRead:
    id: int
    agent_id: int
    agent_name: str
    coach: str
    date: dt.date
    focus_metric: str
    focus_section: str
    went_well: str
    to_try: str
    actions: str
    follow_up_date: dt.date | None
    open: bool
    acknowledged: bool
    version: int
    follow_ups: tuple[FollowUpRead, ...]
    remarks: tuple[str, ...] | None  # None: not shown to this reader (the agent, an admin)
    evaluation_ids: tuple[int, ...]

    @property
    def overdue(self) -> bool:
        return self.open and is_overdue(self.follow_up_date, today())


def _agent(session: Session, agent_id: int) -> Person:
    agent = session.get(Person, agent_id)
    if agent is None or agent.role != Role.AGENT:
        raise NotFound(f"There is no agent with id {agent_id}.")
    return agent


def _require_coach(actor: Actor, agent: Person) -> None:
    if not is_coach_of(actor, team_id=agent.team_id):
        raise AccessDenied(f"Only {agent.name}'s team lead or a manager coaches them.")


def _clean(data: NoteInput, note_date: dt.date) -> NoteInput:
    if data.focus_metric and data.focus_metric not in METRICS:
        raise InvalidInput(
            f"There is no focus metric {data.focus_metric!r}: choose one of "
            + ", ".join(m.label for m in METRICS.values())
            + "."
        )
    if not (data.focus_metric or data.focus_section.strip()):
        raise InvalidInput("Choose a focus: a metric, a scorecard section, or both.")
    if not (data.to_try.strip() or data.actions.strip()):
        raise InvalidInput(
            "Say what to try or the agreed actions: a note without them is a “good luck” call."
        )
    require_fits(
        *((label, getattr(data, name), NOTE_LIMITS[name]) for name, label in NOTE_TEXTS.items())
    )
    if data.follow_up_date is not None and data.follow_up_date < note_date:
        raise InvalidInput(
            f"The follow-up date {data.follow_up_date} is before the note's date {note_date}: "
            f"choose {note_date} or later."
        )
    return NoteInput(
        data.focus_metric,
        data.focus_section.strip(),
        data.went_well.strip(),
        data.to_try.strip(),
        data.actions.strip(),
        data.follow_up_date,
        data.evaluation_ids,
    )


def write_note(
    session: Session, *, actor: Actor, agent_id: int, data: NoteInput, date: dt.date | None = None
) -> int:
    agent = _agent(session, agent_id)
    _require_coach(actor, agent)
    date = date or today()
    if date > today():
        raise InvalidInput(f"The note's date {date} is in the future.")
    clean = _clean(data, date)
    check_section(session, clean.focus_section, clean.evaluation_ids)
    note = CoachingNote(
        agent_id=agent_id,
        coach_id=actor.id,
        date=date,
        **{k: getattr(clean, k) for k in EDITABLE},
    )
    session.add(note)
    session.flush()
    assert note.id is not None
    link_evaluations(session, note.id, agent_id, clean.evaluation_ids)
    _record_change(session, actor, AuditAction.CREATE, note.id, agent_id)
    check_back = (
        f"\n\n{actor.name} will check back in with you on {clean.follow_up_date:%A %-d %B}."
        if clean.follow_up_date
        else ""
    )
    notify(
        session,
        person_id=agent_id,
        kind=NotificationKind.COACHING_NOTE,
        subject=f"coaching_note:{note.id}",
        title=f"{actor.name} wrote a coaching note about you",
        body=f"What to try: {clean.to_try or clean.actions}{check_back}",
        link="growth",
    )
    emit(
        session,
        "coaching_note.written",
        {
            "note_id": note.id,
            "agent_id": agent_id,
            "coach_id": actor.id,
            "date": date,
            "follow_up_date": clean.follow_up_date,
        },
    )
    return note.id


def _record_change(
    session: Session,
    actor: Actor,
    action: AuditAction,
    note_id: int,
    agent_id: int,
    detail: str = "",
    record_type: str = audit.COACHING_NOTE,
    record_id: int | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=note_id if record_id is None else record_id,
        subject_id=agent_id,
        detail=detail,
    )


def _note_for_coach(session: Session, actor: Actor, note_id: int) -> tuple[CoachingNote, Person]:
    note = session.get(CoachingNote, note_id)
    if note is None:
        raise NotFound(f"There is no coaching note with id {note_id}.")
    agent = _agent(session, note.agent_id)
    _require_coach(actor, agent)
    return note, agent


def edit_note(
    session: Session, *, actor: Actor, note_id: int, data: NoteInput, expected_version: int
) -> None:
    """Save an edit, keeping the previous text as a version; refuse if someone saved meanwhile."""
    note, _ = _note_for_coach(session, actor, note_id)
    if note.version != expected_version:
        editor = session.exec(
            select(Person.name)
            .join(CoachingNoteVersion, col(CoachingNoteVersion.edited_by_id) == Person.id)
            .where(CoachingNoteVersion.note_id == note_id)
            .order_by(col(CoachingNoteVersion.version).desc())
        ).first()
        raise StaleEdit(
            f"This note changed since you opened it (now version {note.version}"
            + (f", last edited by {editor}" if editor else "")
            + "). Reload it to see the change, then make yours again: nothing was overwritten."
        )
    clean = _clean(data, note.date)
    check_section(session, clean.focus_section, clean.evaluation_ids, kept=note.focus_section)
    snapshot = {
        k: (v.isoformat() if isinstance(v := getattr(note, k), dt.date) else v) for k in EDITABLE
    }
    session.add(
        CoachingNoteVersion(
            note_id=note_id,
            version=note.version,
            snapshot=json.dumps(snapshot),
            edited_by_id=actor.id,
        )
    )
    for key in EDITABLE:
        setattr(note, key, getattr(clean, key))
    link_evaluations(session, note_id, note.agent_id, clean.evaluation_ids)
    note.version += 1
    note.updated_at = utcnow()
    session.add(note)
    _record_change(
        session,
        actor,
        AuditAction.UPDATE,
        note_id,
        note.agent_id,
        f"edited (version {note.version})",
    )


def note_versions(
    session: Session, *, actor: Actor, note_id: int
) -> list[tuple[int, str, dict[str, object]]]:
    note, _ = _note_for_coach(session, actor, note_id)
    rows = session.exec(
        select(CoachingNoteVersion, Person.name)
        .join(Person, col(Person.id) == CoachingNoteVersion.edited_by_id)
        .where(CoachingNoteVersion.note_id == note_id)
        .order_by(col(CoachingNoteVersion.version))
    ).all()
    if rows:
        audit.record_reads(
            session,
            actor=actor,
            record_type=audit.COACHING_NOTE,
            rows=[(note_id, note.agent_id)],
            detail=f"{len(rows)} earlier versions",
        )
    return [(v.version, str(name), json.loads(v.snapshot)) for v, name in rows]


def add_follow_up(
    session: Session,
    *,
    actor: Actor,
    note_id: int,
    outcome: str,
    next_step: str = "",
    next_date: dt.date | None = None,
    closes: bool = False,
    date: dt.date | None = None,
) -> None:
    """Record the check-in; the note stays open until a follow-up closes it."""
    note, _ = _note_for_coach(session, actor, note_id)
    if note.closed:
        raise InvalidInput("This note is closed: write a new note for a new focus.")
    if not outcome.strip():
        raise InvalidInput("Say how it went: the outcome of the check-in.")
    require_fits(
        ("How did it go?", outcome, max_length(FollowUp, "outcome")),
        ("Next step", next_step, max_length(FollowUp, "next_step")),
    )
    date = date or today()
    if not closes and next_date is None:
        raise InvalidInput("Set the next check-in date, or close the note.")
    if next_date is not None and next_date < date:
        raise InvalidInput(
            f"The next check-in ({next_date}) is before this one ({date}): choose {date} or later."
        )
    session.add(
        FollowUp(
            note_id=note_id,
            date=date,
            outcome=outcome.strip(),
            next_step=next_step.strip(),
            next_date=next_date,
            closes=closes,
            by_id=actor.id,
        )
    )
    note.follow_up_date = None if closes else next_date
    note.closed = closes
    note.version += 1
    session.add(note)
    _record_change(
        session,
        actor,
        AuditAction.UPDATE,
        note_id,
        note.agent_id,
        "check-in recorded, note closed" if closes else "check-in recorded",
    )


def add_private_remark(session: Session, *, actor: Actor, note_id: int, text: str) -> None:
    note, _ = _note_for_coach(session, actor, note_id)
    if not text.strip():
        raise InvalidInput("Write the remark before adding it.")
    require_fits(("Remark", text, max_length(PrivateRemark, "text")))
    remark = PrivateRemark(note_id=note_id, author_id=actor.id, text=text.strip())
    session.add(remark)
    session.flush()
    _record_change(
        session,
        actor,
        AuditAction.CREATE,
        note_id,
        note.agent_id,
        f"on coaching note #{note_id}",
        record_type=audit.PRIVATE_REMARK,
        record_id=remark.id,
    )


def acknowledge(session: Session, *, actor: Actor, note_id: int) -> None:
    note = session.get(CoachingNote, note_id)
    if note is None or note.agent_id != actor.id:
        raise AccessDenied("You can only acknowledge coaching notes about you.")
    if note.acknowledged_at is None:
        note.acknowledged_at = utcnow()
        session.add(note)
        _record_change(session, actor, AuditAction.UPDATE, note_id, actor.id, "acknowledged")


def notes_about(
    session: Session,
    *,
    actor: Actor,
    agent_id: int,
    include_closed: bool = True,
    start: dt.date | None = None,
    end: dt.date | None = None,
    with_check_in_only: bool = False,
) -> list[NoteRead]:
    """The notes about an agent, newest first; private remarks only for the agent's coaches.

    Every note returned, and every private remark with it, is recorded in the audit trail as
    read by `actor`: callers ask only for what they show (a period with `start`/`end`, the
    notes with a check-in date with `with_check_in_only`)."""
    agent = _agent(session, agent_id)
    require_view_person(actor, agent)
    coach = is_coach_of(actor, team_id=agent.team_id)
    query = (
        select(CoachingNote, Person.name)
        .join(Person, col(Person.id) == CoachingNote.coach_id)
        .where(CoachingNote.agent_id == agent_id)
        .order_by(col(CoachingNote.date).desc(), col(CoachingNote.id).desc())
    )
    if not include_closed:
        query = query.where(col(CoachingNote.closed).is_(False))
    if start is not None:
        query = query.where(col(CoachingNote.date) >= start)
    if end is not None:
        query = query.where(col(CoachingNote.date) <= end)
    if with_check_in_only:
        query = query.where(col(CoachingNote.follow_up_date).is_not(None))
    rows = session.exec(query).all()
    ids = [n.id for n, _ in rows]
    follow_ups: dict[int, list[FollowUpRead]] = {}
    for f, name in session.exec(
        select(FollowUp, Person.name)
        .join(Person, col(Person.id) == FollowUp.by_id)
        .where(col(FollowUp.note_id).in_(ids))
        .order_by(col(FollowUp.date))
    ).all():
        follow_ups.setdefault(f.note_id, []).append(
            FollowUpRead(f.date, f.outcome, f.next_step, f.next_date, f.closes, str(name))
        )
    evaluations: dict[int, list[int]] = {}
    for link in session.exec(
        select(CoachingNoteEvaluation)
        .where(col(CoachingNoteEvaluation.note_id).in_(ids))
        .order_by(col(CoachingNoteEvaluation.evaluation_id))
    ).all():
        evaluations.setdefault(link.note_id, []).append(link.evaluation_id)
    remarks: dict[int, list[str]] = {}
    remark_ids: list[tuple[int | None, int | None]] = []
    if coach:
        for r, name in session.exec(
            select(PrivateRemark, Person.name)
            .join(Person, col(Person.id) == PrivateRemark.author_id)
            .where(col(PrivateRemark.note_id).in_(ids))
            .order_by(col(PrivateRemark.id))
        ).all():
            remarks.setdefault(r.note_id, []).append(f"{name}: {r.text}")
            remark_ids.append((r.id, agent_id))
    audit.record_reads(
        session,
        actor=actor,
        record_type=audit.COACHING_NOTE,
        rows=[(note_id, agent_id) for note_id in ids],
    )
    audit.record_reads(session, actor=actor, record_type=audit.PRIVATE_REMARK, rows=remark_ids)
    return [
        NoteRead(
            n.id or 0,
            agent_id,
            agent.name,
            str(coach_name),
            n.date,
            n.focus_metric,
            n.focus_section,
            n.went_well,
            n.to_try,
            n.actions,
            n.follow_up_date,
            not n.closed,
            n.acknowledged_at is not None,
            n.version,
            tuple(follow_ups.get(n.id or 0, [])),
            tuple(remarks.get(n.id or 0, [])) if coach else None,
            tuple(evaluations.get(n.id or 0, [])),
        )
        for n, coach_name in rows
    ]


@dataclass(frozen=True)
class QueueRow:
    agent_id: int
    agent: str  # the name, with the e-mail when two agents of the team share it
    last_coached: dt.date | None
    open_notes: int
    due_today: int
    overdue: int
    next_follow_up: dt.date | None
    latest_evaluation: dt.date | None  # the day of the newest QA score (evaluated or imported)
    latest_score: float | None
    latest_auto_fail: bool = False  # that score is 0 because a critical item was missed


def coaching_queue(session: Session, *, actor: Actor, team_id: int) -> list[QueueRow]:
    """The page a lead opens every morning: who is due a check-in, who has not been coached."""
    if not is_coach_of(actor, team_id=team_id):
        raise AccessDenied("Only the team's lead or a manager sees its coaching queue.")
    agents = session.exec(
        select(Person)
        .where(Person.team_id == team_id, Person.role == Role.AGENT, col(Person.active).is_(True))
        .order_by(col(Person.name), col(Person.id))
    ).all()
    ids = [a.id for a in agents if a.id is not None]
    labels = people_labels(agents)
    status = follow_up_status(session, agent_ids=ids, day=today())
    latest = latest_qa_scores(session, agent_ids=ids)
    rows = []
    for agent_id in ids:
        s, qa = status[agent_id], latest.get(agent_id)
        rows.append(
            QueueRow(
                agent_id,
                labels[agent_id],
                s.last_coached,
                s.open_notes,
                s.due_today,
                s.overdue,
                s.next_follow_up,
                qa.date if qa else None,
                qa.score if qa else None,
                qa.auto_fail if qa else False,
            )
        )
    return sorted(rows, key=lambda r: (-r.overdue, -r.due_today, r.last_coached or dt.date.min))
