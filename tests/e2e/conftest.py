"""Browser fixtures: the real app served by `streamlit run` on a seeded database, and Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import NOW, ROOT, TODAY, skip_or_fail
from tools.serve import free_port, start, wait_healthy

AXE = ROOT / ".cache" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


_free_port = free_port  # one home: tools.serve (every launcher starts servers through it)


@pytest.fixture(scope="session")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the served app (its demo database), for `headway` commands too."""
    folder = tmp_path_factory.mktemp("e2e")
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
        "HEADWAY_TODAY": TODAY.isoformat(),
        "HEADWAY_NOW": NOW.isoformat(timespec="minutes"),
    }


@contextmanager
def serve_app(env: dict[str, str], port: int, *, bin_dir: Path | None = None) -> Iterator[str]:
    """`streamlit run` of the app on 127.0.0.1:`port` with `env`, until the block ends; its
    output goes to server-<port>.log beside the database. `bin_dir`: the venv that serves it
    (this test run's unless given, e.g. the app lock's: tests/app_lock.py)."""
    folder = Path(env["DATABASE_URL"].removeprefix("sqlite:///")).parent
    bin_dir = bin_dir or Path(sys.executable).parent
    log_path = folder / f"server-{port}.log"
    log = log_path.open("w")
    server = start(port=port, env=env, stdout=log, python=str(bin_dir / "python"))
    url = f"http://127.0.0.1:{port}"
    try:
        # Beside a CPU hog (load 15-20 on two cores) the server has taken over a minute to
        # answer its health check: a test that only starts on a quiet machine is a defect.
        wait_healthy(url, seconds=240)
    except SystemExit:
        server.kill()
        pytest.fail("the app did not start: " + log_path.read_text()[-2000:])
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(app_env: dict[str, str]) -> Iterator[str]:
    """The app, served on a fresh demo database, as a user's browser reaches it. It runs the
    embedded reminder scheduler, as a single-server installation does."""
    subprocess.run(
        [str(Path(sys.executable).parent / "headway"), "seed", "--agents", "30", "--years", "1"],
        env=app_env,
        check=True,
        capture_output=True,
    )
    database = Path(app_env["DATABASE_URL"].removeprefix("sqlite:///"))
    shutil.copy(database, database.with_name(PRISTINE))  # for journeys that need their own
    with serve_app(app_env, _free_port()) as url:
        yield url


PRISTINE = "pristine-demo.db"


