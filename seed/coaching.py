"""Demo coaching: a scorecard, recent evaluations, coaching notes with follow-ups, and known
coaching effects planted in the QA history for the growth pages to find."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from sqlmodel import Session

from core.metrics.observations import bulk_insert_observations
from core.models import Channel, CoachingNote, Evaluation, Person, Team, id_of
from core.quality.evaluations import Answer, Section
from seed.days import working_day_on_or_after, working_day_on_or_before

TO_TRY = (
    (
        "qa_score",
        "Opening and empathy",
        "Use the customer's name and acknowledge the situation before troubleshooting.",
    ),
    (
        "fcr",
        "Resolution",
        "Before closing, ask whether anything else is unresolved and set one clear next step.",
    ),
    ("aht_seconds", "", "Use the new order-lookup shortcut instead of the three-screen search."),
    (
        "repeat_contact_rate",
        "Resolution",
        "Offer to check back in tomorrow instead of ending with good luck.",
    ),
    (
        "csat",
        "Opening and empathy",
        "Summarise what you will do and by when, in the customer's words.",
    ),
)


def _answers(
    sections: Sequence[Section], rng: np.random.Generator, bias: int
) -> list[list[Answer]]:
    """One evaluation's answers: yes 9 times in 10 (a critical question 97 in 100, a fail zeroes
    the score); scale questions 3–5, a point higher for the
    generous evaluator and a point lower for the strict one (about 7–10 points of the score)."""
    return [
        [
            ("yes" if rng.random() < (0.97 if q.critical else 0.9) else "no")
            if q.kind == "yes_no"
            else min(5, max(1, int(rng.integers(3, 6)) + bias))
            for q in s.questions
        ]
        for s in sections
    ]


def seed_coaching(
    session: Session,
    teams: list[Team],
    agents: list[Person],
    today: dt.date,
    rng: np.random.Generator,
) -> None:
    """A scorecard, recent evaluations, and coaching notes with follow-ups (some overdue)."""
    import json

    from core.models import FollowUp, Scorecard
    from core.quality.evaluations import (
        DEFAULT_FORM,
        evaluation_reference,
        parse_definition,
        score_answers,
    )

    leads = {t.id: lead for t in teams if (lead := t.lead_id) is not None}
    # Cross-scoring, as QA teams do: about a third of an agent's evaluations come from another
    # team's lead, so evaluators share agents and can be compared (evaluator drift). The first
    # team's lead scores generously and the second's strictly (planted for the demo: Quality →
    # Evaluator drift names them). A separate generator, so every other demo draw stays the same.
    mix = np.random.default_rng(20261124)
    evaluators = sorted(set(leads.values()))
    lenient = leads.get(teams[0].id) if teams else None
    harsh = leads.get(teams[1].id) if len(teams) > 1 else None
    card = Scorecard(family="Voice quality", version=1, definition=json.dumps(DEFAULT_FORM))
    session.add(card)
    session.flush()
    card_id = id_of(card)
    sections = parse_definition(DEFAULT_FORM)
    evaluations = []
    for person in agents:
        for week in range(int(rng.integers(1, 4))):
            evaluator = leads[person.team_id]
            if len(evaluators) > 1 and mix.random() < 0.35:
                evaluator = evaluators[int(mix.integers(len(evaluators)))]
            bias = 1 if evaluator == lenient else -1 if evaluator == harsh else 0
            answers = _answers(sections, rng, bias)
            result = score_answers(sections, answers)
            evaluations.append(
                Evaluation(
                    agent_id=id_of(person),
                    evaluator_id=evaluator,
                    scorecard_id=card_id,
                    interaction_ref=f"CALL-{int(rng.integers(10000, 99999))}",
                    channel=Channel.PHONE,
                    date=working_day_on_or_before(
                        today - dt.timedelta(days=7 * week + int(rng.integers(0, 5)))
                    ),
                    answers=json.dumps(answers),
                    score=result.score,
                    critical_failed=result.critical_failed,
                )
            )
    # Earlier months of cross-scoring (from the separate generator): enough evaluations per
    # evaluator on shared agents for the drift estimate to say something.
    for person in agents if len(evaluators) > 1 else []:
        for _ in range(5):
            evaluator = evaluators[int(mix.integers(len(evaluators)))]
            bias = 1 if evaluator == lenient else -1 if evaluator == harsh else 0
            answers = _answers(sections, mix, bias)
            result = score_answers(sections, answers)
            evaluations.append(
                Evaluation(
                    agent_id=id_of(person),
                    evaluator_id=evaluator,
                    scorecard_id=card_id,
                    interaction_ref=f"CALL-{int(mix.integers(10000, 99999))}",
                    channel=Channel.PHONE,
                    date=working_day_on_or_before(
                        today - dt.timedelta(days=int(mix.integers(28, 180)))
                    ),
                    answers=json.dumps(answers),
                    score=result.score,
                    critical_failed=result.critical_failed,
                )
            )
    _give_channels(evaluations)
    session.add_all(evaluations)
    session.flush()
    bulk_insert_observations(
        session,
        [
            (e.agent_id, e.date, "qa_score", e.score, "evaluation", evaluation_reference(e.id))
            for e in evaluations
        ],
    )
    notes = []
    for person in agents:
        for _ in range(int(rng.integers(0, 4))):
            metric, section, to_try = TO_TRY[
                0 if rng.random() < 0.5 else int(rng.integers(1, len(TO_TRY)))
            ]
            day = working_day_on_or_before(today - dt.timedelta(days=int(rng.integers(1, 300))))
            recent = (today - day).days < 21
            follow = working_day_on_or_after(day + dt.timedelta(days=int(rng.integers(1, 10))))
            notes.append(
                CoachingNote(
                    agent_id=id_of(person),
                    coach_id=leads[person.team_id],
                    date=day,
                    focus_metric=metric,
                    focus_section=section,
                    went_well="Calm tone and accurate notes on the account.",
                    to_try=to_try,
                    actions="Try it on five calls this week; I'll check back in with you.",
                    follow_up_date=follow if recent else None,
                    closed=not recent,
                )
            )
    session.add_all(notes)
    session.flush()
    _plant_coaching_effects(session, notes, rng)
    session.add_all(
        FollowUp(
            note_id=id_of(n),
            date=working_day_on_or_after(n.date + dt.timedelta(days=7)),
            outcome="Tried it on most calls; customers noticed.",
            next_step="Keep it up.",
            closes=True,
            by_id=n.coach_id,
        )
        for n in notes
        if n.closed
    )


# Which channels an agent works on (a quarter phone only, half phone and chat, a quarter e-mail
# too), and how often each comes up among their evaluations.
CHANNEL_MIXES = (
    (Channel.PHONE,),
    (Channel.PHONE, Channel.CHAT),
    (Channel.PHONE, Channel.CHAT, Channel.EMAIL),
)
CHANNEL_WEIGHT = {Channel.PHONE: 6.0, Channel.CHAT: 3.0, Channel.EMAIL: 1.0}
REFERENCE_PREFIX = {Channel.PHONE: "CALL", Channel.CHAT: "CHAT", Channel.EMAIL: "MAIL"}


def _give_channels(evaluations: Sequence[Evaluation]) -> None:
    """Each evaluation's channel (and its reference's prefix), from a generator of its own so
    every other demo draw stays the same: fair sampling splits the draw by these channels."""
    rng = np.random.default_rng(20261127)
    mixes: dict[int, tuple[Channel, ...]] = {}
    for e in evaluations:
        if e.agent_id not in mixes:
            mixes[e.agent_id] = CHANNEL_MIXES[int(rng.choice(3, p=[0.25, 0.5, 0.25]))]
        mix = mixes[e.agent_id]
        weights = np.array([CHANNEL_WEIGHT[c] for c in mix])
        channel = mix[int(rng.choice(len(mix), p=weights / weights.sum()))]
        e.channel = channel
        e.interaction_ref = f"{REFERENCE_PREFIX[channel]}-{e.interaction_ref.split('-', 1)[1]}"


PLANTED_QA_EFFECTS = (
    0.0,
    3.0,
    6.0,
)  # points: some coaching does nothing, some helps a little, some more


def _plant_coaching_effects(
    session: Session, notes: list[CoachingNote], rng: np.random.Generator
) -> None:
    """Known effects for the growth pages to find: after a QA-focused note, the agent's QA
    scores for 60 days move by 0, 3 or 6 points (noise and the season are already there). The
    scores of evaluations stay as scored (an auto-fail stays 0), the imported ones move."""
    from sqlalchemy import text

    statement = text(
        "UPDATE observation SET value = MIN(100, value + :lift) WHERE person_id = :person "
        "AND metric = 'qa_score' AND source <> 'evaluation' AND date >= :first AND date <= :last"
        if session.get_bind().dialect.name == "sqlite"
        else "UPDATE observation SET value = LEAST(100, value + :lift) WHERE person_id = :person "
        "AND metric = 'qa_score' AND source <> 'evaluation' AND date >= :first AND date <= :last"
    )
    params = [
        {
            "lift": lift,
            "person": n.agent_id,
            "first": n.date,
            "last": n.date + dt.timedelta(days=59),
        }
        for n in notes
        if n.focus_metric == "qa_score" and (lift := float(rng.choice(PLANTED_QA_EFFECTS))) > 0
    ]
    if params:
        session.execute(statement, params)
