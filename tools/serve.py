"""The one way Headway's app server is started: `make run`, the browser tests, the load harness,
the scale-out test and the screenshot script all ask this module, so the `streamlit run` command
line is written once.

    python -m tools.serve --address 127.0.0.1 --port 8501   # what `make run` does after seeding
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "streamlit_app.py"


def command(*, port: int, address: str = "127.0.0.1", python: str | None = None) -> list[str]:
    """The command line of one app server (headless, no usage statistics)."""
    return [
        python or sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless",
        "true",
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]


def start(
    *,
    port: int,
    env: Mapping[str, str],
    address: str = "127.0.0.1",
    stdout: int | IO[str] | None = subprocess.DEVNULL,
    stderr: int | IO[str] | None = subprocess.STDOUT,
    python: str | None = None,
) -> subprocess.Popen[bytes]:
    """Start one app server in the background, from the project's folder, with `env`
    (`python`: another venv's interpreter, e.g. the app lock's)."""
    return subprocess.Popen(
        command(port=port, address=address, python=python),
        cwd=ROOT,
        env=dict(env),
        stdout=stdout,
        stderr=stderr,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(url: str, seconds: float = 90, *, path: str = "/_stcore/health") -> None:
    """Until `url` answers 200 on `path` (SystemExit with a sentence after `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}{path}", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{url} did not start within {seconds:.0f} s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.serve", description=__doc__)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8501)
    args = parser.parse_args(argv)
    line = command(port=args.port, address=args.address)
    os.chdir(ROOT)
    os.execv(line[0], line)  # the server replaces this process, as `streamlit run` did


if __name__ == "__main__":
    sys.exit(main())
