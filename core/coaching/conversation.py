"""The conversation on an agent's coaching notes and evaluations: comments from the agent and their
coaches (each side hears of the other's in the inbox and by e-mail), and the sign-off of a 1:1
("we agreed on: …") by both the agent and a coach.

Only the agent and their coaches (the lead of the agent's team, the managers) write; whoever may
see the agent's records reads. Coaches' private remarks are a different record
(core.coaching.notes.add_private_remark) and never appear here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import (
    AuditAction,
    CoachingNote,
    Comment,
    CommentOn,
    Dispute,
    DisputeStatus,
    Evaluation,
    NoteAgreement,
    NotificationKind,
    Person,
    Team,
)
from core.notify.notifications import link_to, notify
from core.people import audit
from core.people.access import Actor, is_coach_of, load_actor, require_view_person
from core.platform.clock import utcnow
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits

COMMENT = "comment"  # the audit trail's record type
AGREEMENT = "note_agreement"
LABEL = {CommentOn.COACHING_NOTE: "coaching note", CommentOn.EVALUATION: "QA evaluation"}
_AGREED_PREFIX = re.compile(r"\s*we\s+agreed\s+on\b\s*:?\s*", re.IGNORECASE)


def without_prefix(text: str) -> str:
    """What was agreed, without a leading "We agreed on:" that whoever typed it wrote
    themself (the box is labelled so) or pasted with it: the sentence adds those words."""
    text = text.strip()
    while match := _AGREED_PREFIX.match(text):
        text = text[match.end() :]
    return text.strip()


def agreed_sentence(text: str) -> str:
    """ "We agreed on: …": the one place the sentence is made (the page, the inbox, e-mail),
    never doubled, even for a text stored with the words before they were taken off."""
    return f"We agreed on: {without_prefix(text)}"


def whose(*, actor_id: int, agent: Person, recipient_id: int) -> str:
    """How the agent's record reads to the recipient of a notification about it: "your" to the
    agent, "their" to a coach when the agent is the one acting, else "<agent>'s"."""
    if recipient_id == agent.id:
        return "your"
    if actor_id == agent.id:
        return "their"
    return f"{agent.name}'s"


@dataclass(frozen=True)
class CommentRead:
    id: int
    record_type: CommentOn
    record_id: int
    author: str
    by_agent: bool  # written by the agent (else by a coach)
    text: str
    at: dt.datetime


@dataclass(frozen=True)
class AgreementRead:
    id: int
    note_id: int
    text: str
    proposed_by: str
    proposed_at: dt.datetime
    agent_signed_at: dt.datetime | None
    coach: str | None  # the coach who signed
    coach_signed_at: dt.datetime | None
    coach_id: int | None = None  # the coach who signed

    @property
    def signed_by_both(self) -> bool:
        return self.agent_signed_at is not None and self.coach_signed_at is not None


@dataclass(frozen=True)
class Conversation:
    """Everything said on one agent's notes and evaluations, by record."""

    comments: dict[tuple[CommentOn, int], list[CommentRead]]
    agreements: dict[int, AgreementRead]  # note id → its current agreement

    def on(self, record_type: CommentOn, record_id: int) -> list[CommentRead]:
        return self.comments.get((record_type, record_id), [])


def _record(
    session: Session, record_type: CommentOn, record_id: int
) -> tuple[Person, int, dt.date]:
    """The agent whose record it is, the coach or evaluator who wrote it, and its date."""
    row: CoachingNote | Evaluation | None
    if record_type is CommentOn.COACHING_NOTE:
        row = session.get(CoachingNote, record_id)
        author = row.coach_id if row else 0
    else:
        row = session.get(Evaluation, record_id)
        author = row.evaluator_id if row else 0
    if row is None:
        raise NotFound(f"There is no {LABEL[record_type]} with id {record_id}.")
    agent = session.get(Person, row.agent_id)
    assert agent is not None
    return agent, author, row.date


def _coaches(session: Session, person_id: int, agent: Person) -> bool:
    """Does this person coach the agent now (the lead of the agent's team, or a manager)?"""
    person = session.get(Person, person_id)
    if person is None or not person.active:
        return False
    return is_coach_of(load_actor(session, person_id), team_id=agent.team_id)


def _require_party(actor: Actor, agent: Person, what: str) -> None:
    """The agent themself, or one of their coaches."""
    if actor.id != agent.id and not is_coach_of(actor, team_id=agent.team_id):
        raise AccessDenied(
            f"Only {agent.name} and their coaches (their team lead, the managers) {what}; "
            "you can comment on your own notes and evaluations."
        )


