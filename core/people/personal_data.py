"""Erasure of a person who has left (admins only). It keeps every row other people's records and
the team's figures depend on (foreign keys stay valid): the person becomes "Former agent #123",
their account is closed, and their own words go. Records about them keep only what the team's
aggregates need (dates, scores, focus metrics); the texts of coaching notes about them and the
private remarks go. The export of a person's data is in `data_export`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, text, update
from sqlmodel import Session, col, delete, select

from core.models import (
    AmbassadorProject,
    ApiToken,
    Assignment,
    AuditAction,
    AuthSession,
    CareerMove,
    CoachingNote,
    CoachingNoteVersion,
    Comment,
    Dispute,
    DisputeEvent,
    Evaluation,
    FollowUp,
    FormDraft,
    Insight,
    InsightContact,
    LearningShare,
    Leave,
    MindCheck,
    NoteAgreement,
    Notification,
    NotificationPreference,
    PdDay,
    PdRequest,
    Person,
    Pledge,
    PledgeStatus,
    PrivateRemark,
    Role,
    Team,
)
from core.people import audit
from core.people.access import Actor, require_admin
from core.platform.clock import utcnow
from core.platform.db import rows_affected
from core.platform.errors import InvalidInput, NotFound

REMOVED = "(removed)"


def anonymous_name(person: Person) -> str:
    assert person.id is not None
    return f"Former {Role(person.role).label.lower()} #{person.id}"


@dataclass(frozen=True)
class ErasureResult:
    person_id: int
    name: str  # the anonymous name the person now has
    sessions_revoked: int
    texts_removed: int  # rows whose free text was removed or blanked

    def sentence(self) -> str:
        return (
            f"Erased: the person is now {self.name}; {self.sessions_revoked} open sessions "
            f"ended and {self.texts_removed} records of free text removed. Their figures stay "
            "in the team's trends."
        )


ERASED_DOMAIN = "erased.invalid"


def erasure_refusal(session: Session, *, actor: Actor, person_id: int) -> str | None:
    """Why the person cannot be erased now, in one sentence, or None (admins only)."""
    require_admin(actor)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    return _refusal(session, actor, person)


def _refusal(session: Session, actor: Actor, person: Person) -> str | None:
    assert person.id is not None
    if person.email.endswith(f"@{ERASED_DOMAIN}"):
        return f"{person.name} was erased already: nothing about them is left to remove."
    led = session.exec(select(Team.name).where(Team.lead_id == person.id)).all()
    if led:
        return (
            f"{person.name} still leads {', '.join(sorted(led))}: choose another lead for "
            "the team first, then erase."
        )
    if person.role == Role.ADMIN:
        others = session.exec(
            select(func.count())
            .select_from(Person)
            .where(Person.role == Role.ADMIN, col(Person.active).is_(True), Person.id != person.id)
        ).one()
        if not others:
            return f"{person.name} is the only admin: make someone else an admin first."
    if person.id == actor.id:
        return "You cannot erase your own account: ask another admin."
    return None


def _messages_quoting(session: Session, pid: int) -> list[str]:
    """The subjects of inbox messages whose body quotes a person's words or words about them:
    comments by them or on their records, the 1:1 agreements on notes about them, their
    disputes (the reason)."""
    comments = session.exec(
        select(Comment.id).where((col(Comment.author_id) == pid) | (col(Comment.agent_id) == pid))
    ).all()
    agreements = session.exec(
        select(NoteAgreement.id)
        .join(CoachingNote, col(CoachingNote.id) == NoteAgreement.note_id)
        .where(col(CoachingNote.agent_id) == pid)
    ).all()
    disputes = session.exec(select(Dispute.id).where(col(Dispute.agent_id) == pid)).all()
    return [
        *(f"comment:{i}" for i in comments),
        *(f"note_agreement:{i}" for i in agreements),
        *(f"dispute:{i}{end}" for i in disputes for end in ("", ":opened", ":decided")),
    ]


def _forget_search_words(session: Session) -> None:
    """SQLite's full-text index keeps a removed text's words in its older segments until they
    are merged: merge them now, so the words leave the file (secure_delete, core/platform/db.py, zeroes
    the pages they leave). PostgreSQL's index is a column of the row, rewritten with it."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text("INSERT INTO learning_share_fts(learning_share_fts) VALUES('optimize')")
        )


