"""The `headway` command line (see shared/spec/CLI.md): a thin shell over core services.

Exit codes: 0 success, 1 bad input, 2 infeasible, 3 time limit without a solution; and, outside
the contract, 70 for an internal error (a bug: one sentence on stderr, the traceback in a log
file it names), 130 when interrupted. Every argument is read by the one parser of its kind
(`core/platform/parsing.py`), so a value out of range is a sentence and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from typing import Any, NoReturn

from core.cli_files import (
    _argument,
    cmd_coaching_effect,
    cmd_contact_effect,
    cmd_evaluator_drift,
    cmd_staffing,
    cmd_trend_flags,
)
from core.cli_io import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_INTERNAL_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TIMEOUT,
    _date,
    _read_bytes,
    _read_json,
    _write_json,
)
from core.platform.errors import DomainError, InvalidInput
from core.platform.parsing import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_WINDOW_DAYS,
    date_out_of_window,
    listed,
    read_number,
)

MAX_TIME_LIMIT = 24 * 3600.0

log = logging.getLogger("headway.cli")
Command = Callable[[argparse.Namespace], int]  # a subcommand: parsed arguments in, exit code out
AddCommand = Callable[[str, Command, str], argparse.ArgumentParser]


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
    from core.platform.db import shared_engine

    return shared_engine(url)


def cmd_migrate(args: argparse.Namespace) -> int:
    from core.platform.db import migrate

    migrate(_engine(args.database))
    print("database is at the latest schema")
    return EXIT_OK


_STATUS_EXIT = {
    "optimal": EXIT_OK,
    "feasible": EXIT_OK,
    "infeasible": EXIT_INFEASIBLE,
    "unknown": EXIT_TIMEOUT,
}


def cmd_plan_pd(args: argparse.Namespace) -> int:
    from core.scheduling.pd_days import plan_pd_days
    from core.scheduling.pd_problem import read_pd_problem

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
    from core.metrics.imports import import_metrics
    from core.platform.db import make_engine, session_scope

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
    from core.platform.db import make_engine, session_scope
    from core.voice.volumes import import_contacts

    data = _read_bytes(args.file)
    with session_scope(make_engine(args.database)) as session:
        result = import_contacts(session, data=data)
    if result.ignored_columns:
        print("warning: ignored column(s): " + ", ".join(result.ignored_columns), file=sys.stderr)
    print(f"added {result.added}, already present {result.already_present}")
    return EXIT_OK


def cmd_import_forecast(args: argparse.Namespace) -> int:
    from core.platform.db import make_engine, migrate, session_scope
    from core.staffing import import_forecast

    try:
        handle = open(args.file, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise InvalidInput(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    engine = make_engine(args.database)
    migrate(engine)
    with handle, session_scope(engine) as session:
        result = import_forecast(session, data=handle, actor=None)
    if result.ignored_columns:
        print("warning: ignored column(s): " + ", ".join(result.ignored_columns), file=sys.stderr)
    print(result.sentence())
    return EXIT_OK


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
    from core.notify.mailer import send_pending
    from core.platform import clock
    from core.platform.db import check_database, migrate, session_scope
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
    from core.people.retention import apply_retention
    from core.platform import clock
    from core.platform.config import get_settings
    from core.platform.db import check_database, migrate, session_scope

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

    from core.jobs import WATCHDOG_SECONDS, ResilientScheduler, start_scheduler
    from core.platform.db import check_database, migrate
    from core.platform.lease import SCHEDULER, Lease, holder_of, lease_seconds

    engine = _engine(args.database)
    check_database(engine)
    migrate(engine)
    from core.platform.logs import configure as configure_logs

    configure_logs()
    jobs_log = logging.getLogger("headway.jobs")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # Two workers may run (a standby for failover): the one holding the scheduler lease runs the
    # jobs, the other stands by and takes over once the lease runs out (core.platform.lease).
    lease = Lease(engine, seconds=lease_seconds())
    scheduler: ResilientScheduler | None = None
    standing_by_for: str | None = None
    try:
        while True:
            if lease.check():
                if scheduler is None:
                    scheduler = start_scheduler(engine)
                    standing_by_for = None
                    jobs_log.info("this worker (%s) runs the jobs", lease.holder)
                    for job in scheduler.get_jobs():
                        print(
                            f"{job.id}: next run {job.next_run_time:%Y-%m-%d %H:%M %Z}",
                            file=sys.stderr,
                        )
            else:
                if scheduler is not None:
                    jobs_log.error(
                        "this worker lost the scheduler lease (the database did not answer in "
                        "time); its jobs stop and it stands by"
                    )
                    scheduler.shutdown()
                    scheduler = None
                holder = holder_of(engine, name=SCHEDULER) if not stop.is_set() else None
                if holder is not None and holder != standing_by_for:
                    standing_by_for = holder
                    print(
                        f"another worker ({holder}) runs the jobs; this one stands by and takes "
                        f"over within {lease.seconds:.0f} s if it stops",
                        file=sys.stderr,
                    )
            # A watchdog: if the scheduler's thread dies, exit non-zero so that the supervisor
            # (systemd Restart=always, a container's restart policy) starts a fresh worker.
            if scheduler is not None and not scheduler.alive:
                jobs_log.error(
                    "the scheduler stopped running; the worker exits so that it is restarted"
                )
                print("headway worker: the scheduler stopped running; exiting", file=sys.stderr)
                return EXIT_BAD_INPUT
            if stop.wait(min(WATCHDOG_SECONDS, lease.every)):
                break
    finally:
        if scheduler is not None and scheduler.alive:
            scheduler.shutdown()
        lease.give_up()
    print("worker stopped", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="headway", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Command, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.set_defaults(func=func)
        return p

    p = add("migrate", cmd_migrate, "create or upgrade the database schema")
    p.add_argument("--database", help="SQLAlchemy URL (default: DATABASE_URL)")

    # Commands other packages add (`headway seed`, from seed/: core never imports the demo data).
    for command in sorted(entry_points(group="headway.commands"), key=lambda c: c.name):
        command.load()(add)

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

    from core.staffing import read_max_occupancy, read_service_level, read_shrinkage

    p = add(
        "staffing",
        cmd_staffing,
        "agents each team must keep working each day, from a forecast by Erlang C (files)",
    )
    p.add_argument("--forecast", required=True)
    p.add_argument("--output", required=True)
    p.add_argument(
        "--service-level",
        type=_argument(read_service_level, "service level"),
        default="80/20",
        help="PCT/SECONDS: PCT %% of contacts answered within SECONDS (default 80/20)",
    )
    p.add_argument(
        "--shrinkage",
        type=_argument(read_shrinkage, "shrinkage"),
        default="30",
        help="percentage of paid time not on the phones (default 30)",
    )
    p.add_argument(
        "--max-occupancy",
        type=_argument(read_max_occupancy, "maximum occupancy"),
        default=None,
        help="percentage of time agents may be busy at most (default: no limit)",
    )

    p = add("import", lambda a: a.import_func(a), "import data from a file")
    kinds = p.add_subparsers(dest="kind", required=True)
    m = kinds.add_parser("metrics", help="quality and performance observations from a CSV")
    m.add_argument("file")
    m.add_argument("--database")
    m.set_defaults(import_func=cmd_import_metrics)
    f = kinds.add_parser(
        "forecast", help="a forecast per team, date and interval from a CSV (WFM export)"
    )
    f.add_argument("file")
    f.add_argument("--database")
    f.set_defaults(import_func=cmd_import_forecast)
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
    from core.platform.config import get_settings

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
