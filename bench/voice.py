"""Customer-voice benchmarks on 2,000 agents with 100,000 insights: the Customer themes page
(lead and manager), the programme's scoreboard, and logging one insight.

The database (.cache/bench-voice.db, built once) holds the organisation the voice queries read —
2,000 agents in teams with their leads, the departments, a support team's reasons, 100,000
insights with about 220,000 contacts, 400 themes and two years of daily volumes — and none of
the rest of the demo (metrics, PD days), which these pages do not touch."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Callable
from pathlib import Path

from bench.harness import Scenario

ROOT = Path(__file__).resolve().parent.parent
VOICE_DB = ROOT / ".cache" / "bench-voice.db"
TODAY = dt.date(2026, 11, 23)
AGENTS, INSIGHTS, THEMES = 2000, 100_000, 400


def ensure_voice_database() -> str:
    url = f"sqlite:///{VOICE_DB}"
    os.environ["DATABASE_URL"] = url
    os.environ["HEADWAY_TODAY"] = TODAY.isoformat()
    from core.platform.db import make_engine, migrate

    if VOICE_DB.exists():
        migrate(make_engine(url))
        return url
    VOICE_DB.parent.mkdir(exist_ok=True)
    partial = VOICE_DB.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{partial}")
    migrate(engine)
    _fill(engine)
    engine.dispose()
    partial.rename(VOICE_DB)
    return url


def _fill(engine: object) -> None:
    from sqlalchemy import text
    from sqlmodel import Session, select

    from core.models import (
        ContactReason,
        ContactVolume,
        Department,
        Insight,
        InsightContact,
        Person,
        Team,
        Theme,
        ThemeStatus,
    )
    from core.people.auth import hash_password
    from core.voice.insights import refresh_all_counts
    from seed.demo import DEMO_PASSWORD, DEPARTMENTS
    from seed.voice import REASONS

    rng = random.Random(23)
    with Session(engine) as session:  # type: ignore[arg-type]
        teams = [Team(name=f"Team {n}", site="Leeds") for n in range(AGENTS // 15)]
        session.add_all(teams)
        session.add_all(Department(name=name, description=d) for name, d in DEPARTMENTS)
        session.flush()
        demo = hash_password(DEMO_PASSWORD)
        people = [
            Person(
                name="Morgan Manager",
                email="manager@example.com",
                role="manager",
                password_hash=demo,
            ),
            *[
                Person(
                    name=f"Lead {n}",
                    email="lead@example.com" if n == 0 else f"lead{n}@example.com",
                    role="team_lead",
                    team_id=t.id,
                    password_hash=demo if n == 0 else None,
                )
                for n, t in enumerate(teams)
            ],
        ]
        session.add_all(people)
        session.flush()
        for team, lead in zip(teams, people[1:], strict=True):
            team.lead_id = lead.id
        session.execute(
            Person.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "name": f"Agent {n}",
                    "email": f"agent{n}@example.com",
                    "role": "agent",
                    "team_id": teams[n % len(teams)].id,
                    "active": True,
                    "must_change_password": False,
                    "created_at": dt.datetime.now(dt.UTC),
                    "version": 1,
                }
                for n in range(AGENTS)
            ],
        )
        reasons = [ContactReason(name=name) for name in REASONS]
        session.add_all(reasons)
        session.flush()
        departments = {d.name: d.id for d in session.exec(select(Department))}
        agents = [i for (i,) in session.execute(text("SELECT id FROM person WHERE role = 'agent'"))]
        start = TODAY - dt.timedelta(days=730)
        rows, texts = [], {r.id: REASONS[r.name] for r in reasons}
        for _ in range(INSIGHTS):
            reason = rng.choice(reasons)
            department, _, said = texts[reason.id]
            day = start + dt.timedelta(days=rng.randrange(730))
            rows.append(
                {
                    "author_id": rng.choice(agents),
                    "reason_id": reason.id,
                    "department_id": departments[department],
                    "kind": said[0][0].value,
                    "text": f"{rng.choice(said)[1]} (case {rng.randrange(10**6)})",
                    "contact_ref": "",
                    "created_at": dt.datetime.combine(day, dt.time(10), dt.UTC),
                    "version": 1,
                    "contacts": 0,
                    "agents": 0,
                }
            )
        session.execute(Insight.__table__.insert(), rows)  # type: ignore[attr-defined]
        first = session.execute(text("SELECT min(id) FROM insight")).scalar_one()
        contacts = []
        for k, row in enumerate(rows):
            day = row["created_at"].date()
            where = {"reason_id": row["reason_id"], "department_id": row["department_id"]}
            contacts.append(
                {"insight_id": first + k, "person_id": row["author_id"], "day": day, **where}
            )
            for _ in range(int(rng.expovariate(0.8))):
                later = min(TODAY, day + dt.timedelta(days=rng.randrange(21)))
                contacts.append(
                    {
                        "insight_id": first + k,
                        "person_id": rng.choice(agents),
                        "day": later,
                        **where,
                    }
                )
        for c in contacts:
            c["created_at"] = dt.datetime.now(dt.UTC)
        session.execute(InsightContact.__table__.insert(), contacts)  # type: ignore[attr-defined]
        refresh_all_counts(session)
        lead = people[1].id
        states = list(ThemeStatus)
        for n in range(THEMES):
            head = first + rng.randrange(INSIGHTS)
            row = rows[head - first]
            state = states[n % len(states)]
            made = row["created_at"].date() + dt.timedelta(days=7)
            theme = Theme(
                title=f"Theme {n}",
                reason_id=row["reason_id"],
                department_id=row["department_id"],
                status=state,
                created_by_id=lead,
                created_on=made,
                taken_by_id=lead if state is not ThemeStatus.OPEN else None,
                taken_on=made if state is not ThemeStatus.OPEN else None,
                answered_on=made + dt.timedelta(days=9)
                if state not in (ThemeStatus.OPEN, ThemeStatus.TAKEN)
                else None,
                change_date=made + dt.timedelta(days=20) if state is ThemeStatus.CHANGED else None,
            )
            session.add(theme)
            session.flush()
            session.execute(
                text("UPDATE insight SET theme_id = :t WHERE id = :i"),
                {"t": theme.id, "i": head},
            )
        session.execute(
            ContactVolume.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "reason_id": r.id,
                    "day": start + dt.timedelta(days=d),
                    "contacts": rng.randrange(20, 80),
                }
                for r in reasons
                for d in range(730)
            ],
        )
        session.commit()


def _page(email: str, page: str) -> Scenario:
    state: dict[str, object] = {}

    def setup() -> None:
        url = ensure_voice_database()
        from sqlmodel import Session, select
        from streamlit.testing.v1 import AppTest

        from core.models import Person
        from core.people.auth import open_session
        from core.platform.db import make_engine

        with Session(make_engine(url)) as session:
            person = session.exec(select(Person).where(Person.email == email)).one()
            assert person.id is not None
            token = open_session(session, person_id=person.id)
            session.commit()
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.session_state["auth_token"] = token
        at.run()
        state["app"] = at
        run()

    def run() -> None:
        at = state["app"]
        at.switch_page(page).run()  # type: ignore[attr-defined]
        if at.exception:  # type: ignore[attr-defined]
            raise RuntimeError(at.exception[0].message)  # type: ignore[attr-defined]

    what = page.removeprefix("pages/").removesuffix(".py").replace("_", " ")
    return Scenario(
        f"{what} page as {email.split('@')[0]}",
        "2,000 agents, 100,000 insights",
        run,
        repeat=5,
        setup=setup,
        note="≤ 1 s",
    )


def _service(
    name: str, note: str, call: Callable[[object, object], object], *, who: str
) -> Scenario:
    state: dict[str, object] = {}

    def setup() -> None:
        ensure_voice_database()
        from sqlmodel import Session, select

        from core.models import Person
        from core.people.access import load_actor
        from core.platform.db import make_engine

        engine = make_engine(os.environ["DATABASE_URL"])
        with Session(engine) as session:
            person = session.exec(select(Person.id).where(Person.email == who)).one()
            state["engine"], state["actor"] = engine, load_actor(session, person)

    def run() -> None:
        from sqlmodel import Session

        with Session(state["engine"]) as session:  # type: ignore[arg-type]
            call(session, state["actor"])
            session.commit()

    return Scenario(name, "2,000 agents, 100,000 insights", run, repeat=20, setup=setup, note=note)


def _log(session: object, actor: object) -> object:
    from core.voice.insights import InsightInput, log_insight

    data = InsightInput("Wanted to know where the refund is; call 07700 900123", 1, 4)
    return log_insight(session, actor=actor, data=data)  # type: ignore[arg-type]


def _scoreboard(session: object, actor: object) -> object:
    from core.voice.scoreboard import voice_scoreboard

    return voice_scoreboard(session, actor=actor)  # type: ignore[arg-type]


def voice_scenarios() -> list[Scenario]:
    return [
        _page("lead@example.com", "pages/voice_themes.py"),
        _page("manager@example.com", "pages/voice_themes.py"),
        _service("programme scoreboard (voice)", "≤ 1 s", _scoreboard, who="manager@example.com"),
        _service("log an insight", "≤ 0.3 s", _log, who="agent7@example.com"),
    ]
