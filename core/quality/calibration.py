"""Fair scoring in Headway: each evaluator's leniency from the evaluations recorded here.

The estimate is `core.quality.drift.evaluator_leniency`, the one behind `headway evaluator-drift`: points
above the average evaluator on the same agents, adjusted for who each evaluator happened to score,
with a 95 % interval; "not enough data" under 10 evaluations or without colleagues scoring the
same agents. Managers (who own the scorecards) see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import Evaluation, Person
from core.people.access import Actor, require_quality_oversight
from core.platform.csvio import write_csv
from core.quality.drift import (
    VERDICT_WORDS,
    EvaluatorLeniency,
    Verdict,
    evaluator_leniency,
    leniency_sentence,
)

_ORDER = {Verdict.HARSH: 0, Verdict.LENIENT: 0, Verdict.IN_LINE: 1, Verdict.NOT_ENOUGH_DATA: 2}


@dataclass(frozen=True)
class DriftRow:
    evaluator_id: int
    name: str
    result: EvaluatorLeniency

    @property
    def sentence(self) -> str:
        return leniency_sentence(self.result, self.name)


@dataclass(frozen=True)
class DriftReport:
    start: dt.date
    end: dt.date
    evaluations: int
    rows: list[DriftRow]  # the flagged first (furthest from the average first), then in line

    @property
    def flagged(self) -> list[DriftRow]:
        return [r for r in self.rows if r.result.verdict in (Verdict.LENIENT, Verdict.HARSH)]


def evaluator_drift(session: Session, *, actor: Actor, start: dt.date, end: dt.date) -> DriftReport:
    """Every evaluator's leniency over the evaluations dated start..end (managers only)."""
    require_quality_oversight(actor)
    found = session.exec(
        select(Evaluation.evaluator_id, Evaluation.agent_id, Evaluation.score).where(
            col(Evaluation.date) >= start, col(Evaluation.date) <= end
        )
    ).all()
    results = evaluator_leniency(
        [str(e) for e, _, _ in found], [str(a) for _, a, _ in found], [s for _, _, s in found]
    )
    ids = [int(r.evaluator) for r in results]
    names = dict(session.exec(select(Person.id, Person.name).where(col(Person.id).in_(ids))).all())
    rows = [DriftRow(int(r.evaluator), names.get(int(r.evaluator), "?"), r) for r in results]
    rows.sort(
        key=lambda r: (_ORDER[r.result.verdict], -abs(r.result.leniency or 0.0), r.name.lower())
    )
    return DriftReport(start, end, len(found), rows)


DRIFT_CSV_HEADER = (
    "evaluator",
    "evaluations",
    "agents scored",
    "points above the average evaluator",
    "95% interval low",
    "95% interval high",
    "verdict",
    "in words",
)


def drift_csv(rows: Sequence[DriftRow]) -> bytes:
    return write_csv(
        DRIFT_CSV_HEADER,
        (
            (
                r.name,
                r.result.evaluations,
                r.result.agents,
                *(
                    "" if x is None else round(x, 1)
                    for x in (r.result.leniency, r.result.low, r.result.high)
                ),
                VERDICT_WORDS[r.result.verdict],
                r.sentence,
            )
            for r in rows
        ),
    )
