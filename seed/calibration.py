"""Demo calibration: one finished session (revealed, with agreed scores) in which the evaluators
agree on most items and disagree on how to score acknowledging the customer's situation."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
from sqlmodel import Session, select

from core.models import (
    CalibrationCall,
    CalibrationInvite,
    CalibrationReference,
    CalibrationScore,
    CalibrationSession,
    Person,
    Scorecard,
    id_of,
)
from core.quality.evaluations import Answer, parse_definition, score_answers

POORLY_AGREED = "Acknowledged the customer's situation"


def seed_calibration(
    session: Session, manager: Person, leads: list[Person], today: dt.date
) -> None:
    """A revealed session of six calls scored by the manager and three leads. A generator of its
    own, so every other demo draw stays the same."""
    rng = np.random.default_rng(20261125)
    evaluators = [manager, *leads[:3]]
    card = session.exec(select(Scorecard).where(Scorecard.active)).first()
    if card is None or len(evaluators) < 3:
        return
    sections = parse_definition(json.loads(card.definition))
    at = dt.datetime.combine(today - dt.timedelta(days=9), dt.time(9, 30), tzinfo=dt.UTC)
    row = CalibrationSession(
        title="Autumn calibration",
        scorecard_id=id_of(card),
        created_by_id=id_of(manager),
        created_at=at,
        revealed_at=at + dt.timedelta(days=6, hours=5),
        revealed_by_id=id_of(manager),
    )
    session.add(row)
    session.flush()
    session.add_all(
        CalibrationInvite(session_id=id_of(row), evaluator_id=id_of(p), invited_at=at)
        for p in evaluators
    )
    calls = [
        CalibrationCall(
            session_id=id_of(row),
            position=n,
            reference=f"CALL-{int(rng.integers(10000, 99999))}",
            link=f"https://recordings.example.com/calls/{int(rng.integers(100000, 999999))}"
            if n % 2
            else "",
        )
        for n in range(1, 7)
    ]
    session.add_all(calls)
    session.flush()
    for k, call in enumerate(calls):
        truth: list[list[Answer]] = [
            [
                ("yes" if rng.random() < 0.85 else "no")
                if q.kind == "yes_no"
                else int(rng.integers(3, 6))
                for q in s.questions
            ]
            for s in sections
        ]
        for e, person in enumerate(evaluators):
            answers: list[list[Answer]] = []
            for s, section in zip(truth, sections, strict=True):
                row_answers: list[Answer] = []
                for answer, q in zip(s, section.questions, strict=True):
                    if q.text == POORLY_AGREED:  # nobody agrees what "acknowledged" means
                        row_answers.append(int(rng.integers(1, 6)))
                    elif q.kind == "scale":
                        row_answers.append(
                            int(min(5, max(1, int(answer) + int(rng.integers(-1, 2)))))
                        )
                    else:
                        row_answers.append(answer)
                answers.append(row_answers)
            result = score_answers(sections, answers)
            session.add(
                CalibrationScore(
                    call_id=id_of(call),
                    evaluator_id=id_of(person),
                    answers=json.dumps(answers),
                    score=result.score,
                    critical_failed=result.critical_failed,
                    scored_at=at + dt.timedelta(days=1 + e, hours=k),
                )
            )
        if k < 4:
            result = score_answers(sections, truth)
            session.add(
                CalibrationReference(
                    call_id=id_of(call),
                    answers=json.dumps(truth),
                    score=result.score,
                    critical_failed=result.critical_failed,
                    notes="Acknowledging means naming the customer's situation back to them "
                    "before troubleshooting, not only saying sorry.",
                    by_id=id_of(manager),
                    at=at + dt.timedelta(days=7),
                )
            )
    session.flush()
