"""The demo organisation: teams, people, departments and two years of quality history.

Deterministic for a given random seed and "today". Only the five demo logins get a password
(argon2 costs ~0.1 s a hash), everyone else can be given one by an admin.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from faker import Faker
from sqlmodel import Session, func, select

from core.metrics.observations import ObservationRow, bulk_insert_observations
from core.models import ClosureDay, Department, Person, Role, Team
from core.people.auth import hash_password

# Set without the strength check, which refuses it as anyone's new password.
from core.people.passwords import DEMO_PASSWORD as DEMO_PASSWORD
from core.platform.errors import InvalidInput
from seed.calibration import seed_calibration
from seed.coaching import seed_coaching
from seed.conversation import seed_conversations
from seed.days import working_day_on_or_before
from seed.learning import seed_learning
from seed.pd_and_rotations import seed_pd_days, seed_rotations
from seed.staffing import seed_forecast
from seed.voice import seed_voice

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
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
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
    fixed_names = {"Ada Admin", "Morgan Manager", "Lee Lead", "Alex Agent", "Sam Second"}

    def new_name() -> str:
        """A name no one else in the organisation has: two "Jordan Johnson"s in one team are
        a puzzle for their lead, not realistic demo data. Faker's locales share first and last
        names, so plain fake.name() repeats itself often."""
        while (name := str(fake.unique.name())) in fixed_names:
            pass
        return name

    def person(name: str, role: Role, team: Team | None, email: str | None = None) -> Person:
        if email is None:
            # "Dr. Donna Ali" → donna.ali: no titles, only letters (no "dr..donna").
            words = [re.sub(r"[^a-z]", "", w) for w in name.lower().split()]
            words = [w for w in words if w and w not in HONORIFICS]
            base = ".".join(words[:2])
            email, n = f"{base}@example.com", 2
            while email in emails:
                email, n = f"{base}{n}@example.com", n + 1
        emails.add(email)
        years_in = float(rng.uniform(years + 0.1, years + 6))
        return Person(
            name=name,
            email=email,
            role=role,
            team_id=team.id if team else None,
            hire_date=today - dt.timedelta(days=int(years_in * 365)),
            password_hash=demo_hash if email in _demo_emails() else None,
        )

    staff = [
        person("Ada Admin", Role.ADMIN, None, "admin@example.com"),
        person("Morgan Manager", Role.MANAGER, None, "manager@example.com"),
        *[person(new_name(), Role.MANAGER, None) for _ in range(max(1, len(teams) // 12))],
    ]
    leads = [
        person("Lee Lead", Role.TEAM_LEAD, teams[0], "lead@example.com"),
        *[person(new_name(), Role.TEAM_LEAD, t) for t in teams[1:]],
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
            ) or new_name()
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

    session.add_all(_year_end_closures(today))
    session.flush()

    agent_ids = [p.id for p in agent_people if p.id is not None]
    count = bulk_insert_observations(session, _history(agent_ids, years, today, rng))
    manager = next(p for p in staff if p.email == "manager@example.com")
    seed_forecast(session, teams, agent_people, manager, today)
    pd_days = seed_pd_days(session, teams, agent_people, manager, today, rng)
    seed_rotations(session, teams, agent_people, manager, today, rng)
    seed_coaching(session, teams, agent_people, today, rng)
    seed_calibration(session, manager, leads, today)
    seed_conversations(session, teams, agent_people, today)
    seed_learning(session, agent_people, today, rng)
    seed_voice(session, teams, agent_people, today, random_seed)
    _seed_inbox(session, today)
    return SeedSummary(
        teams=len(teams),
        agents=len(agent_people),
        people=len(staff) + len(leads) + len(agent_people),
        departments=len(DEPARTMENTS),
        observations=count,
        pd_days=pd_days,
    )


def _year_end_closures(today: dt.date) -> list[ClosureDay]:
    """The coming Christmas, Boxing Day and New Year's Day as closure days (on weekdays), so the
    demo shows what a closed day does: no PD day, no reminder, named on the planner."""
    year = today.year if (today.month, today.day) <= (12, 26) else today.year + 1
    days = {
        dt.date(year, 12, 25): "Christmas Day",
        dt.date(year, 12, 26): "Boxing Day",
        dt.date(year + 1, 1, 1): "New Year's Day",
    }
    return [
        ClosureDay(date=day, reason=f"{name}: the contact centre is closed")
        for day, name in days.items()
        if day.weekday() < 5
    ]


def _seed_inbox(session: Session, today: dt.date) -> None:
    """Yesterday's reminders (the previous working day's run), so a first visit finds an inbox
    that shows what Headway sends; today's come from the scheduler or `headway jobs run-due`."""
    from core.platform.calendar import organisation_calendar
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
                day = working_day_on_or_before(end - dt.timedelta(days=int(qa_offsets[a, w, q])))
                yield (
                    agent,
                    day,
                    "qa_score",
                    float(qa_values[a, w, q]),
                    "seed",
                    f"seed-qa-{w}-{q}",
                )
