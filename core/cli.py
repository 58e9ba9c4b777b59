"""The `headway` command line (see shared/spec/CLI.md): a thin shell over core services.

Exit codes: 0 success, 1 bad input, 2 infeasible, 3 time limit without a solution; and, outside
the contract, 70 for an internal error (a bug: one sentence on stderr, the traceback in a log
file it names), 130 when interrupted. Every argument is read by the one parser of its kind
(`core/parsing.py`), so a value out of range is a sentence and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from core.errors import DomainError, InvalidInput
from core.parsing import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_WINDOW_DAYS,
    date_out_of_window,
    listed,
    read_date,
    read_number,
)

EXIT_OK, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_TIMEOUT = 0, 1, 2, 3
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE of sysexits.h: a bug, not the user's input
EXIT_INTERRUPTED = 130
MAX_TIME_LIMIT = 24 * 3600.0

log = logging.getLogger("headway.cli")


def _date(value: str) -> dt.date:
    day, problem = read_date(value)
    if day is None:
        raise argparse.ArgumentTypeError(str(problem))
    return day


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argument that is a whole number from `low` to `high` (digits only: no `1_000`)."""

    def parse(value: str) -> int:
        number, _ = read_number(value)
        if number is None or not number.is_integer() or not low <= number <= high:
            raise argparse.ArgumentTypeError(
                f"{value[:40]!r} is not {what} from {low:,} to {high:,}"
            )
        return int(number)

    return parse


def _engine(url: str | None) -> Any:
    from core.db import shared_engine

    return shared_engine(url)


def cmd_migrate(args: argparse.Namespace) -> int:
    from core.db import migrate

    migrate(_engine(args.database))
    print("database is at the latest schema")
    return EXIT_OK


def cmd_seed(args: argparse.Namespace) -> int:
    from sqlmodel import func, select

    from core.clock import today
    from core.db import migrate, session_scope
    from core.models import Person
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


def _no_constant(name: str) -> object:
    raise InvalidInput(f"{name} is not a number JSON allows (write a number, or leave the key out)")


def _read_json(path: str) -> object:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle, parse_constant=_no_constant)
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc}") from exc
    except RecursionError as exc:
        raise InvalidInput(
            f"{path} is nested too deeply to read: its lists and objects go hundreds of levels deep"
        ) from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path} is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except ValueError as exc:  # the only other one: a number of more than 4,300 digits
        raise InvalidInput(f"{path} is not valid JSON: a number in it is too long") from exc


def _write_json(path: str, data: object) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from exc


_STATUS_EXIT = {
    "optimal": EXIT_OK,
    "feasible": EXIT_OK,
    "infeasible": EXIT_INFEASIBLE,
    "unknown": EXIT_TIMEOUT,
}


def cmd_plan_pd(args: argparse.Namespace) -> int:
    from core.scheduling.pd_days import plan_pd_days, read_pd_problem

    problem = read_pd_problem(_read_json(args.input))
    plan = plan_pd_days(problem, time_limit=args.time_limit)
    _write_json(args.output, plan.to_json())
    for conflict in plan.conflicts:
        print(f"team {conflict.team}: {conflict.reason}", file=sys.stderr)
    if plan.status == "unknown":
        print(f"no plan found within the time limit of {args.time_limit:g} s", file=sys.stderr)
    print(
        f"{plan.status}: {len(plan.assignments)} PD days, preferred honoured "
        f"{plan.preferred_honoured}, previous kept {plan.previous_kept}, spread cost "
        f"{plan.spread_cost} ({plan.solve_seconds:.2f} s)"
    )
    return _STATUS_EXIT[plan.status]


def cmd_assign_rotations(args: argparse.Namespace) -> int:
    from core.scheduling.rotations import assign_rotations, read_rotation_problem

    problem = read_rotation_problem(_read_json(args.input))
    plan = assign_rotations(problem)
    _write_json(args.output, plan.to_json())
    if plan.status == "infeasible":
        for agent, reason in plan.unassigned:
            print(f"agent {agent}: {reason}", file=sys.stderr)
    print(
        f"{plan.status}: {len(plan.assignments)} assigned, {len(plan.unassigned)} unassigned, "
        f"interest score {plan.interest_score} ({plan.solve_seconds:.2f} s)"
    )
    return _STATUS_EXIT[plan.status]


