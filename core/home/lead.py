"""A team lead's My day: their team today, and the QA work waiting for a reviewer (disputes to
decide, calibrations to score, agents' comments to answer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from core.coaching.follow_ups import is_overdue
from core.coaching.notes import QueueRow, coaching_queue
from core.home.words import WEEKDAY_DATE, _s
from core.learning.shares import search_shares
from core.models import (
    Assignment,
    AssignmentStatus,
    CoachingNote,
    Comment,
    CommentOn,
    Dispute,
    DisputeStatus,
    Evaluation,
    PdDay,
    Person,
    Role,
)
from core.pd.planning import FIXED as PD_FIXED
from core.people.access import (
    Actor,
    Purpose,
    teams_for,
)
from core.quality.calibration_sessions import list_sessions
from core.rotations.terms import TermRead, list_terms


@dataclass(frozen=True)
class TeamDay:
    """A lead's team today: who is due a check-in, who is away, rotations, new shares."""

    team_id: int
    team: str
    check_ins: list[QueueRow]  # due today or overdue, most overdue first (the coaching queue)
    pd_today: list[str]
    pd_this_week: list[tuple[dt.date, str]]  # after today, to the end of the week
    rotation_todo: str | None  # e.g. "Spring 2027 (from 4 Jan) is not planned yet"
    new_shares: int  # shares by the team in the last 7 days (the Learning page, filtered)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.check_ins)

    @property
    def due_today(self) -> int:
        return sum(r.due_today for r in self.check_ins)


@dataclass(frozen=True)
class DisputeToDecide:
    id: int
    agent: str
    evaluation_date: dt.date
    due_date: dt.date
    overdue: bool

    def sentence(self) -> str:
        due = (
            f"overdue: was due {self.due_date:{WEEKDAY_DATE}}"
            if self.overdue
            else f"due {self.due_date:{WEEKDAY_DATE}}"
        )
        return f"{self.agent}'s dispute of the evaluation of {self.evaluation_date:%-d %b} — {due}"


@dataclass(frozen=True)
class CalibrationToScore:
    id: int
    title: str
    scored: int
    calls: int

    def sentence(self) -> str:
        return f"{self.title}: you have scored {self.scored} of {self.calls} interactions"


@dataclass(frozen=True)
class CommentToAnswer:
    """An agent's comment, the latest word on a record the reader wrote or joined."""

    agent_id: int
    agent: str
    record_type: CommentOn
    record_id: int
    record_date: dt.date
    at: dt.datetime

    def sentence(self) -> str:
        what = "QA evaluation" if self.record_type is CommentOn.EVALUATION else "coaching note"
        return f"{self.agent} commented on your {what} of {self.record_date:%-d %b}"


REPLY_DAYS = 30  # an agent's comment left unanswered for longer drops off My day


@dataclass(frozen=True)
class QaWork:
    """The QA work waiting for a lead or manager: disputes they own (overdue first), calibration
    sessions waiting for their scores, and agents' comments that wait for a reply."""

    disputes: tuple[DisputeToDecide, ...] = ()
    calibrations: tuple[CalibrationToScore, ...] = ()
    replies: tuple[CommentToAnswer, ...] = ()
    others_overdue: int = 0  # a manager's: overdue disputes owned by someone else they may decide

    @property
    def overdue(self) -> int:
        return sum(d.overdue for d in self.disputes)

    @property
    def empty(self) -> bool:
        return not (self.disputes or self.calibrations or self.replies or self.others_overdue)

    def others_sentence(self) -> str | None:
        n = self.others_overdue
        if not n:
            return None
        return (
            f"{n} overdue dispute{_s(n)} owned by someone else: you may decide "
            f"{'it' if n == 1 else 'them'} as a manager."
        )

    def headline(self) -> str | None:
        """One sentence for the Today box, or None when nothing waits."""
        parts = []
        if self.disputes:
            n = len(self.disputes)
            parts.append(
                f"{n} dispute{_s(n)} to decide"
                + (f" ({self.overdue} overdue)" if self.overdue else "")
            )
        if self.calibrations:
            n = len(self.calibrations)
            parts.append(f"{n} calibration session{_s(n)} waiting for your scores")
        if self.replies:
            n = len(self.replies)
            parts.append(f"{n} agent comment{_s(n)} waiting for a reply")
        if self.others_overdue:
            n = self.others_overdue
            parts.append(f"{n} overdue dispute{_s(n)} owned by someone else")
        return f"QA: {', '.join(parts)}." if parts else None


