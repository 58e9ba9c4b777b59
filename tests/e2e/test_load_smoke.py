"""The load smoke: 20 real Streamlit sessions (agents, leads, a manager; each a websocket with its
login cookie, as a browser tab) against a fresh server on the small seeded demo for 30 seconds.
No interaction may fail; the times are printed, never asserted (CI machines vary), so a slower
run is a figure to read, not a red build. Needs no browser: it never skips."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NOW, ROOT, TODAY
from tests.e2e.conftest import _free_port, serve_app


def test_twenty_sessions_for_thirty_seconds_without_an_error(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'load.db'}",
        "HEADWAY_TODAY": TODAY.isoformat(),
        "HEADWAY_NOW": NOW.isoformat(timespec="minutes"),
        "HEADWAY_SECRET": secrets.token_urlsafe(32),  # the harness signs the session cookies
        "HEADWAY_SCHEDULER": "worker",  # the pages under load, not the reminder jobs
    }
    env.pop("HEADWAY_TEST_DATABASE_URL", None)
    subprocess.run(
        [str(Path(sys.executable).parent / "headway"), "seed", "--agents", "30", "--years", "1"],
        env=env,
        check=True,
        capture_output=True,
    )
    out = tmp_path / "results"
    with serve_app(env, _free_port()) as url:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.load",
                "--url",
                url,
                "--database",
                env["DATABASE_URL"],
                "--sessions",
                "20",
                "--seconds",
                "30",
                "--burst",
                "10",
                "--out",
                str(out),
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    # The harness's table, at the end of the test log whether or not it passes (tests.conftest
    # prints what a test hands over this way, from whichever pytest-xdist worker ran it).
    request.node.user_properties.append(("printed", run.stdout))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    (report,) = [json.loads(p.read_text()) for p in out.glob("load-*.json")]
    (level,) = report["levels"]
    assert level["errors"] == 0, level["error_examples"]
    assert level["interactions"] >= 20, "every session did something"
    assert {"My day", "My PD days", "Team growth (every team)"} <= set(level["steps"])
    assert report["burst"]["errors"] == 0
    figures = (
        f"load smoke, 20 sessions for 30 s: {level['interactions_per_second']} interactions/s, "
        f"p95 {level['p95']:.3f} s (agent pages {level['agent_p95']:.3f} s, Team growth "
        f"{level['team_growth_p95'] or 0:.3f} s), {level['rss_per_idle_session_mb']} MB per idle "
        f"session, {level['cpu_per_rerun_s']} s CPU per rerun; 10 sessions rerunning My day at "
        f"once: the slowest {report['burst']['ratio']}x one alone"
    )
    request.node.user_properties.append(("printed", figures))
    with open(os.environ.get("GITHUB_STEP_SUMMARY", os.devnull), "a") as summary:
        summary.write(figures + "\n")