def erase_person(
    session: Session, *, actor: Actor, person_id: int, confirm_name: str
) -> ErasureResult:
    """Anonymise a person who has left (admins only; cannot be undone).

    - The account: deactivated, every session ended, password removed; name and e-mail become
      "Former agent #123" and an address that cannot receive mail.
    - Their own words: learning shares (hidden, texts removed), pledge commitments, mind-check
      notes, PD-day goals, rotation projects and career-move notes, drafts, their inbox; leave
      and requested PD dates are deleted (sick leave is health data).
    - About them: coaching notes keep date, coach and focus metric (the team's coaching
      figures) without their texts, check-ins without texts, no earlier versions and no private
      remarks; evaluations keep answers and score without comments; figures stay as they are.
    - Customer insights they logged lose their contact references; one nobody else heard and
      that is in no theme loses its text (the others are the organisation's record).
    - Other people's inbox messages that named them now use the anonymous name; those that
      quoted their words or words about them (comments, 1:1 agreements, disputes) lose the
      quote. The search index forgets the removed words (they leave the database file).
    One `person_erased` event in the audit trail records it.
    """
    require_admin(actor)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    if refusal := _refusal(session, actor, person):
        raise InvalidInput(refusal)
    if confirm_name.strip() != person.name.strip():  # exactly as shown: an erasure is final
        raise InvalidInput(
            f"Type {person.name}'s name exactly as shown to confirm: an erasure cannot be undone."
        )
    pid, old_name, now = person_id, person.name, utcnow()
    new_name = anonymous_name(person)

    sessions = rows_affected(
        session.execute(
            update(AuthSession)
            .where(col(AuthSession.person_id) == pid, col(AuthSession.revoked_at).is_(None))
            .values(revoked_at=now)
        )
    )
    # Their API tokens end with their sessions (a token acts as its maker).
    session.execute(
        update(ApiToken)
        .where(col(ApiToken.owner_id) == pid, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    person.name, person.email = new_name, f"former-{pid}@{ERASED_DOMAIN}"
    person.active, person.password_hash, person.must_change_password = False, None, False
    person.hire_date, person.one_time_password_expires_at = None, None
    person.external_id = None  # the identity provider's id for them identifies them too
    person.version += 1
    session.add(person)

    # Others' inbox messages that quote their words or words about them (a comment, a 1:1
    # agreement, a dispute's reason): the ids, before the texts go.
    quoted = _messages_quoting(session, pid)

    removed = 0
    own_shares = col(LearningShare.author_id) == pid
    removed += rows_affected(
        session.execute(
            update(LearningShare)
            .where(own_shares)
            .values(
                title=REMOVED,
                learned="",
                worked="",
                didnt_work="",
                next_time="",
                tags="",
                hidden_reason="The author's personal data was erased.",
                edited_at=now,
            )
        )
    )
    for pledge in session.exec(select(Pledge).where(Pledge.agent_id == pid)).all():
        pledge.commitments = json.dumps([REMOVED for _ in json.loads(pledge.commitments or "[]")])
        pledge.status = PledgeStatus.RETIRED  # no mentor is asked about it again
        session.add(pledge)
        removed += 1
    removed += rows_affected(
        session.execute(update(MindCheck).where(col(MindCheck.agent_id) == pid).values(note=""))
    )
    removed += rows_affected(
        session.execute(update(PdDay).where(col(PdDay.person_id) == pid).values(goal=""))
    )
    own_assignments = select(col(Assignment.id)).where(col(Assignment.person_id) == pid)
    removed += rows_affected(
        session.execute(
            update(AmbassadorProject)
            .where(col(AmbassadorProject.assignment_id).in_(own_assignments))
            .values(title=REMOVED, impact="")
        )
    )
    removed += rows_affected(
        session.execute(
            update(Assignment).where(col(Assignment.person_id) == pid).values(host_feedback="")
        )
    )
    removed += rows_affected(
        session.execute(update(CareerMove).where(col(CareerMove.person_id) == pid).values(note=""))
    )
    # Customer insights: what a customer said is the organisation's record once others heard it
    # too or it became a theme (the department answered it); an insight only the person heard
    # goes with their words. Contact references always go (they point back to a contact).
    removed += rows_affected(
        session.execute(
            update(Insight)
            .where(col(Insight.author_id) == pid, col(Insight.contact_ref) != "")
            .values(contact_ref="")
        )
    )
    heard_by_others = select(col(InsightContact.insight_id)).where(
        col(InsightContact.person_id) != pid
    )
    removed += rows_affected(
        session.execute(
            update(Insight)
            .where(
                col(Insight.author_id) == pid,
                col(Insight.theme_id).is_(None),
                col(Insight.id).not_in(heard_by_others),
            )
            .values(text=REMOVED)
        )
    )
    for model, owner in (
        (FormDraft, col(FormDraft.person_id)),
        (NotificationPreference, col(NotificationPreference.person_id)),
        (Notification, col(Notification.person_id)),
        (Leave, col(Leave.person_id)),
        (PdRequest, col(PdRequest.person_id)),
    ):
        removed += rows_affected(session.execute(delete(model).where(owner == pid)))

    # About them: keep what the team's figures need, not the words.
    notes_about = select(col(CoachingNote.id)).where(col(CoachingNote.agent_id) == pid)
    removed += rows_affected(
        session.execute(delete(PrivateRemark).where(col(PrivateRemark.note_id).in_(notes_about)))
    )
    removed += rows_affected(
        session.execute(
            delete(CoachingNoteVersion).where(col(CoachingNoteVersion.note_id).in_(notes_about))
        )
    )
    removed += rows_affected(
        session.execute(
            update(FollowUp)
            .where(col(FollowUp.note_id).in_(notes_about))
            .values(outcome="", next_step="")
        )
    )
    removed += rows_affected(
        session.execute(
            update(CoachingNote)
            .where(col(CoachingNote.agent_id) == pid)
            .values(focus_section="", went_well="", to_try="", actions="")
        )
    )
    removed += rows_affected(
        session.execute(
            update(Evaluation)
            .where(col(Evaluation.agent_id) == pid)
            .values(comments="", interaction_ref="")
        )
    )
    # The conversation: their words, and the words about their records (the steps and scores
    # of a dispute stay, as the evaluation's score does).
    removed += rows_affected(
        session.execute(
            update(Comment)
            .where((col(Comment.author_id) == pid) | (col(Comment.agent_id) == pid))
            .values(text=REMOVED)
        )
    )
    removed += rows_affected(
        session.execute(
            update(NoteAgreement)
            .where(col(NoteAgreement.note_id).in_(notes_about))
            .values(text=REMOVED)
        )
    )
    own_disputes = select(col(Dispute.id)).where(col(Dispute.agent_id) == pid)
    removed += rows_affected(
        session.execute(
            update(Dispute)
            .where(col(Dispute.agent_id) == pid)
            .values(reason=REMOVED, decision_reason="")
        )
    )
    removed += rows_affected(
        session.execute(
            update(DisputeEvent)
            .where(col(DisputeEvent.dispute_id).in_(own_disputes))
            .values(reason="")
        )
    )
    if quoted:
        removed += rows_affected(
            session.execute(
                update(Notification)
                .where(col(Notification.subject).in_(quoted))
                .values(body=REMOVED)
            )
        )
    _forget_search_words(session)
    # Others' inbox messages that named them ("Ada wrote…", a mentor's nudge).
    if old_name.strip():
        for column in (Notification.title, Notification.body):
            session.execute(
                update(Notification)
                .where(col(column).contains(old_name, autoescape=True))
                .values({column: func.replace(col(column), old_name, new_name)})
            )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.PERSON_ERASED,
        record_type=audit.PERSON,
        record_id=pid,
        subject_id=pid,
        detail=f"{sessions} sessions ended, {removed} records of free text removed",
    )
    session.flush()
    return ErasureResult(pid, new_name, sessions, removed)
