"""Who sees which disputes (an agent's own, a reviewer's queue and decisions, an evaluator's), and
the dispute and overturn rates per evaluator with their CSV."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import (
    Dispute,
    DisputeStatus,
    Evaluation,
    Person,
    Role,
)
from core.people import audit
from core.people.access import Actor, is_coach_of, owns_scorecards, require_view_person
from core.platform.csvio import write_csv
from core.platform.errors import AccessDenied, NotFound
from core.quality.disputes import DISPUTE, DisputeRead, _reads


def disputes_of(session: Session, *, actor: Actor, agent_id: int) -> list[DisputeRead]:
    """The agent's disputes with their history, newest first (whoever may see the agent)."""
    agent = session.get(Person, agent_id)
    if agent is None:
        raise NotFound(f"There is no person with id {agent_id}.")
    require_view_person(actor, agent)
    rows = session.exec(
        select(Dispute)
        .where(Dispute.agent_id == agent_id)
        .order_by(col(Dispute.opened_at).desc(), col(Dispute.id).desc())
    ).all()
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, agent_id) for d in rows]
    )
    return _reads(session, rows)


def disputes_to_review(session: Session, *, actor: Actor) -> list[DisputeRead]:
    """The open disputes `actor` may decide (of agents they coach, never of an evaluation they
    scored): their own first, then by due date. Empty for everyone who reviews none."""
    if actor.role not in (Role.TEAM_LEAD, Role.MANAGER):
        return []
    query = (
        select(Dispute, Person.team_id)
        .join(Person, col(Person.id) == Dispute.agent_id)
        .where(Dispute.status == DisputeStatus.OPEN, Dispute.evaluator_id != actor.id)
        .order_by(col(Dispute.due_date), col(Dispute.id))
    )
    rows = [d for d, team in session.exec(query).all() if is_coach_of(actor, team_id=team)]
    rows.sort(key=lambda d: d.owner_id != actor.id)  # stable: due date within each group
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, d.agent_id) for d in rows]
    )
    return _reads(session, rows)


def disputes_decided_by(session: Session, *, actor: Actor, limit: int = 50) -> list[DisputeRead]:
    """The disputes `actor` decided (at most `limit`), the newest decision first: the reviewer's
    own record of what they upheld or adjusted, and why."""
    rows = session.exec(
        select(Dispute)
        .where(Dispute.decided_by_id == actor.id)
        .order_by(col(Dispute.decided_at).desc(), col(Dispute.id).desc())
        .limit(limit)
    ).all()
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, d.agent_id) for d in rows]
    )
    return _reads(session, rows)


MIN_DECIDED_FOR_RATE = 5  # below this many decided disputes an overturn rate says little


@dataclass(frozen=True)
class EvaluatorDisputes:
    evaluator: str
    evaluations: int
    disputed: int
    decided: int
    adjusted: int

    @property
    def dispute_rate(self) -> float | None:
        return self.disputed / self.evaluations if self.evaluations else None

    @property
    def overturn_rate(self) -> float | None:
        return self.adjusted / self.decided if self.decided else None

    def disputed_words(self) -> str:
        """ "2 of 54 (4%)": the counts first, the share after them."""
        if not self.evaluations:
            return "—"
        return f"{self.disputed} of {self.evaluations} ({self.disputed / self.evaluations:.0%})"

    def overturn_words(self) -> str:
        """ "1 of 1 adjusted — too few to judge": the counts first; a share only once enough
        disputes are decided for it to mean something."""
        if not self.decided:
            return "none decided yet"
        counts = f"{self.adjusted} of {self.decided} adjusted"
        if self.decided < MIN_DECIDED_FOR_RATE:
            return f"{counts} — too few to judge"
        return f"{counts} ({self.adjusted / self.decided:.0%})"


def dispute_rates(
    session: Session, *, actor: Actor, start: dt.date, end: dt.date
) -> list[EvaluatorDisputes]:
    """Per evaluator, of the evaluations dated in [start, end]: how many were disputed, and of
    the decided disputes how many were adjusted (overturned). For managers, most disputed first."""
    if not owns_scorecards(actor):
        raise AccessDenied(
            "Dispute and overturn rates compare evaluators across teams: they are for managers."
        )
    in_period = (col(Evaluation.date) >= start) & (col(Evaluation.date) <= end)
    scored = Counter(session.exec(select(Evaluation.evaluator_id).where(in_period)).all())
    disputed: Counter[int] = Counter()
    decided: Counter[int] = Counter()
    adjusted: Counter[int] = Counter()
    seen: set[int] = set()
    for d in session.exec(
        select(Dispute)
        .join(Evaluation, col(Evaluation.id) == Dispute.evaluation_id)
        .where(in_period)
    ).all():
        if d.evaluation_id not in seen:  # an evaluation disputed twice counts once
            seen.add(d.evaluation_id)
            disputed[d.evaluator_id] += 1
        if d.status is not DisputeStatus.OPEN:
            decided[d.evaluator_id] += 1
            adjusted[d.evaluator_id] += d.status is DisputeStatus.ADJUSTED
    names = dict(
        session.exec(select(Person.id, Person.name).where(col(Person.id).in_(scored))).all()
    )
    rows = [
        EvaluatorDisputes(str(names[e]), n, disputed[e], decided[e], adjusted[e])
        for e, n in scored.items()
    ]
    return sorted(rows, key=lambda r: (-(r.dispute_rate or 0), r.evaluator))


RATES_CSV_HEADER = (
    "evaluator",
    "evaluations",
    "disputed",
    "dispute_rate",
    "decided",
    "adjusted",
    "overturn_rate",
)


def dispute_rates_csv(rows: Sequence[EvaluatorDisputes]) -> bytes:
    """The rates as numbers (shares from 0 to 1, empty where there is nothing to divide by),
    with the counts beside them: the page says them in words, the file keeps the figures."""
    return write_csv(
        RATES_CSV_HEADER,
        (
            (
                r.evaluator,
                r.evaluations,
                r.disputed,
                "" if r.dispute_rate is None else round(r.dispute_rate, 4),
                r.decided,
                r.adjusted,
                "" if r.overturn_rate is None else round(r.overturn_rate, 4),
            )
            for r in rows
        ),
    )


def open_dispute_counts(
    session: Session, *, agent_ids: Sequence[int], day: dt.date
) -> tuple[int, int]:
    """How many open disputes the agents have, and how many of them are overdue on `day` (no
    acting user: for the weekly digest job)."""
    dues = session.exec(
        select(col(Dispute.due_date)).where(
            Dispute.status == DisputeStatus.OPEN, col(Dispute.agent_id).in_(list(agent_ids))
        )
    ).all()
    return len(dues), sum(d < day for d in dues)


def disputes_of_my_evaluations(session: Session, *, actor: Actor) -> list[DisputeRead]:
    """The disputes of evaluations `actor` scored (at most 50): open first, then the newest.
    The evaluator follows them and reads the decision; someone else decides. Empty for
    everyone who scored none."""
    rows = session.exec(
        select(Dispute)
        .where(Dispute.evaluator_id == actor.id)
        .order_by(
            (col(Dispute.status) != DisputeStatus.OPEN),
            col(Dispute.opened_at).desc(),
            col(Dispute.id).desc(),
        )
        .limit(50)
    ).all()
    audit.record_reads(
        session, actor=actor, record_type=DISPUTE, rows=[(d.id, d.agent_id) for d in rows]
    )
    return _reads(session, rows)
