"""What the agent growth page shows: one agent's metric series with coaching notes, PD days
and rotation terms, read in a few indexed queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.coaching.notes import NoteRead, notes_about
from core.models import METRICS, Assignment, Department, Observation, PdDay, Person, Term
from core.people.access import Actor, require_view_person
from core.platform.errors import NotFound
from core.quality.evaluations import EVALUATION_REFERENCE

# Target bands a contact centre would use; a chart shades them so the eye finds "good".
TARGETS: dict[str, tuple[float, float]] = {
    "qa_score": (85, 100),
    "csat": (4.3, 5),
    "fcr": (0.75, 1),
    "repeat_contact_rate": (0, 0.12),
    "aht_seconds": (300, 480),
    "ces": (5.5, 7),
}


@dataclass(frozen=True)
class GrowthData:
    agent_id: int
    agent_name: str
    series: dict[str, list[tuple[dt.date, float]]]
    notes: list[NoteRead]
    pd_days: list[dt.date]
    rotations: list[tuple[dt.date, dt.date, str]]
    # The QA points that are evaluations made in Headway (day, score, evaluation id); they are
    # in series["qa_score"] too, beside the QA scores imported from elsewhere.
    evaluation_points: tuple[tuple[dt.date, float, int], ...] = ()

    def imported_qa(self) -> list[tuple[dt.date, float]]:
        """series["qa_score"] without the evaluations made in Headway."""
        left = Counter((day, value) for day, value, _ in self.evaluation_points)
        kept = []
        for point in self.series.get("qa_score", []):
            if left[point] > 0:
                left[point] -= 1
            else:
                kept.append(point)
        return kept


def growth_data(
    session: Session, *, actor: Actor, agent_id: int, start: dt.date, end: dt.date
) -> GrowthData:
    person = session.get(Person, agent_id)
    if person is None:
        raise NotFound(f"There is no person with id {agent_id}.")
    require_view_person(actor, person)
    series: dict[str, list[tuple[dt.date, float]]] = {m: [] for m in METRICS}
    evaluated: list[tuple[dt.date, float, int]] = []
    for metric, day, value, reference in session.exec(
        select(
            col(Observation.metric),
            col(Observation.date),
            col(Observation.value),
            col(Observation.reference),
        )
        .where(
            Observation.person_id == agent_id, Observation.date >= start, Observation.date <= end
        )
        .order_by(col(Observation.date))
    ).all():
        series.setdefault(metric, []).append((day, value))
        number = (reference or "").removeprefix(EVALUATION_REFERENCE)
        if metric == "qa_score" and reference.startswith(EVALUATION_REFERENCE) and number.isdigit():
            evaluated.append((day, value, int(number)))
    notes = (
        notes_about(session, actor=actor, agent_id=agent_id, start=start, end=end)
        if person.role == "agent"
        else []
    )
    pd_days = list(
        session.exec(
            select(col(PdDay.date))
            .where(PdDay.person_id == agent_id, PdDay.date >= start, PdDay.date <= end)
            .where(col(PdDay.status).in_(("published", "completed")))
        ).all()
    )
    rotations = [
        (t.start, t.end, str(d.name))
        for a, t, d in session.exec(
            select(Assignment, Term, Department)
            .join(Term, col(Term.id) == Assignment.term_id)
            .join(Department, col(Department.id) == Assignment.department_id)
            .where(
                Assignment.person_id == agent_id,
                Assignment.status != "proposed",
                Term.end >= start,
                Term.start <= end,
            )
        ).all()
    ]
    return GrowthData(agent_id, person.name, series, notes, pd_days, rotations, tuple(evaluated))
