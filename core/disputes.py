"""Disputes of QA evaluations: the agent disputes an evaluation (the whole of it, or some of its
questions) with a reason within HEADWAY_DISPUTE_DAYS of its date; a reviewer who did not score it
(the agent's lead, else a manager) upholds it or adjusts the score, with a reason, within
REVIEW_WORKING_DAYS. An adjusted score replaces the old one everywhere: the evaluation's score
and its observation in the metrics series (so the trend, the effect estimates and the exports
follow). Every step is kept in the dispute history (dispute_event) and the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from core import audit
from core.access import Actor, is_coach_of, owns_scorecards, require_view_person
from core.calendar import organisation_calendar
from core.clock import today, utcnow
from core.config import get_settings
from core.errors import AccessDenied, InvalidInput, NotFound
from core.limits import max_length, require_fits
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
from core.notifications import link_to, notify
from core.quality import Section, evaluation_reference, list_evaluations

DISPUTE = "dispute"  # the audit trail's record type
REVIEW_WORKING_DAYS = 5
SCORE_RANGE = (0.0, 100.0)  # the scorecard's scale (core.quality.score_answers)


class Decision(StrEnum):
    UPHOLD = "uphold"
    ADJUST = "adjust"


@dataclass(frozen=True)
class StepRead:
    step: DisputeStep
    by: str
    at: dt.datetime
    reason: str
    old_score: float | None
    new_score: float | None

    def sentence(self) -> str:
        """One line of the history, in words (the reason apart: it is the person's text)."""
        when = f"{self.at.astimezone(get_settings().tz):%-d %b %Y %H:%M}"
        if self.step is DisputeStep.OPENED:
            return f"{when} — {self.by} disputed the score of {_pct(self.old_score)}"
        if self.step is DisputeStep.UPHELD:
            return f"{when} — {self.by} upheld the score of {_pct(self.old_score)}"
        return (
            f"{when} — {self.by} adjusted the score from {_pct(self.old_score)} to "
            f"{_pct(self.new_score)}"
        )


def _pct(score: float | None) -> str:
    return "—" if score is None else f"{score:g}%"


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

    @property
    def open(self) -> bool:
        return self.status is DisputeStatus.OPEN

    @property
    def overdue(self) -> bool:
        return self.open and self.due_date < today()

    def state(self) -> str:
        """The state in words, as the agent and the reviewer read it."""
        if self.status is DisputeStatus.OPEN:
            late = " (overdue)" if self.overdue else ""
            return f"open: {self.owner} decides by {self.due_date:%a %-d %b}{late}"
        if self.status is DisputeStatus.UPHELD:
            return f"upheld: the score of {_pct(self.old_score)} stands"
        return (
            f"adjusted: {_pct(self.old_score)} → {_pct(self.new_score)} (the answers shown are "
            "the evaluator's original ones; the adjusted score replaces their total)"
        )


def dispute_window_end(evaluation_date: dt.date) -> dt.date:
    """The last day the agent may dispute an evaluation of this date."""
    return evaluation_date + dt.timedelta(days=get_settings().dispute_days)


def question_labels(sections: Sequence[Section]) -> list[str]:
    """The labels an agent picks questions by: "Section › Question"."""
    return [f"{s.title} › {q.text}" for s in sections for q in s.questions]


def reviewer_for(session: Session, evaluation: Evaluation) -> Person | None:
    """Who owns a dispute of `evaluation`: the lead of the agent's team unless they scored it,
    else the first manager (by name) who did not."""
    agent = session.get(Person, evaluation.agent_id)
    team = session.get(Team, agent.team_id) if agent and agent.team_id else None
    if team is not None and team.lead_id not in (None, evaluation.evaluator_id):
        lead = session.get(Person, team.lead_id)
        if lead is not None and lead.active and lead.role == Role.TEAM_LEAD:
            return lead
    return session.exec(
        select(Person)
        .where(
            Person.role == Role.MANAGER,
            col(Person.active).is_(True),
            Person.id != evaluation.evaluator_id,
        )
        .order_by(col(Person.name), col(Person.id))
    ).first()


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
            f"You disputed this evaluation already; the dispute is open until "
            f"{already.due_date:%-d %b}: add to it in a comment instead."
        )
    reviewer = reviewer_for(session, evaluation)
    if reviewer is None or reviewer.id is None:
        raise InvalidInput(
            "No one but the evaluator can review this evaluation (no other lead or manager): "
            "ask an admin to name a manager, then dispute it."
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
    notify(
        session,
        person_id=reviewer.id,
        kind=NotificationKind.DISPUTE,
        subject=f"dispute:{dispute.id}",
        title=f"{actor.name} disputes an evaluation: please review by {dispute.due_date:%a %-d %b}",
        body=f"Score {evaluation.score:g} on {evaluation.date:%-d %b}. Their reason: {dispute.reason}",
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


def decide_dispute(
    session: Session,
    *,
    actor: Actor,
    dispute_id: int,
    decision: Decision,
    reason: str,
    new_score: float | None = None,
) -> DisputeRead:
    """Uphold the score, or adjust it (the evaluation and its trend point take the new score)."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound(f"There is no dispute with id {dispute_id}.")
    agent = session.get(Person, dispute.agent_id)
    assert agent is not None
    if not is_coach_of(actor, team_id=agent.team_id):
        raise AccessDenied(f"Only {agent.name}'s team lead or a manager reviews their disputes.")
    if actor.id == dispute.evaluator_id:
        raise AccessDenied(
            "You scored this evaluation, so someone else reviews the dispute "
            "(the agent's lead or a manager)."
        )
    if dispute.status is not DisputeStatus.OPEN:
        raise InvalidInput(f"This dispute was decided already ({dispute.status.value}).")
    decision = Decision(decision)
    if not reason.strip():
        raise InvalidInput(
            "Give the reason for your decision: the agent and the evaluator read it."
        )
    require_fits(("Reason for the decision", reason, max_length(Dispute, "decision_reason")))
    evaluation = session.get(Evaluation, dispute.evaluation_id)
    assert evaluation is not None
    old = evaluation.score
    if decision is Decision.ADJUST:
        low, high = SCORE_RANGE
        if new_score is None or not low <= new_score <= high:
            raise InvalidInput(
                f"The adjusted score must be from {low:g} to {high:g} (the scorecard's scale)."
            )
        new_score = round(float(new_score), 2)
        if new_score == old:
            raise InvalidInput(f"{new_score:g} is the current score: choose “uphold” to keep it.")
        evaluation.score = new_score
        evaluation.critical_failed = evaluation.critical_failed and new_score == 0
        session.add(evaluation)
        for point in session.exec(
            select(Observation).where(
                Observation.metric == "qa_score",
                Observation.reference == evaluation_reference(evaluation.id),
            )
        ).all():
            point.value = new_score
            session.add(point)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.UPDATE,
            record_type=audit.EVALUATION,
            record_id=evaluation.id,
            subject_id=agent.id,
            detail=f"score adjusted {old:g} → {new_score:g} after dispute #{dispute.id}",
        )
    dispute.status = DisputeStatus.ADJUSTED if decision is Decision.ADJUST else DisputeStatus.UPHELD
    dispute.new_score = new_score if decision is Decision.ADJUST else None
    dispute.decided_by_id, dispute.decided_at = actor.id, utcnow()
    dispute.decision_reason = reason.strip()
    session.add(dispute)
    _step(
        session,
        dispute,
        actor,
        DisputeStep.ADJUSTED if decision is Decision.ADJUST else DisputeStep.UPHELD,
        dispute.decision_reason,
        old,
        dispute.new_score,
    )
    outcome = (
        f"adjusted your score from {old:g} to {dispute.new_score:g}"
        if decision is Decision.ADJUST
        else f"upheld your score of {old:g}"
    )
    for person_id, title, link in (
        (agent.id, f"{actor.name} {outcome}", "growth"),
        (
            dispute.evaluator_id,
            f"{actor.name} reviewed {agent.name}'s dispute of your evaluation: "
            + outcome.replace("your", "the"),
            link_to("growth", agent=agent.id),
        ),
    ):
        if person_id is not None:
            notify(
                session,
                person_id=person_id,
                kind=NotificationKind.DISPUTE,
                subject=f"dispute:{dispute.id}",
                title=title,
                body=f"Reason: {dispute.decision_reason}",
                link=link,
            )
    session.flush()
    return _reads(session, [dispute])[0]


def _reads(session: Session, disputes: Sequence[Dispute]) -> list[DisputeRead]:
    ids = [d.id for d in disputes]
    steps: dict[int, list[StepRead]] = {}
    for e, name in session.exec(
        select(DisputeEvent, Person.name)
        .join(Person, col(Person.id) == DisputeEvent.by_id)
        .where(col(DisputeEvent.dispute_id).in_(ids))
        .order_by(col(DisputeEvent.at), col(DisputeEvent.id))
    ).all():
        steps.setdefault(e.dispute_id, []).append(
            StepRead(e.step, str(name), e.at, e.reason, e.old_score, e.new_score)
        )
    people = {i for d in disputes for i in (d.agent_id, d.evaluator_id, d.owner_id)}
    names = dict(
        session.exec(select(Person.id, Person.name).where(col(Person.id).in_(people))).all()
    )
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
        )
        for d in disputes
    ]


def disputes_of(session: Session, *, actor: Actor, agent_id: int) -> list[DisputeRead]:
    """The agent's disputes with their history, newest first (whoever may see the agent)."""
    agent = session.get(Person, agent_id)
    if agent is None:
        raise NotFound(f"There is no person with id {agent_id}.")
    require_view_person(actor, agent)
    rows = session.exec(
        select(Dispute)
        .where(Dispute.agent_id == agent_id)
        .order_by(col(Dispute.opened_at).desc(), col(Dispute.id).desc())
    ).all()
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, agent_id) for d in rows]
    )
    return _reads(session, rows)


