"""An agent's QA at a glance for My day: recent evaluations, open and decided disputes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import (
    Dispute,
    DisputeStatus,
    Evaluation,
    Person,
    Role,
)
from core.platform.config import get_settings
from core.quality.disputes import _pct, _scores, dispute_window_end

RECENT_DAYS = 28  # "recent" evaluations and decisions on the agent's My day


@dataclass(frozen=True)
class QaGlance:
    """An agent's QA evaluations and disputes at a glance, for My day."""

    recent: int  # evaluations dated in the last RECENT_DAYS
    disputable: int  # evaluations still inside the dispute window and never disputed
    open_disputes: tuple[tuple[dt.date, str, dt.date], ...]  # (evaluation date, owner, due)
    decided: int  # disputes decided in the last RECENT_DAYS
    open_evaluation: int | None  # the evaluation of the first open dispute, to open it
    # the disputes decided in the last RECENT_DAYS, newest decision first:
    # (evaluation date, outcome, score before, score after an adjustment)
    decisions: tuple[tuple[dt.date, DisputeStatus, float, float | None], ...] = ()

    def link_label(self) -> str:
        """The link's words: the evaluations, and what waits in them."""
        if self.open_disputes:
            n = len(self.open_disputes)
            return f"Your QA evaluations — {n} open dispute{'' if n == 1 else 's'}"
        if self.decided:
            return f"Your QA evaluations — {self.decided} dispute{'' if self.decided == 1 else 's'} decided"
        return "Your QA evaluations and disputes"

    def sentences(self) -> list[str]:
        said = [
            f"{self.recent} QA evaluation{'' if self.recent == 1 else 's'} of yours in the last "
            "four weeks."
            if self.recent
            else "No QA evaluation of yours in the last four weeks."
        ]
        for day, owner, due in self.open_disputes:
            said.append(
                f"Your dispute of the evaluation of {day:%-d %b} is open: {owner} decides by "
                f"{due:%a %-d %b}."
            )
        for day, status, old, new in self.decisions:
            if status is DisputeStatus.UPHELD:
                outcome = f"upheld: the score of {_pct(old)} stands"
            elif old == new:
                outcome = f"adjusted: the answers changed, the score stays {_pct(new)}"
            else:
                outcome = "adjusted from {} to {}".format(*_scores(old, new))
            said.append(f"Your dispute of the {day:%-d %b} evaluation was {outcome}.")
        if self.decided:
            said.append("Read the reason for each decision with the evaluation.")
        if self.disputable:
            said.append(
                f"{self.disputable} evaluation{'' if self.disputable == 1 else 's'} can still be "
                "disputed if you think a score is wrong."
            )
        return said


def qa_glance(session: Session, *, agent_id: int, day: dt.date) -> QaGlance:
    """The agent's evaluations and disputes at a glance (no acting user: the caller checks that
    it is the agent's own, as My day does)."""
    window = dt.timedelta(days=get_settings().dispute_days)
    evaluations = session.exec(
        select(col(Evaluation.id), col(Evaluation.date)).where(
            Evaluation.agent_id == agent_id,
            Evaluation.date >= day - max(window, dt.timedelta(days=RECENT_DAYS - 1)),
            Evaluation.date <= day,
        )
    ).all()
    disputes = [
        (d, on, f"{name} ({Role(role).label.lower()})")  # who decides, with their role
        for d, on, name, role in session.exec(
            select(Dispute, col(Evaluation.date), col(Person.name), col(Person.role))
            .join(Evaluation, col(Evaluation.id) == Dispute.evaluation_id)
            .join(Person, col(Person.id) == Dispute.owner_id)
            .where(Dispute.agent_id == agent_id)
            .order_by(col(Dispute.due_date), col(Dispute.id))
        ).all()
    ]
    disputed = {d.evaluation_id for d, _, _ in disputes}
    since = day - dt.timedelta(days=RECENT_DAYS - 1)
    open_ones = [(d, on, str(owner)) for d, on, owner in disputes if d.status is DisputeStatus.OPEN]
    decided = sorted(
        (
            (d, on)
            for d, on, _ in disputes
            if d.decided_at is not None and _local_day(d.decided_at) >= since
        ),
        key=lambda pair: pair[0].decided_at or dt.datetime.min,
        reverse=True,
    )
    return QaGlance(
        recent=sum(on >= since for _, on in evaluations),
        disputable=sum(
            i not in disputed and dispute_window_end(on) >= day for i, on in evaluations
        ),
        open_disputes=tuple((on, owner, d.due_date) for d, on, owner in open_ones),
        decided=len(decided),
        open_evaluation=open_ones[0][0].evaluation_id if open_ones else None,
        decisions=tuple((on, d.status, d.old_score, d.new_score) for d, on in decided),
    )


def _local_day(at: dt.datetime) -> dt.date:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(get_settings().tz).date()
