"""The demo organisation: teams, people, departments and two years of quality history.

Deterministic for a given random seed and "today". Only the five demo logins get a password
(argon2 costs ~0.1 s a hash), everyone else can be given one by an admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from faker import Faker
from sqlmodel import Session, func, select

from core.auth import hash_password
from core.errors import InvalidInput
from core.models import Department, Person, Role, Team
from core.observations import ObservationRow, bulk_insert_observations
from core.seasons import quarter_of

DEMO_PASSWORD = "headway-demo"
DEMO_LOGINS: tuple[tuple[str, Role, str], ...] = (
    ("admin@example.com", Role.ADMIN, "admin"),
    ("manager@example.com", Role.MANAGER, "manager"),
    ("lead@example.com", Role.TEAM_LEAD, "team lead of the first team"),
    ("agent@example.com", Role.AGENT, "agent in the lead's team"),
    ("agent2@example.com", Role.AGENT, "agent in another team"),
)
QUEUES = (
    "Billing Care",
    "Onboarding",
    "Tech Support",
    "Retention",
    "Orders & Delivery",
    "Accounts",
    "Payments",
    "Returns",
    "Premium Care",
    "Social Care",
    "Small Business",
    "Connectivity",
)
SITES = ("Leeds", "Cebu", "Austin", "Cape Town")
DEPARTMENTS = (
    ("Sales", "Pre-sales questions, upgrades and the promises made before a customer signs."),
    ("Product", "Roadmap, discovery interviews and the feedback loop from support to product."),
    ("Engineering", "Bug triage, incident reviews and the tools agents use every day."),
    ("Billing", "Invoices, payment failures and refunds: the policies behind billing contacts."),
    ("Marketing", "Campaigns and launches that change what customers ask support about."),
    ("Quality & Training", "Scorecards, calibration and onboarding of new agents."),
    ("Workforce Management", "Forecasts, schedules and the staffing floors behind PD days."),
    ("Customer Success", "Proactive outreach to key accounts and renewal risk."),
)
WEEKLY_METRICS = ("csat", "fcr", "repeat_contact_rate", "aht_seconds", "ces")


@dataclass(frozen=True)
class SeedSummary:
    teams: int
    agents: int
    people: int
    departments: int
    observations: int
    pd_days: int = 0


def seed_demo(
    session: Session, *, agents: int = 120, years: int = 2, random_seed: int = 7, today: dt.date
) -> SeedSummary:
    """Fill an empty, migrated database with the demo organisation."""
    if agents < 2:
        raise InvalidInput("The demo organisation needs at least 2 agents.")
    if years < 1:
        raise InvalidInput("The demo history needs at least 1 year.")
    if session.exec(select(func.count()).select_from(Person)).one() > 0:
        raise InvalidInput("This database already has people; seed only an empty database.")
    fake = Faker(["en_GB", "en_US", "en_PH"])
    fake.seed_instance(random_seed)
    rng = np.random.default_rng(random_seed)

    team_sizes = _team_sizes(agents, rng)
    teams = [
        Team(
            name=f"{QUEUES[i % len(QUEUES)]} {i // len(QUEUES) + 1}",
            site=SITES[i % len(SITES)],
            min_staffed=int(size * 0.85) - 1 if size > 4 else 1,
        )
        for i, size in enumerate(team_sizes)
    ]
    session.add_all(teams)
    session.flush()

    demo_hash = hash_password(DEMO_PASSWORD)
    emails: set[str] = set()

    def person(name: str, role: Role, team: Team | None, email: str | None = None) -> Person:
        if email is None:
            base = ".".join(name.lower().replace("'", "").split()[:2])
            email, n = f"{base}@example.com", 2
            while email in emails:
                email, n = f"{base}{n}@example.com", n + 1
        emails.add(email)
        years_in = float(rng.uniform(years + 0.1, years + 6))
        return Person(
            name=name,
            email=email,
            role=role.value,
            team_id=team.id if team else None,
            hire_date=today - dt.timedelta(days=int(years_in * 365)),
            password_hash=demo_hash if email in _demo_emails() else None,
        )

    staff = [
        person("Ada Admin", Role.ADMIN, None, "admin@example.com"),
        person("Morgan Manager", Role.MANAGER, None, "manager@example.com"),
        *[person(fake.name(), Role.MANAGER, None) for _ in range(max(1, len(teams) // 12))],
    ]
    leads = [
        person("Lee Lead", Role.TEAM_LEAD, teams[0], "lead@example.com"),
        *[person(fake.name(), Role.TEAM_LEAD, t) for t in teams[1:]],
    ]
    agent_people: list[Person] = []
    for index, (team, size) in enumerate(zip(teams, team_sizes, strict=True)):
        for slot in range(size):
            fixed = (
                "agent@example.com"
                if (index, slot) == (0, 0)
                else "agent2@example.com"
                if (index, slot) == (1, 0)
                else None
            )
            name = {"agent@example.com": "Alex Agent", "agent2@example.com": "Sam Second"}.get(
                fixed or "", ""
            ) or fake.name()
            agent_people.append(person(name, Role.AGENT, team, fixed))
    session.add_all([*staff, *leads, *agent_people])
    session.flush()
    for team, lead in zip(teams, leads, strict=True):
        team.lead_id = lead.id
    session.add_all(teams)
    session.add_all(
        Department(
            name=name,
            description=description,
            host_contact_name=(host := fake.name()),
            host_contact_email=".".join(host.lower().split()[:2]) + "@example.com",
        )
        for name, description in DEPARTMENTS
    )
    session.flush()

    agent_ids = [p.id for p in agent_people if p.id is not None]
    count = bulk_insert_observations(session, _history(agent_ids, years, today, rng))
    manager = next(p for p in staff if p.email == "manager@example.com")
    pd_days = _seed_pd_days(session, teams, agent_people, manager, today, rng)
    _seed_rotations(session, teams, agent_people, manager, today, rng)
    _seed_coaching(session, teams, agent_people, today, rng)
    _seed_learning(session, agent_people, today, rng)
    _seed_inbox(session, today)
    return SeedSummary(
        teams=len(teams),
        agents=len(agent_people),
        people=len(staff) + len(leads) + len(agent_people),
        departments=len(DEPARTMENTS),
        observations=count,
        pd_days=pd_days,
    )


def _seed_inbox(session: Session, today: dt.date) -> None:
    """Yesterday's reminders (the previous working day's run), so a first visit finds an inbox
    that shows what Headway sends; today's come from the scheduler or `headway jobs run-due`."""
    from core.calendar import organisation_calendar
    from core.reminders.schedule import run_due

    yesterday = organisation_calendar(session).previous_working_day(today)
    run_due(session, at=dt.datetime.combine(yesterday, dt.time(7, 45)))


