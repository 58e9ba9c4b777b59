"""A calibration session as one evaluator or its runner reads it (`session_view`): the calls,
the reader's own scores before the reveal and everyone's after it, the agreed reference, each
evaluator's progress, and the agreement per item once revealed. Running a session (creating,
scoring, the reveal, the reference) is `calibration_sessions`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import (
    CalibrationCall,
    CalibrationInvite,
    CalibrationReference,
    CalibrationScore,
    Scorecard,
)
from core.people.access import Actor, owns_scorecards
from core.quality.agreement import (
    ItemAgreement,
    OverallAgreement,
    item_agreement,
    overall_agreement,
)
from core.quality.calibration_sessions import Progress, _load, _names, _require_member
from core.quality.evaluations import Answer, Section, parse_definition


@dataclass(frozen=True)
class ScoreRead:
    evaluator_id: int
    evaluator: str
    answers: list[list[Answer]]
    score: float
    critical_failed: bool
    scored_at: dt.datetime


@dataclass(frozen=True)
class ReferenceRead:
    answers: list[list[Answer]]
    score: float
    critical_failed: bool
    notes: str
    by: str
    at: dt.datetime
    earlier: int  # how many references were recorded before this one


@dataclass(frozen=True)
class CallRead:
    id: int
    position: int
    reference: str
    link: str
    scores: list[ScoreRead]  # before the reveal: the reader's own only
    agreed: ReferenceRead | None


@dataclass(frozen=True)
class SessionView:
    id: int
    title: str
    created_by: str
    created_at: dt.datetime
    revealed_at: dt.datetime | None
    revealed_by: str
    sections: tuple[Section, ...]
    scorecard: str
    calls: list[CallRead]
    progress: list[Progress]
    invited: bool  # the reader scores
    runs: bool  # the reader may reveal and record references (a manager)
    items: list[ItemAgreement]  # after the reveal only
    overall: OverallAgreement | None  # after the reveal only

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None

    @property
    def poorly_agreed(self) -> list[ItemAgreement]:
        return [i for i in self.items if i.poor]

    @property
    def unfinished(self) -> list[Progress]:
        """The invited evaluators who have not scored every interaction."""
        return [p for p in self.progress if p.scored < len(self.calls)]

    @property
    def progress_sentence(self) -> str:
        """Who has scored how many: "so far" while scoring is open, final after the reveal."""
        n = len(self.calls)
        each = "; ".join(f"{p.name} {p.scored} of {n}" for p in self.progress)
        if self.revealed:
            return f"Scored before the reveal (final: nobody can score any more): {each}."
        return f"Scored so far: {each}."


def session_view(session: Session, *, actor: Actor, calibration_id: int) -> SessionView:
    """The session as `actor` may see it: before the reveal, their own scores and everyone's
    progress (counts only); after it, every score, the agreement and the agreed references."""
    row = _load(session, calibration_id)
    invited = _require_member(session, actor, row)
    card = session.get(Scorecard, row.scorecard_id)
    assert card is not None
    sections = parse_definition(json.loads(card.definition))
    calls = session.exec(
        select(CalibrationCall)
        .where(CalibrationCall.session_id == calibration_id)
        .order_by(col(CalibrationCall.position))
    ).all()
    call_ids = [c.id for c in calls]
    scores_query = select(CalibrationScore).where(col(CalibrationScore.call_id).in_(call_ids))
    all_scores = session.exec(scores_query.order_by(col(CalibrationScore.id))).all()
    invites = session.exec(
        select(CalibrationInvite).where(CalibrationInvite.session_id == calibration_id)
    ).all()
    names = _names(
        session,
        [i.evaluator_id for i in invites] + [row.created_by_id, row.revealed_by_id],
    )
    revealed = row.revealed_at is not None
    shown = [s for s in all_scores if revealed or s.evaluator_id == actor.id]
    references = session.exec(
        select(CalibrationReference)
        .where(col(CalibrationReference.call_id).in_(call_ids))
        .order_by(col(CalibrationReference.id))
    ).all()
    ref_names = _names(session, [r.by_id for r in references])
    evaluators = sorted({i.evaluator_id for i in invites}, key=lambda i: names.get(i, ""))
    call_reads = []
    for c in calls:
        mine = [r for r in references if r.call_id == c.id]
        latest = mine[-1] if mine else None
        call_reads.append(
            CallRead(
                c.id or 0,
                c.position,
                c.reference,
                c.link,
                [
                    ScoreRead(
                        s.evaluator_id,
                        names.get(s.evaluator_id, "?"),
                        json.loads(s.answers),
                        s.score,
                        s.critical_failed,
                        s.scored_at,
                    )
                    for s in sorted(shown, key=lambda s: evaluators.index(s.evaluator_id))
                    if s.call_id == c.id
                ],
                None
                if latest is None
                else ReferenceRead(
                    json.loads(latest.answers),
                    latest.score,
                    latest.critical_failed,
                    latest.notes,
                    ref_names.get(latest.by_id, "?"),
                    latest.at,
                    len(mine) - 1,
                ),
            )
        )
    items: list[ItemAgreement] = []
    overall = None
    if revealed:
        items, overall = _agreement(sections, call_reads, evaluators)
    return SessionView(
        row.id or 0,
        row.title,
        names.get(row.created_by_id, "?"),
        row.created_at,
        row.revealed_at,
        names.get(row.revealed_by_id or 0, ""),
        sections,
        f"{card.family} (version {card.version})",
        call_reads,
        [
            Progress(e, names.get(e, "?"), sum(1 for s in all_scores if s.evaluator_id == e))
            for e in evaluators
        ],
        invited,
        owns_scorecards(actor),
        items,
        overall,
    )


def _agreement(
    sections: tuple[Section, ...], calls: Sequence[CallRead], evaluators: Sequence[int]
) -> tuple[list[ItemAgreement], OverallAgreement]:
    def answer_of(call: CallRead, evaluator: int, s: int, q: int) -> Answer | None:
        for score in call.scores:
            if score.evaluator_id == evaluator:
                return score.answers[s][q]
        return None

    items = [
        item_agreement(
            section.title,
            question.text,
            question.kind,
            [[answer_of(c, e, s, q) for e in evaluators] for c in calls],
        )
        for s, section in enumerate(sections)
        for q, question in enumerate(section.questions)
    ]
    scores = [
        [next((x.score for x in c.scores if x.evaluator_id == e), None) for e in evaluators]
        for c in calls
    ]
    return items, overall_agreement(items, scores)
