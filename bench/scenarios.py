"""The benchmark scenarios named in the issues, on the 2,000-agent, two-year demo database."""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.api import api_scenarios
from bench.harness import Scenario
from bench.voice import voice_scenarios

ROOT = Path(__file__).resolve().parent.parent
BIG_DB = ROOT / ".cache" / "bench-2000.db"
TODAY = "2026-11-23"


def _seed(url: str, agents: int) -> None:
    from core.cli import main

    assert main(["seed", "--database", url, "--agents", str(agents), "--today", TODAY]) == 0


def ensure_big_database() -> str:
    """The 2,000-agent demo database, built once and reused by later runs."""
    url = f"sqlite:///{BIG_DB}"
    if not BIG_DB.exists():
        BIG_DB.parent.mkdir(exist_ok=True)
        partial = BIG_DB.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        _seed(f"sqlite:///{partial}", 2000)
        partial.rename(BIG_DB)
    else:  # built by an earlier version: bring its schema up to date
        from core.platform.db import make_engine, migrate

        migrate(make_engine(url))
    return url


def use_big_database() -> str:
    """Point this process (settings, the app's engine) at the 2,000-agent database."""
    url = ensure_big_database()
    os.environ["DATABASE_URL"] = url
    os.environ["HEADWAY_TODAY"] = TODAY
    return url


def seed_2000() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _seed(f"sqlite:///{folder}/seed.db", 2000)


def _home_as(email: str, page: str = "pages/home.py") -> Scenario:
    """A logged-in page render (AppTest: the whole script, the page and its queries)."""
    state: dict[str, object] = {}

    def setup() -> None:
        url = use_big_database()
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
        at.run()  # registers the role's pages; imports and the first connection are warm after it
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
        "2,000 agents, 2 years",
        run,
        repeat=5,
        setup=setup,
        note="≤ 1 s",
    )


def _plan_pd(agents: int) -> Scenario:
    from bench.generators import pd_instance

    problems = [pd_instance(agents, seed=seed) for seed in (1, 2, 3)]
    index = {"next": 0}

    def run() -> None:
        from core.scheduling.pd_days import plan_pd_days
        from core.scheduling.pd_problem import read_pd_problem

        problem = problems[index["next"] % len(problems)]
        index["next"] += 1
        plan = plan_pd_days(read_pd_problem(problem), time_limit=60)
        if plan.status != "optimal":
            raise RuntimeError(f"plan-pd ended {plan.status}")

    target = "optimal in ≤ 2 s" if agents <= 500 else "optimal in ≤ 10 s, ≤ 500 MB"
    return Scenario(
        f"plan-pd {agents} agents", f"{agents} agents, 13 weeks", run, repeat=3, note=target
    )