def qa_work(session: Session, *, actor: Actor, day: dt.date) -> QaWork:
    """What QA asks of a lead or manager today (empty for anyone else)."""
    if actor.role not in (Role.TEAM_LEAD, Role.MANAGER):
        return QaWork()
    disputes = [
        DisputeToDecide(d.id or 0, str(agent), on, d.due_date, is_overdue(d.due_date, day))
        for d, agent, on in session.exec(
            select(Dispute, col(Person.name), col(Evaluation.date))
            .join(Person, col(Person.id) == Dispute.agent_id)
            .join(Evaluation, col(Evaluation.id) == Dispute.evaluation_id)
            .where(Dispute.owner_id == actor.id, Dispute.status == DisputeStatus.OPEN)
            .order_by(col(Dispute.due_date), col(Dispute.id))
        ).all()
    ]
    disputes.sort(key=lambda d: not d.overdue)  # stable: by due date within each group
    calibrations = [
        CalibrationToScore(s.id, s.title, s.my_scored, s.calls)
        for s in list_sessions(session, actor=actor)
        if s.invited and s.revealed_at is None and s.my_scored < s.calls
    ]
    others_overdue = 0
    if actor.role is Role.MANAGER:  # they may decide any dispute but one they scored
        others_overdue = len(
            session.exec(
                select(Dispute.id).where(
                    Dispute.status == DisputeStatus.OPEN,
                    Dispute.owner_id != actor.id,
                    Dispute.evaluator_id != actor.id,
                    col(Dispute.due_date) < day,
                )
            ).all()
        )
    return QaWork(
        tuple(disputes),
        tuple(calibrations),
        tuple(_comments_to_answer(session, actor, day)),
        others_overdue,
    )


def _comments_to_answer(session: Session, actor: Actor, day: dt.date) -> list[CommentToAnswer]:
    """Records the reader wrote (their evaluations, their coaching notes) or commented on whose
    latest comment, in the last REPLY_DAYS, is the agent's: newest first."""
    since = dt.datetime.combine(day - dt.timedelta(days=REPLY_DAYS), dt.time(), tzinfo=dt.UTC)

    def of_mine(kind: CommentOn, written: Any) -> Any:
        joined = select(Comment.record_id).where(
            Comment.author_id == actor.id, Comment.record_type == kind
        )
        return (col(Comment.record_type) == kind) & (
            col(Comment.record_id).in_(written) | col(Comment.record_id).in_(joined)
        )

    rows = session.exec(
        select(Comment, col(Person.name))
        .join(Person, col(Person.id) == Comment.agent_id)
        .where(Comment.created_at >= since)
        .where(
            of_mine(
                CommentOn.EVALUATION,
                select(Evaluation.id).where(Evaluation.evaluator_id == actor.id),
            )
            | of_mine(
                CommentOn.COACHING_NOTE,
                select(CoachingNote.id).where(CoachingNote.coach_id == actor.id),
            )
        )
        .order_by(col(Comment.created_at), col(Comment.id))
    ).all()
    last: dict[tuple[CommentOn, int], tuple[Comment, str]] = {}
    for c, name in rows:
        last[(c.record_type, c.record_id)] = (c, str(name))  # in time order: the latest wins
    waiting = [(c, name) for c, name in last.values() if c.author_id == c.agent_id]
    ids = {kind: [c.record_id for c, _ in waiting if c.record_type is kind] for kind in CommentOn}
    dates: dict[tuple[CommentOn, int], dt.date] = {}
    for i, on in session.exec(
        select(col(Evaluation.id), col(Evaluation.date)).where(
            col(Evaluation.id).in_(ids[CommentOn.EVALUATION])
        )
    ).all():
        dates[(CommentOn.EVALUATION, i or 0)] = on
    for i, on in session.exec(
        select(col(CoachingNote.id), col(CoachingNote.date)).where(
            col(CoachingNote.id).in_(ids[CommentOn.COACHING_NOTE])
        )
    ).all():
        dates[(CommentOn.COACHING_NOTE, i or 0)] = on
    return sorted(
        (
            CommentToAnswer(
                c.agent_id,
                name,
                c.record_type,
                c.record_id,
                dates[(c.record_type, c.record_id)],
                c.created_at,
            )
            for c, name in waiting
        ),
        key=lambda r: r.at,
        reverse=True,
    )


