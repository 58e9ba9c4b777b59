"""The agent's dispute form on Growth and the reviewer's decision on QA evaluations, as pages:
a refusal in one sentence that stores nothing, then the save and what each side reads."""

from __future__ import annotations

import json
import os

from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from core.models import (
    Dispute,
    DisputeStatus,
    Evaluation,
    Observation,
    Person,
    Scorecard,
)
from core.platform.db import make_engine
from core.quality.disputes import Decision, dispute_window_end
from core.quality.evaluations import evaluation_reference, parse_definition, score_answers
from tests.app.conftest import submit, texts
from tests.conftest import TODAY

GROWTH = "pages/growth.py"
EVALUATIONS = "pages/evaluations.py"


def _session() -> Session:
    return Session(make_engine(os.environ["DATABASE_URL"]))


def _undisputed_evaluation(email: str) -> Evaluation:
    """The newest evaluation of `email` that is still open to dispute and has no dispute."""
    with _session() as session:
        agent = session.exec(select(Person).where(Person.email == email)).one()
        query = (
            select(Evaluation)
            .where(Evaluation.agent_id == agent.id)
            .where(~select(Dispute.id).where(Dispute.evaluation_id == Evaluation.id).exists())
            .order_by(col(Evaluation.date).desc())
        )
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
    assert (
        "Your dispute is open: add to it in a comment below (whoever decides it reads it)." in page
    )


def _seeded_dispute_of_the_lead() -> tuple[int, int, str]:
    """The demo's open dispute that the demo lead owns: its id, evaluation and evaluator's e-mail."""
    with _session() as session:
        lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
        dispute = session.exec(  # the seed's (the first test here opens another of Alex's)
            select(Dispute)
            .where(Dispute.owner_id == lead.id, Dispute.status == DisputeStatus.OPEN)
            .order_by(col(Dispute.id))
        ).first()
        assert dispute is not None
        evaluator = session.get(Person, dispute.evaluator_id)
        assert evaluator is not None and evaluator.id != lead.id
        return dispute.id or 0, dispute.evaluation_id, evaluator.email


def _answer_radios(at: AppTest, form: str) -> list:
    return [r for r in at.radio if r.key and r.key.startswith(f"{form}__0:answer_")]


def test_the_lead_answers_the_disputed_questions_again_and_the_scorecard_scores_them(
    app_as,
) -> None:
    dispute_id, evaluation_id, _ = _seeded_dispute_of_the_lead()
    form = f"decide_{dispute_id}"
    at = app_as("lead@example.com", EVALUATIONS)
    # The tab says how many wait: it reads from any tab.
    assert any(t.label.startswith("Disputes to review (") for t in at.tabs)
    assert any("yours to decide" in e.label for e in at.expander)
    # Uphold (the default) asks for no answers: nothing confusing to combine.
    assert at.radio(key=f"{form}__0:decision").value is Decision.UPHOLD
    assert _answer_radios(at, form) == []
    at.radio(key=f"{form}__0:decision").set_value(Decision.ADJUST).run()
    radios = _answer_radios(at, form)
    assert len(radios) == 6  # the whole evaluation is disputed: any question
    at.text_area(key=f"{form}__0:reason").set_value("The ticket shows the callback was booked")
    submit(at, form, "Save decision")
    assert [e.value for e in at.error] == [
        "To adjust, answer at least one question differently from the evaluator; to keep the "
        "score, choose “uphold”."
    ]
    with _session() as session:
        dispute = session.get(Dispute, dispute_id)
        assert dispute is not None and dispute.status is DisputeStatus.OPEN
    resolved = next(r for r in _answer_radios(at, form) if "Resolved the issue" in r.label)
    resolved.set_value(5)
    submit(at, form, "Save decision")
    assert not at.error
    assert any(s.value.startswith("Decided: adjusted") for s in at.success)
    with _session() as session:
        dispute = session.get(Dispute, dispute_id)
        evaluation = session.get(Evaluation, evaluation_id)
        card = session.get(Scorecard, evaluation.scorecard_id) if evaluation else None
        assert dispute is not None and dispute.status is DisputeStatus.ADJUSTED
        assert evaluation is not None and card is not None
        answers = json.loads(evaluation.answers)
        assert answers[1][0] == 5
        expected = score_answers(parse_definition(json.loads(card.definition)), answers).score
        assert evaluation.score == dispute.new_score == expected
        [point] = session.exec(
            select(Observation.value).where(
                Observation.reference == evaluation_reference(evaluation.id)
            )
        ).all()
        assert point == expected


def test_the_evaluator_follows_the_dispute_of_their_evaluation_on_qa_evaluations(app_as) -> None:
    dispute_id, _, evaluator = _seeded_dispute_of_the_lead()
    at = app_as(evaluator, EVALUATIONS, dispute=str(dispute_id))
    page = texts(at)
    assert "Disputes of evaluations you scored" in page
    with _session() as session:
        dispute = session.get(Dispute, dispute_id)
        assert dispute is not None
        assert dispute.reason in page  # the agent's words, as text
    assert not any(r.key == f"decide_{dispute_id}__0:decision" for r in at.radio)


def test_the_agents_my_day_leads_to_their_evaluations_and_disputes(app_as) -> None:
    at = app_as("agent@example.com")
    assert "My QA evaluations" in texts(at)
    [link] = [
        link for link in at.get("page_link") if link.proto.label.startswith("Your QA evaluations")
    ]
    assert link.proto.page.endswith("growth") or "growth" in link.proto.page
