"""The README's scale-out recipe, run for real: one PostgreSQL, two app servers on different
loopback ports (HEADWAY_SCHEDULER=worker, one HEADWAY_SECRET) and `headway worker` processes.

Sessions are driven over Streamlit's own websocket protocol (bench.load.Tab), as a browser tab
does: every interaction runs the page script on the server.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import make_url
from sqlmodel import Session, func, select
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.load import Rerun, Tab
from core.models import Notification, Person
from core.people.auth import COOKIE_NAME, authenticate
from core.platform.db import make_engine, session_scope
from tests.conftest import ROOT
from tools.serve import free_port, start, wait_healthy

pytestmark = pytest.mark.postgres
TODAY = "2026-11-23"


@dataclass
class Farm:
    database: str
    env: dict[str, str]
    urls: list[str]
    received: list[object]


def _healthy(url: str) -> None:
    try:
        # A fresh server imports the whole app before it answers: beside a CPU hog (load 10 on
        # two cores) that has taken over 90 s, as for the browser tests' server.
        wait_healthy(url, seconds=240, path="/healthz")
    except SystemExit as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def farm(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    from aiosmtpd.controller import Controller

    server = make_url(postgres_url)
    name = f"headway_farm_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server.render_as_string(False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    database = server.set(database=name).render_as_string(False)
    received: list[object] = []

    class Keep:
        async def handle_DATA(self, _server, _session, envelope):  # type: ignore[no-untyped-def]
            received.append(envelope)
            return "250 OK"

    smtp_port = free_port()
    smtp = Controller(Keep(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "HEADWAY_SECRET": secrets.token_urlsafe(32),
        "HEADWAY_SCHEDULER": "worker",
        "HEADWAY_TODAY": TODAY,
        # The reminders are due from 07:00 organisation time: pin the hour too, or the farm
        # creates nothing when the suite runs before seven (issue 25, item 15).
        "HEADWAY_NOW": f"{TODAY}T09:00",
        "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        # A killed worker's lease runs out in 5 s (30 s in production): the failover is seen
        # without a long wait.
        "HEADWAY_WORKER_LEASE_SECONDS": "5",
    }
    seeded = subprocess.run(
        [sys.executable, "-m", "core", "seed", "--agents", "24", "--years", "1", "--today", TODAY],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    logs = tmp_path_factory.mktemp("farm")
    ports = [free_port(), free_port()]
    servers = [
        start(port=port, env=env, stderr=(logs / f"server-{port}.log").open("w")) for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            _healthy(url)
        yield Farm(database, env, urls, received)
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            process.wait(timeout=30)
        smtp.stop()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def _log_in(farm: Farm, url: str, email: str) -> str:
    """Log in as a browser does: the credentials checked, then the page posts the token to the
    server's cookie route, which answers with the signed cookie."""
    engine = make_engine(farm.database)
    os.environ["HEADWAY_SECRET"] = farm.env["HEADWAY_SECRET"]
    with session_scope(engine) as session:
        token = authenticate(session, email=email, password="headway-demo").token
    engine.dispose()
    answer = httpx.post(
        f"{url}/auth/session",
        json={"token": token},
        headers={"Origin": url},
    )
    assert answer.status_code == 204, answer.text
    return answer.cookies[COOKIE_NAME]


def _run(
    url: str, cookie: str, page: str, then: Callable[[Rerun], list[WidgetState]] | None = None
) -> Rerun:
    """Open a tab with `cookie`, run `page`; with `then`, run it again with the widget values
    `then` makes from the first run (typing and clicking)."""

    async def go() -> Rerun:
        tab = Tab(url, cookie)
        await tab.open()
        try:
            first = await tab.rerun(page)
            return first if then is None else await tab.rerun(page, then(first))
        finally:
            await tab.close()

    # On a thread of its own: an earlier test may leave an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def test_a_login_on_one_server_is_valid_on_the_other(
    farm: Farm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADWAY_SECRET", farm.env["HEADWAY_SECRET"])
    a, b = farm.urls
    cookie = _log_in(farm, a, "agent@example.com")
    on_b = _run(b, cookie, "")
    assert not on_b.errors
    with Session(make_engine(farm.database)) as session:
        name = session.exec(select(Person.name).where(Person.email == "agent@example.com")).one()
    assert name in on_b.texts  # the menu carries the person's name: logged in on B
    anonymous = _run(b, "not-a-cookie", "")
    assert name not in anonymous.texts


