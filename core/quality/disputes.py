"""Disputes of QA evaluations: the agent disputes an evaluation (the whole of it, or some of its
questions) with a reason within HEADWAY_DISPUTE_DAYS of its date; a reviewer who did not score it
(the agent's lead, else a manager) upholds it or adjusts it, with a reason, within
REVIEW_WORKING_DAYS. Adjusting is re-answering: the reviewer answers the disputed questions again
(any question when the whole evaluation is disputed) on the scorecard's own scale, and the score
follows from the scorecard's own rule (core.quality.evaluations.score_answers). The new answers and score
replace the old ones everywhere: the evaluation and its observation in the metrics series (so the
trend, the effect estimates and the exports follow). Every step is kept in the dispute history
(dispute_event, with each re-answered question's old and new answer) and the audit trail. The
evaluator hears when their evaluation is disputed and how it was decided."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from core.models import (
    AuditAction,
    Dispute,
    DisputeEvent,
    DisputeStatus,
    DisputeStep,
    Evaluation,
    NotificationKind,
    Observation,
    Person,
    Role,
    Team,
)
from core.notify.notifications import link_to, notify
from core.people import audit
from core.people.access import Actor, require_admin
from core.people.auth import can_log_in
from core.platform.calendar import organisation_calendar
from core.platform.clock import today
from core.platform.config import get_settings
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits
from core.quality.evaluations import (
    Answer,
    Score,
    Section,
    evaluation_reference,
    list_evaluations,
    score_answers,
    score_text,
)

DISPUTE = "dispute"  # the audit trail's record type
REVIEW_WORKING_DAYS = 5


class Decision(StrEnum):
    UPHOLD = "uphold"
    ADJUST = "adjust"


@dataclass(frozen=True)
class AnswerChange:
    """One question a reviewer answered again: its label, the evaluator's answer and theirs."""

    question: str
    old: Answer
    new: Answer

    def sentence(self) -> str:
        return f"{self.question}: {answer_text(self.old)} → {answer_text(self.new)}"


def answer_text(answer: Answer) -> str:
    """An answer as a person reads it (n.a. rather than the stored "na")."""
    return "n.a." if answer == "na" else str(answer)


@dataclass(frozen=True)
class StepRead:
    step: DisputeStep
    by: str
    at: dt.datetime
    reason: str
    old_score: float | None
    new_score: float | None
    changes: tuple[AnswerChange, ...] = ()
    by_id: int = 0

    def sentence(self, reader_id: int | None = None) -> str:
        """One line of the history, in words (the reason apart: it is the person's text);
        "you" for the reader's own steps."""
        when = f"{self.at.astimezone(get_settings().tz):%-d %b %Y %H:%M}"
        by = "you" if reader_id is not None and reader_id == self.by_id else self.by
        if self.step is DisputeStep.OPENED:
            return f"{when} — {by} disputed the score of {_pct(self.old_score)}"
        if self.step is DisputeStep.UPHELD:
            return f"{when} — {by} upheld the score of {_pct(self.old_score)}"
        answered = (
            f" (re-answered {'; '.join(c.sentence() for c in self.changes)})"
            if self.changes
            else ""
        )
        return f"{when} — {by} adjusted {_adjustment(self.old_score, self.new_score)}{answered}"


def _pct(score: float | None) -> str:
    return score_text(score)


def _scores(old: float | None, new: float | None) -> tuple[str, str]:
    """Two scores as read side by side: whole points, or one decimal when whole points would
    hide a change (95.6% → 96.4%, not 96% → 96%)."""
    a, b = _pct(old), _pct(new)
    if old is not None and new is not None and old != new and a == b:
        return f"{old:.1f}%", f"{new:.1f}%"
    return a, b


def _adjustment(old: float | None, new: float | None) -> str:
    """An adjustment in words: "the score from 69% to 77%", or the score that stays when the
    new answers score the same."""
    if old is not None and old == new:
        return f"the answers; the score stays {_pct(new)}"
    a, b = _scores(old, new)
    return f"the score from {a} to {b}"