@dataclass(frozen=True)
class LeadDay:
    day: dt.date
    teams: list[TeamDay]
    qa: QaWork = field(default_factory=QaWork)  # disputes, calibration, agents' comments

    def headline(self) -> list[str]:
        if not self.teams:
            return ["You do not lead a team yet. Ask an admin to make you the lead of your team."]
        due = sum(t.due_today for t in self.teams)
        overdue = sum(t.overdue for t in self.teams)
        said = []
        if due or overdue:
            parts = [f"{due} check-in{_s(due)} due today"] if due else []
            parts += [f"{overdue} overdue"] if overdue else []
            said.append(f"Coaching: {' and '.join(parts)}.")
        else:
            said.append("No coaching check-ins are due today.")
        if (qa := self.qa.headline()) is not None:
            said.append(qa)
        away = sum(len(t.pd_today) for t in self.teams)
        later = sum(len(t.pd_this_week) for t in self.teams)
        if away or later:
            today_part = f"{away} agent{_s(away)} on a PD day today" if away else ""
            week_part = f"{later} {'more ' if away else ''}PD day{_s(later)} later this week"
            said.append(
                (f"{today_part}, {week_part}" if away and later else today_part or week_part) + "."
            )
        todo = [t.rotation_todo for t in self.teams if t.rotation_todo]
        if todo:
            said.append(f"Rotations: {todo[0]}.")
        return said[:3]


def _rotation_todo(
    session: Session, team_id: int, day: dt.date, terms: list[TermRead]
) -> str | None:
    """What the rotation planner needs for the team's next term: a run, or a publish."""
    upcoming = [t for t in terms if t.end >= day]
    for term in sorted(upcoming, key=lambda t: t.start):
        statuses = session.exec(
            select(Assignment.status)
            .join(Person, col(Person.id) == Assignment.person_id)
            .where(Assignment.term_id == term.id, Person.team_id == team_id)
        ).all()
        proposed = sum(s == AssignmentStatus.PROPOSED for s in statuses)
        if proposed:
            return f"{proposed} proposal{_s(proposed)} for {term.name} wait to be published"
        if not statuses and term.start > day:
            return f"{term.name} (from {term.start:%-d %b}) is not planned yet"
    return None


def lead_day(session: Session, *, actor: Actor, day: dt.date) -> LeadDay:
    teams = teams_for(session, actor=actor, purpose=Purpose.LEAD)
    week_end = day + dt.timedelta(days=6 - day.weekday())
    terms = list_terms(session)
    out = []
    for team_id, name in teams.items():
        queue = coaching_queue(session, actor=actor, team_id=team_id)
        away = session.exec(
            select(col(PdDay.date), col(Person.name))
            .join(Person, col(Person.id) == PdDay.person_id)
            .where(Person.team_id == team_id, col(Person.active).is_(True))
            .where(PdDay.date >= day, PdDay.date <= week_end, col(PdDay.status).in_(PD_FIXED))
            .order_by(col(PdDay.date), col(Person.name))
        ).all()
        shares = search_shares(
            session, actor=actor, team_id=team_id, since=day - dt.timedelta(days=6), until=day
        )
        out.append(
            TeamDay(
                team_id,
                name,
                [r for r in queue if r.overdue or r.due_today],
                [str(n) for d, n in away if d == day],
                [(d, str(n)) for d, n in away if d > day],
                _rotation_todo(session, team_id, day, terms),
                shares.total,
            )
        )
    return LeadDay(day, out, qa_work(session, actor=actor, day=day))