def _demo_emails() -> set[str]:
    return {email for email, _, _ in DEMO_LOGINS}


def _team_sizes(agents: int, rng: np.random.Generator) -> list[int]:
    """Teams of 10-20 agents (a real floor team), at least two teams for the demo logins."""
    n_teams = max(2, round(agents / 15))
    base = np.full(n_teams, agents // n_teams)
    base[: agents - base.sum()] += 1
    return [int(s) for s in base]


def _history(
    agent_ids: list[int], years: int, today: dt.date, rng: np.random.Generator
) -> Iterator[ObservationRow]:
    """Weekly aggregates of the five operational metrics, and 1-3 QA evaluations a week.

    Each agent has a baseline, a slow learning curve and noise; a mild seasonal dip around
    the winter peak hits everyone. Values are clipped to each metric's valid range.
    """
    weeks = years * 52
    week_ends = [today - dt.timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]
    n = len(agent_ids)
    t = np.linspace(0.0, 1.0, weeks)
    season = np.array([np.cos(2 * np.pi * (d.timetuple().tm_yday - 355) / 365) for d in week_ends])
    skill = rng.normal(0.0, 1.0, n)
    growth = rng.normal(0.4, 0.5, n)
    level = skill[:, None] + growth[:, None] * t[None, :] - 0.35 * season[None, :]
    noise = rng.normal(0.0, 1.0, (len(WEEKLY_METRICS), n, weeks))
    values = {
        "csat": np.clip(4.2 + 0.18 * level + 0.15 * noise[0], 1, 5).round(2),
        "fcr": np.clip(0.72 + 0.05 * level + 0.04 * noise[1], 0, 1).round(3),
        "repeat_contact_rate": np.clip(0.14 - 0.025 * level + 0.02 * noise[2], 0, 1).round(3),
        "aht_seconds": np.clip(420 - 25 * level + 30 * noise[3], 60, 3600).round(0),
        "ces": np.clip(5.6 + 0.3 * level + 0.25 * noise[4], 1, 7).round(2),
    }
    qa_count = rng.integers(2, 5, (n, weeks))
    qa_offsets = rng.integers(0, 5, (n, weeks, 4))
    qa_values = np.clip(84 + 4 * level[:, :, None] + rng.normal(0, 6, (n, weeks, 4)), 0, 100).round(
        1
    )
    for a, agent in enumerate(agent_ids):
        for w, end in enumerate(week_ends):
            for metric in WEEKLY_METRICS:
                yield (agent, end, metric, float(values[metric][a, w]), "seed", f"seed-week-{end}")
            for q in range(int(qa_count[a, w])):
                day = end - dt.timedelta(days=int(qa_offsets[a, w, q]))
                yield (
                    agent,
                    day,
                    "qa_score",
                    float(qa_values[a, w, q]),
                    "seed",
                    f"seed-qa-{w}-{q}",
                )


GOALS = (
    "Shadow the billing team to understand refund escalations",
    "Practise de-escalation calls with a peer",
    "Learn the new order-tracking tool before the release",
    "Write a knowledge-base article on the top repeat contact",
    "Try a shorter opening on chat and compare CSAT",
    "Build a quick-reference card for the returns policy",
)
BLACKOUT_REASONS = ("Peak trading day", "Product release", "Month-end billing run")


def _seed_pd_days(
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
    for day, reason in zip(
        sorted(rng.choice(weekdays, 3, replace=False)), BLACKOUT_REASONS, strict=True
    ):
        session.add(Blackout(date=day, reason=reason))
    for team in teams:
        for day in rng.choice(weekdays, 2, replace=False):
            session.add(
                StaffingOverride(team_id=team.id, date=day, min_staffed=team.min_staffed + 1)
            )
    kinds = [k.value for k in LeaveKind]
    for person in agents:
        for _ in range(int(rng.integers(0, 4))):
            first = weekdays[int(rng.integers(0, len(weekdays)))]
            length = int(rng.choice([0, 0, 0, 1, 4]))
            kind = kinds[int(rng.choice(4, p=[0.7, 0.15, 0.1, 0.05]))]
            session.add(
                Leave(
                    person_id=person.id,
                    start=first,
                    end=first + dt.timedelta(days=length),
                    kind=kind,
                )
            )
        future = [d for d in weekdays if d > today]
        if future and rng.random() < 0.3:
            session.add(
                PdRequest(person_id=person.id, date=future[int(rng.integers(0, len(future)))])
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
            day.purpose = purposes[int(rng.integers(0, len(purposes)))].value
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


def _seed_rotations(
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

    departments = list(session.exec(select(Department).order_by(Department.id)).all())
    for person in agents:
        for rank, index in enumerate(
            rng.permutation(len(departments))[: int(rng.integers(0, 4))], start=1
        ):
            session.add(
                Interest(person_id=person.id, department_id=departments[int(index)].id, rank=rank)
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
                        assignment_id=assignment.id,
                        title=ideas[0]
                        if ideas
                        else "Share a customer story at the department meeting",
                        status=statuses[int(rng.integers(0, len(statuses)))].value,
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


def _seed_coaching(
    session: Session,
    teams: list[Team],
    agents: list[Person],
    today: dt.date,
    rng: np.random.Generator,
) -> None:
    """A scorecard, recent evaluations, and coaching notes with follow-ups (some overdue)."""
    import json

    from core.models import CoachingNote, Evaluation, FollowUp, Scorecard
    from core.quality import DEFAULT_FORM, parse_definition, score_answers

    leads = {t.id: t.lead_id for t in teams}
    card = Scorecard(family="Voice quality", version=1, definition=json.dumps(DEFAULT_FORM))
    session.add(card)
    session.flush()
    sections = parse_definition(DEFAULT_FORM)
    evaluations = []
    for person in agents:
        for week in range(int(rng.integers(1, 4))):
            answers = [
                [
                    ("yes" if rng.random() < 0.9 else "no")
                    if q.kind == "yes_no"
                    else int(rng.integers(3, 6))
                    for q in s.questions
                ]
                for s in sections
            ]
            result = score_answers(sections, answers)
            evaluations.append(
                Evaluation(
                    agent_id=person.id,
                    evaluator_id=leads[person.team_id],
                    scorecard_id=card.id,
                    interaction_ref=f"CALL-{int(rng.integers(10000, 99999))}",
                    channel="phone",
                    date=today - dt.timedelta(days=7 * week + int(rng.integers(0, 5))),
                    answers=json.dumps(answers),
                    score=result.score,
                    critical_failed=result.critical_failed,
                )
            )
    session.add_all(evaluations)
    session.flush()
    bulk_insert_observations(
        session,
        [
            (e.agent_id, e.date, "qa_score", e.score, "evaluation", f"seed-evaluation-{e.id}")
            for e in evaluations
        ],
    )
    notes = []
    for person in agents:
        for _ in range(int(rng.integers(0, 4))):
            metric, section, to_try = TO_TRY[
                0 if rng.random() < 0.5 else int(rng.integers(1, len(TO_TRY)))
            ]
            day = today - dt.timedelta(days=int(rng.integers(1, 300)))
            recent = (today - day).days < 21
            follow = day + dt.timedelta(days=int(rng.integers(1, 10)))
            notes.append(
                CoachingNote(
                    agent_id=person.id,
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
            note_id=n.id,
            date=n.date + dt.timedelta(days=7),
            outcome="Tried it on most calls; customers noticed.",
            next_step="Keep it up.",
            closes=True,
            by_id=n.coach_id,
        )
        for n in notes
        if n.closed
    )


PLANTED_QA_EFFECTS = (
    0.0,
    3.0,
    6.0,
)  # points: some coaching does nothing, some helps a little, some more


def _plant_coaching_effects(session: Session, notes: list, rng: np.random.Generator) -> None:
    """Known effects for the growth pages to find: after a QA-focused note, the agent's QA
    scores for 60 days move by 0, 3 or 6 points (noise and the season are already there)."""
    from sqlalchemy import text

    statement = text(
        "UPDATE observation SET value = MIN(100, value + :lift) WHERE person_id = :person "
        "AND metric = 'qa_score' AND date >= :first AND date <= :last"
        if session.get_bind().dialect.name == "sqlite"
        else "UPDATE observation SET value = LEAST(100, value + :lift) WHERE person_id = :person "
        "AND metric = 'qa_score' AND date >= :first AND date <= :last"
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


TOPICS = (
    (
        "Refund escalations",
        "billing,escalation",
        "summarise the refund policy before the customer asks",
        "calming an angry caller with a clear next step",
    ),
    (
        "Chat openers",
        "chat,csat",
        "a shorter opening line on chat",
        "customers answered faster and rated us higher",
    ),
    (
        "Order tracking tool",
        "tools,orders",
        "the new order-lookup shortcut saves a minute a call",
        "using it on every call this week",
    ),
    (
        "Checking back in",
        "follow-up,fcr",
        "calling back the next day instead of saying good luck",
        "customers thanked me for remembering",
    ),
    (
        "Knowledge base article",
        "knowledge,repeat-contacts",
        "writing up the top repeat contact",
        "two colleagues used it the same day",
    ),
    (
        "Social care rule of three",
        "social,channels",
        "move to a private channel after three public replies",
        "fewer public arguments",
    ),
)


DIDNT_WORK = (
    "Reading the policy word for word made the call longer and the customer more annoyed.",
    "Trying it on every call at once: I forgot half the time.",
    "The shortcut fails for orders older than a year.",
)
NEXT_TIME = (
    "Practise it with a peer before trying it live.",
    "Shadow someone who already does it well.",
    "Write a one-page guide and share it at the team huddle.",
    "Ask the customer at the end whether anything is still open.",
)


def _seed_learning(
    session: Session, agents: list[Person], today: dt.date, rng: np.random.Generator
) -> None:
    """Learning shares around real contact-centre topics, kudos, pledges at every status and
    months of mind checks."""
    import json

    from core.models import Kudos, LearningShare, MindCheck, PdDay, Pledge, PledgeStatus, Visibility
    from core.pledges import TEMPLATES

    shares = []
    days = {
        d.person_id: d for d in session.exec(select(PdDay).where(PdDay.status == "completed")).all()
    }
    for person in agents:
        for _ in range(int(rng.integers(0, 3))):
            title, tags, learned, worked = TOPICS[int(rng.integers(0, len(TOPICS)))]
            created = today - dt.timedelta(days=int(rng.integers(0, 120)))
            pd_day = days.get(person.id)
            shares.append(
                LearningShare(
                    author_id=person.id,
                    title=title,
                    learned=f"{learned[0].upper()}{learned[1:]}.",
                    worked=f"{worked[0].upper()}{worked[1:]}.",
                    didnt_work=DIDNT_WORK[int(rng.integers(0, len(DIDNT_WORK)))]
                    if rng.random() < 0.6
                    else "",
                    next_time=NEXT_TIME[int(rng.integers(0, len(NEXT_TIME)))],
                    tags=tags,
                    visibility=(
                        Visibility.ORGANISATION if rng.random() < 0.4 else Visibility.TEAM
                    ).value,
                    pd_day_id=pd_day.id if pd_day and rng.random() < 0.5 else None,
                    created_at=dt.datetime.combine(created, dt.time(12), dt.UTC),
                )
            )
    session.add_all(shares)
    session.flush()
    kudos = set()
    for share in shares:
        for _ in range(int(rng.integers(0, 4))):
            reader = agents[int(rng.integers(0, len(agents)))].id
            if reader != share.author_id:
                kudos.add((share.id, reader, share.created_at))
    session.add_all(Kudos(share_id=s, person_id=r, created_at=c) for s, r, c in kudos)
    from core.calendar import organisation_calendar

    calendar = organisation_calendar(session)
    statuses = [
        PledgeStatus.DRAFT,
        PledgeStatus.AWAITING_MENTOR,
        PledgeStatus.ACTIVE,
        PledgeStatus.ACTIVE,
        PledgeStatus.RENEWED,
        PledgeStatus.RETIRED,
    ]
    checks = []
    for index, person in enumerate(agents):
        if person.email == "agent@example.com" or rng.random() > 0.4:
            continue  # the demo agent makes their own pledge in the browser
        status = statuses[int(rng.integers(0, len(statuses)))]
        mentor = agents[(index + 7) % len(agents)]
        start = today - dt.timedelta(days=int(rng.integers(30, 150)))
        signed = status not in (PledgeStatus.DRAFT,)
        pledge = Pledge(
            agent_id=person.id,
            mentor_id=mentor.id,
            commitments=json.dumps(list(TEMPLATES[: int(rng.integers(2, 6))])),
            start_date=start,
            status=status.value,
            agent_signed_at=dt.datetime.combine(start, dt.time(9), dt.UTC) if signed else None,
            mentor_signed_at=dt.datetime.combine(start, dt.time(15), dt.UTC)
            if signed and status is not PledgeStatus.AWAITING_MENTOR
            else None,
        )
        session.add(pledge)
        session.flush()
        if status in (PledgeStatus.ACTIVE, PledgeStatus.RENEWED, PledgeStatus.RETIRED):
            keep = float(rng.uniform(0.5, 0.95))
            for offset in range((today - start).days):
                day = start + dt.timedelta(days=offset + 1)
                if calendar.is_working_day(day) and rng.random() < keep:
                    answer = rng.choice(["kept", "kept", "kept", "partly", "slipped"])
                    checks.append(
                        MindCheck(
                            pledge_id=pledge.id,
                            agent_id=person.id,
                            date=day,
                            answer=str(answer),
                            note="Took a breath before replying."
                            if answer != "kept" and rng.random() < 0.3
                            else "",
                        )
                    )
    session.add_all(checks)
