"""The retention rule: coaching notes and evaluations are kept HEADWAY_RETENTION_MONTHS months.

Applied once a day by the `retention` job (core.jobs) or by hand (`headway jobs
apply-retention`). A coaching note dated before the cut-off goes with everything hanging on it
(its check-ins, earlier versions, coaches' private remarks, links to evaluations and the inbox
messages that quoted it); an evaluation dated before the cut-off goes with its answers and
comments. Their conversations (comments, 1:1 sign-offs, disputes and their history) go with
them. The QA score an evaluation added to the agent's trend stays: a number on a chart, as
an imported score is, so team and agent trends keep their history. One `retention_applied`
event in the audit trail says what was removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, cast, delete, literal, select
from sqlmodel import Session, col

from core.models import (
    AuditAction,
    CoachingNote,
    CoachingNoteEvaluation,
    CoachingNoteVersion,
    Comment,
    CommentOn,
    Dispute,
    DisputeEvent,
    Evaluation,
    FollowUp,
    NoteAgreement,
    Notification,
    PrivateRemark,
)
from core.people import audit
from core.platform import data_version
from core.platform.db import rows_affected


@dataclass(frozen=True)
class RetentionResult:
    cutoff: dt.date  # records dated before this day were removed
    notes: int
    evaluations: int

    def sentence(self) -> str:
        return (
            f"{_count(self.notes, 'coaching note')} and {_count(self.evaluations, 'evaluation')} "
            f"dated before {self.cutoff.isoformat()} removed"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter:
    31 May minus 3 months is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def apply_retention(session: Session, *, months: int, day: dt.date) -> RetentionResult:
    """Remove the coaching notes and evaluations dated more than `months` months before `day`;
    record one `retention_applied` event with the counts (also when nothing was due)."""
    cutoff = months_before(day, months)
    old_notes = select(col(CoachingNote.id)).where(col(CoachingNote.date) < cutoff)
    old_evaluations = select(col(Evaluation.id)).where(col(Evaluation.date) < cutoff)
    subjects = select(literal("coaching_note:").concat(cast(col(CoachingNote.id), String))).where(
        col(CoachingNote.date) < cutoff
    )
    session.execute(delete(Notification).where(col(Notification.subject).in_(subjects)))
    session.execute(
        delete(CoachingNoteEvaluation).where(
            col(CoachingNoteEvaluation.note_id).in_(old_notes)
            | col(CoachingNoteEvaluation.evaluation_id).in_(old_evaluations)
        )
    )
    old_disputes = select(col(Dispute.id)).where(col(Dispute.evaluation_id).in_(old_evaluations))
    session.execute(delete(DisputeEvent).where(col(DisputeEvent.dispute_id).in_(old_disputes)))
    session.execute(delete(Dispute).where(col(Dispute.evaluation_id).in_(old_evaluations)))
    for kind, old in (
        (CommentOn.COACHING_NOTE, old_notes),
        (CommentOn.EVALUATION, old_evaluations),
    ):
        session.execute(
            delete(Comment).where(col(Comment.record_type) == kind, col(Comment.record_id).in_(old))
        )
    for child in (FollowUp, CoachingNoteVersion, PrivateRemark, NoteAgreement):
        session.execute(delete(child).where(col(child.note_id).in_(old_notes)))
    notes = rows_affected(
        session.execute(delete(CoachingNote).where(col(CoachingNote.date) < cutoff))
    )
    evaluations = rows_affected(
        session.execute(delete(Evaluation).where(col(Evaluation.date) < cutoff))
    )
    if notes:  # bulk deletes pass no ORM flush: the cached team figures must still see them
        data_version.bump(session)
    result = RetentionResult(cutoff, notes, evaluations)
    audit.record(
        session,
        actor=None,
        action=AuditAction.RETENTION_APPLIED,
        record_type="job",
        detail=f"retention {months} months: {result.sentence()}",
    )
    return result
