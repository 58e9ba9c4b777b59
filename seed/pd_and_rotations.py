"""Demo PD days and ambassador rotations: leave, blackouts, floors and requests with a published
plan for this quarter; interests, terms, hosting, assignments, projects and career moves."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlmodel import Session, col, delete, select

from core.models import (
    Assignment,
    AssignmentStatus,
    Department,
    Interest,
    Person,
    Team,
    id_of,
)
from core.platform.seasons import quarter_of

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
    from core.people.access import load_actor
    from core.platform.calendar import organisation_calendar

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
    """Interests, two past terms with projects and host feedback, the current term published
    and the next term open. Before each term most agents re-rank two or three departments they
    have not visited yet, as a programme asks them to; the others keep their old list, so the
    demo also shows stale and exhausted interests (agent@example.com among them, to show the
    prompt to rank again)."""
    from core.models import AmbassadorProject, CareerMove, ProjectStatus
    from core.people.access import load_actor
    from core.rotations.planning import publish_rotations, run_rotations
    from core.rotations.terms import create_term, set_hosting

    departments = list(session.exec(select(Department).order_by(col(Department.id))).all())
    current_start, current_end = quarter_of(today)
    starts = [quarter_of(current_start - dt.timedelta(days=1 + 92 * k))[0] for k in (1, 0)]
    terms = [(start, quarter_of(start)[1]) for start in starts] + [(current_start, current_end)]
    terms.append(quarter_of(current_end + dt.timedelta(days=1)))  # next term: open for planning
    first_ranked = _moment(terms[0][0] - dt.timedelta(days=14))
    for person in agents:
        for rank, index in enumerate(
            rng.permutation(len(departments))[: int(rng.integers(0, 4))], start=1
        ):
            session.add(
                Interest(
                    person_id=id_of(person),
                    department_id=id_of(departments[int(index)]),
                    rank=rank,
                    updated_at=first_ranked,
                )
            )
    session.flush()
    # Re-ranking before each later term draws from its own stream, so the rest of the demo
    # (coaching, learning) stays the same for a given seed.
    refresh_rng = rng.spawn(1)[0]
    assert manager.id is not None
    actor = load_actor(session, manager.id)
    capacity = max(1, int(np.ceil(0.85 * len(agents) / len(departments))))
    team_ids = [t.id for t in teams if t.id is not None]
    statuses = list(ProjectStatus)
    for number_of_term, (start, end) in enumerate(terms):
        if number_of_term > 0:
            ranked_on = (
                _moment(start - dt.timedelta(days=14))
                if start <= today
                else _moment(max(current_start, today - dt.timedelta(days=10)))
            )
            _refresh_interests(
                session, agents, departments, ranked_on, refresh_rng, last=start > today
            )
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


REFRESH_SHARE = 0.85  # agents who re-rank their interests before a term


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _refresh_interests(
    session: Session,
    agents: list[Person],
    departments: list[Department],
    ranked_on: dt.datetime,
    rng: np.random.Generator,
    *,
    last: bool,
) -> None:
    """Most agents re-rank two or three departments they have not visited (published
    assignments so far); on the `last` refresh agent@example.com keeps their old list."""
    visited: dict[int, set[int]] = {}
    for person_id, department_id in session.exec(
        select(Assignment.person_id, Assignment.department_id).where(
            Assignment.status == AssignmentStatus.PUBLISHED
        )
    ).all():
        visited.setdefault(person_id, set()).add(department_id)
    for person in agents:
        keep = rng.random() >= REFRESH_SHARE or (last and person.email == "agent@example.com")
        choices = [
            id_of(d) for d in departments if id_of(d) not in visited.get(id_of(person), set())
        ]
        how_many = min(len(choices), int(rng.integers(2, 4)))
        order = rng.permutation(len(choices))[:how_many]
        if keep:
            continue
        session.exec(delete(Interest).where(col(Interest.person_id) == id_of(person)))
        session.add_all(
            Interest(
                person_id=id_of(person),
                department_id=choices[int(i)],
                rank=rank,
                updated_at=ranked_on,
            )
            for rank, i in enumerate(order, start=1)
        )
    session.flush()
