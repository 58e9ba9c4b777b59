"""Disputes of evaluations: the window, the reviewer who is not the evaluator, an adjusted score
that replaces the old one in the trend with the history kept, reminders, digest and rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session, select

from core.access import load_actor
from core.disputes import (
    Decision,
    decide_dispute,
    dispute_rates,
    disputes_of,
    disputes_to_review,
    open_dispute,
)
from core.errors import AccessDenied, InvalidInput
from core.growth.agent import growth_data
from core.models import (
    AuditEvent,
    Dispute,
    DisputeEvent,
    DisputeStep,
    Evaluation,
    Notification,
    NotificationKind,
    Person,
    Role,
)
from core.quality import DEFAULT_FORM, record_evaluation, save_scorecard
from core.reminders.digest import weekly_digests
from core.reminders.rules import disputes_due
from tests.conftest import TODAY, actor_of

ANSWERS: list[list[Any]] = [["yes", 3], [3, "yes"], ["yes", "no"]]


def _evaluate(session: Session, org: dict, *, by: str = "red_lead", days_ago: int = 3) -> int:
    card = save_scorecard(
        session,
        actor=actor_of(session, org["manager"]),
        family="Voice",
        definition=DEFAULT_FORM,
    )
    return record_evaluation(
        session,
        actor=actor_of(session, org[by]),
        agent_id=org["red_agent"].id,
        scorecard_id=card.id,
        answers=ANSWERS,
        date=TODAY - dt.timedelta(days=days_ago),
    ).id


def _state(session: Session) -> tuple[int, int, list[float]]:
    """What a refused request must leave as it was: disputes, their history, the scores."""
    return (
        len(session.exec(select(Dispute)).all()),
        len(session.exec(select(DisputeEvent)).all()),
        [e.score for e in session.exec(select(Evaluation)).all()],
    )


def test_an_adjusted_score_replaces_the_old_one_in_the_trend_and_keeps_the_history(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org)
    agent = actor_of(session, org["red_agent"])
    old = session.get(Evaluation, evaluation)
    assert old is not None
    old_score = old.score
    opened = open_dispute(
        session,
        actor=agent,
        evaluation_id=evaluation,
        reason="The customer's line dropped: I could not offer to check back in",
        items=["Compliance › Offered to check back in (no “good luck”)"],
    )
    # The agent's lead scored it: a manager owns the review, due in five working days.
    assert opened.owner == org["manager"].name
    assert opened.due_date == dt.date(2026, 11, 30)
    assert opened.items == ("Compliance › Offered to check back in (no “good luck”)",)
    with pytest.raises(AccessDenied, match="someone else reviews"):
        decide_dispute(
            session,
            actor=actor_of(session, org["red_lead"]),
            dispute_id=opened.id,
            decision=Decision.UPHOLD,
            reason="I stand by it",
        )
    decided = decide_dispute(
        session,
        actor=actor_of(session, org["manager"]),
        dispute_id=opened.id,
        decision=Decision.ADJUST,
        reason="A dropped line is not the agent's doing",
        new_score=95,
    )
    assert decided.state().startswith(f"adjusted: {old_score:g}% → 95% (the answers shown are")
    evaluation_row = session.get(Evaluation, evaluation)
    assert evaluation_row is not None and evaluation_row.score == 95
    trend = growth_data(
        session,
        actor=agent,
        agent_id=agent.id,
        start=TODAY - dt.timedelta(days=30),
        end=TODAY,
    )
    assert trend.series["qa_score"] == [(TODAY - dt.timedelta(days=3), 95.0)]
    [history] = disputes_of(session, actor=agent, agent_id=agent.id)
    assert [(s.step, s.by, s.old_score, s.new_score) for s in history.history] == [
        (DisputeStep.OPENED, org["red_agent"].name, old_score, None),
        (DisputeStep.ADJUSTED, org["manager"].name, old_score, 95.0),
    ]
    assert history.history[1].reason == "A dropped line is not the agent's doing"
    audit = session.exec(
        select(AuditEvent.record_type, AuditEvent.detail).where(
            AuditEvent.subject_id == agent.id, AuditEvent.action != "read"
        )
    ).all()
    assert ("evaluation", f"score adjusted {old_score:g} → 95 after dispute #{opened.id}") in audit
    told = session.exec(
        select(Notification.person_id, Notification.title).where(
            Notification.kind == NotificationKind.DISPUTE
        )
    ).all()
    assert {p for p, _ in told} == {org["manager"].id, agent.id, org["red_lead"].id}


def test_the_agents_lead_reviews_when_a_manager_scored_it(session: Session, org: dict) -> None:
    evaluation = _evaluate(session, org, by="manager")
    opened = open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    assert opened.owner == org["red_lead"].name
    lead = actor_of(session, org["red_lead"])
    assert [d.id for d in disputes_to_review(session, actor=lead)] == [opened.id]
    assert disputes_to_review(session, actor=actor_of(session, org["manager"])) == []
    upheld = decide_dispute(
        session, actor=lead, dispute_id=opened.id, decision=Decision.UPHOLD, reason="Fair score"
    )
    assert upheld.state().startswith("upheld")


@pytest.mark.parametrize(
    "change,message",
    [
        (dict(reason="   "), "Say why you dispute the score"),
        (dict(days_ago=15), "could be disputed until 22 Nov 2026"),
        (dict(items=["Made it up"]), "is not a question of this evaluation"),
        (dict(twice=True), "You disputed this evaluation already"),
    ],
)
def test_a_bad_dispute_gets_one_sentence_and_changes_nothing(
    session: Session, org: dict, change: dict, message: str
) -> None:
    evaluation = _evaluate(session, org, days_ago=change.get("days_ago", 3))
    agent = actor_of(session, org["red_agent"])
    if change.get("twice"):
        open_dispute(session, actor=agent, evaluation_id=evaluation, reason="First")
    before = _state(session)
    with pytest.raises(InvalidInput, match=message):
        open_dispute(
            session,
            actor=agent,
            evaluation_id=evaluation,
            reason=change.get("reason", "The line dropped"),
            items=change.get("items", ()),
        )
    assert _state(session) == before


@pytest.mark.parametrize(
    "decision,score,reason,message",
    [
        (Decision.ADJUST, 101, "Too low", "must be from 0 to 100"),
        (Decision.ADJUST, -1, "Too low", "must be from 0 to 100"),
        (Decision.ADJUST, None, "Too low", "must be from 0 to 100"),
        (Decision.UPHOLD, None, " ", "Give the reason for your decision"),
    ],
)
def test_a_bad_decision_gets_one_sentence_and_changes_nothing(
    session: Session, org: dict, decision: Decision, score: float | None, reason: str, message: str
) -> None:
    evaluation = _evaluate(session, org)
    opened = open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    before = _state(session)
    with pytest.raises(InvalidInput, match=message):
        decide_dispute(
            session,
            actor=actor_of(session, org["manager"]),
            dispute_id=opened.id,
            decision=decision,
            reason=reason,
            new_score=score,
        )
    assert _state(session) == before


def test_only_the_agent_disputes_and_only_coaches_who_did_not_score_it_decide(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org)
    for other in ("red_agent2", "red_lead", "manager", "admin"):
        with pytest.raises(AccessDenied):
            open_dispute(
                session, actor=actor_of(session, org[other]), evaluation_id=evaluation, reason="x"
            )
    opened = open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    for other in ("red_agent", "red_agent2", "blue_lead", "admin", "red_lead"):
        with pytest.raises(AccessDenied):
            decide_dispute(
                session,
                actor=actor_of(session, org[other]),
                dispute_id=opened.id,
                decision=Decision.UPHOLD,
                reason="Fine",
            )
    with pytest.raises(AccessDenied):
        disputes_of(
            session, actor=actor_of(session, org["red_agent2"]), agent_id=org["red_agent"].id
        )


def test_open_disputes_are_reminded_due_tomorrow_and_once_overdue(
    session: Session, org: dict
) -> None:
    evaluation = _evaluate(session, org)
    opened = open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    assert opened.due_date == dt.date(2026, 11, 30)  # Monday
    assert disputes_due(session, dt.date(2026, 11, 26)) == []
    [soon] = disputes_due(session, dt.date(2026, 11, 27))  # Friday: due on Monday
    assert soon.person_id == org["manager"].id
    assert soon.title.endswith("is due on Monday 30 November")
    assert disputes_due(session, dt.date(2026, 11, 30)) == []
    late = [disputes_due(session, day) for day in (dt.date(2026, 12, 1), dt.date(2026, 12, 2))]
    assert [m.title.startswith("Overdue") for ms in late for m in ms] == [True, True]
    assert {m.key for ms in late for m in ms} == {late[0][0].key}  # the same message: sent once


def test_the_weekly_digest_counts_open_disputes(session: Session, org: dict) -> None:
    evaluation = _evaluate(session, org)
    open_dispute(
        session, actor=actor_of(session, org["red_agent"]), evaluation_id=evaluation, reason="x"
    )
    messages = weekly_digests(session, dt.date(2026, 12, 7))
    red = next(m for m in messages if m.person_id == org["red_lead"].id)
    assert "Disputed evaluations awaiting review: 1 (1 overdue)" in red.body
    manager = next(m for m in messages if m.person_id == org["manager"].id)
    assert "1 disputes awaiting review (1 overdue)" in manager.body


def test_managers_see_dispute_and_overturn_rates_per_evaluator(session: Session, org: dict) -> None:
    agent = actor_of(session, org["red_agent"])
    manager = actor_of(session, org["manager"])
    first, second = _evaluate(session, org), _evaluate(session, org, days_ago=4)
    for evaluation, decision in ((first, Decision.ADJUST), (second, Decision.UPHOLD)):
        opened = open_dispute(session, actor=agent, evaluation_id=evaluation, reason="x")
        decide_dispute(
            session,
            actor=manager,
            dispute_id=opened.id,
            decision=decision,
            reason="Looked again",
            new_score=99 if decision is Decision.ADJUST else None,
        )
    _evaluate(session, org, days_ago=5)
    [lead] = dispute_rates(session, actor=manager, start=TODAY - dt.timedelta(days=30), end=TODAY)
    assert (lead.evaluator, lead.evaluations, lead.disputed, lead.adjusted) == (
        org["red_lead"].name,
        3,
        2,
        1,
    )
    assert lead.dispute_rate == pytest.approx(2 / 3) and lead.overturn_rate == 0.5
    for other in ("red_lead", "admin", "red_agent"):
        with pytest.raises(AccessDenied):
            dispute_rates(session, actor=actor_of(session, org[other]), start=TODAY, end=TODAY)


def test_a_dispute_without_a_possible_reviewer_is_refused(session: Session, org: dict) -> None:
    """The only manager scored it and the team has no other lead: nobody may review it."""
    evaluation = _evaluate(session, org, by="manager")
    red = org["red"]
    red.lead_id = None
    session.add(red)
    session.flush()
    with pytest.raises(InvalidInput, match="No one but the evaluator"):
        open_dispute(
            session,
            actor=load_actor(session, org["red_agent"].id),
            evaluation_id=evaluation,
            reason="x",
        )
    assert session.exec(select(Person).where(Person.role == Role.MANAGER)).all()
