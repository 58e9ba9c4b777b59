"""The scheduler, the CLI and e-mail on real, committed databases: a restart catches up once,
a stale run is skipped, two schedulers (or two runs at once) duplicate nothing, `headway jobs
run-due` follows the contract, and e-mail carries a working link and goes once."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, func, select

from core.cli import main
from core.jobs import start_scheduler
from core.models import CoachingNote, Notification, Role
from core.notify.mailer import parse_smtp_url, send_pending
from core.platform import clock
from core.platform.config import get_settings
from core.platform.db import make_engine
from core.reminders.schedule import run_due
from tests.conftest import TODAY, make_person, make_team

SEVEN_FIVE = dt.datetime.combine(TODAY, dt.time(7, 5), tzinfo=dt.UTC)


@pytest.fixture
def engine(committed_url: str) -> Iterator[Engine]:
    """The committed database with a team, its lead, two agents, a manager, and a note whose
    follow-up is due today."""
    engine = make_engine(committed_url)
    with Session(engine) as session:
        team = make_team(session, name="Resolutions")
        lead = make_person(session, role=Role.TEAM_LEAD, team=team, leads=True, email="l@x.org")
        agent = make_person(session, team=team, email="a@x.org")
        make_person(session, team=team)
        make_person(session, role=Role.MANAGER)
        session.add(
            CoachingNote(
                agent_id=agent.id,
                coach_id=lead.id,
                date=TODAY - dt.timedelta(days=1),
                focus_metric="fcr",
                to_try="Offer a callback time",
                follow_up_date=TODAY,
            )
        )
        session.commit()
    yield engine
    engine.dispose()


def count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Notification)).one())


def wait_until(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the scheduler did not get there in time")
        time.sleep(0.1)


def set_next_run(engine: Engine, job_id: str, when: dt.datetime) -> None:
    """Rewrite a stored job's next run time while no scheduler runs (downtime, simulated)."""
    store = SQLAlchemyJobStore(engine=engine)
    store.start(BackgroundScheduler(), "default")
    job = store.lookup_job(job_id)
    assert job is not None
    job._modify(next_run_time=when)
    store.update_job(job)


def errors_of(scheduler: BackgroundScheduler) -> list[BaseException]:
    errors: list[BaseException] = []

    def listen(event: JobExecutionEvent) -> None:
        errors.append(event.exception or RuntimeError(event.job_id))

    scheduler.add_listener(listen, EVENT_JOB_ERROR)
    return errors


def stored_next_run(scheduler: BackgroundScheduler, job_id: str) -> dt.datetime:
    job = scheduler.get_job(job_id)
    assert job is not None and job.next_run_time is not None
    return job.next_run_time


def freeze(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """A controllable clock for Headway and for APScheduler's own sense of now."""

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
            return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

    monkeypatch.setattr("apscheduler.schedulers.base.datetime", Frozen)
    monkeypatch.setattr("apscheduler.executors.base.datetime", Frozen)
    monkeypatch.setattr(clock, "now_local", lambda: moment)


def utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def test_a_restart_in_the_middle_of_the_day_catches_the_missed_run_up_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, utc(TODAY - dt.timedelta(days=1), 20))  # Sunday evening
    first = start_scheduler(engine)
    assert stored_next_run(first, "daily-reminders") == utc(TODAY, 7)
    first.shutdown()
    # Down over seven o'clock on Monday; back at eleven: the morning run is caught up, once.
    freeze(monkeypatch, utc(TODAY, 11))
    restarted = start_scheduler(engine)
    errors = errors_of(restarted)
    try:
        wait_until(lambda: count(engine) > 0)
        wait_until(lambda: stored_next_run(restarted, "daily-reminders") > utc(TODAY, 11))
        time.sleep(0.5)
    finally:
        restarted.shutdown()
    created = count(engine)
    assert errors == []
    with Session(engine) as session:  # everything due by then exists, each once
        assert run_due(session, at=utc(TODAY, 11)) == []
        kinds = session.exec(select(Notification.kind)).all()
    assert kinds.count("follow_up_due") == 1
    freeze(monkeypatch, utc(TODAY, 11, 30))  # a second restart the same day runs nothing again
    again = start_scheduler(engine)
    time.sleep(1.0)
    again.shutdown()
    assert count(engine) == created


