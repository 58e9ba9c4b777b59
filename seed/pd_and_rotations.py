"""Demo PD days and ambassador rotations: leave, blackouts, floors and requests with a published
plan for this quarter; interests, terms, hosting, assignments, projects and career moves."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlmodel import Session, col, select

from core.models import Person, Team, id_of
from core.seasons import quarter_of

GOALS = (
    "Shadow the billing team to understand refund escalations",
    "Practise de-escalation calls with a peer",
    "Learn the new order-tracking tool before the release",
    "Write a knowledge-base article on the top repeat contact",
    "Try a shorter opening on chat and compare CSAT",
    "Build a quick-reference card for the returns policy",
)
BLACKOUT_REASONS = ("Peak trading day", "Product release", "Month-end billing run")


def seed_pd_days(
    session: Session,
    teams: list[Team],
    agents: list[Person],
    manager: Person,
    today: dt.date,
    rng: np.random.Generator,
) -> int:
    """Leave, blackout dates, peak floors and requests, then a published plan for this quarter."""
    from core.access import load_actor
    from core.calendar import organisation_calendar
    from core.models import (
        Blackout,
        Leave,
        LeaveKind,
        PdDay,
        PdPurpose,
        PdRequest,
        PdStatus,
        StaffingOverride,
    )
    from core.pd.planning import PlanSettings, plan_period, publish

    start, end = quarter_of(today)
    weekdays = list(organisation_calendar(session).days(start, end))
    # Choosing indices draws exactly what choosing the dates would (numpy's stubs take no list
    # of dates), so the demo stays the same for a given seed.
    chosen = sorted(weekdays[int(i)] for i in rng.choice(len(weekdays), 3, replace=False))
    for blackout, reason in zip(chosen, BLACKOUT_REASONS, strict=True):
        session.add(Blackout(date=blackout, reason=reason))
    for team in teams:
        for i in rng.choice(len(weekdays), 2, replace=False):
            session.add(
                StaffingOverride(
                    team_id=id_of(team), date=weekdays[int(i)], min_staffed=team.min_staffed + 1
                )
            )
    kinds = list(LeaveKind)
    for person in agents:
        for _ in range(int(rng.integers(0, 4))):
            first = weekdays[int(rng.integers(0, len(weekdays)))]
            length = int(rng.choice([0, 0, 0, 1, 4]))
            kind = kinds[int(rng.choice(4, p=[0.7, 0.15, 0.1, 0.05]))]
            session.add(
                Leave(
                    person_id=id_of(person),
                    start=first,
                    end=first + dt.timedelta(days=length),
                    kind=kind,
                )
            )
        future = [d for d in weekdays if d > today]
        if future and rng.random() < 0.3:
            session.add(
                PdRequest(person_id=id_of(person), date=future[int(rng.integers(0, len(future)))])
            )
    session.flush()
    assert manager.id is not None
    actor = load_actor(session, manager.id)
    settings = PlanSettings(start, end, tuple(t.id for t in teams if t.id is not None), 2, 14)
    outcome = plan_period(session, actor=actor, settings=settings, time_limit=60)
    if outcome.status not in ("optimal", "feasible"):
        return 0
    publish(session, actor=actor, settings=settings)
    purposes = list(PdPurpose)
    days = session.exec(select(PdDay).where(PdDay.date >= start, PdDay.date <= end)).all()
    for day in days:
        if day.date < today:
            day.status = PdStatus.COMPLETED
        if day.date < today or rng.random() < 0.6:
            day.purpose = purposes[int(rng.integers(0, len(purposes)))]
            day.goal = GOALS[int(rng.integers(0, len(GOALS)))]
        session.add(day)
    return len(days)


PROJECTS = (
    ("Rewrite the upgrade FAQ with the questions customers really ask", "Sales"),
    ("Tag repeat contacts about delivery slots for the product backlog", "Product"),
    ("Bring three top bug reports to the weekly triage", "Engineering"),
    ("Plain-language wording for failed-payment emails", "Billing"),
    ("Warn support a week before each campaign goes out", "Marketing"),
    ("Calibration session on the empathy questions of the scorecard", "Quality & Training"),
    ("Add PD days to the staffing forecast", "Workforce Management"),
    ("Call-back programme for renewals at risk", "Customer Success"),
)
FEEDBACK = (
    "Brought the customer's voice into every stand-up; we changed two release notes because of it.",
    "Reliable and curious; the repeat-contact analysis was the most useful thing we saw this term.",
    "Attended most sessions; would benefit from bringing more examples from the queue.",
)


def seed_rotations(
    session: Session,
    teams: list[Team],
    agents: list[Person],
    manager: Person,
    today: dt.date,
    rng: np.random.Generator,
) -> None:
    """Interests, two past terms with projects and host feedback, and the current term published."""
    from core.access import load_actor
    from core.models import (
        AmbassadorProject,
        Assignment,
        CareerMove,
        Department,
        Interest,
        ProjectStatus,
    )
    from core.rotations.planning import publish_rotations, run_rotations
    from core.rotations.terms import create_term, set_hosting

    departments = list(session.exec(select(Department).order_by(col(Department.id))).all())
    for person in agents:
        for rank, index in enumerate(
            rng.permutation(len(departments))[: int(rng.integers(0, 4))], start=1
        ):
            session.add(
                Interest(
                    person_id=id_of(person),
                    department_id=id_of(departments[int(index)]),
                    rank=rank,
                )
            )
    session.flush()
    assert manager.id is not None
    actor = load_actor(session, manager.id)
    capacity = max(1, int(np.ceil(0.85 * len(agents) / len(departments))))
    current_start, current_end = quarter_of(today)
    starts = [quarter_of(current_start - dt.timedelta(days=1 + 92 * k))[0] for k in (1, 0)]
    terms = [(start, quarter_of(start)[1]) for start in starts] + [(current_start, current_end)]
    terms.append(quarter_of(current_end + dt.timedelta(days=1)))  # next term: open for planning
    team_ids = [t.id for t in teams if t.id is not None]
    statuses = list(ProjectStatus)
    for start, end in terms:
        term = create_term(
            session,
            actor=actor,
            name=f"{start.year}-Q{(start.month - 1) // 3 + 1}",
            start=start,
            end=end,
        )
        for number, department in enumerate(departments):
            assert department.id is not None
            set_hosting(
                session,
                actor=actor,
                term_id=term.id,
                department_id=department.id,
                capacity=capacity,
                weekday=number % 5,
                start_time=dt.time(10 + number % 5, 0),
                hours=2.0,
            )
        session.flush()
        if start > today:
            continue
        run_rotations(session, actor=actor, term_id=term.id, team_ids=team_ids)
        publish_rotations(session, actor=actor, term_id=term.id, team_ids=team_ids)
        if end >= today:
            continue
        names = {d.id: d.name for d in departments}
        for assignment in session.exec(
            select(Assignment).where(Assignment.term_id == term.id)
        ).all():
            ideas = [title for title, dept in PROJECTS if dept == names[assignment.department_id]]
            for _ in range(int(rng.integers(0, 3))):
                session.add(
                    AmbassadorProject(
                        assignment_id=id_of(assignment),
                        title=ideas[0]
                        if ideas
                        else "Share a customer story at the department meeting",
                        status=statuses[int(rng.integers(0, len(statuses)))],
                        impact="Fewer repeat contacts on this topic after the change."
                        if rng.random() < 0.4
                        else "",
                    )
                )
            if rng.random() < 0.6:
                assignment.host_feedback = FEEDBACK[int(rng.integers(0, len(FEEDBACK)))]
                session.add(assignment)
    first_term = session.exec(select(Assignment).limit(3)).all()
    for assignment in first_term:
        session.add(
            CareerMove(
                person_id=assignment.person_id,
                department_id=assignment.department_id,
                date=today - dt.timedelta(days=30),
                note="Moved after their ambassador rotation.",
            )
        )