def cmd_import_metrics(args: argparse.Namespace) -> int:
    from core.db import make_engine, session_scope
    from core.imports import import_metrics

    try:
        handle = open(args.file, "rb")  # noqa: SIM115 (closed below; read line by line)
    except OSError as exc:
        raise InvalidInput(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    with handle, session_scope(make_engine(args.database)) as session:
        result = import_metrics(session, data=handle)
    if result.ignored_columns:
        print("warning: ignored column(s): " + ", ".join(result.ignored_columns), file=sys.stderr)
    print(f"added {result.added}, already present {result.already_present}")
    return EXIT_OK


def cmd_import_contacts(args: argparse.Namespace) -> int:
    from core.db import make_engine, session_scope
    from core.voice.volumes import import_contacts

    data = _read_bytes(args.file)
    with session_scope(make_engine(args.database)) as session:
        result = import_contacts(session, data=data)
    if result.ignored_columns:
        print("warning: ignored column(s): " + ", ".join(result.ignored_columns), file=sys.stderr)
    print(f"added {result.added}, already present {result.already_present}")
    return EXIT_OK


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc


def _prefixed(path: str, error: InvalidInput) -> InvalidInput:
    return InvalidInput(f"{path}: {error}", [f"{path}: {p}" for p in error.problems])


def cmd_coaching_effect(args: argparse.Namespace) -> int:
    from core.growth.statistics import coaching_effects, read_notes_csv, read_observations_csv

    try:
        observations = read_observations_csv(_read_bytes(args.observations))
    except InvalidInput as exc:
        raise _prefixed(args.observations, exc) from exc
    try:
        notes = read_notes_csv(_read_bytes(args.notes))
    except InvalidInput as exc:
        raise _prefixed(args.notes, exc) from exc
    effects = coaching_effects(observations, notes, window=args.window)
    _write_json(args.output, {"window": args.window, "notes": [e.to_json() for e in effects]})
    verdicts: dict[str, int] = {}
    for effect in effects:
        verdicts[effect.verdict] = verdicts.get(effect.verdict, 0) + 1
    print(f"{len(effects)} notes: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    return EXIT_OK


def cmd_trend_flags(args: argparse.Namespace) -> int:
    from core.growth.statistics import read_observations_csv, trend_flags
    from core.models import METRICS

    if args.metric not in METRICS:
        raise InvalidInput(f"--metric {args.metric!r} is not one of {', '.join(METRICS)}")
    try:
        observations = read_observations_csv(_read_bytes(args.observations))
    except InvalidInput as exc:
        raise _prefixed(args.observations, exc) from exc
    flags = trend_flags(observations, metric=args.metric, as_of=args.as_of, window=args.window)
    _write_json(
        args.output,
        {
            "metric": args.metric,
            "as_of": args.as_of.isoformat(),
            "flagged": [f.to_json() for f in flags],
        },
    )
    print(f"{len(flags)} agent(s) flagged: {args.metric} getting worse over {args.window} days")
    return EXIT_OK


def cmd_evaluator_drift(args: argparse.Namespace) -> int:
    from core.drift import evaluator_leniency, leniency_sentence, read_evaluations_csv

    # One input file: its bad rows are reported as the metrics import does, each line starting
    # "line N: " (no file name in front).
    evaluations = read_evaluations_csv(_read_bytes(args.input))
    results = evaluator_leniency(evaluations.evaluators, evaluations.agents, evaluations.scores)
    _write_json(args.output, {"evaluators": [r.to_json() for r in results]})
    for result in results:
        if result.verdict != "in line":
            print(leniency_sentence(result), file=sys.stderr)
    verdicts: dict[str, int] = {}
    for result in results:
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
    print(
        f"{len(results)} evaluators: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items()))
    )
    return EXIT_OK


def cmd_contact_effect(args: argparse.Namespace) -> int:
    from core.voice.effect import (
        describe_effect,
        estimate_change_effects,
        read_changes_csv,
        read_contacts_csv,
    )

    # Bad rows are reported as the imports do, each line starting "line N: "; the "error:"
    # line above them names the file.
    daily = _read_rows_of(args.contacts, read_contacts_csv)
    changes = _read_rows_of(args.changes, read_changes_csv)
    effects = estimate_change_effects(daily, changes)
    _write_json(args.output, {"changes": [e.to_json() for e in effects]})
    for effect in effects:
        print(f"{effect.reason}: {describe_effect(effect, reason_label=effect.reason)}")
    verdicts: dict[str, int] = {}
    for effect in effects:
        verdicts[effect.verdict] = verdicts.get(effect.verdict, 0) + 1
    print(f"{len(effects)} changes: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    return EXIT_OK


def _read_rows_of(path: str, read: Callable[[bytes], Any]) -> Any:
    """`read` over the file's bytes; its bad lines keep their "line N: " start, and one
    "error:" line names the file."""
    try:
        return read(_read_bytes(path))
    except InvalidInput as exc:
        if len(exc.problems) == 1:  # main prints only the problem then
            print(f"error: in {path}:", file=sys.stderr)
        raise InvalidInput(f"{path}: {exc}", exc.problems) from exc


_days = _whole(1, MAX_WINDOW_DAYS, "a whole number of days")


def _seconds(value: str) -> float:
    number, _ = read_number(value)
    if number is None or not 0 < number <= MAX_TIME_LIMIT:
        raise argparse.ArgumentTypeError(
            f"{value[:40]!r} is not a number of seconds more than 0 and at most {MAX_TIME_LIMIT:g}"
        )
    return number


class _Parser(argparse.ArgumentParser):
    """Usage errors are bad input: exit 1 (argparse's own 2 means "infeasible" here)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{value[:40]!r} is not a moment: give it as YYYY-MM-DDTHH:MM (local time)"
        ) from exc
    if date_out_of_window(moment.date()):
        raise argparse.ArgumentTypeError(
            f"{value} is out of range: give a moment from {EARLIEST_DATE} to {LATEST_DATE}"
        )
    return moment


def cmd_run_due(args: argparse.Namespace) -> int:
    from core import clock
    from core.db import check_database, migrate, session_scope
    from core.mailer import send_pending
    from core.reminders.schedule import run_due

    engine = _engine(args.database)
    check_database(engine)
    migrate(engine)
    at = args.at or clock.now_local()
    with session_scope(engine) as session:
        created = run_due(session, at=at)
    for item in created:
        print(item.line())
    print(f"{len(created)} notifications created", flush=True)
    sent = send_pending(engine)
    if sent:
        print(f"{sent} e-mails sent", file=sys.stderr)
    return EXIT_OK


def cmd_apply_retention(args: argparse.Namespace) -> int:
    from core import clock
    from core.config import get_settings
    from core.db import check_database, migrate, session_scope
    from core.retention import apply_retention

    engine = _engine(args.database)
    check_database(engine)
    migrate(engine)
    months = get_settings().retention_months
    with session_scope(engine) as session:
        result = apply_retention(session, months=months, day=clock.today())
    print(f"retention {months} months: {result.sentence()}", flush=True)
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    from core.db import check_database, migrate
    from core.jobs import WATCHDOG_SECONDS, start_scheduler

    engine = _engine(args.database)
    check_database(engine)
    migrate(engine)
    from core.logs import configure as configure_logs

    configure_logs()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = start_scheduler(engine)
    for job in scheduler.get_jobs():
        print(f"{job.id}: next run {job.next_run_time:%Y-%m-%d %H:%M %Z}", file=sys.stderr)
    # A watchdog: if the scheduler's thread dies, exit non-zero so that the supervisor
    # (systemd Restart=always, a container's restart policy) starts a fresh worker.
    while not stop.wait(WATCHDOG_SECONDS):
        if not scheduler.alive:
            logging.getLogger("headway.jobs").error(
                "the scheduler stopped running; the worker exits so that it is restarted"
            )
            print("headway worker: the scheduler stopped running; exiting", file=sys.stderr)
            return EXIT_BAD_INPUT
    scheduler.shutdown()
    print("worker stopped", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="headway", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.set_defaults(func=func)
        return p

    p = add("migrate", cmd_migrate, "create or upgrade the database schema")
    p.add_argument("--database", help="SQLAlchemy URL (default: DATABASE_URL)")

    p = add("seed", cmd_seed, "create the demo organisation")
    p.add_argument("--agents", type=_whole(2, 20_000, "a number of agents"), default=120)
    p.add_argument("--years", type=_whole(1, 10, "a number of years"), default=2)
    p.add_argument("--database")
    p.add_argument("--random-seed", type=_whole(0, 2**32 - 1, "a seed"), default=7)
    p.add_argument("--today", type=_date)
    p.add_argument("--if-empty", action="store_true", help="do nothing if people exist already")

    p = add("plan-pd", cmd_plan_pd, "schedule PD days (JSON in, JSON out)")
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--time-limit", type=_seconds, default=60.0)

    p = add(
        "assign-rotations", cmd_assign_rotations, "assign ambassador rotations (JSON in, JSON out)"
    )
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--time-limit", type=_seconds, default=60.0)

    p = add("coaching-effect", cmd_coaching_effect, "estimate each coaching note's effect (files)")
    p.add_argument("--observations", required=True)
    p.add_argument("--notes", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--window", type=_days, default=30)

    p = add("trend-flags", cmd_trend_flags, "agents whose metric is getting worse (files)")
    p.add_argument("--observations", required=True)
    p.add_argument("--metric", required=True)
    p.add_argument("--as-of", required=True, type=_date)
    p.add_argument("--output", required=True)
    p.add_argument("--window", type=_days, default=60)

    p = add(
        "evaluator-drift",
        cmd_evaluator_drift,
        "each QA evaluator's leniency against colleagues on the same agents (files)",
    )
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)

    p = add(
        "contact-effect",
        cmd_contact_effect,
        "what each change did to its reason's daily contacts (files)",
    )
    p.add_argument("--contacts", required=True)
    p.add_argument("--changes", required=True)
    p.add_argument("--output", required=True)

    p = add("import", lambda a: a.import_func(a), "import data from a file")
    kinds = p.add_subparsers(dest="kind", required=True)
    m = kinds.add_parser("metrics", help="quality and performance observations from a CSV")
    m.add_argument("file")
    m.add_argument("--database")
    m.set_defaults(import_func=cmd_import_metrics)
    c = kinds.add_parser("contacts", help="daily contact volumes per reason from a CSV")
    c.add_argument("file")
    c.add_argument("--database")
    c.set_defaults(import_func=cmd_import_contacts)

    p = add("worker", cmd_worker, "run the reminder scheduler (for HEADWAY_SCHEDULER=worker)")
    p.add_argument("--database")

    p = add("jobs", lambda a: a.jobs_func(a), "run scheduled jobs by hand")
    jobs = p.add_subparsers(dest="job", required=True)
    j = jobs.add_parser("run-due", help="create the notifications due by a moment")
    j.add_argument("--at", type=_moment, help="YYYY-MM-DDTHH:MM, local time (default: now)")
    j.add_argument("--database")
    j.set_defaults(jobs_func=cmd_run_due)
    j = jobs.add_parser(
        "apply-retention",
        help="remove coaching notes and evaluations older than HEADWAY_RETENTION_MONTHS",
    )
    j.add_argument("--database")
    j.set_defaults(jobs_func=cmd_apply_retention)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage errors (exit 1) and --help (exit 0)
        return int(exc.code or 0)
    from core.config import get_settings

    if getattr(args, "database", None):
        os.environ["DATABASE_URL"] = args.database
        get_settings.cache_clear()
    try:
        get_settings()  # every setting is checked before any work: one sentence, exit 1
        return int(args.func(args))
    except InvalidInput as exc:
        if not exc.problems or len(exc.problems) > 1:
            print(f"error: {exc}", file=sys.stderr)
        for problem in listed(exc.problems):
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    except DomainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("headway: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # last resort: a bug, never a traceback on the user's screen
        where = _log_internal_error(exc, command=str(getattr(args, "command", "")))
        print(
            f"headway: internal error ({type(exc).__name__}) — this is a bug, not your input; "
            f"details in {where}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR


def _log_internal_error(exc: Exception, *, command: str) -> str:
    """Keep the traceback in a new private file in the temporary directory and return its
    path; also log it when the process has a log (the worker; never echoed to stderr)."""
    if logging.getLogger().handlers:
        log.error("internal error in headway %s", command, exc_info=exc)
    fd, path = tempfile.mkstemp(prefix="headway-error-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"internal error in headway {command}\n")  # not argv: it may hold a password
        handle.write("".join(traceback.format_exception(exc)))
    return path
