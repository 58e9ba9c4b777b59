"""The background scheduler (APScheduler 3) that runs the reminder jobs.

Jobs live in the application database (APScheduler's SQLAlchemy job store, table
`apscheduler_jobs`), so their next run times survive a restart: a run missed while the server was
down is caught up once on start (coalesce), unless it is more than a day old (misfire grace).
With HEADWAY_SCHEDULER=embedded each app server process runs one scheduler; with `worker`, one
`headway worker` process does. The jobs are idempotent (core.reminders), so two schedulers by
mistake duplicate nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers import base as aps_base
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from core.metrics.imports import tidy_import_tables
from core.notify.mailer import send_pending
from core.notify.notifications import Created
from core.notify.outbound import deliver_due
from core.people.retention import RetentionResult, apply_retention
from core.platform import clock
from core.platform.config import get_settings
from core.platform.db import session_scope, shared_engine
from core.platform.logs import timed
from core.reminders.schedule import catch_up_moment, run_due

log = logging.getLogger("headway.jobs")

MISFIRE_GRACE_SECONDS = 24 * 3600  # a run more than a day late is stale: skip it
PICK_UP_MINUTES = 5
OUTBOUND_SECONDS = 60  # chat messages and webhooks go within a minute
RETENTION_AT = dt.time(2, 30)  # every day, local time: a quiet hour


def jobs_engine() -> Engine:
    """The engine the jobs use (DATABASE_URL), one per process: the embedded scheduler's job
    store shares it."""
    return shared_engine(get_settings().database_url)


def run_and_deliver(at: dt.datetime, *, job: str = "run-due") -> list[Created]:
    """One scheduled run: create what is due by `at`, then send queued e-mail; one log line."""
    engine = jobs_engine()
    with timed(log, job=job, due_by=at.isoformat(timespec="minutes")) as run:
        with session_scope(engine) as session:
            created = run_due(session, at=at)
        run.extra["created"] = len(created)
        run.extra["sent"] = send_pending(engine)
    return created


# Job functions: module level, because the job store keeps a reference to them.


def daily_reminders_job() -> None:
    settings = get_settings()
    moment = catch_up_moment(
        clock.now_local(), at=settings.reminders_at, weekdays=settings.working_days
    )
    run_and_deliver(moment, job="daily-reminders")


def weekly_digest_job() -> None:
    """Runs on every working weekday; the digest goes out only on the week's first working day
    (`WorkCalendar.starts_the_week`: a bank-holiday Monday moves it to Tuesday)."""
    settings = get_settings()
    run_and_deliver(
        catch_up_moment(clock.now_local(), at=settings.digest_at, weekdays=settings.working_days),
        job="weekly-digest",
    )


def pick_up_job() -> None:
    """Every few minutes: what became due since the morning run (a follow-up recorded at noon
    for today) and e-mail for events."""
    run_and_deliver(clock.now_local(), job="pick-up")


def outbound_job() -> int | None:
    """Every minute: post the chat messages and webhook events that are due (first tries and
    retries whose backoff has passed). A database error is logged and the next run carries on:
    a claimed message is never sent twice (core.notify.outbound)."""
    try:
        with timed(log, job="outbound") as run:
            sent = deliver_due(jobs_engine())
            run.extra["sent"] = sent
    except SQLAlchemyError as exc:
        log.error(
            "outbound: the database failed (%s: %s); chat messages and webhooks wait for the "
            "next run",
            type(exc).__name__,
            str(exc).splitlines()[0] if str(exc) else "",
        )
        return None
    return sent


JOBSTORE_RETRY_SECONDS = 10.0


class ResilientScheduler(BackgroundScheduler):  # type: ignore[misc]
    """A BackgroundScheduler whose thread outlives a failing job store.

    APScheduler 3 catches a failure to *read* due jobs, but an exception while it *records* a run
    (the job store's UPDATE, e.g. "database is locked" when a SQLite write lock outlasts the busy
    timeout, or a PostgreSQL connection dropped) escapes its main loop: the thread dies while
    `running` still reads True, and no reminder goes out until a restart. Here that failure is
    logged and the loop wakes again after `JOBSTORE_RETRY_SECONDS`; the run whose record failed is
    still due then and runs again, which duplicates nothing (the jobs are idempotent).
    """

    def __init__(self, *args: Any, retry_seconds: float = JOBSTORE_RETRY_SECONDS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.retry_seconds = retry_seconds
        self.store_failures = 0  # in a row

    def _process_jobs(self) -> float | None:
        try:
            wait: float | None = super()._process_jobs()
        except Exception:
            self.store_failures += 1
            log.exception(
                "the scheduler could not record a job run in the database "
                "(failure %d in a row); retrying in %.0f s",
                self.store_failures,
                self.retry_seconds,
            )
            return self.retry_seconds
        self.store_failures = 0
        return wait

    @property
    def alive(self) -> bool:
        """Running, and its thread too (a dead thread is what a watchdog looks for)."""
        thread = getattr(self, "_thread", None)
        return bool(self.running and thread is not None and thread.is_alive())


def retention_job() -> RetentionResult | None:
    """Daily: remove coaching notes and evaluations older than HEADWAY_RETENTION_MONTHS
    (core.people.retention). A database error is logged and the job runs again the next day: nothing
    is half-removed, the whole run is one transaction."""
    months = get_settings().retention_months
    try:
        with session_scope(jobs_engine()) as session:
            result = apply_retention(session, months=months, day=clock.today())
        with session_scope(jobs_engine()) as session:  # a short transaction of its own
            tidy_import_tables(session)
    except SQLAlchemyError as exc:
        log.error(
            "retention: the database failed (%s: %s); nothing was removed, the job runs again "
            "tomorrow",
            type(exc).__name__,
            str(exc).splitlines()[0] if str(exc) else "",
        )
        return None
    log.info("retention %d months: %s", months, result.sentence())
    return result


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[], object]
    trigger: BaseTrigger
    misfire_grace_time: int


def job_specs() -> list[JobSpec]:
    settings = get_settings()
    tz, daily, digest = settings.tz, settings.reminders_at, settings.digest_at
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    days = ",".join(names[d] for d in sorted(settings.working_days))
    return [
        JobSpec(
            "daily-reminders",
            daily_reminders_job,
            CronTrigger(day_of_week=days, hour=daily.hour, minute=daily.minute, timezone=tz),
            MISFIRE_GRACE_SECONDS,
        ),
        JobSpec(
            "weekly-digest",
            weekly_digest_job,
            CronTrigger(
                day_of_week=days,
                hour=digest.hour,
                minute=digest.minute,
                timezone=tz,
            ),
            MISFIRE_GRACE_SECONDS,
        ),
        JobSpec(
            "retention",
            retention_job,
            CronTrigger(hour=RETENTION_AT.hour, minute=RETENTION_AT.minute, timezone=tz),
            MISFIRE_GRACE_SECONDS,
        ),
        JobSpec(
            "pick-up",
            pick_up_job,
            IntervalTrigger(minutes=PICK_UP_MINUTES, timezone=tz),
            PICK_UP_MINUTES * 60,
        ),
        JobSpec(
            "outbound",
            outbound_job,
            IntervalTrigger(seconds=OUTBOUND_SECONDS, timezone=tz),
            OUTBOUND_SECONDS,
        ),
    ]


def start_scheduler(engine: Engine, **scheduler_options: Any) -> ResilientScheduler:
    """Start a scheduler on `engine`'s job store with Headway's jobs.

    Jobs already stored keep their next run time (so a restart catches up what it missed);
    only new or changed jobs are (re)scheduled. The scheduler starts paused while that happens.
    """
    scheduler = ResilientScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine)},
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=get_settings().tz,
        **scheduler_options,
    )
    scheduler.start(paused=True)
    for spec in job_specs():
        job = scheduler.get_job(spec.id)
        if job is None:
            scheduler.add_job(
                spec.func,
                spec.trigger,
                id=spec.id,
                name=spec.id,
                misfire_grace_time=spec.misfire_grace_time,
                replace_existing=True,
            )
        elif str(job.trigger) != str(spec.trigger) or job.func is not spec.func:
            scheduler.modify_job(
                spec.id, func=spec.func, misfire_grace_time=spec.misfire_grace_time
            )
            scheduler.reschedule_job(spec.id, trigger=spec.trigger)
    # The pick-up runs once at start too: what is due by now (a first start at 10:00 on a
    # working day) is in the inbox at once, not after the first interval. "At once" is the
    # scheduler's own clock, the one it compares run times with: a pinned HEADWAY_NOW later in
    # the day than the real time must not delay it.
    scheduler.modify_job("pick-up", next_run_time=aps_base.datetime.now(scheduler.timezone))
    scheduler.resume()
    log.info("scheduler started: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    return scheduler


WATCHDOG_SECONDS = 5.0  # how often a watchdog looks at the scheduler thread (cheap)


def keep_alive(scheduler: ResilientScheduler | None, engine: Engine) -> ResilientScheduler | None:
    """The embedded watchdog's check: a scheduler whose thread died is replaced by a new one
    (its stored jobs catch up what was missed). A failure to start is logged and tried again at
    the next check."""
    if scheduler is not None and scheduler.alive:
        return scheduler
    if scheduler is not None:
        log.error("the reminder scheduler stopped running; starting it again")
        with suppress(Exception):
            scheduler.shutdown(wait=False)
    try:
        return start_scheduler(engine)
    except Exception:
        log.exception(
            "the reminder scheduler could not start; trying again in %.0f s", WATCHDOG_SECONDS
        )
        return None
