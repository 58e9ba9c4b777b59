"""`python -m bench.load`: many real Streamlit sessions against running Headway servers.

Each virtual user is one browser tab as the server sees it: a websocket to `/_stcore/stream`
carrying Streamlit's own protobuf messages, opened with the person's signed session cookie, so
every interaction runs the page script exactly as a click in a browser does (login check, queries,
charts). A user does what their role does, with think time between interactions:

- agent: My day, My PD days, a search of the learning feed, today's mind check (saved when the
  agent has a live pledge);
- team lead: Team at a glance, Coaching, Team growth;
- manager: Team growth across every team.

For each number of sessions N it prints interactions per second, the time from an interaction to
its finished rerun (p50/p95/p99, for agent pages and for Team growth), errors, the server's memory
(in all, and per idle session) and CPU per rerun; then a burst test (10 sessions rerun My day at
the same moment, against one session alone); and it writes the figures (JSON) and a chart of p95
against N (HTML) under bench/results/.

The harness opens login sessions directly in the database (loopback, an operator's tool): run it
with the server's DATABASE_URL and HEADWAY_SECRET. Bounded: sessions and seconds are arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import websockets
from sqlmodel import Session, col, select
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from core.models import Person, Role, Team
from core.people.auth import COOKIE_NAME, open_session
from core.people.cookies import sign_token
from core.platform.config import get_settings
from core.platform.db import make_engine
from tools import serve

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SEARCH_WORDS = ("refund", "escalation", "empathy", "billing", "chat", "tone", "checking")
TIMEOUT = 120.0  # seconds an interaction may take before it counts as an error


@dataclass
class Widget:
    kind: str
    id: str
    label: str
    options: tuple[str, ...] = ()


@dataclass
class Rerun:
    seconds: float
    widgets: list[Widget]
    errors: list[str]
    texts: list[str] = field(default_factory=list)  # markdown, headings, text, navigation
    tables: list[bytes] = field(default_factory=list)  # each dataframe's Arrow bytes
    runs: int = 1  # script runs the server made for it (a save that reruns the page: 2)

    def widget(self, kind: str, label: str) -> Widget | None:
        return _find(self.widgets, kind, label)


class Tab:
    """One browser tab's websocket: rerun a page (optionally with widget values), wait for the
    script to finish, and collect what it drew."""

    def __init__(self, url: str, cookie: str) -> None:
        parsed = urlparse(url)
        self.ws_url = f"ws://{parsed.netloc}{parsed.path.rstrip('/')}/_stcore/stream"
        self.cookie = cookie
        self.ws: Any = None

    async def open(self) -> None:
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=[websockets.Subprotocol("streamlit")],
            additional_headers={"Cookie": f"{COOKIE_NAME}={self.cookie}"},
            max_size=None,
            open_timeout=TIMEOUT,
            ping_interval=None,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def rerun(self, page: str, states: Sequence[WidgetState] = ()) -> Rerun:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_name = page
        message.rerun_script.widget_states.widgets.extend(states)
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        widgets: list[Widget] = []
        errors: list[str] = []
        texts: list[str] = []
        tables: list[bytes] = []
        runs = 0
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    errors.append(f"exception: {element.exception.message[:200]}")
                elif which == "alert" and element.alert.format == element.alert.ERROR:
                    errors.append(f"error shown: {element.alert.body[:200]}")
                elif which in ("markdown", "heading", "text"):
                    texts.append(getattr(element, which).body)
                elif which == "dataframe":
                    tables.append(element.dataframe.arrow_data.data)
                elif which in (
                    "text_input",
                    "radio",
                    "button",
                    "selectbox",
                    "text_area",
                    "multiselect",
                ):
                    proto = getattr(element, which)
                    options = tuple(getattr(proto, "options", ()))
                    widgets.append(Widget(which, proto.id, proto.label, options))
            elif kind == "navigation":
                texts.extend(p.section_header for p in forward.navigation.app_pages)
            elif kind == "page_not_found":
                errors.append(f"page not found: {page}")
            elif kind == "script_finished":
                runs += 1
                if forward.script_finished == forward.FINISHED_EARLY_FOR_RERUN:
                    continue  # the page asked for a rerun (after a save): wait for that one
                if forward.script_finished not in (
                    forward.FINISHED_SUCCESSFULLY,
                    forward.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
                ):
                    errors.append(f"script finished with status {forward.script_finished}")
                return Rerun(
                    time.perf_counter() - started, widgets, errors, texts, tables, max(runs, 1)
                )


def _find(widgets: Sequence[Widget], kind: str, label: str) -> Widget | None:
    pattern = re.compile(label)
    return next((w for w in widgets if w.kind == kind and pattern.search(w.label)), None)


@dataclass
class Sample:
    role: str
    step: str
    seconds: float
    runs: int = 1


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class VirtualUser:
    def __init__(self, role: Role, url: str, cookie: str, rng: random.Random) -> None:
        self.role = role
        self.tab = Tab(url, cookie)
        self.rng = rng
        self.step = 0
        self.every_team: WidgetState | None = None  # a manager's choice of every team

    async def _timed(
        self, tally: Tally, step: str, page: str, states: Sequence[WidgetState] = ()
    ) -> Rerun:
        try:
            run = await self.tab.rerun(page, states)
        except (TimeoutError, websockets.ConnectionClosed, OSError) as exc:
            tally.errors.append(f"{self.role.value} {step}: {type(exc).__name__} {exc}")
            raise
        tally.samples.append(Sample(self.role.value, step, run.seconds, run.runs))
        tally.errors.extend(f"{self.role.value} {step}: {e}" for e in run.errors)
        return run

    @property
    def open(self) -> bool:
        return self.tab.ws is not None

    async def first_load(self, tally: Tally) -> None:
        """Open the tab and load My day (its first run: session state, the page's caches)."""
        try:
            await self.tab.open()
        except (TimeoutError, websockets.InvalidStatus, OSError) as exc:
            tally.errors.append(f"{self.role.value} open: {type(exc).__name__} {exc}")
            self.tab.ws = None
            return
        try:
            await self._timed(tally, "first load", "")
        except (TimeoutError, websockets.ConnectionClosed, OSError):
            await self.tab.close()
            self.tab.ws = None

    async def act(self, tally: Tally) -> None:
        """The role's next interaction (a journey in a loop)."""
        self.step += 1
        if self.role is Role.AGENT:
            which = self.step % 4
            if which == 1:
                await self._timed(tally, "My day", "")
            elif which == 2:
                await self._timed(tally, "My PD days", "my_pd_days")
            elif which == 3:
                page = await self._timed(tally, "Learning shares", "learning")
                search = _find(page.widgets, "text_input", r"^Search$")
                if search is not None:
                    state = WidgetState(id=search.id, string_value=self.rng.choice(SEARCH_WORDS))
                    await self._timed(tally, "Learning search", "learning", [state])
            else:
                page = await self._timed(tally, "My pledge", "pledge")
                answer = _find(page.widgets, "radio", r"^On \w+ I")
                save = _find(page.widgets, "button", r"today's check$")
                if answer is not None and save is not None:
                    states = [
                        WidgetState(id=answer.id, string_value=self.rng.choice(answer.options)),
                        WidgetState(id=save.id, trigger_value=True),
                    ]
                    await self._timed(tally, "Mind check saved", "pledge", states)
        elif self.role is Role.TEAM_LEAD:
            which = self.step % 3
            step, page_name = (
                (("Team at a glance", "team"), ("Coaching", "coaching"))[which - 1]
                if which
                else ("Team growth", "team_growth")
            )
            await self._timed(tally, step, page_name)
        else:  # a manager: Team growth with every team chosen (the picker starts with four)
            chosen = [self.every_team] if self.every_team is not None else []
            page = await self._timed(tally, "Team growth (every team)", "team_growth", chosen)
            teams = _find(page.widgets, "multiselect", r"^Teams$")
            if self.every_team is None and teams is not None:
                self.every_team = WidgetState(id=teams.id)
                self.every_team.string_array_value.data.extend(teams.options)
                await self._timed(
                    tally, "Team growth (every team)", "team_growth", [self.every_team]
                )


def _people(database: str, counts: dict[Role, int]) -> dict[Role, list[int]]:
    """Person ids for each role's sessions: distinct agents and leads where the organisation has
    enough, the managers in turn."""
    engine = make_engine(database)
    with Session(engine) as session:
        agents = list(
            session.exec(
                select(Person.id)
                .where(col(Person.active), Person.role == Role.AGENT)
                .order_by(col(Person.id))
            ).all()
        )
        leads = [
            i
            for i in session.exec(select(Team.lead_id).order_by(col(Team.id))).all()
            if i is not None
        ]
        managers = list(session.exec(select(Person.id).where(Person.role == Role.MANAGER)).all())
    engine.dispose()
    pools: dict[Role, list[int | None]] = {
        Role.AGENT: agents,
        Role.TEAM_LEAD: list(leads),
        Role.MANAGER: managers,
    }
    picked: dict[Role, list[int]] = {}
    for role, n in counts.items():
        pool = [p for p in pools[role] if p is not None]
        if n and not pool:
            sys.exit(f"the database has no {role.value} to log in as")
        picked[role] = [pool[i % len(pool)] for i in range(n)]
    return picked


def _cookies(database: str, person_ids: Sequence[int]) -> list[str]:
    engine = make_engine(database)
    with Session(engine) as session:
        tokens = [open_session(session, person_id=p) for p in person_ids]
        session.commit()
    engine.dispose()
    return [sign_token(t) for t in tokens]


def _server_pids(urls: Sequence[str]) -> list[int]:
    """The processes listening on the servers' ports (for memory and CPU)."""
    pids = []
    for url in urls:
        port = urlparse(url).port or 80
        out = subprocess.run(
            ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=False
        ).stdout
        found = re.findall(r"pid=(\d+)", out)
        if found:
            pids.append(int(found[0]))
    return pids


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _mix(n: int) -> dict[Role, int]:
    """A shift start: mostly agents, a lead per ~8 agents, a manager or two."""
    managers = max(1, n // 50) if n >= 10 else 0
    leads = max(1, n // 8) if n >= 3 else 0
    return {Role.AGENT: n - leads - managers, Role.TEAM_LEAD: leads, Role.MANAGER: managers}


def _log_offsets(logs: Sequence[Path]) -> list[int]:
    return [log.stat().st_size if log.exists() else 0 for log in logs]


def page_runs(logs: Sequence[Path], offsets: Sequence[int]) -> dict[str, Any]:
    """What the servers' own log says of the page runs written after `offsets`: per run, the
    time it waited for a place (`queued_ms`), its time in the run (`ms`) and the CPU time of its
    thread (`cpu_ms`). Time in the run that is not CPU is time the run's thread waited inside
    it (for the interpreter lock, the database, a sleep)."""
    runs: list[dict[str, int]] = []
    for log, offset in zip(logs, offsets, strict=True):
        if not log.exists():
            continue
        with log.open("rb") as handle:
            handle.seek(offset)
            for line in handle.read().decode(errors="replace").splitlines():
                if " headway.pages " not in line:
                    continue
                found = dict(re.findall(r"(\w+)=(\S+)", line))
                try:
                    runs.append({k: int(found[k]) for k in ("queued_ms", "ms", "cpu_ms")})
                except (KeyError, ValueError):
                    continue
    if not runs:
        return {"runs": 0}
    summary: dict[str, Any] = {"runs": len(runs)}
    for key in ("queued_ms", "ms", "cpu_ms"):
        values = [r[key] for r in runs]
        summary[key] = {"p50": _percentile(values, 50), "p95": _percentile(values, 95)}
    in_run = sum(r["ms"] for r in runs)
    summary["cpu_share_of_run"] = (
        round(sum(r["cpu_ms"] for r in runs) / in_run, 2) if in_run else None
    )
    return summary


async def run_level(
    urls: Sequence[str],
    database: str,
    n: int,
    seconds: float,
    think: float,
    seed: int,
    logs: Sequence[Path] = (),
) -> dict[str, Any]:
    rng = random.Random(seed + n)
    people = _people(database, _mix(n))
    roles = [role for role, ids in people.items() for _ in ids]
    cookies = _cookies(database, [p for ids in people.values() for p in ids])
    users = [
        VirtualUser(role, urls[i % len(urls)], cookie, random.Random(rng.random()))
        for i, (role, cookie) in enumerate(zip(roles, cookies, strict=True))
    ]
    await _warm(urls, database)
    pids = _server_pids(urls)
    rss_before = sum(_rss_mb(p) for p in pids)
    tally = Tally()
    # Open the tabs a few at a time (a shift starting over a minute, not in one instant).
    # A tab that cannot open or load counts as an error and takes no part in the rest.
    for start in range(0, len(users), 10):
        batch = users[start : start + 10]
        await asyncio.gather(*(u.first_load(tally) for u in batch))
    users = [u for u in users if u.open]
    await asyncio.sleep(2)
    # Memory per idle session: every tab open and loaded once, none running. Measured against
    # the server just before the tabs opened (warm: imports and shared caches in place), so it
    # is exact only on a server that has served nothing else since it started: `--serve`
    # starts a fresh one for each N.
    rss_idle = sum(_rss_mb(p) for p in pids)
    tally.samples.clear()  # the first loads are the ramp, not the steady state
    cpu_before = sum(_cpu_seconds(p) for p in pids)
    client_before = time.process_time()  # this harness shares the machine: say how much it took
    offsets = _log_offsets(logs)
    deadline = time.perf_counter() + seconds

    async def loop(user: VirtualUser) -> None:
        await asyncio.sleep(user.rng.uniform(0, think))  # not all in step
        while time.perf_counter() < deadline:
            try:
                await user.act(tally)
            except (TimeoutError, websockets.ConnectionClosed, OSError):
                return
            await asyncio.sleep(user.rng.expovariate(1 / think) if think else 0)

    started = time.perf_counter()
    await asyncio.gather(*(loop(u) for u in users))
    elapsed = time.perf_counter() - started
    cpu = sum(_cpu_seconds(p) for p in pids) - cpu_before
    client_cpu = time.process_time() - client_before
    rss_end = sum(_rss_mb(p) for p in pids)
    await asyncio.gather(*(u.tab.close() for u in users), return_exceptions=True)
    agent_times = [s.seconds for s in tally.samples if s.role == Role.AGENT.value]
    growth_times = [s.seconds for s in tally.samples if s.step.startswith("Team growth")]
    every = [s.seconds for s in tally.samples]
    runs = sum(s.runs for s in tally.samples)
    return {
        "sessions": n,
        "servers": len(urls),
        "mix": {r.value: c for r, c in _mix(n).items()},
        "seconds": round(elapsed, 1),
        "interactions": len(every),
        "interactions_per_second": round(len(every) / elapsed, 2) if elapsed else None,
        "p50": _percentile(every, 50),
        "p95": _percentile(every, 95),
        "p99": _percentile(every, 99),
        "agent_p95": _percentile(agent_times, 95),
        "team_growth_p95": _percentile(growth_times, 95),
        "steps": {
            step: {
                "n": len(times),
                "p50": _percentile(times, 50),
                "p95": _percentile(times, 95),
            }
            for step in sorted({s.step for s in tally.samples})
            for times in [[s.seconds for s in tally.samples if s.step == step]]
        },
        "errors": len(tally.errors),
        "error_examples": sorted(set(tally.errors))[:5],
        "server_rss_mb": round(rss_end, 1),
        "rss_per_idle_session_mb": round((rss_idle - rss_before) / n, 2) if pids and n else None,
        # The server's CPU (every thread: scripts, websockets, caches) per script run.
        "script_runs": runs,
        "cpu_per_rerun_s": round(cpu / runs, 3) if runs and pids else None,
        # Cores busy on average: the servers, and this harness's own client (same machine).
        "server_cores": round(cpu / elapsed, 2) if elapsed and pids else None,
        "client_cores": round(client_cpu / elapsed, 2) if elapsed else None,
        # The servers' own account of the same runs (with --serve: their logs).
        "page_runs": page_runs(logs, offsets),
    }


async def _warm(urls: Sequence[str], database: str) -> None:
    """Run every page of the journeys once on each server, so that memory per session is
    measured against a server that has already imported and cached what every session shares."""
    people = _people(database, {Role.AGENT: 1, Role.TEAM_LEAD: 1, Role.MANAGER: 1})
    for url in urls:
        for role, ids in people.items():
            user = VirtualUser(role, url, _cookies(database, ids)[0], random.Random(0))
            await user.tab.open()
            for _ in range(4):
                await user.act(Tally())
            await user.tab.close()


async def burst(urls: Sequence[str], database: str, n: int = 10) -> dict[str, Any]:
    """n sessions rerun My day at the same moment, against one session alone."""
    people = _people(database, {Role.AGENT: n})[Role.AGENT]
    cookies = _cookies(database, people)
    tabs = [Tab(urls[i % len(urls)], c) for i, c in enumerate(cookies)]
    await asyncio.gather(*(t.open() for t in tabs))
    for tab in tabs:  # warm: each session's first run
        await tab.rerun("")
    alone = statistics.median([(await tabs[0].rerun("")).seconds for _ in range(5)])
    together = await asyncio.gather(*(t.rerun("") for t in tabs))
    await asyncio.gather(*(t.close() for t in tabs))
    slowest = max(r.seconds for r in together)
    return {
        "sessions": n,
        "one_session_s": round(alone, 3),
        "slowest_of_burst_s": round(slowest, 3),
        "ratio": round(slowest / alone, 1) if alone else None,
        "errors": sum(len(r.errors) for r in together),
    }


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:.0f} ms"


def _plot(levels: Sequence[dict[str, Any]], path: Path) -> None:
    import plotly.graph_objects as go

    figure = go.Figure()
    xs = [level["sessions"] for level in levels]
    for key, name in (("agent_p95", "agent pages"), ("team_growth_p95", "Team growth")):
        figure.add_trace(
            go.Scatter(x=xs, y=[level[key] for level in levels], mode="lines+markers", name=name)
        )
    figure.update_layout(
        title="Time from an interaction to its finished page (95th percentile)",
        xaxis_title="concurrent sessions",
        yaxis_title="seconds",
        yaxis_rangemode="tozero",
    )
    figure.write_html(path, include_plotlyjs="cdn")


@contextmanager
def served(
    count: int, database: str | None, first_port: int | None = None
) -> Iterator[tuple[list[str], str, list[Path]]]:
    """Start `count` app servers on loopback ports (free ones, or from `first_port` on) on a
    copy of the 2,000-agent demo's SQLite file (or of `database`'s, when it is a SQLite file; a
    PostgreSQL database is used as it is), with a shared secret; stop them afterwards. Yields
    their URLs, the database and their log files."""
    from bench.scenarios import TODAY, ensure_big_database

    with tempfile.TemporaryDirectory(prefix="headway-load-") as folder:
        source = database or ensure_big_database()
        if source.startswith("sqlite:///"):
            copy = Path(folder) / "load.db"
            shutil.copy(source.removeprefix("sqlite:///"), copy)
            database = f"sqlite:///{copy}"
        else:
            database = source
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "HEADWAY_SECRET": os.environ.get("HEADWAY_SECRET") or secrets.token_urlsafe(32),
            "HEADWAY_TODAY": os.environ.get("HEADWAY_TODAY", TODAY),
            "HEADWAY_SCHEDULER": "worker",  # measure the pages, not the reminder jobs
        }
        os.environ.update({k: env[k] for k in ("HEADWAY_SECRET", "HEADWAY_TODAY")})
        get_settings.cache_clear()
        ports = (
            [serve.free_port() for _ in range(count)]
            if first_port is None
            else list(range(first_port, first_port + count))
        )
        logs = [Path(folder) / f"server-{port}.log" for port in ports]
        servers = [
            serve.start(port=port, env=env, stderr=open(log, "w"))  # noqa: SIM115
            for port, log in zip(ports, logs, strict=True)
        ]
        try:
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            for url in urls:
                serve.wait_healthy(url)
            yield urls, database, logs
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--url", action="append", help="a running server (repeat for several)")
    parser.add_argument(
        "--serve",
        type=int,
        default=0,
        help="start this many servers on the 2,000-agent demo (a copy) instead of --url",
    )
    parser.add_argument(
        "--first-port", type=int, help="with --serve: the servers' ports from this one on"
    )
    parser.add_argument(
        "--database",
        help="the servers' database (default: DATABASE_URL; with --serve, a copy of the "
        "2,000-agent demo)",
    )
    parser.add_argument(
        "--sessions", default="10,50,100,200", help="comma-separated N (default 10,50,100,200)"
    )
    parser.add_argument(
        "--seconds", type=float, default=60, help="steady-state seconds per N (default 60)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=5,
        help="mean think time between interactions, seconds (default 5)",
    )
    parser.add_argument(
        "--burst", type=int, default=10, help="sessions in the same-moment test (0: skip)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help="folder for the figures (default bench/results)"
    )
    args = parser.parse_args(argv)
    if args.serve and args.url:
        parser.error("give --url (running servers) or --serve N (start them), not both")
    if not args.serve:
        args.database = args.database or os.environ.get("DATABASE_URL")
    if not args.serve and not args.database:
        parser.error("give --database or set DATABASE_URL (the servers' database)")
    for url in args.url or []:
        if urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error(f"{url}: the load harness drives loopback servers only")
    try:
        levels_n = [int(n) for n in args.sessions.split(",") if n.strip()]
    except ValueError:
        parser.error("--sessions: comma-separated whole numbers, e.g. 10,50,100")
    if not levels_n or min(levels_n) < 1 or max(levels_n) > 1000:
        parser.error("--sessions: between 1 and 1000 each")
    if args.serve:
        # A fresh server (on a fresh copy of the database) for each N and for the burst: the
        # memory a server has freed is reused by the next sessions, and closed sessions stay
        # in memory for two minutes (for a reconnect), so a second N on the same server would
        # understate its memory per session.
        @contextmanager
        def servers() -> Iterator[tuple[list[str], str, list[Path]]]:
            with served(args.serve, args.database, args.first_port) as started:
                yield started

        return _run(args, servers, levels_n)
    urls = args.url or ["http://127.0.0.1:8501"]

    @contextmanager
    def running() -> Iterator[tuple[list[str], str, list[Path]]]:
        yield urls, args.database, []  # their logs are theirs

    if len(levels_n) > 1:
        print(
            "note: against running servers, MB per idle session is exact for the first N only "
            "(later N reuse memory freed by earlier ones); --serve starts a fresh server per N.",
            flush=True,
        )
    return _run(args, running, levels_n)


Servers = Callable[[], AbstractContextManager[tuple[list[str], str, list[Path]]]]


def _run(args: argparse.Namespace, servers: Servers, levels_n: list[int]) -> int:
    levels: list[dict[str, Any]] = []
    header = f"{'N':>5} {'int/s':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'agent p95':>10} {'growth p95':>11} {'errors':>7} {'RSS MB':>8} {'MB/sess':>8} {'CPU/rerun':>10}"
    for n in levels_n:
        with servers() as (urls, database, logs):
            if not levels:
                print(f"{len(urls)} server(s): {', '.join(urls)}", flush=True)
                print(header, flush=True)
            level = asyncio.run(
                run_level(urls, database, n, args.seconds, args.think, args.seed, logs)
            )
        levels.append(level)
        print(
            f"{n:>5} {level['interactions_per_second'] or 0:>7.1f} {_ms(level['p50']):>8} {_ms(level['p95']):>8} "
            f"{_ms(level['p99']):>8} {_ms(level['agent_p95']):>10} {_ms(level['team_growth_p95']):>11} "
            f"{level['errors']:>7} {level['server_rss_mb']:>8} {level['rss_per_idle_session_mb'] or 0:>8} "
            f"{_ms(level['cpu_per_rerun_s']):>10}",
            flush=True,
        )
        print(
            "      "
            + "; ".join(
                f"{step} {_ms(f['p50'])}/{_ms(f['p95'])} ({f['n']})"
                for step, f in level["steps"].items()
            ),
            flush=True,
        )
        print(
            f"      cores busy: servers {level['server_cores']}, this harness "
            f"{level['client_cores']} (machine load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        runs = level["page_runs"]
        if runs["runs"]:
            print(
                f"      server log, {runs['runs']} page runs (p50/p95): waited for a place "
                f"{runs['queued_ms']['p50']:.0f}/{runs['queued_ms']['p95']:.0f} ms, in the run "
                f"{runs['ms']['p50']:.0f}/{runs['ms']['p95']:.0f} ms, CPU "
                f"{runs['cpu_ms']['p50']:.0f}/{runs['cpu_ms']['p95']:.0f} ms "
                f"(CPU {runs['cpu_share_of_run']:.0%} of the time in runs)",
                flush=True,
            )
        for example in level["error_examples"]:
            print(f"      error: {example}", flush=True)
    report: dict[str, Any] = {"servers": len(urls), "levels": levels}
    if args.burst:
        with servers() as (urls, database, _logs):
            report["burst"] = asyncio.run(burst(urls, database, args.burst))
        b = report["burst"]
        print(
            f"burst: {b['sessions']} sessions rerun My day at once: slowest {b['slowest_of_burst_s']} s, "
            f"one session alone {b['one_session_s']} s ({b['ratio']}×), errors {b['errors']}",
            flush=True,
        )
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"load-{stamp}.json").write_text(json.dumps(report, indent=2))
    _plot(levels, args.out / f"load-{stamp}.html")
    print(f"figures: {args.out / f'load-{stamp}.json'}; chart: {args.out / f'load-{stamp}.html'}")
    return 1 if any(level["errors"] for level in levels) else 0


if __name__ == "__main__":
    sys.exit(main())