def disputes_to_review(session: Session, *, actor: Actor) -> list[DisputeRead]:
    """The open disputes `actor` may decide (of agents they coach, never of an evaluation they
    scored): their own first, then by due date. Empty for everyone who reviews none."""
    if actor.role not in (Role.TEAM_LEAD, Role.MANAGER):
        return []
    query = (
        select(Dispute, Person.team_id)
        .join(Person, col(Person.id) == Dispute.agent_id)
        .where(Dispute.status == DisputeStatus.OPEN, Dispute.evaluator_id != actor.id)
        .order_by(col(Dispute.due_date), col(Dispute.id))
    )
    rows = [d for d, team in session.exec(query).all() if is_coach_of(actor, team_id=team)]
    rows.sort(key=lambda d: d.owner_id != actor.id)  # stable: due date within each group
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, d.agent_id) for d in rows]
    )
    return _reads(session, rows)


@dataclass(frozen=True)
class EvaluatorDisputes:
    evaluator: str
    evaluations: int
    disputed: int
    decided: int
    adjusted: int

    @property
    def dispute_rate(self) -> float | None:
        return self.disputed / self.evaluations if self.evaluations else None

    @property
    def overturn_rate(self) -> float | None:
        return self.adjusted / self.decided if self.decided else None


def dispute_rates(
    session: Session, *, actor: Actor, start: dt.date, end: dt.date
) -> list[EvaluatorDisputes]:
    """Per evaluator, of the evaluations dated in [start, end]: how many were disputed, and of
    the decided disputes how many were adjusted (overturned). For managers, most disputed first."""
    if not owns_scorecards(actor):
        raise AccessDenied(
            "Dispute and overturn rates compare evaluators across teams: they are for managers."
        )
    in_period = (col(Evaluation.date) >= start) & (col(Evaluation.date) <= end)
    scored = Counter(session.exec(select(Evaluation.evaluator_id).where(in_period)).all())
    disputed: Counter[int] = Counter()
    decided: Counter[int] = Counter()
    adjusted: Counter[int] = Counter()
    seen: set[int] = set()
    for d in session.exec(
        select(Dispute)
        .join(Evaluation, col(Evaluation.id) == Dispute.evaluation_id)
        .where(in_period)
    ).all():
        if d.evaluation_id not in seen:  # an evaluation disputed twice counts once
            seen.add(d.evaluation_id)
            disputed[d.evaluator_id] += 1
        if d.status is not DisputeStatus.OPEN:
            decided[d.evaluator_id] += 1
            adjusted[d.evaluator_id] += d.status is DisputeStatus.ADJUSTED
    names = dict(
        session.exec(select(Person.id, Person.name).where(col(Person.id).in_(scored))).all()
    )
    rows = [
        EvaluatorDisputes(str(names[e]), n, disputed[e], decided[e], adjusted[e])
        for e, n in scored.items()
    ]
    return sorted(rows, key=lambda r: (-(r.dispute_rate or 0), r.evaluator))


def open_dispute_counts(
    session: Session, *, agent_ids: Sequence[int], day: dt.date
) -> tuple[int, int]:
    """How many open disputes the agents have, and how many of them are overdue on `day` (no
    acting user: for the weekly digest job)."""
    dues = session.exec(
        select(col(Dispute.due_date)).where(
            Dispute.status == DisputeStatus.OPEN, col(Dispute.agent_id).in_(list(agent_ids))
        )
    ).all()
    return len(dues), sum(d < day for d in dues)
