"""What the agent reads about their QA evaluations and disputes: their own steps as "you", the
decider with their role, one score format in pages and messages, each decision's outcome on My
day, a 1:1 sign-off waiting for them, and their evaluations apart from imported QA scores."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.coaching.conversation import propose_agreement, sign_agreement
from core.growth.agent import growth_data
from core.home.agent import agent_day
from core.models import CoachingNote, DisputeStep, Notification, Observation
from core.quality.dispute_reads import disputes_of
from core.quality.dispute_review import decide_dispute
from core.quality.disputes import Decision, StepRead, open_dispute
from core.quality.evaluations import list_evaluations, score_text
from core.quality.glance import qa_glance
from tests.conftest import TODAY, actor_of
from tests.integration.test_disputes import CHECK_BACK, _evaluate
from ui.growth import evaluation_hovers, metric_figure


def test_score_text_is_whole_points_with_a_percent_sign() -> None:
    assert (score_text(95.83), score_text(100.0), score_text(0.0)) == ("96%", "100%", "0%")
    assert score_text(None) == "—"


def test_the_agent_reads_their_own_steps_as_you_and_the_decider_by_name_and_role(
    session: Session, org: dict
) -> None:
    agent = actor_of(session, org["red_agent"])
    manager = actor_of(session, org["manager"])
    opened = open_dispute(
        session, actor=agent, evaluation_id=_evaluate(session, org), reason="Dropped line"
    )
    [step] = opened.history
    assert " — you disputed the score of " in step.sentence(agent.id)
    assert f" — {agent.name} disputed the score of " in step.sentence(manager.id)
    assert opened.owner_role == "manager"
    assert opened.state(agent.id).startswith(f"open: {manager.name} (manager) decides by ")
    assert opened.state(manager.id).startswith("open: you decide by ")
    decided = decide_dispute(
        session,
        actor=manager,
        dispute_id=opened.id,
        decision=Decision.ADJUST,
        reason="A dropped line is not the agent's doing",
        answers={CHECK_BACK: "na"},
    )
    assert decided.new_score is not None and decided.new_score != round(decided.new_score)
    adjusted = decided.history[-1].sentence(manager.id)
    assert f"you adjusted the score from {score_text(decided.old_score)} to " in adjusted
    # One format in the message too: "now 79%" with its sign, never "now 79.17".
    title = session.exec(
        select(Notification.title).where(
            Notification.person_id == agent.id,
            Notification.subject == f"dispute:{opened.id}:decided",
        )
    ).one()
    assert title.endswith(
        f"your score is now {score_text(decided.new_score)} (was {score_text(decided.old_score)})"
    )


def test_my_day_says_how_each_dispute_was_decided(session: Session, org: dict) -> None:
    agent = actor_of(session, org["red_agent"])
    manager = actor_of(session, org["manager"])
    first, second = _evaluate(session, org, days_ago=3), _evaluate(session, org, days_ago=5)
    for evaluation, decision in ((first, Decision.ADJUST), (second, Decision.UPHOLD)):
        opened = open_dispute(session, actor=agent, evaluation_id=evaluation, reason="x")
        done = decide_dispute(
            session,
            actor=manager,
            dispute_id=opened.id,
            decision=decision,
            reason="Looked again",
            answers={CHECK_BACK: "na"} if decision is Decision.ADJUST else None,
        )
        if decision is Decision.ADJUST:
            adjusted = done
    said = qa_glance(session, agent_id=agent.id, day=TODAY).sentences()
    day1 = f"{TODAY - dt.timedelta(days=3):%-d %b}"
    day2 = f"{TODAY - dt.timedelta(days=5):%-d %b}"
    assert (
        f"Your dispute of the {day1} evaluation was adjusted from "
        f"{score_text(adjusted.old_score)} to {score_text(adjusted.new_score)}."
    ) in said
    assert any(
        s.startswith(f"Your dispute of the {day2} evaluation was upheld: the score of ")
        for s in said
    )
    assert not any("decided in the last four weeks" in s for s in said)


def test_my_day_flags_a_sign_off_waiting_for_the_agent(session: Session, org: dict) -> None:
    agent = actor_of(session, org["red_agent"])
    lead = actor_of(session, org["red_lead"])
    note = CoachingNote(
        agent_id=agent.id, coach_id=lead.id, date=TODAY - dt.timedelta(days=2), to_try="Recap"
    )
    session.add(note)
    session.flush()
    assert note.id is not None
    assert agent_day(session, actor=agent, day=TODAY).to_sign == ()
    agreement = propose_agreement(session, actor=lead, note_id=note.id, text="Recap every call")
    ahead = agent_day(session, actor=agent, day=TODAY)
    [waiting] = ahead.to_sign
    assert (waiting.note_id, waiting.coach) == (note.id, lead.name)
    assert (
        f"{lead.name} signed what you agreed on in your 1:1 of {note.date:%-d %b} and waits "
        "for your signature."
    ) in ahead.headline()
    sign_agreement(session, actor=agent, note_id=note.id, agreement_id=agreement.id)
    assert agent_day(session, actor=agent, day=TODAY).to_sign == ()


def test_the_trend_shows_evaluations_apart_from_imported_qa_scores(
    session: Session, org: dict
) -> None:
    agent = actor_of(session, org["red_agent"])
    manager = actor_of(session, org["manager"])
    evaluation = _evaluate(session, org, days_ago=3)
    day = TODAY - dt.timedelta(days=3)
    session.add(  # an imported QA score the same day
        Observation(person_id=agent.id, date=day, metric="qa_score", value=71.3, source="import")
    )
    opened = open_dispute(session, actor=agent, evaluation_id=evaluation, reason="x")
    decided = decide_dispute(
        session,
        actor=manager,
        dispute_id=opened.id,
        decision=Decision.ADJUST,
        reason="Looked again",
        answers={CHECK_BACK: "na"},
    )
    data = growth_data(
        session, actor=agent, agent_id=agent.id, start=TODAY - dt.timedelta(days=30), end=TODAY
    )
    assert data.evaluation_points == ((day, decided.new_score, evaluation),)
    assert data.imported_qa() == [(day, 71.3)]
    assert len(data.series["qa_score"]) == 2  # the mean is of both, as on My day
    hovers = evaluation_hovers(
        list_evaluations(session, actor=agent, agent_id=agent.id),
        disputes_of(session, actor=agent, agent_id=agent.id),
        mine=True,
    )
    figure = metric_figure(data, "qa_score", hovers=hovers, mine=True)
    traces = {t.name: t for t in figure.data}
    assert list(traces["QA scores imported"].y) == [71.3]
    mine = traces["Your QA evaluations"]
    assert list(mine.y) == [decided.new_score]
    assert mine.marker.symbol == "diamond"
    [hover] = mine.customdata
    assert f"Your QA evaluation of {day:%-d %b %Y}: {score_text(decided.new_score)}" in hover
    assert f"<b>adjusted</b> (from {score_text(decided.old_score)}) by {manager.name}" in hover
    assert "%{y:.1f}%" in traces["28-day mean"].hovertemplate  # 79.4%, never 79.39231
    assert tuple(figure.layout.yaxis.range) == (0, 100)  # the metric's whole axis


def test_an_adjustment_never_reads_96_to_96() -> None:
    at = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)

    def adjusted(old: float, new: float) -> str:
        return StepRead(DisputeStep.ADJUSTED, "Morgan Manager", at, "", old, new).sentence()

    assert adjusted(68.75, 77.08).endswith("adjusted the score from 69% to 77%")
    assert adjusted(95.6, 96.4).endswith("adjusted the score from 95.6% to 96.4%")
    assert adjusted(95.83, 95.83).endswith("adjusted the answers; the score stays 96%")