@dataclass(frozen=True)
class DisputeRead:
    id: int
    evaluation_id: int
    agent_id: int
    agent: str
    evaluator: str
    evaluation_date: dt.date
    items: tuple[str, ...]  # the disputed questions; () = the whole evaluation
    reason: str
    status: DisputeStatus
    owner: str
    due_date: dt.date
    old_score: float
    new_score: float | None
    history: tuple[StepRead, ...]
    owner_id: int = 0
    owner_role: str = ""  # "team lead" or "manager": the reader knows who decides
    decided_by: str = ""  # who decided it ("" while open)
    decided_at: dt.datetime | None = None

    @property
    def open(self) -> bool:
        return self.status is DisputeStatus.OPEN

    @property
    def overdue(self) -> bool:
        return self.open and self.due_date < today()

    @property
    def reanswerable(self) -> tuple[str, ...] | None:
        """The questions the reviewer may answer again: the disputed ones (None: any)."""
        return self.items or None

    def state(self, reader_id: int | None = None) -> str:
        """The state in words, as the agent and the reviewer read it ("you" for the reader
        who decides it; anyone else by name and role). Says nothing of which answers a page
        shows: see `answers_note`."""
        if self.status is DisputeStatus.OPEN:
            late = " (overdue)" if self.overdue else ""
            if reader_id is not None and reader_id == self.owner_id:
                return f"open: you decide by {self.due_date:%a %-d %b}{late}"
            role = f" ({self.owner_role})" if self.owner_role else ""
            return f"open: {self.owner}{role} decides by {self.due_date:%a %-d %b}{late}"
        if self.status is DisputeStatus.UPHELD:
            return f"upheld: the score of {_pct(self.old_score)} stands"
        a, b = _scores(self.old_score, self.new_score)
        if self.old_score == self.new_score:
            return f"adjusted: the answers changed, the score stays {b}"
        return f"adjusted: {a} → {b}"

    def answers_note(self) -> str:
        """Beside the evaluation's answers once adjusted: whose answers they are. Only where the
        answers are shown (elsewhere it would describe nothing on the page)."""
        if self.status is not DisputeStatus.ADJUSTED:
            return ""
        if any(step.changes for step in self.history):
            return (
                "The answers shown are the reviewer's; the history keeps the evaluator's "
                "original ones."
            )
        return (
            "The answers shown are the evaluator's original ones; the adjusted score replaces "
            "their total."
        )

    def ownership(self, reader_id: int, *, reader_is_manager: bool) -> str:
        """Who decides, said to a reviewer who is not the owner (the agent's lead or any manager
        may decide it, never the evaluator: the list never offers them theirs); "" to the owner."""
        if reader_id == self.owner_id:
            return ""
        return (
            f"Owned by {self.owner} (due {self.due_date:%a %-d %b}"
            + (", overdue" if self.overdue else "")
            + "); you may decide it as "
            + ("a manager." if reader_is_manager else "the agent's team lead.")
        )


def dispute_window_end(evaluation_date: dt.date) -> dt.date:
    """The last day the agent may dispute an evaluation of this date."""
    return evaluation_date + dt.timedelta(days=get_settings().dispute_days)


def question_labels(sections: Sequence[Section]) -> list[str]:
    """The labels an agent picks questions by: "Section › Question"."""
    return [f"{s.title} › {q.text}" for s in sections for q in s.questions]