def test_a_first_start_puts_what_is_due_in_the_inbox_at_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new install started at ten: the morning's reminders do not wait for the next interval."""
    freeze(monkeypatch, utc(TODAY, 10))
    scheduler = start_scheduler(engine)
    try:
        wait_until(lambda: count(engine) > 0)
    finally:
        scheduler.shutdown()
    with Session(engine) as session:
        assert run_due(session, at=utc(TODAY, 10)) == []  # all of it, already


def test_a_run_more_than_a_day_late_is_skipped(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    wednesday = TODAY + dt.timedelta(days=2)
    freeze(monkeypatch, utc(wednesday, 20))
    start_scheduler(engine).shutdown()  # its pick-up at start made Wednesday's reminders
    before = count(engine)
    # Down from Wednesday night to Saturday morning: Friday's run is 27 hours late, stale.
    saturday = TODAY + dt.timedelta(days=5)
    freeze(monkeypatch, utc(saturday, 10))
    restarted = start_scheduler(engine)
    try:
        wait_until(lambda: stored_next_run(restarted, "daily-reminders") > utc(saturday, 10))
        time.sleep(0.5)
    finally:
        restarted.shutdown()
    assert count(engine) == before


def test_a_restart_keeps_one_copy_of_each_job_and_its_schedule(engine: Engine) -> None:
    first = start_scheduler(engine)
    planned = {j.id: j.next_run_time for j in first.get_jobs()}
    first.shutdown()
    second = start_scheduler(engine)
    try:
        jobs = {j.id: j for j in second.get_jobs()}
    finally:
        second.shutdown()
    assert sorted(jobs) == ["daily-reminders", "outbound", "pick-up", "retention", "weekly-digest"]
    assert jobs["daily-reminders"].next_run_time == planned["daily-reminders"]
    assert jobs["daily-reminders"].coalesce is True
    assert jobs["daily-reminders"].misfire_grace_time == 24 * 3600
    # Every working weekday: the digest itself goes on the week's first working day.
    assert str(jobs["weekly-digest"].trigger).startswith(
        "cron[day_of_week='mon,tue,wed,thu,fri', hour='7'"
    )


def test_a_changed_schedule_setting_reschedules_the_stored_job(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_scheduler(engine).shutdown()
    monkeypatch.setenv("HEADWAY_REMINDERS_AT", "06:15")
    get_settings.cache_clear()
    restarted = start_scheduler(engine)
    try:
        trigger = str(restarted.get_job("daily-reminders").trigger)  # type: ignore[union-attr]
    finally:
        restarted.shutdown()
    assert "hour='6', minute='15'" in trigger


def test_two_schedulers_on_one_database_create_no_duplicates(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now_local", lambda: SEVEN_FIVE)
    other = make_engine(engine.url.render_as_string(False))
    schedulers = [start_scheduler(engine), start_scheduler(other)]
    errors = [errors_of(s) for s in schedulers]
    try:
        now = dt.datetime.now(dt.UTC)
        for scheduler in schedulers:
            scheduler.modify_job("pick-up", next_run_time=now)
        wait_until(lambda: count(engine) > 0)
        time.sleep(2.0)
    finally:
        for scheduler in schedulers:
            scheduler.shutdown()
        other.dispose()
    assert errors == [[], []]
    with Session(engine) as session:
        assert run_due(session, at=SEVEN_FIVE) == []


def test_two_runs_at_the_same_moment_split_the_work_without_duplicates(engine: Engine) -> None:
    barrier = threading.Barrier(2)
    results: list[list] = [[], []]

    def run(index: int) -> None:
        with Session(make_engine(engine.url.render_as_string(False))) as session:
            barrier.wait()
            results[index] = run_due(session, at=SEVEN_FIVE)
            session.commit()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    first, second = ({c.line() for c in r} for r in results)
    assert first.isdisjoint(second)
    assert len(first | second) == count(engine) >= 2


def test_run_due_prints_what_it_created_then_the_summary_and_a_rerun_creates_nothing(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "run-due", "--at", f"{TODAY}T07:10"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "l@x.org follow_up_due coaching_note:1" in out
    assert "a@x.org check_in_today coaching_note:1" in out
    assert out[-1] == f"{len(out) - 1} notifications created"
    assert main(["jobs", "run-due", "--at", f"{TODAY}T07:10"]) == 0
    assert capsys.readouterr().out.splitlines() == ["0 notifications created"]
    assert main(["jobs", "run-due", "--at", "23/11/2026 07:00"]) == 1
    assert "YYYY-MM-DDTHH:MM" in capsys.readouterr().err


# --- e-mail ----------------------------------------------------------------------------------


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """A local SMTP server (aiosmtpd) that keeps what it receives; SMTP_URL points at it."""
    from aiosmtpd.controller import Controller

    received: list = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            received.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("HEADWAY_BASE_URL", "https://headway.example.org")
    get_settings.cache_clear()
    yield received
    controller.stop()


def test_e_mail_carries_the_reminder_and_a_working_link_and_is_sent_once(
    engine: Engine, smtp_server: list
) -> None:
    from email import message_from_bytes, policy

    with Session(engine) as session:
        created = run_due(session, at=SEVEN_FIVE)
        session.commit()
    assert any(c.kind == "follow_up_due" for c in created)
    sent = send_pending(engine)
    assert sent >= 1 and send_pending(engine) == 0
    mails = [message_from_bytes(e.content, policy=policy.default) for e in smtp_server]
    assert len(mails) == sent
    (due,) = [m for m in mails if m["Subject"].startswith("Check back in with")]
    with Session(engine) as session:
        row = session.exec(select(Notification).where(Notification.kind == "follow_up_due")).one()
        agent_id = session.exec(select(CoachingNote.agent_id)).one()
    assert due["To"] == "l@x.org" and row.email_state == "sent"
    body = due.get_content()
    assert "Offer a callback time" in body
    assert f"https://headway.example.org/coaching?agent={agent_id}&n={row.id}" in body
    assert "inbox preferences: https://headway.example.org/inbox" in body


def test_a_kind_that_is_not_wanted_by_e_mail_is_not_sent(engine: Engine, smtp_server: list) -> None:
    with Session(engine) as session:
        run_due(session, at=SEVEN_FIVE)
        session.commit()
        states = dict(session.exec(select(Notification.kind, Notification.email_state)).all())
    send_pending(engine)
    assert states["check_in_today"] == "none"  # agents get this one in Headway only by default
    assert all(m.rcpt_tos != ["a@x.org"] for m in smtp_server)


def test_smtp_urls_are_read_with_tls_and_credentials() -> None:
    server = parse_smtp_url("smtp://mailer:p%40ss@mail.example.org:587?starttls=1")
    assert (server.host, server.port, server.starttls, server.ssl) == (
        "mail.example.org",
        587,
        True,
        False,
    )
    assert (server.username, server.password) == ("mailer", "p@ss")
    assert parse_smtp_url("smtps://mail.example.org").port == 465
    with pytest.raises(Exception, match="SMTP_URL"):
        parse_smtp_url("http://mail.example.org")


# ------------------------------------------------------------------ faults


def test_a_job_store_that_cannot_record_a_run_is_retried_and_the_scheduler_lives_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """APScheduler 3's thread dies when the job store's UPDATE fails (while `running` still
    reads True); Headway's scheduler logs it, retries, and goes on sending reminders."""
    freeze(monkeypatch, utc(TODAY, 10))
    original = SQLAlchemyJobStore.update_job
    failures = []

    def flaky(store: SQLAlchemyJobStore, job: object) -> None:
        if threading.current_thread() is not threading.main_thread() and len(failures) < 3:
            failures.append(job)
            raise OperationalError("UPDATE apscheduler_jobs", {}, Exception("database is locked"))
        original(store, job)

    monkeypatch.setattr(SQLAlchemyJobStore, "update_job", flaky)
    scheduler = start_scheduler(engine, retry_seconds=0.2)
    try:
        wait_until(
            lambda: len(failures) == 3 and stored_next_run(scheduler, "pick-up") > utc(TODAY, 10)
        )
        assert scheduler.alive
        assert count(engine) > 0
    finally:
        scheduler.shutdown()
    assert "could not record a job run in the database (failure 3 in a row)" in caplog.text


def test_a_sqlite_write_lock_that_outlasts_the_busy_timeout_does_not_stop_the_reminders(
    tmp_path: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The lock held past the wait (75 s against the default 30 s in the field; here 2 s against
    0.3 s) while a job is due: the run fails and is logged, and once the lock is gone the job
    runs and is recorded — the scheduler thread never dies."""
    path = tmp_path / "locked.db"
    shutil.copy(sqlite_template, path)
    committed_url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", committed_url)
    get_settings.cache_clear()
    engine = make_engine(committed_url)
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA busy_timeout = 300"))
    with Session(engine) as session:
        team = make_team(session)
        make_person(session, team=team, leads=True, role=Role.TEAM_LEAD)
        session.commit()
    freeze(monkeypatch, utc(TODAY, 10))
    scheduler = start_scheduler(engine, retry_seconds=0.2)
    try:
        wait_until(lambda: stored_next_run(scheduler, "pick-up") > utc(TODAY, 10))
        # The pick-up is due again now; the lock is taken before the scheduler looks: the run
        # fails under it, its record fails, and the scheduler retries until the lock is gone.
        scheduler.pause()
        scheduler.modify_job("pick-up", next_run_time=utc(TODAY, 10))
        locker = sqlite3.connect(committed_url.removeprefix("sqlite:///"), isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        scheduler.resume()
        time.sleep(2)
        assert stored_next_run(scheduler, "pick-up") == utc(TODAY, 10)  # not recorded yet
        locker.execute("ROLLBACK")
        locker.close()
        wait_until(lambda: stored_next_run(scheduler, "pick-up") > utc(TODAY, 10))
        assert scheduler.alive
    finally:
        scheduler.shutdown()
        engine.dispose()
        monkeypatch.undo()
        get_settings.cache_clear()
    assert "could not record a job run in the database" in caplog.text


def test_the_worker_exits_non_zero_when_its_scheduler_thread_dies(
    committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a supervisor (Restart=always) a dead scheduler must end the process."""
    import core.jobs

    monkeypatch.setattr(core.jobs, "WATCHDOG_SECONDS", 0.2)
    started: list[core.jobs.ResilientScheduler] = []
    real_start = core.jobs.start_scheduler

    def start_and_kill(engine: Engine) -> core.jobs.ResilientScheduler:
        scheduler = real_start(engine)
        started.append(scheduler)
        scheduler._thread = _ended_thread()
        return scheduler

    monkeypatch.setattr(core.jobs, "start_scheduler", start_and_kill)
    assert main(["worker"]) == 1
    started[0].shutdown(wait=False)


def _ended_thread() -> threading.Thread:
    thread = threading.Thread(target=lambda: None)
    thread.start()
    thread.join()
    return thread


def queue(engine: Engine, *, title: str, to: str, subject: str, state: str = "pending") -> int:
    with Session(engine) as session:
        note = Notification(
            recipient_email=to,
            kind="coaching_note",
            subject=subject,
            due_date=TODAY,
            title=title,
            body="Body",
            email_state=state,
        )
        session.add(note)
        session.commit()
        assert note.id is not None
        return note.id


def e_mail_state(engine: Engine, note_id: int) -> tuple[str, str]:
    with Session(engine) as session:
        note = session.get(Notification, note_id)
        assert note is not None
        return note.email_state, note.email_error


def test_a_line_break_in_a_name_adds_no_header_and_the_e_mail_still_goes(
    engine: Engine, smtp_server: list
) -> None:
    from email import message_from_bytes, policy

    note_id = queue(
        engine,
        title="Eve\r\nBcc: x@evil.test\nX-Evil: 1 wrote you a note",
        to="l@x.org",
        subject="n:1",
    )
    assert send_pending(engine) == 1
    (envelope,) = smtp_server
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert envelope.rcpt_tos == ["l@x.org"]
    assert mail["Bcc"] is None and mail["X-Evil"] is None
    assert mail["Subject"] == "Eve Bcc: x@evil.test X-Evil: 1 wrote you a note"
    assert e_mail_state(engine, note_id) == ("sent", "")


def test_one_e_mail_that_cannot_be_sent_is_failed_with_its_reason_and_the_batch_goes_on(
    engine: Engine, smtp_server: list, caplog: pytest.LogCaptureFixture
) -> None:
    bad = queue(engine, title="Note", to="l@x.org\r\nBcc: x@evil.test", subject="n:1")
    good = queue(engine, title="Note", to="a@x.org", subject="n:2")
    assert send_pending(engine) == 1
    assert [e.rcpt_tos for e in smtp_server] == [["a@x.org"]]
    state, error = e_mail_state(engine, bad)
    assert state == "failed" and "is not one e-mail address" in error
    assert e_mail_state(engine, good) == ("sent", "")
    assert f"e-mail {bad} cannot be composed" in caplog.text


def test_an_e_mail_stuck_in_sending_is_failed_after_the_bound_and_never_sent_twice(
    engine: Engine, smtp_server: list
) -> None:
    from core.notify.mailer import STUCK_AFTER, fail_stuck

    old = queue(engine, title="Old", to="l@x.org", subject="n:1", state="sending")  # no stamp
    fresh = queue(engine, title="Fresh", to="a@x.org", subject="n:2")
    with engine.begin() as connection:  # claimed now by a deliverer that is still working
        connection.execute(
            Notification.__table__.update()  # type: ignore[attr-defined]
            .where(Notification.__table__.c.id == fresh)  # type: ignore[attr-defined]
            .values(
                email_state="sending", email_error=f"claimed at {clock.utcnow():%Y-%m-%dT%H:%M:%SZ}"
            )
        )
    assert send_pending(engine) == 0 and smtp_server == []
    state, error = e_mail_state(engine, old)
    assert state == "failed" and "not retried" in error
    assert e_mail_state(engine, fresh)[0] == "sending"  # inside the bound: left to its deliverer
    later = clock.utcnow() + STUCK_AFTER + dt.timedelta(minutes=1)
    assert fail_stuck(engine, now=later) == 1
    assert e_mail_state(engine, fresh)[0] == "failed"


def test_an_email_is_plain_text_and_links_only_to_headway() -> None:
    from core.models import Notification, NotificationKind
    from core.notify.mailer import compose
    from core.platform.config import Settings

    evil = "![x](http://evil.test/p.png) [Log in again here](http://evil.test) <b>x</b> **bold**"
    note = Notification(
        id=7,
        person_id=1,
        recipient_email="ana@example.com",
        kind=NotificationKind.MENTOR_NUDGE,
        subject="pledge:1",
        title="A nudge from Lee, your mentor",
        body=evil,
        link="pledge",
    )
    message = compose(note, Settings(HEADWAY_BASE_URL="https://headway.example.org"))
    assert not message.is_multipart() and message.get_content_type() == "text/plain"
    text = message.get_content()
    assert text.startswith(evil + "\n\n")  # the mentor's words, exactly, as text
    links = [w for w in text.split() if "://" in w]
    assert [w for w in links if "evil.test" not in w] == [
        "https://headway.example.org/pledge?n=7",
        "https://headway.example.org/inbox",
    ]