def test_a_write_on_one_server_shows_on_the_other_at_its_next_rerun_caches_included(
    farm: Farm, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.platform.data_version import current

    monkeypatch.setenv("HEADWAY_SECRET", farm.env["HEADWAY_SECRET"])
    a, b = farm.urls
    agent = _log_in(farm, a, "agent@example.com")
    lead = _log_in(farm, b, "lead@example.com")
    before = _run(b, lead, "team_growth")  # B's cache of the team's growth, warm
    assert not before.errors and before.tables
    engine = make_engine(farm.database)
    with Session(engine) as session:
        stamp = current(session)
    title = f"Scale-out check {uuid.uuid4().hex[:6]}"

    def share(page: Rerun) -> list[WidgetState]:
        def field(name: str) -> str:
            return next(w.id for w in page.widgets if w.id.endswith(f"learn_new__0:{name}"))

        button = next(w.id for w in page.widgets if w.kind == "button" and w.label == "Share")
        return [
            WidgetState(id=field("title"), string_value=title),
            WidgetState(id=field("learned"), string_value="Two servers, one story."),
            WidgetState(id=button, trigger_value=True),
        ]

    shared = _run(a, agent, "learning", share)
    assert not shared.errors, shared.errors
    with Session(engine) as session:
        assert current(session) > stamp  # the stamp every server's cached reads are keyed on
    engine.dispose()
    feed = _run(b, lead, "learning")
    assert any(title in text.replace("\\", "") for text in feed.texts)  # shown escaped, as text
    after = _run(b, lead, "team_growth")
    assert not after.errors
    assert after.tables != before.tables  # B's cached growth data was read again, with the share


class Worker:
    """A `headway worker` process whose log lines are collected as they come."""

    def __init__(self, farm: Farm) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "core", "worker"],
            cwd=ROOT,
            env=farm.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for(self, words: str, seconds: float = 240) -> None:
        # A worker imports the whole app (pandas, Plotly, SQLAlchemy) before it logs: beside a
        # CPU hog that alone has taken over a minute.
        deadline = time.monotonic() + seconds
        while not any(words in line for line in self.lines):
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"the worker never logged {words!r}: {''.join(self.lines)[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=5)
        return code


def _notifications(farm: Farm) -> int:
    engine = make_engine(farm.database)
    with Session(engine) as session:
        count = int(session.exec(select(func.count()).select_from(Notification)).one())
    engine.dispose()
    return count


def _run_due_creates_nothing(farm: Farm) -> None:
    again = subprocess.run(
        [sys.executable, "-m", "core", "jobs", "run-due"],
        cwd=ROOT,
        env={**farm.env, "SMTP_URL": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == "0 notifications created"


def test_workers_killed_restarted_and_doubled_send_each_reminder_exactly_once(farm: Farm) -> None:
    """The servers run no jobs (HEADWAY_SCHEDULER=worker). A worker killed mid-run and started
    again, then two workers (a standby beside the active one): exactly one runs the jobs; when it
    is killed the standby takes over within the lease, and every due reminder exists once, each
    e-mail went once (issue 27, item 3)."""
    seeded = _notifications(farm)
    time.sleep(3)
    assert _notifications(farm) == seeded  # the two servers create nothing on their own
    first = Worker(farm)
    first.wait_for("scheduler started")
    time.sleep(0.3)
    first.process.send_signal(signal.SIGKILL)  # mid-run, as a crash or an OOM kill would
    first.process.wait(timeout=10)
    # The killed worker's lease runs out by itself (5 s here): one of the pair takes it.
    twins = [Worker(farm), Worker(farm)]
    try:
        active = _the_one_running_the_jobs(twins)
        standby = next(t for t in twins if t is not active)
        standby.wait_for("stands by")
        assert not any("scheduler started" in line for line in standby.lines)
        active.wait_for("job=pick-up")  # it has run the jobs due at its start
        active.process.send_signal(signal.SIGKILL)
        active.process.wait(timeout=10)
        standby.wait_for("scheduler started")  # the lease ran out: the standby took over
        standby.wait_for("job=pick-up")
        created = _notifications(farm)
        deadline = time.monotonic() + 60
        while len(farm.received) < _emailed(farm) and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        code = standby.stop()
    assert code == 0, standby.lines[-5:]
    assert created > seeded
    _run_due_creates_nothing(farm)  # nothing lost
    # Each e-mail names its notification (the link's ?n=<id>): none went twice. A worker killed
    # between handing an e-mail to the server and marking it sent leaves it "sending" (never
    # sent again: e-mail may be lost to a crash, never doubled), so sent ⊆ received.
    ids = [_notification_of(e) for e in farm.received]
    assert ids and len(ids) == len(set(ids)), sorted(ids)
    assert _sent_ids(farm) <= set(ids)


def _the_one_running_the_jobs(workers: list[Worker], seconds: float = 240) -> Worker:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        running = [w for w in workers if any("scheduler started" in x for x in w.lines)]
        if running:
            assert len(running) == 1, "both workers run the jobs"
            return running[0]
        time.sleep(0.2)
    pytest.fail(f"no worker ran the jobs: {[w.lines[-3:] for w in workers]}")


def _notification_of(envelope: object) -> int:
    from email import message_from_bytes, policy

    message = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"[?&]n=(\d+)", body.get_content())
    assert found is not None
    return int(found.group(1))


def _sent_ids(farm: Farm) -> set[int]:
    engine = make_engine(farm.database)
    with Session(engine) as session:
        ids = set(
            session.exec(select(Notification.id).where(Notification.email_state == "sent")).all()
        )
    engine.dispose()
    return {i for i in ids if i is not None}


def _emailed(farm: Farm) -> int:
    engine = make_engine(farm.database)
    with Session(engine) as session:
        count = int(
            session.exec(
                select(func.count())
                .select_from(Notification)
                .where(Notification.email_state == "sent")
            ).one()
        )
    engine.dispose()
    return count