def reviewer_for(
    session: Session, evaluation: Evaluation, *, excluding: int | None = None
) -> Person | None:
    """Who owns a dispute of `evaluation`: the lead of the agent's team unless they scored it,
    else the manager who did not score it with the fewest open disputes to decide (the work is
    shared; on a tie, the longest-standing account). Only someone who can log in (`can_log_in`)
    is ever named: a dispute given to an account without a password would wait forever; nor
    `excluding` (someone about to leave)."""
    agent = session.get(Person, evaluation.agent_id)
    team = session.get(Team, agent.team_id) if agent and agent.team_id else None
    if team is not None and team.lead_id not in (None, evaluation.evaluator_id):
        lead = session.get(Person, team.lead_id)
        usable = lead is not None and lead.id != excluding and can_log_in(lead)
        if lead is not None and usable and lead.role == Role.TEAM_LEAD:
            return lead
    managers = [
        m
        for m in session.exec(
            select(Person)
            .where(
                Person.role == Role.MANAGER,
                col(Person.active).is_(True),
                Person.id != evaluation.evaluator_id,
            )
            .order_by(col(Person.id))
        ).all()
        if m.id != excluding and can_log_in(m)
    ]
    load = Counter(
        session.exec(
            select(Dispute.owner_id).where(
                Dispute.status == DisputeStatus.OPEN,
                col(Dispute.owner_id).in_([m.id for m in managers]),
            )
        ).all()
    )
    return min(managers, key=lambda m: load[m.id or 0], default=None)


def reroute_open_disputes(session: Session, *, owner_id: int, by: Actor) -> int:
    """Give the open disputes `owner_id` owns to whoever `reviewer_for` names besides them
    (called as the owner stops being able to act, e.g. is deactivated); each new owner is told.
    Refuses, changing nothing, when a dispute would be left with no one to decide it. An
    admin's step (it goes with deactivating an account: core.accounts.set_account_active)."""
    require_admin(by)
    rows = session.exec(
        select(Dispute).where(Dispute.owner_id == owner_id, Dispute.status == DisputeStatus.OPEN)
    ).all()
    owner = session.get(Person, owner_id)
    moves = []
    for dispute in rows:
        evaluation = session.get(Evaluation, dispute.evaluation_id)
        assert evaluation is not None
        reviewer = reviewer_for(session, evaluation, excluding=owner_id)
        if reviewer is None or reviewer.id is None:
            raise InvalidInput(
                f"{owner.name if owner else 'This person'} decides an open dispute of the "
                f"evaluation of {evaluation.date:%-d %b %Y} and no other lead or manager who "
                "can log in may take it: give a manager a password (or turn on single sign-on) "
                "first."
            )
        moves.append((dispute, evaluation, reviewer))
    for dispute, evaluation, reviewer in moves:
        dispute.owner_id = reviewer.id or 0
        session.add(dispute)
        audit.record(
            session,
            actor=by,
            action=AuditAction.UPDATE,
            record_type=DISPUTE,
            record_id=dispute.id,
            subject_id=dispute.agent_id,
            detail=f"re-routed to {reviewer.name}: the owner can no longer log in",
        )
        agent = session.get(Person, dispute.agent_id)
        notify(
            session,
            person_id=reviewer.id or 0,
            kind=NotificationKind.DISPUTE,
            subject=f"dispute:{dispute.id}",
            title=f"{agent.name if agent else 'An agent'}'s dispute is yours to decide by "
            f"{dispute.due_date:%a %-d %b}",
            body=f"Passed on to you because {owner.name if owner else 'its owner'} can no "
            f"longer log in. Score {score_text(evaluation.score)} on {evaluation.date:%-d %b}. "
            f"Their reason: {dispute.reason}",
            link=link_to("evaluations", dispute=dispute.id),
        )
    session.flush()
    return len(moves)


