"""`python -m bench.profile_pages`: what one rerun of each journey page costs, and where it goes.

For each page of the load harness's journeys (agent: My day, My PD days, Learning shares and a
search, My pledge; lead: Team at a glance, Coaching, Team growth; manager: Team growth over every
team) it reruns the whole app script (login check, navigation, the page) in Streamlit's AppTest
on the 2,000-agent demo database, after one warm-up run, and prints per page: the wall time and
the CPU time of the script's thread per rerun (median), and the SQL statements per rerun. With
`--profile PAGE` it prints that page's cProfile (cumulative time, the script thread only).

CPU seconds per rerun is the figure that decides how many sessions a core holds; it does not
depend on what else the machine is doing, unlike the wall time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.scenarios import ROOT


@dataclass
class Page:
    name: str
    email: str
    page: str  # the page file under pages/
    act: Callable[[Any], None] | None = None  # a widget interaction after the page has run


def _search(at: Any) -> None:
    at.text_input(key="learn_words").input("refund escalation")


def _every_team(at: Any) -> None:
    """A manager picks every team (the picker's values are team ids)."""
    from sqlmodel import Session, col, select

    from core.models import Team
    from ui.state import engine

    with Session(engine()) as session:
        every = list(session.exec(select(Team.id).order_by(col(Team.name))).all())
    at.multiselect(key="tg_teams").set_value(every)


JOURNEYS = (
    Page("My day (agent)", "agent@example.com", "pages/home.py"),
    Page("My PD days", "agent@example.com", "pages/my_pd_days.py"),
    Page("Learning shares", "agent@example.com", "pages/learning.py"),
    Page("Learning search", "agent@example.com", "pages/learning.py", _search),
    Page("My pledge", "agent@example.com", "pages/pledge.py"),
    Page("My day (lead)", "lead@example.com", "pages/home.py"),
    Page("Team at a glance", "lead@example.com", "pages/team.py"),
    Page("Coaching", "lead@example.com", "pages/coaching.py"),
    Page("Team growth (lead)", "lead@example.com", "pages/team_growth.py"),
    Page("My day (manager)", "manager@example.com", "pages/home.py"),
    Page("Team growth (manager, 4 teams)", "manager@example.com", "pages/team_growth.py"),
    Page(
        "Team growth (manager, all teams)",
        "manager@example.com",
        "pages/team_growth.py",
        _every_team,
    ),
)


class _Counter:
    """SQL statements and the script thread's CPU time, counted around each rerun."""

    def __init__(self) -> None:
        self.statements = 0
        self.cpu = 0.0
        self.sql: list[str] | None = None  # with --sql: the statements themselves
        self.profile: cProfile.Profile | None = None
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "after_cursor_execute", self._done)
        self._started = 0.0
        self._patch_runner()

    def _statement(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        self.statements += 1
        self._started = time.perf_counter()
        if self.sql is not None:
            self.sql.append(" ".join(statement.split())[:150])

    def _done(self, *_args: object) -> None:
        if self.sql:
            self.sql[-1] = f"{(time.perf_counter() - self._started) * 1000:6.2f} ms  {self.sql[-1]}"

    def _patch_runner(self) -> None:
        from streamlit.runtime.scriptrunner import script_runner

        original = script_runner.ScriptRunner._run_script
        counter = self

        def timed(runner: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            profile = counter.profile
            if profile is not None:
                profile.enable()
            try:
                return original(runner, *args, **kwargs)
            finally:
                if profile is not None:
                    profile.disable()
                counter.cpu += time.thread_time() - started

        script_runner.ScriptRunner._run_script = timed  # type: ignore[method-assign]


def _app_as(email: str) -> Any:
    from sqlmodel import Session, select
    from streamlit.testing.v1 import AppTest

    from core.models import Person
    from core.people.auth import open_session
    from ui.state import engine

    with Session(engine()) as session:
        person = session.exec(select(Person).where(Person.email == email)).one()
        assert person.id is not None
        token = open_session(session, person_id=person.id)
        session.commit()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.session_state["auth_token"] = token
    at.run()
    return at


def measure(page: Page, counter: _Counter, repeat: int) -> dict[str, float]:
    at = _app_as(page.email)
    at.switch_page(page.page).run()  # the first run of the page: imports, caches
    walls, cpus, statements = [], [], []
    for _ in range(repeat):
        if page.act is not None:
            at.switch_page(page.page).run()
            page.act(at)
        counter.cpu, counter.statements = 0.0, 0
        started = time.perf_counter()
        if page.act is not None:
            at.run()
        else:
            at.switch_page(page.page).run()
        walls.append(time.perf_counter() - started)
        cpus.append(counter.cpu)
        statements.append(counter.statements)
        if at.exception:
            raise RuntimeError(f"{page.name}: {at.exception[0].message}")
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "statements": statistics.median(statements),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_pages", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", help="print the cProfile of the page with this name")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument(
        "--sql", help="print the SQL statements of one rerun of the page with this name"
    )
    args = parser.parse_args(argv)
    import os

    if "DATABASE_URL" not in os.environ:
        from bench.scenarios import use_big_database

        use_big_database()
    os.environ.setdefault("HEADWAY_SCHEDULER", "worker")
    counter = _Counter()
    assert threading.current_thread() is threading.main_thread()
    print(f"{'page':<34} {'wall/rerun':>11} {'CPU/rerun':>10} {'SQL/rerun':>10}", flush=True)
    for page in JOURNEYS:
        if (args.profile or args.sql) and page.name not in (args.profile, args.sql):
            continue
        if args.sql:
            measure(page, counter, 1)
            counter.sql = []
            measure(page, counter, 1)
            print("\n".join(counter.sql[-int(counter.statements) :]))
            counter.sql = None
            continue
        if args.profile:
            measure(page, counter, 1)
            counter.profile = cProfile.Profile()
        figures = measure(page, counter, args.repeat)
        print(
            f"{page.name:<34} {figures['wall'] * 1000:>8.0f} ms {figures['cpu'] * 1000:>7.0f} ms "
            f"{figures['statements']:>10.0f}",
            flush=True,
        )
        if counter.profile is not None:
            out = io.StringIO()
            pstats.Stats(counter.profile, stream=out).sort_stats("cumulative").print_stats(
                args.lines
            )
            print(out.getvalue())
            counter.profile = None
    return 0


if __name__ == "__main__":
    sys.exit(main())