@contextmanager
def own_app(app_url: str, app_env: dict[str, str], name: str) -> Iterator[tuple[str, str]]:
    """A server of its own on a copy of the demo as seeded (before any journey changed it), for
    a journey that changes what others rely on (e.g. publishes PD days): yields its address and
    its DATABASE_URL. It runs no reminder jobs (the first server does, on its own database)."""
    seeded = Path(app_env["DATABASE_URL"].removeprefix("sqlite:///")).with_name(PRISTINE)
    database = seeded.with_name(f"{name}.db")
    shutil.copy(seeded, database)
    env = {**app_env, "DATABASE_URL": f"sqlite:///{database}", "HEADWAY_SCHEDULER": "worker"}
    with serve_app(env, _free_port()) as url:
        yield url, env["DATABASE_URL"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    chromium = shutil.which("chromium")
    if chromium is None:
        skip_or_fail("Chromium is not installed here (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# Streamlit's own signal that a run has finished: `[data-testid=stApp]` carries
# `data-test-script-state`, which reads `running` during a run and `notRunning` after it. A
# click only *asks* for a run (it sends a rerun message on the app's websocket), so right after
# one the attribute may still read `notRunning` from the run before. The watcher counts the rerun
# messages the page sends and notes, each time a run is under way, how many had been sent: the
# page has settled when no run is under way and the last run started after the last request —
# held for 50 ms, which covers the few milliseconds between two runs of one `st.switch_page`.
RUN_WATCHER = """
(() => {
  const watch = (window.__headway = {
    sent: 0, startedAfter: -1, quietSince: null, log: [], rerunFollows: false,
  });
  const note = (what) => watch.log.length < 200 && watch.log.push([Math.round(performance.now()), what]);
  // A click or a keystroke asks for its run from a zero-delay timer (Streamlit batches widget
  // changes); under load that timer can fire well after the click returned. Until every such
  // timer has fired, a request may still be on its way.
  const timers = (watch.timers = new Set());
  const setTimer = window.setTimeout;
  const clearTimer = window.clearTimeout;
  window.setTimeout = function (callback, delay, ...rest) {
    if (delay || typeof callback !== 'function') {
      return setTimer.call(window, callback, delay, ...rest);
    }
    const id = setTimer.call(window, (...args) => {
      timers.delete(id);
      callback(...args);
    }, 0, ...rest);
    timers.add(id);
    return id;
  };
  window.clearTimeout = function (id) {
    timers.delete(id);
    return clearTimer.call(window, id);
  };
  // Count the messages that ask for a run: a BackMsg whose first field is rerun_script (field 11,
  // length-delimited: first byte 0x5A). Others (a heartbeat, a file request) start no run.
  // The server answers a request with messages; a run that starts and ends between two renders
  // leaves the state attribute unchanged, but never without a message.
  // Only a message of a run says a run is under way: a heartbeat's acknowledgement (sent every
  // few seconds) that arrives between a click's request and the start of its run said so too,
  // and a journey went on (and closed the page) before the click had run. The top-level fields
  // of the ForwardMsg name its kind: new_session 4, delta 5, script_finished 6,
  // session_status_changed 9, ref_hash 11 (a cached delta), navigation 23.
  const RUN_FIELDS = new Set([4, 5, 6, 9, 11, 23]);
  const ofRun = (data) => {
    if (!(data instanceof ArrayBuffer)) {
      return true;  // not what Streamlit sends: counted, the cautious way
    }
    const bytes = new Uint8Array(data);
    let pos = 0;
    const varint = () => {
      let value = 0;
      let scale = 1;
      let byte;
      do {
        byte = bytes[pos++];
        value += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80 && pos < bytes.length);
      return value;
    };
    while (pos < bytes.length) {
      const tag = varint();
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (field === 4) {
        watch.rerunFollows = false;  // new_session: a run has started
      }
      if (field === 6 && wire === 0) {
        // script_finished, FINISHED_EARLY_FOR_RERUN (2): st.rerun or st.switch_page, and the
        // server starts the next run by itself; until it does, the page is not finished (the
        // state attribute reads notRunning between the two runs, longer than 50 ms under load).
        watch.rerunFollows = varint() === 2;
        return true;
      }
      if (RUN_FIELDS.has(field)) {
        return true;
      }
      if (wire === 0) varint();
      else if (wire === 1) pos += 8;
      else if (wire === 2) pos += varint();
      else if (wire === 5) pos += 4;
      else return true;
    }
    return false;
  };
  const heard = new WeakSet();
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!heard.has(this)) {
      heard.add(this);
      this.addEventListener('message', (event) => {
        if (ofRun(event.data)) {
          watch.startedAfter = watch.sent;
        } else {
          note('heard no run');
        }
      });
    }
    const first = new Uint8Array(data.buffer || data, data.byteOffset || 0, 1)[0];
    if (first === 0x5a) {
      watch.sent += 1;
      note('sent ' + watch.sent);
    } else {
      note('other message ' + first);
    }
    return send.call(this, data);
  };
  // One batch of records may hold a whole run: a record's oldValue is the state it left. Any
  // state but notRunning (running, rerunRequested, stopRequested) is a run under way.
  const busy = (state) => state !== null && state !== undefined && state !== 'notRunning';
  const look = (records) => {
    for (const record of records) {
      const now = record.target.getAttribute('data-test-script-state');
      note(record.oldValue + ' > ' + now);
      if (busy(record.oldValue) || busy(now)) {
        watch.startedAfter = watch.sent;
      }
    }
  };
  new MutationObserver(look).observe(document, {
    subtree: true, attributes: true, attributeOldValue: true,
    attributeFilter: ['data-test-script-state'],
  });
  watch.settled = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    if (busy(state) && watch.startedAfter < watch.sent) {
      watch.startedAfter = watch.sent;  // a run that began before the observer saw it
    }
    const quiet =
      state === 'notRunning' && watch.startedAfter >= watch.sent && timers.size === 0 &&
      !watch.rerunFollows;
    if (!quiet) {
      watch.quietSince = null;
      return false;
    }
    watch.quietSince = watch.quietSince ?? performance.now();
    return performance.now() - watch.quietSince >= 50;
  };
})();
"""


def new_page(browser) -> object:  # type: ignore[no-untyped-def]
    """A page in a fresh browser context (its own cookies: another person), watched by
    RUN_WATCHER so that `settle` knows when Streamlit has finished."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(RUN_WATCHER)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    opened = new_page(browser)
    yield opened
    opened.context.close()


def another_page(page) -> object:  # type: ignore[no-untyped-def]
    """A second person's browser beside `page`'s."""
    return new_page(page.context.browser)


def await_first_run(browser, url: str, button: str) -> None:  # type: ignore[no-untyped-def]
    """Open `url` once and wait for `button`: a fresh server's first page run imports the whole
    app, which on a busy machine alone can outlast settle() (40 s measured at load 15 on two
    cores), so a fixture that starts a server pays for it before its first test."""
    first = new_page(browser)
    try:
        first.goto(url)
        first.get_by_role("button", name=button).wait_for(timeout=180_000)
    finally:
        first.context.close()


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has run the script for everything the page has asked of it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("window.__headway.settled()", timeout=90_000, polling="raf")
    except PlaywrightTimeout:
        state = page.evaluate(
            "JSON.stringify({sent: window.__headway.sent, startedAfter: window.__headway.startedAfter,"
            " rerunFollows: window.__headway.rerunFollows,"
            " state: document.querySelector('[data-testid=stApp]')?.dataset.testScriptState,"
            " connection: document.querySelector('[data-testid=stApp]')?.dataset.testConnectionState,"
            " timers: window.__headway.timers.size, log: window.__headway.log.slice(-30)})"
        )
        raise AssertionError(f"the app did not settle within 90 s: {state}") from None


def open_options(page, widget, *, containing: str | None = None):  # type: ignore[no-untyped-def]
    """Open a select box's list of options and return them (once one reads `containing`, if
    given: another box's list left open by a rerun is not this one's). On a busy machine a
    click that lands while the page is still drawing the box opens nothing: then the box is
    clicked again (at most three times), as a person would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        widget.locator("input").first.click()
        options = page.get_by_role("option")
        try:
            (options.filter(has_text=containing) if containing else options).first.wait_for(
                timeout=20_000
            )
            return options
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            settle(page)
    raise AssertionError("unreachable")


def pick_option(page, widget, name: str) -> None:  # type: ignore[no-untyped-def]
    """Choose the option `name` of a select box. A rerun that lands between opening the list
    and the click closes it on a busy machine: then the list is opened again (at most three
    times), as a person would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        try:
            open_options(page, widget, containing=name).filter(has_text=name).first.click(
                timeout=20_000
            )
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            settle(page)


def log_in(page, email: str, password: str = "headway-demo") -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("[data-testid='stTopNav'], [data-testid='stAlert']")
    settle(page)


def nav_labels(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The page titles of the top navigation: top-level links, then section by section, in order
    (icons and the inbox's unread count left out)."""
    titles = [
        re.sub(r" \(\d+\)$", "", text.strip().splitlines()[-1].strip())
        for text in page.locator("[data-testid='stTopNavLink']").all_inner_texts()
    ]
    sections = page.locator("[data-testid='stTopNavSection']")
    for index in range(sections.count()):
        sections.nth(index).click()
        menu = page.locator("[data-testid='stTopNavPopover']")
        menu.wait_for()
        links = menu.locator("[data-testid='stTopNavDropdownLink']").all_inner_texts()
        titles.extend(text.strip().splitlines()[-1].strip() for text in links)
        page.keyboard.press("Escape")
        menu.wait_for(state="detached")
    return titles


@pytest.fixture
def axe_check() -> Callable[[object], list[str]]:
    """Run axe-core in the page; return the serious and critical violations."""
    if not AXE.exists():
        skip_or_fail("axe-core is not installed (make test installs it with npm)")

    def run(page) -> list[str]:  # type: ignore[no-untyped-def]
        # On the finished page: during a run Streamlit fades what the run has not drawn again
        # yet, and a faded button fails the contrast check (seen right after a save's message).
        settle(page)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
        )
        return [
            f"{v['id']} ({v['impact']}): {v['nodes'][:3]}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]

    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """A failed journey reports what the browser showed and the server's last log lines: a
    failure on the CI machine alone is then read from its report, not guessed at."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = item.funcargs.get("page")
    if page is not None:
        try:
            # Short, most telling first: CI prints only the head and tail of a long output.
            runs = page.evaluate("JSON.stringify(window.__headway.log.slice(-12))")
            boxes = page.evaluate(
                "JSON.stringify([...document.querySelectorAll('input[type=text], textarea')]"
                ".slice(0, 12).map(e => [e.getAttribute('aria-label'), e.value.slice(0, 60)]))"
            )
            alerts = page.locator("[data-testid='stAlert']").all_inner_texts()
            options = [o[:60] for o in page.get_by_role("option").all_inner_texts()[:8]]
            text = page.locator("[data-testid='stMain']").inner_text(timeout=5_000)
            report.sections.append(
                (
                    "page at the failure",
                    f"{page.url}\nruns: {runs}\nboxes: {boxes}\nalerts: {alerts}\noptions: {options}\n"
                    f"page (top): {' | '.join(text.split(chr(10)))[:1200]}",
                )
            )
        except Exception as exc:  # noqa: BLE001 - a report must not fail for want of a page
            report.sections.append(("page at the failure", f"not readable: {exc}"))
    env = item.funcargs.get("app_env")
    if env is not None:
        folder = Path(env["DATABASE_URL"].removeprefix("sqlite:///")).parent
        for log in sorted(folder.glob("server-*.log")):
            lines = log.read_text(errors="replace").splitlines()[-12:]
            report.sections.append((f"server log {log.name}", "\n".join(x[:240] for x in lines)))