def open_dispute(
    session: Session,
    *,
    actor: Actor,
    evaluation_id: int,
    reason: str,
    items: Sequence[str] = (),
) -> DisputeRead:
    """The agent disputes their own evaluation (all of it, or the questions named in `items`)."""
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None:
        raise NotFound(f"There is no evaluation with id {evaluation_id}.")
    if evaluation.agent_id != actor.id:
        raise AccessDenied("Only the agent who was evaluated disputes an evaluation.")
    if not reason.strip():
        raise InvalidInput("Say why you dispute the score: the reviewer decides on your reason.")
    require_fits(("Why you dispute it", reason, max_length(Dispute, "reason")))
    last_day = dispute_window_end(evaluation.date)
    if today() > last_day:
        raise InvalidInput(
            f"An evaluation can be disputed for {get_settings().dispute_days} days after its "
            f"date: this one ({evaluation.date:%-d %b %Y}) could be disputed until "
            f"{last_day:%-d %b %Y}; talk it through in a comment instead."
        )
    [read] = list_evaluations(session, actor=actor, agent_id=actor.id, evaluation_id=evaluation_id)
    known = question_labels(read.sections)
    if unknown := [i for i in items if i not in known]:
        raise InvalidInput(
            f"“{unknown[0]}” is not a question of this evaluation's scorecard: choose from the list."
        )
    already = session.exec(
        select(Dispute).where(
            Dispute.evaluation_id == evaluation_id, Dispute.status == DisputeStatus.OPEN
        )
    ).first()
    if already is not None:
        raise InvalidInput(
            "This evaluation already has an open dispute (perhaps sent from another tab or "
            f"device), decided by {already.due_date:%a %-d %b}: add what you wrote to it as a "
            "comment instead."
        )
    reviewer = reviewer_for(session, evaluation)
    if reviewer is None or reviewer.id is None:
        raise InvalidInput(
            "No one but the evaluator can review this evaluation (no other lead or manager "
            "who can log in): ask an admin to name one, then dispute it."
        )
    dispute = Dispute(
        evaluation_id=evaluation_id,
        agent_id=actor.id,
        evaluator_id=evaluation.evaluator_id,
        items=json.dumps([i for i in known if i in set(items)]),
        reason=reason.strip(),
        owner_id=reviewer.id,
        due_date=organisation_calendar(session).add_working_days(today(), REVIEW_WORKING_DAYS),
        old_score=evaluation.score,
    )
    session.add(dispute)
    session.flush()
    assert dispute.id is not None
    _step(session, dispute, actor, DisputeStep.OPENED, dispute.reason, evaluation.score, None)
    what = "; ".join(json.loads(dispute.items)) or "the whole evaluation"
    notify(
        session,
        person_id=reviewer.id,
        kind=NotificationKind.DISPUTE,
        subject=f"dispute:{dispute.id}",
        title=f"{actor.name} disputes an evaluation: please review by {dispute.due_date:%a %-d %b}",
        body=f"Score {score_text(evaluation.score)} on {evaluation.date:%-d %b}. Disputed: {what}. "
        f"Their reason: {dispute.reason}",
        link=link_to("evaluations", dispute=dispute.id),
    )
    notify(  # the evaluator hears of it too (they do not decide it: someone else reviews)
        session,
        person_id=evaluation.evaluator_id,
        kind=NotificationKind.DISPUTE,
        subject=f"dispute:{dispute.id}:opened",
        title=f"{actor.name} disputed your evaluation of {evaluation.date:%-d %b}",
        body=f"Score {score_text(evaluation.score)}. {reviewer.name} reviews it by "
        f"{dispute.due_date:%a %-d %b}. Disputed: {what}. Their reason: {dispute.reason}",
        link=link_to("evaluations", dispute=dispute.id),
    )
    return _reads(session, [dispute])[0]


def _step(
    session: Session,
    dispute: Dispute,
    actor: Actor,
    step: DisputeStep,
    reason: str,
    old: float | None,
    new: float | None,
    changes: Sequence[AnswerChange] = (),
) -> None:
    """One step of the history, in the dispute's own table and in the audit trail."""
    session.add(
        DisputeEvent(
            dispute_id=dispute.id or 0,
            step=step,
            by_id=actor.id,
            reason=reason,
            old_score=old,
            new_score=new,
            answer_changes=json.dumps([c.__dict__ for c in changes]),
        )
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE if step is DisputeStep.OPENED else AuditAction.UPDATE,
        record_type=DISPUTE,
        record_id=dispute.id,
        subject_id=dispute.agent_id,
        detail=f"{step.value} (evaluation #{dispute.evaluation_id}"
        + (f", score {old:g} → {new:g})" if new is not None and old is not None else ")"),
    )


