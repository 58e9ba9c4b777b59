"""`headway seed`: the demo organisation as a command of the `headway` line. The command line
finds it through the `headway.commands` entry point (pyproject.toml), so core never imports the
demo data; this module imports core, the one direction allowed."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from core.cli import AddCommand, _engine, _whole
from core.cli_io import EXIT_OK, _date


def register(add: AddCommand) -> None:
    p = add("seed", cmd_seed, "create the demo organisation")
    p.add_argument("--agents", type=_whole(2, 20_000, "a number of agents"), default=120)
    p.add_argument("--years", type=_whole(1, 10, "a number of years"), default=2)
    p.add_argument("--database")
    p.add_argument("--random-seed", type=_whole(0, 2**32 - 1, "a seed"), default=7)
    p.add_argument("--today", type=_date)
    p.add_argument("--if-empty", action="store_true", help="do nothing if people exist already")


def cmd_seed(args: argparse.Namespace) -> int:
    from sqlmodel import func, select

    from core.models import Person
    from core.platform.clock import today
    from core.platform.db import migrate, session_scope
    from seed.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

    engine = _engine(args.database)
    migrate(engine)
    with session_scope(engine) as session:
        if args.if_empty and session.exec(select(func.count()).select_from(Person)).one() > 0:
            print("database already has an organisation; not seeding")
            _print_logins(DEMO_LOGINS, DEMO_PASSWORD)
            return EXIT_OK
        started = time.perf_counter()
        summary = seed_demo(
            session,
            agents=args.agents,
            years=args.years,
            random_seed=args.random_seed,
            today=args.today or today(),
        )
    print(
        f"seeded {summary.teams} teams, {summary.people} people ({summary.agents} agents), "
        f"{summary.departments} departments, {summary.observations} observations, "
        f"{summary.pd_days} PD days "
        f"in {time.perf_counter() - started:.1f} s"
    )
    _print_logins(DEMO_LOGINS, DEMO_PASSWORD)
    return EXIT_OK


def _print_logins(logins: Sequence[tuple[str, object, str]], password: str) -> None:
    print(f"demo logins (password: {password}):")
    for email, _role, what in logins:
        print(f"  {email:<22} {what}")