def _with_forecast_floors(problem: dict[str, Any], *, seed: int) -> dict[str, Any]:
    """`problem` with a floor on every date of every team as a forecast gives them (issue 24):
    Erlang C on each day's busiest half hour (80 % in 20 s, 30 % shrinkage), its volume sized
    to the team (a floor of 70-90 % of it, busier Mondays, a quiet Friday afternoon), instead of
    one hand-set floor and two peak days."""
    from core.staffing import Load, Target, agents_needed, floor_for

    rng = random.Random(seed)
    target = Target()
    start, end = (dt.date.fromisoformat(problem["period"][k]) for k in ("start", "end"))
    every = (start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    dates = [d.isoformat() for d in every if d.weekday() < 5]
    size = Counter(a["team"] for a in problem["agents"])
    teams = []
    for team in problem["teams"]:
        by_date = {}
        for day in dates:
            weekday = dt.date.fromisoformat(day).weekday()
            share = rng.uniform(0.70, 0.90) + (0.03 if weekday == 0 else 0.0)
            wanted = math.floor(size[team["id"]] * share)
            # The busiest half hour's calls (300 s each) whose Erlang C floor is `wanted`: the
            # largest volume that a floor of `wanted` still covers.
            low, high = 0, 400 * size[team["id"]]
            while low < high:
                contacts = (low + high + 1) // 2
                [needed] = agents_needed([Load(contacts, 300)], target)
                low, high = (
                    (contacts, high)
                    if floor_for(needed, target.shrinkage) <= wanted
                    else (low, contacts - 1)
                )
            [needed] = agents_needed([Load(low, 300)], target)
            by_date[day] = floor_for(needed, target.shrinkage)
        teams.append({**team, "min_staffed": 0, "min_staffed_by_date": by_date})
    return {**problem, "teams": teams}


def _plan_pd_forecast(agents: int) -> Scenario:
    """The planner on the instances of `plan-pd N agents` with floors from a forecast on every
    day: "the planner with forecast floors no slower than with hand-set ones" (issue 24)."""
    from bench.generators import pd_instance

    problems = [
        _with_forecast_floors(pd_instance(agents, seed=seed), seed=seed) for seed in (1, 2, 3)
    ]
    index = {"next": 0}

    def run() -> None:
        from core.scheduling.pd_days import plan_pd_days
        from core.scheduling.pd_problem import read_pd_problem

        problem = problems[index["next"] % len(problems)]
        index["next"] += 1
        plan = plan_pd_days(read_pd_problem(problem), time_limit=60)
        if plan.status not in ("optimal", "infeasible"):
            raise RuntimeError(f"plan-pd ended {plan.status}")

    return Scenario(
        f"plan-pd {agents} agents, forecast floors",
        f"{agents} agents, 13 weeks, a floor a day",
        run,
        repeat=3,
        note=f"no slower than plan-pd {agents} agents",
    )


def _assign(agents: int) -> Scenario:
    from bench.generators import rotation_instance

    problem = rotation_instance(agents)

    def run() -> None:
        from core.scheduling.rotations import assign_rotations, read_rotation_problem

        if assign_rotations(read_rotation_problem(problem)).status != "optimal":
            raise RuntimeError("assign-rotations did not prove optimality")

    target = "optimal in ≤ 1 s" if agents <= 2000 else "optimal in ≤ 5 s"
    return Scenario(
        f"assign-rotations {agents} agents",
        f"{agents} agents, 15 depts",
        run,
        repeat=5,
        note=target,
    )


def _import_metrics() -> Scenario:
    import shutil
    import sqlite3

    from bench.generators import metrics_csv

    state: dict[str, object] = {}

    def setup() -> None:
        source = ensure_big_database()
        copy = BIG_DB.with_name("bench-import.db")
        for left in (copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
            left.unlink(missing_ok=True)  # an earlier run's journal would not match the copy
        shutil.copy(BIG_DB, copy)
        emails = [
            r[0]
            for r in sqlite3.connect(copy).execute("select email from person where role='agent'")
        ]
        state["url"] = f"sqlite:///{copy}"
        state["csv"] = BIG_DB.with_name("bench-1m.csv")
        Path(str(state["csv"])).write_bytes(metrics_csv(emails, 1_000_000))
        del source

    def run() -> None:
        from core.cli import main

        os.environ["HEADWAY_TODAY"] = TODAY
        if main(["import", "metrics", str(state["csv"]), "--database", str(state["url"])]) != 0:
            raise RuntimeError("import failed")

    return Scenario(
        "import metrics 1,000,000 rows",
        "2,000-agent demo db (SQLite)",
        run,
        repeat=1,
        setup=setup,
        note="≤ 60 s",
    )


def _org_growth(cached: bool) -> Scenario:
    """The organisation growth page's data for a manager over every team (six months)."""
    state: dict[str, object] = {}

    def setup() -> None:
        url = use_big_database()
        import datetime as dt

        from sqlmodel import Session, select

        from core.models import Person, Team
        from core.platform.db import make_engine

        with Session(make_engine(url)) as session:
            state["viewer"] = session.exec(
                select(Person.id).where(Person.email == "manager@example.com")
            ).one()
            state["teams"] = tuple(t for t in session.exec(select(Team.id)).all())
        end = dt.date.fromisoformat(TODAY)
        state["window"] = (end - dt.timedelta(days=180), end)
        if cached:
            run()

    def run() -> None:
        from ui.analytics import clear_caches, data_version, load_bundle

        if not cached:
            clear_caches()
        start, end = state["window"]
        load_bundle(data_version(), state["viewer"], start, end, state["teams"], "qa_score")

    name = "org growth data, " + ("cached rerun" if cached else "first load")
    return Scenario(
        name,
        "2,000 agents, all teams, 6 months",
        run,
        repeat=3 if not cached else 5,
        setup=setup,
        note="≤ 0.3 s" if cached else "≤ 2 s",
    )


def _feed_search(url_env: str | None) -> Scenario:
    """The learning feed's first page for a two-word search over 100,000 shares."""
    state: dict[str, object] = {}
    label = "PostgreSQL" if url_env else "SQLite"

    def setup() -> None:
        import random

        from sqlmodel import Session, select

        from core.models import LearningShare, Person
        from core.people.access import load_actor
        from core.platform.db import make_engine, migrate

        url = (
            os.environ.get(url_env or "", "")
            if url_env
            else f"sqlite:///{BIG_DB.with_name('bench-shares.db')}"
        )
        if not url:
            raise RuntimeError(f"set {url_env} to a PostgreSQL URL to run this scenario")
        os.environ["HEADWAY_TODAY"] = TODAY
        engine = make_engine(url)
        migrate(engine)
        with Session(engine) as session:
            if session.exec(select(Person)).first() is None:
                import datetime as dt

                from seed.demo import seed_demo

                seed_demo(session, agents=200, years=1, today=dt.date.fromisoformat(TODAY))
                session.commit()
            count = session.exec(select(LearningShare.id)).all()
            authors = session.exec(select(Person.id).where(Person.role == "agent")).all()
            from faker import Faker

            fake = Faker()
            fake.seed_instance(5)
            vocabulary = fake.words(nb=900, unique=True)
            topics = [("refund", "escalation")] + [
                tuple(fake.words(nb=2, unique=True)) for _ in range(39)
            ]
            rng = random.Random(5)
            missing = 100_000 - len(count)

            def text(n: int, topic: tuple[str, ...]) -> str:
                return " ".join([*rng.choices(vocabulary, k=n), *topic])

            rows = []
            for _ in range(max(0, missing)):
                topic = rng.choice(topics)  # one topic in 40: a share is about something
                rows.append(
                    {
                        "author_id": rng.choice(authors),
                        "title": text(3, topic[:1]),
                        "learned": text(25, topic),
                        "worked": text(12, ()),
                        "didnt_work": "",
                        "next_time": text(10, ()),
                        "tags": "bench",
                        "visibility": "organisation",
                    }
                )
            if rows:
                session.execute(LearningShare.__table__.insert(), rows)  # type: ignore[attr-defined]
                session.commit()
            manager = session.exec(
                select(Person.id).where(Person.email == "manager@example.com")
            ).one()
            state["engine"], state["actor"] = engine, load_actor(session, manager)

    def run() -> None:
        from sqlmodel import Session

        from core.learning.shares import search_shares

        with Session(state["engine"]) as session:  # type: ignore[arg-type]
            feed = search_shares(session, actor=state["actor"], words="refund escalations")  # type: ignore[arg-type]
            assert feed.shares

    return Scenario(
        f"feed search, 100,000 shares ({label})",
        "first page, 2 words",
        run,
        repeat=7,
        setup=setup,
        note="≤ 100 ms",
    )


def _run_due() -> Scenario:
    """Monday 07:45 on the 2,000-agent database: every daily rule and every digest (the
    transaction is rolled back, so each repeat does the whole work)."""

    def run() -> None:
        import datetime as dt

        from sqlmodel import Session

        from core.platform.db import make_engine
        from core.reminders.schedule import run_due

        with Session(make_engine(use_big_database())) as session:
            created = run_due(session, at=dt.datetime.fromisoformat(f"{TODAY}T07:45"))
            session.rollback()
        assert created

    return Scenario(
        "jobs run-due",
        "2,000 agents, Monday 07:45 (daily + digests)",
        run,
        repeat=3,
        note="a daily job: seconds are fine",
    )


def _evaluator_drift() -> Scenario:
    """`headway evaluator-drift` end to end: reading and checking the CSV, the estimate and
    the JSON, for 200 evaluators over 2,000 agents in 100 teams."""
    state: dict[str, Path] = {}

    def setup() -> None:
        from tests.unit.simulate import drift_world

        frame, _, _ = drift_world(
            1, evaluators=200, thin=0, teams=100, agents_per_team=20, evaluations=(500, 501)
        )
        folder = Path(tempfile.mkdtemp(prefix="bench-drift-"))
        state["input"], state["output"] = folder / "evaluations.csv", folder / "drift.json"
        frame.to_csv(state["input"], index=False)

    def run() -> None:
        from core.cli import main

        if main(
            ["evaluator-drift", "--input", str(state["input"]), "--output", str(state["output"])]
        ):
            raise RuntimeError("evaluator-drift failed")

    return Scenario(
        "evaluator-drift 100,000 rows",
        "200 evaluators, 2,000 agents",
        run,
        repeat=3,
        setup=setup,
        note="≤ 5 s",
    )


def _contact_effect() -> Scenario:
    """`headway contact-effect` end to end: reading and checking the contacts CSV (one row per
    reason and day: 547,500 rows), the noise model, 100 changes and the JSON."""
    state: dict[str, Path] = {}

    def setup() -> None:
        from tests.unit.simulate_contacts import EFFECTS, contact_world, write_csvs

        world = contact_world(1, reasons=500, days=3 * 365, effects=EFFECTS * 10, thin=False)
        folder = Path(tempfile.mkdtemp(prefix="bench-contacts-"))
        state["contacts"], state["changes"] = folder / "contacts.csv", folder / "changes.csv"
        state["output"] = folder / "effect.json"
        write_csvs(world, str(state["contacts"]), str(state["changes"]))

    def run() -> None:
        import contextlib
        import io

        from core.cli import main

        argv = ["contact-effect", "--contacts", str(state["contacts"])]
        argv += ["--changes", str(state["changes"]), "--output", str(state["output"])]
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
        if code:
            raise RuntimeError("contact-effect failed")

    return Scenario(
        "contact-effect 500 reasons × 3 years",
        "547,500 rows, 100 changes",
        run,
        repeat=3,
        setup=setup,
        note="≤ 5 s",
    )


def _staffing() -> Scenario:
    """`headway staffing` end to end (reading and checking the CSV, Erlang C for every interval,
    the JSON) on 60 teams × 90 days × 48 half-hour intervals: 259,200 rows."""
    state: dict[str, Path] = {}

    def setup() -> None:
        from bench.generators import forecast_csv

        folder = Path(tempfile.mkdtemp(prefix="bench-staffing-"))
        state["input"], state["output"] = folder / "forecast.csv", folder / "floors.json"
        state["input"].write_text(forecast_csv(60, 90, 48), encoding="utf-8")

    def run() -> None:
        from core.cli import main

        if main(["staffing", "--forecast", str(state["input"]), "--output", str(state["output"])]):
            raise RuntimeError("staffing failed")

    return Scenario(
        "staffing 60 teams × 90 days",
        "259,200 intervals",
        run,
        repeat=3,
        setup=setup,
        note="≤ 3 s",
    )


def _import_forecast() -> Scenario:
    """`headway import forecast` of 60 teams × 90 days × 48 intervals into a fresh SQLite
    database: reading, checking, comparing with what is stored, writing."""
    state: dict[str, str] = {}

    def setup() -> None:
        import datetime as dt

        from sqlmodel import Session

        from bench.generators import forecast_csv
        from core.models import Team
        from core.platform.db import make_engine, migrate

        folder = Path(tempfile.mkdtemp(prefix="bench-forecast-"))
        state["url"] = f"sqlite:///{folder / 'forecast.db'}"
        engine = make_engine(state["url"])
        migrate(engine)
        names = [f"Team {t:02d}" for t in range(1, 61)]
        with Session(engine) as session:
            session.add_all(Team(name=n) for n in names)
            session.commit()
        state["input"] = str(folder / "forecast.csv")
        Path(state["input"]).write_text(
            forecast_csv(60, 90, 48, start=dt.date(2027, 1, 4), team_names=names),
            encoding="utf-8",
        )
        os.environ["HEADWAY_TODAY"] = TODAY

    def run() -> None:
        from core.cli import main

        if main(["import", "forecast", state["input"], "--database", state["url"]]):
            raise RuntimeError("import forecast failed")

    return Scenario(
        "import forecast 60 teams × 90 days",
        "259,200 intervals, new",
        run,
        repeat=1,
        setup=setup,
        note="≤ 10 s",
    )


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("seed --agents 2000", "2,000 agents, 2 years", seed_2000, repeat=1, note="≤ 60 s"),
        *(
            _home_as(e)
            for e in (
                "agent@example.com",
                "lead@example.com",
                "manager@example.com",
                "admin@example.com",
            )
        ),
        _home_as("agent@example.com", "pages/growth.py"),
        _home_as("lead@example.com", "pages/growth.py"),
        _home_as("lead@example.com", "pages/coaching.py"),
        _home_as("manager@example.com", "pages/inbox.py"),
        _home_as("manager@example.com", "pages/drift.py"),
        _run_due(),
        _org_growth(cached=False),
        _org_growth(cached=True),
        _feed_search(None),
        _feed_search("HEADWAY_BENCH_PG_URL"),
        _plan_pd(500),
        _plan_pd(2000),
        _plan_pd_forecast(500),
        _plan_pd_forecast(2000),
        _assign(2000),
        _assign(10000),
        _import_metrics(),
        _evaluator_drift(),
        _contact_effect(),
        _staffing(),
        _import_forecast(),
        *voice_scenarios(),
        *api_scenarios(),
    )
}