def reanswer(
    sections: Sequence[Section],
    answers: Sequence[Sequence[Answer]],
    new: Mapping[str, Answer],
    *,
    allowed: Sequence[str] | None = None,
) -> tuple[list[list[Answer]], Score, tuple[AnswerChange, ...]]:
    """An evaluation's answers with some questions (by label) answered again, the score the
    scorecard's own rule gives them, and what changed, in the scorecard's order. Refuses a
    question not on the scorecard, one outside `allowed` (the disputed questions), and an answer
    off the question's scale."""
    labels = question_labels(sections)
    if unknown := [q for q in new if q not in labels]:
        raise InvalidInput(
            f"“{unknown[0]}” is not a question of this evaluation's scorecard: choose from the list."
        )
    if allowed is not None and (outside := [q for q in new if q not in allowed]):
        raise InvalidInput(
            f"Only the disputed questions can be answered again ({'; '.join(allowed)}): "
            f"“{outside[0]}” was not disputed."
        )
    updated = [list(row) for row in answers]
    places = [(i, j) for i, s in enumerate(sections) for j in range(len(s.questions))]
    changes = []
    for label, (i, j) in zip(labels, places, strict=True):
        if label in new and new[label] != updated[i][j]:
            changes.append(AnswerChange(label, updated[i][j], new[label]))
            updated[i][j] = new[label]
    return updated, score_answers(tuple(sections), updated), tuple(changes)


def _rescore(
    session: Session,
    evaluation: Evaluation,
    answers: list[list[Answer]],
    result: Score,
) -> None:
    """The evaluation takes the new answers and score, and so does its point in the QA series."""
    evaluation.answers = json.dumps(answers)
    evaluation.score, evaluation.critical_failed = result.score, result.critical_failed
    session.add(evaluation)
    for point in session.exec(
        select(Observation).where(
            Observation.metric == "qa_score",
            Observation.reference == evaluation_reference(evaluation.id),
        )
    ).all():
        point.value = result.score
        session.add(point)


def _reads(session: Session, disputes: Sequence[Dispute]) -> list[DisputeRead]:
    ids = [d.id for d in disputes]
    steps: dict[int, list[StepRead]] = {}
    for e, name in session.exec(
        select(DisputeEvent, Person.name)
        .join(Person, col(Person.id) == DisputeEvent.by_id)
        .where(col(DisputeEvent.dispute_id).in_(ids))
        .order_by(col(DisputeEvent.at), col(DisputeEvent.id))
    ).all():
        changes = tuple(AnswerChange(**c) for c in json.loads(e.answer_changes or "[]"))
        steps.setdefault(e.dispute_id, []).append(
            StepRead(e.step, str(name), e.at, e.reason, e.old_score, e.new_score, changes, e.by_id)
        )
    people = {i for d in disputes for i in (d.agent_id, d.evaluator_id, d.owner_id)}
    people |= {d.decided_by_id for d in disputes if d.decided_by_id is not None}
    names, roles = {}, {}
    for i, name, role in session.exec(
        select(Person.id, Person.name, Person.role).where(col(Person.id).in_(people))
    ).all():
        names[i], roles[i] = name, Role(role).label.lower()
    dates: dict[int | None, dt.date] = dict(
        session.exec(
            select(col(Evaluation.id), col(Evaluation.date)).where(
                col(Evaluation.id).in_([d.evaluation_id for d in disputes])
            )
        ).all()
    )
    return [
        DisputeRead(
            d.id or 0,
            d.evaluation_id,
            d.agent_id,
            str(names[d.agent_id]),
            str(names[d.evaluator_id]),
            dates[d.evaluation_id],
            tuple(json.loads(d.items)),
            d.reason,
            d.status,
            str(names[d.owner_id]),
            d.due_date,
            d.old_score,
            d.new_score,
            tuple(steps.get(d.id or 0, [])),
            d.owner_id,
            roles[d.owner_id],
            str(names[d.decided_by_id]) if d.decided_by_id is not None else "",
            d.decided_at,
        )
        for d in disputes
    ]