def add_comment(
    session: Session, *, actor: Actor, record_type: CommentOn, record_id: int, text: str
) -> CommentRead:
    """A comment on the agent's note or evaluation; the other side hears of it: a coach's
    comment goes to the agent, the agent's to the note's coach (or the evaluator), to every
    coach who has joined the conversation and to whoever decides an open dispute of it."""
    record_type = CommentOn(record_type)
    agent, writer, day = _record(session, record_type, record_id)
    _require_party(actor, agent, "comment on it")
    if not text.strip():
        raise InvalidInput("Write the comment before sending it.")
    require_fits(("Comment", text, max_length(Comment, "text")))
    assert agent.id is not None
    comment = Comment(
        record_type=record_type,
        record_id=record_id,
        agent_id=agent.id,
        author_id=actor.id,
        text=text.strip(),
    )
    session.add(comment)
    session.flush()
    assert comment.id is not None
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=COMMENT,
        record_id=comment.id,
        subject_id=agent.id,
        detail=f"on {LABEL[record_type]} #{record_id}",
    )
    if actor.id == agent.id:
        earlier = session.exec(
            select(Comment.author_id).where(
                Comment.record_type == record_type, Comment.record_id == record_id
            )
        ).all()
        # Coaches hear of it while they coach the agent: a lead the agent has left behind (a
        # team change) no longer does, even if they wrote the note or joined the conversation.
        # If none of them coaches the agent any more, the lead of the agent's team now hears.
        recipients = {
            coach
            for coach in {writer, *earlier} - {agent.id, actor.id}
            if _coaches(session, coach, agent)
        }
        team = session.get(Team, agent.team_id) if agent.team_id is not None else None
        if not recipients and team is not None and team.lead_id is not None:
            recipients = {team.lead_id} - {agent.id}
        if record_type is CommentOn.EVALUATION:  # whoever decides an open dispute of it reads it
            recipients |= set(
                session.exec(
                    select(Dispute.owner_id).where(
                        Dispute.evaluation_id == record_id, Dispute.status == DisputeStatus.OPEN
                    )
                ).all()
            ) - {actor.id}
        link = link_to("growth", agent=agent.id)
    else:
        recipients, link = {agent.id}, "growth"
    for person_id in sorted(recipients):
        notify(
            session,
            person_id=person_id,
            kind=NotificationKind.COMMENT,
            subject=f"comment:{comment.id}",
            title=f"{actor.name} commented on "
            f"{whose(actor_id=actor.id, agent=agent, recipient_id=person_id)} "
            f"{LABEL[record_type]} of {day:%-d %b}",
            body=comment.text,
            link=link,
        )
    return _comment_read(comment, actor.name, agent.id)


def _comment_read(c: Comment, author: str, agent_id: int) -> CommentRead:
    return CommentRead(
        c.id or 0, c.record_type, c.record_id, author, c.author_id == agent_id, c.text, c.created_at
    )


def conversation(
    session: Session,
    *,
    actor: Actor,
    agent_id: int,
    note_ids: Sequence[int] | None = None,
    evaluation_ids: Sequence[int] | None = None,
) -> Conversation:
    """The comments on the agent's notes and evaluations and each note's current agreement, for
    whoever may see the agent's records; each comment returned is recorded as read, so callers
    name the notes and evaluations they show (None: all of them)."""
    agent = session.get(Person, agent_id)
    if agent is None:
        raise NotFound(f"There is no person with id {agent_id}.")
    require_view_person(actor, agent)
    query = (
        select(Comment, Person.name)
        .join(Person, col(Person.id) == Comment.author_id)
        .where(Comment.agent_id == agent_id)
        .order_by(col(Comment.created_at), col(Comment.id))
    )
    for kind, ids in ((CommentOn.COACHING_NOTE, note_ids), (CommentOn.EVALUATION, evaluation_ids)):
        if ids is not None:
            query = query.where(
                (col(Comment.record_type) != kind) | col(Comment.record_id).in_(list(ids))
            )
    rows = session.exec(query).all()
    comments: dict[tuple[CommentOn, int], list[CommentRead]] = {}
    for c, name in rows:
        comments.setdefault((c.record_type, c.record_id), []).append(
            _comment_read(c, str(name), agent_id)
        )
    audit.record_reads(
        session, actor=actor, record_type=COMMENT, rows=[(c.id, agent_id) for c, _ in rows]
    )
    # Only this agent's notes, whatever ids the caller names: access was checked for this
    # agent, and another agent's note id must not bring that agent's 1:1 agreement along.
    notes = select(CoachingNote.id).where(CoachingNote.agent_id == agent_id)
    if note_ids is not None:
        notes = notes.where(col(CoachingNote.id).in_(list(note_ids)))
    agreements = _agreements(
        session,
        session.exec(
            select(NoteAgreement)
            .where(col(NoteAgreement.note_id).in_(notes), col(NoteAgreement.superseded).is_(False))
            .order_by(col(NoteAgreement.id))
        ).all(),
    )
    return Conversation(comments, {a.note_id: a for a in agreements})


