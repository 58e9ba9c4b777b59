"""Evaluator drift from the evaluations in Headway: the same estimator as the CLI, for managers,
in sentences, with the numbers and a CSV."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlmodel import Session

from core.models import Evaluation, Role, Scorecard
from core.people.access import load_actor
from core.quality.calibration import drift_csv, evaluator_drift
from core.quality.drift import Verdict
from tests.conftest import make_person, make_team

DAY = dt.date(2026, 11, 2)


def test_a_generous_evaluator_is_named_against_colleagues_on_the_same_agents(
    session: Session,
) -> None:
    rng = np.random.default_rng(3)
    teams = [make_team(session) for _ in range(3)]
    leads = [make_person(session, role=Role.TEAM_LEAD, team=t, leads=True) for t in teams]
    agents = [make_person(session, team=teams[i % 3]) for i in range(30)]
    manager = load_actor(session, make_person(session, role=Role.MANAGER).id)
    card = Scorecard(family="Voice", version=1, definition="{}")
    session.add(card)
    session.flush()
    strength = {a.id: rng.normal(0, 8) for a in agents}
    generous = leads[0]
    for agent in agents:
        for k in range(6):  # every lead scores every agent now and then
            lead = leads[k % 3]
            score = 75 + strength[agent.id] + (8 if lead is generous else 0) + rng.normal(0, 4)
            session.add(
                Evaluation(
                    agent_id=agent.id,
                    evaluator_id=lead.id,
                    scorecard_id=card.id,
                    date=DAY - dt.timedelta(days=k),
                    answers="[]",
                    score=float(np.clip(score, 0, 100)),
                )
            )
    session.flush()

    report = evaluator_drift(session, actor=manager, start=dt.date(2026, 10, 1), end=DAY)
    assert report.evaluations == 180
    # Against the average of the three: the generous one about +5.3, each colleague about -2.7.
    top = report.rows[0]
    assert top.evaluator_id == generous.id
    others = [r.result.leniency for r in report.rows[1:]]
    assert all(o is not None and abs(o + 8 / 3) < 2 for o in others), others
    assert top.result.verdict is Verdict.LENIENT
    assert top.result.low is not None and top.result.low > 0
    assert top.sentence.startswith(
        f"{generous.name} scores higher than colleagues on the same agents: about "
    )
    csv = drift_csv(report.rows).decode("utf-8-sig").splitlines()
    assert csv[0].startswith("evaluator,evaluations,agents scored,points above the average")
    assert csv[1].startswith(f"{generous.name},60,30,")

    nothing = evaluator_drift(
        session, actor=manager, start=DAY + dt.timedelta(days=1), end=DAY + dt.timedelta(days=9)
    )
    assert nothing.rows == [] and nothing.evaluations == 0
