"""Deciding a dispute: the reviewer upholds the evaluation or adjusts it by answering the
disputed questions again (scored by the scorecard's own rule); the agent and the evaluator hear
of the decision. Who reviews and by when is core.quality.disputes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

from sqlmodel import Session

from core.models import (
    AuditAction,
    Dispute,
    DisputeStatus,
    DisputeStep,
    Evaluation,
    NotificationKind,
    Person,
    Scorecard,
)
from core.notify.notifications import link_to, notify
from core.notify.webhooks import emit
from core.people import audit
from core.people.access import Actor, is_coach_of
from core.platform.clock import utcnow
from core.platform.errors import AccessDenied, InvalidInput, NotFound
from core.platform.limits import max_length, require_fits
from core.quality.disputes import (
    AnswerChange,
    Decision,
    DisputeRead,
    _pct,
    _reads,
    _rescore,
    _scores,
    _step,
    reanswer,
)
from core.quality.evaluations import (
    Answer,
    parse_definition,
)


def decide_dispute(
    session: Session,
    *,
    actor: Actor,
    dispute_id: int,
    decision: Decision,
    reason: str,
    answers: Mapping[str, Answer] | None = None,
) -> DisputeRead:
    """Uphold the score, or adjust it by answering questions again (`answers`, by question
    label: the disputed questions, or any when the whole evaluation is disputed); the score
    follows from the scorecard, and the evaluation and its trend point take it."""
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
    card = session.get(Scorecard, evaluation.scorecard_id) if evaluation else None
    assert evaluation is not None and card is not None
    old = evaluation.score
    new_answers, result, changes = reanswer(
        parse_definition(json.loads(card.definition)),
        json.loads(evaluation.answers),
        answers or {},
        allowed=json.loads(dispute.items) or None,
    )
    if decision is Decision.UPHOLD and changes:
        raise InvalidInput(
            "Upholding keeps the evaluator's answers: choose “adjust” to answer questions again."
        )
    if decision is Decision.ADJUST:
        if not changes:
            raise InvalidInput(
                "To adjust, answer at least one question differently from the evaluator; "
                "to keep the score, choose “uphold”."
            )
        _rescore(session, evaluation, new_answers, result)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.UPDATE,
            record_type=audit.EVALUATION,
            record_id=evaluation.id,
            subject_id=agent.id,
            detail=f"score adjusted {old:g} → {result.score:g} after dispute #{dispute.id} ("
            + "; ".join(c.sentence() for c in changes)
            + ")",
        )
    dispute.status = DisputeStatus.ADJUSTED if decision is Decision.ADJUST else DisputeStatus.UPHELD
    dispute.new_score = result.score if decision is Decision.ADJUST else None
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
        changes,
    )
    _tell_decision(session, actor, dispute, agent, evaluation.date, changes)
    emit(
        session,
        "dispute.decided",
        {
            "dispute_id": dispute.id,
            "evaluation_id": dispute.evaluation_id,
            "agent_id": agent.id,
            "decided_by_id": actor.id,
            "decision": dispute.status.value,
            "old_score": dispute.old_score,
            "new_score": dispute.new_score,
        },
    )
    session.flush()
    return _reads(session, [dispute])[0]


def _tell_decision(
    session: Session,
    actor: Actor,
    dispute: Dispute,
    agent: Person,
    day: dt.date,
    changes: Sequence[AnswerChange],
) -> None:
    """The agent hears the decision on their evaluation, the evaluator on theirs (each in the
    second person: it is about them)."""
    old, new = dispute.old_score, dispute.new_score
    when = f"{day:%-d %b}"
    if new is None:
        to_agent = f"{actor.name} upheld your evaluation of {when}: the score of {_pct(old)} stands"
        to_evaluator = (
            f"{actor.name} upheld your evaluation of {agent.name} on {when}: "
            f"the score of {_pct(old)} stands"
        )
    else:
        was, now = _scores(old, new)
        to_agent = f"{actor.name} adjusted your evaluation of {when}: " + (
            f"your score stays {now}" if old == new else f"your score is now {now} (was {was})"
        )
        to_evaluator = (
            f"{actor.name} adjusted your evaluation of {agent.name} on {when} after their "
            f"dispute: " + (f"the score stays {now}" if old == new else f"{was} → {now}")
        )
    answered = "".join(f"Re-answered {c.sentence()}\n" for c in changes)
    to_agent_body = f"{answered}Reason: {dispute.decision_reason}"
    # The reason is written to the agent ("you acknowledged…"): the evaluator reads it quoted.
    to_evaluator_body = f'{answered}Reason given to {agent.name}: "{dispute.decision_reason}"'
    for person_id, title, body, link in (
        (
            agent.id,
            to_agent,
            to_agent_body,
            link_to("growth", show="evaluations", evaluation=dispute.evaluation_id),
        ),
        (
            dispute.evaluator_id,
            to_evaluator,
            to_evaluator_body,
            link_to("evaluations", dispute=dispute.id),
        ),
    ):
        if person_id is not None:
            notify(
                session,
                person_id=person_id,
                kind=NotificationKind.DISPUTE,
                subject=f"dispute:{dispute.id}:decided",
                title=title,
                body=body,
                link=link,
            )