def _agreements(session: Session, rows: Iterable[NoteAgreement]) -> list[AgreementRead]:
    rows = list(rows)
    ids = {i for r in rows for i in (r.proposed_by_id, r.coach_id) if i is not None}
    names = dict(session.exec(select(Person.id, Person.name).where(col(Person.id).in_(ids))).all())
    return [
        AgreementRead(
            r.id or 0,
            r.note_id,
            r.text,
            str(names.get(r.proposed_by_id, "")),
            r.proposed_at,
            r.agent_signed_at,
            str(names[r.coach_id]) if r.coach_id in names else None,
            r.coach_signed_at,
            r.coach_id,
        )
        for r in rows
    ]


def _note_and_agent(
    session: Session, actor: Actor, note_id: int, what: str
) -> tuple[CoachingNote, Person]:
    note = session.get(CoachingNote, note_id)
    if note is None:
        raise NotFound(f"There is no coaching note with id {note_id}.")
    agent = session.get(Person, note.agent_id)
    assert agent is not None
    _require_party(actor, agent, what)
    return note, agent


def _current(session: Session, note_id: int) -> NoteAgreement | None:
    return session.exec(
        select(NoteAgreement)
        .where(NoteAgreement.note_id == note_id, col(NoteAgreement.superseded).is_(False))
        .order_by(col(NoteAgreement.id).desc())
    ).first()


def propose_agreement(session: Session, *, actor: Actor, note_id: int, text: str) -> AgreementRead:
    """ "We agreed on: …" for a 1:1, signed by whoever proposes it (the agent or a coach); the
    other side is asked to sign. An unsigned earlier proposal is superseded (kept, not shown)."""
    note, agent = _note_and_agent(session, actor, note_id, "sign off this 1:1")
    text = without_prefix(text)
    if not text:
        raise InvalidInput("Write what you agreed on before proposing it.")
    require_fits(("We agreed on", text, max_length(NoteAgreement, "text")))
    current = _current(session, note_id)
    if current is not None and current.agent_signed_at and current.coach_signed_at:
        raise InvalidInput(
            "This 1:1 is already signed off by both of you: write a new coaching note for a "
            "new agreement."
        )
    if current is not None:
        current.superseded = True
        session.add(current)
    now = utcnow()
    by_agent = actor.id == agent.id
    agreement = NoteAgreement(
        note_id=note_id,
        text=text,
        proposed_by_id=actor.id,
        proposed_at=now,
        agent_signed_at=now if by_agent else None,
        coach_id=None if by_agent else actor.id,
        coach_signed_at=None if by_agent else now,
    )
    session.add(agreement)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=AGREEMENT,
        record_id=agreement.id,
        subject_id=agent.id,
        detail=f"proposed and signed for coaching note #{note_id}",
    )
    assert agent.id is not None
    recipient = note.coach_id if by_agent else agent.id
    notify(
        session,
        person_id=recipient,
        kind=NotificationKind.COMMENT,
        subject=f"note_agreement:{agreement.id}",
        title=f"{actor.name} asks you to sign off "
        f"{whose(actor_id=actor.id, agent=agent, recipient_id=recipient)} 1:1 of "
        f"{note.date:%-d %b}",
        body=agreed_sentence(agreement.text),
        link=link_to("growth", agent=agent.id) if by_agent else "growth",
    )
    return _agreements(session, [agreement])[0]


def sign_agreement(
    session: Session, *, actor: Actor, note_id: int, agreement_id: int
) -> AgreementRead:
    """The other side signs the agreement they were shown (its id: a newer proposal made
    meanwhile is not signed by mistake)."""
    note, agent = _note_and_agent(session, actor, note_id, "sign off this 1:1")
    current = _current(session, note_id)
    if current is None:
        raise InvalidInput("Nothing to sign yet: propose what you agreed on first.")
    if current.id != agreement_id:
        raise InvalidInput(
            "The agreement changed since you opened it: read the new text, then sign it."
        )
    now = utcnow()
    if actor.id == agent.id:
        if current.agent_signed_at is not None:
            raise InvalidInput("You have signed this already; your coach signs it next.")
        current.agent_signed_at = now
    else:
        if current.coach_signed_at is not None:
            raise InvalidInput("A coach has signed this already; the agent signs it next.")
        current.coach_id, current.coach_signed_at = actor.id, now
    session.add(current)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type=AGREEMENT,
        record_id=current.id,
        subject_id=agent.id,
        detail=f"signed; coaching note #{note_id} signed off by both",
    )
    notify(
        session,
        person_id=current.proposed_by_id,
        kind=NotificationKind.COMMENT,
        subject=f"note_agreement:{current.id}",
        title=f"{actor.name} signed off "
        f"{whose(actor_id=actor.id, agent=agent, recipient_id=current.proposed_by_id)} 1:1 of "
        f"{note.date:%-d %b}",
        body=agreed_sentence(current.text),
        link="growth" if current.proposed_by_id == agent.id else link_to("growth", agent=agent.id),
    )
    return _agreements(session, [current])[0]
