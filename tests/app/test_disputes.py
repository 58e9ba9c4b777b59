"""The agent's dispute form on Growth and the reviewer's decision on QA evaluations, as pages:
a refusal in one sentence that stores nothing, then the save and what each side reads."""

from __future__ import annotations

import os

from sqlmodel import Session, col, select

from core.access import load_actor
from core.db import make_engine
from core.disputes import Decision, dispute_window_end, open_dispute
from core.models import (
    Dispute,
    DisputeStatus,
    Evaluation,
    Observation,
    Person,
    Team,
)
from core.quality import evaluation_reference
from tests.app.conftest import submit, texts
from tests.conftest import TODAY

GROWTH = "pages/growth.py"
EVALUATIONS = "pages/evaluations.py"


def _session() -> Session:
    return Session(make_engine(os.environ["DATABASE_URL"]))


def _undisputed_evaluation(email: str, *, not_by: str | None = None) -> Evaluation:
    """The newest evaluation of `email` that is still open to dispute and has no dispute."""
    with _session() as session:
        agent = session.exec(select(Person).where(Person.email == email)).one()
        query = (
            select(Evaluation)
            .where(Evaluation.agent_id == agent.id)
            .where(~select(Dispute.id).where(Dispute.evaluation_id == Evaluation.id).exists())
            .order_by(col(Evaluation.date).desc())
        )
        if not_by is not None:
            query = query.where(Evaluation.evaluator_id != not_by)
        return next(e for e in session.exec(query).all() if dispute_window_end(e.date) >= TODAY)


def test_the_agent_disputes_an_evaluation_on_growth_and_an_empty_reason_stores_nothing(
    app_as,
) -> None:
    evaluation = _undisputed_evaluation("agent@example.com")
    form = f"dispute_{evaluation.id}"
    at = app_as("agent@example.com", GROWTH)
    assert "My QA evaluations" in texts(at)
    at.toggle(key=f"dispute_open_{evaluation.id}").set_value(True).run()
    submit(at, form, "Send dispute")
    assert [e.value for e in at.error] == [
        "Say why you dispute the score: the reviewer decides on your reason."
    ]
    with _session() as session:
        assert (
            session.exec(select(Dispute).where(Dispute.evaluation_id == evaluation.id)).all() == []
        )
    at.text_area(key=f"{form}__0:reason").set_value(
        "The customer had **already** been verified by the IVR"
    )
    submit(at, form, "Send dispute")
    assert not at.error
    assert any(s.value.startswith("Sent: ") and "decides by" in s.value for s in at.success)
    page = texts(at)
    assert "disputed the score of" in page
    assert "The customer had **already** been verified by the IVR" in page  # as typed: text
    assert "Your dispute is open: add to it in a comment." in page


def _dispute_for_the_lead() -> int:
    """An open dispute the demo lead reviews: an agent of their team disputes an evaluation
    another lead scored (opened through core, as the agent's form would)."""
    with _session() as session:
        lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
        team = session.exec(select(Team).where(Team.lead_id == lead.id)).one()
        agents = session.exec(
            select(Person).where(Person.team_id == team.id, Person.email != "agent@example.com")
        ).all()
        for agent in agents:
            try:
                evaluation = _undisputed_evaluation(agent.email, not_by=lead.id)
            except StopIteration:
                continue
            opened = open_dispute(
                session,
                actor=load_actor(session, agent.id or 0),
                evaluation_id=evaluation.id or 0,
                reason="The callback was booked: see the ticket",
            )
            session.commit()
            return opened.id
    raise AssertionError("the demo has no evaluation for the lead to review")


def test_the_reviewer_adjusts_a_disputed_score_and_a_missing_score_is_refused(app_as) -> None:
    dispute_id = _dispute_for_the_lead()
    form = f"decide_{dispute_id}"
    at = app_as("lead@example.com", EVALUATIONS)
    assert any(t.label == "Disputes to review" for t in at.tabs)
    at.radio(key=f"{form}__0:decision").set_value(Decision.ADJUST)
    at.text_area(key=f"{form}__0:reason").set_value(
        "The ticket shows the callback: the next step was set"
    )
    submit(at, form, "Save decision")
    assert [e.value for e in at.error] == [
        "The adjusted score must be from 0 to 100 (the scorecard's scale)."
    ]
    with _session() as session:
        dispute = session.get(Dispute, dispute_id)
        assert dispute is not None and dispute.status is DisputeStatus.OPEN
    at.number_input(key=f"{form}__0:score").set_value(96.5)
    submit(at, form, "Save decision")
    assert not at.error
    assert any(s.value.startswith("Decided: adjusted") for s in at.success)
    with _session() as session:
        dispute = session.get(Dispute, dispute_id)
        assert dispute is not None and dispute.status is DisputeStatus.ADJUSTED
        evaluation = session.get(Evaluation, dispute.evaluation_id)
        assert evaluation is not None and evaluation.score == 96.5
        [point] = session.exec(
            select(Observation.value).where(
                Observation.reference == evaluation_reference(evaluation.id)
            )
        ).all()
        assert point == 96.5
