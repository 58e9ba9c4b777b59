"""A virtual environment synced from the app's lock alone (requirements/build.txt + app.txt,
what `make run` installs), never the test lock: what a customer's installation has.

Tests that serve or import the app from it prove that the app lock holds what the app's
features import; the test lock pins more (the test tools and what they pull in) and would hide
a missing package. Built once under .cache/ and reused while the locks and pyproject.toml are
unchanged.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".cache" / "app-lock-venv"
LOCKS = [ROOT / "requirements" / "build.txt", ROOT / "requirements" / "app.txt"]
STAMP = VENV / ".locks-sha256"


class AppLockUnavailable(Exception):
    """The environment could not be built here; the message says why in one line."""


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in [*LOCKS, ROOT / "pyproject.toml"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _run(command: list[str]) -> None:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise AppLockUnavailable(f"{Path(command[0]).name} {command[1]} failed: {last[0]}")


def app_lock_bin() -> Path:
    """The bin/ folder of the app-lock environment (headway installed editable, so it runs this
    tree's code), built or brought up to date first."""
    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        raise AppLockUnavailable("uv is not installed in this venv (make install-test)")
    VENV.parent.mkdir(parents=True, exist_ok=True)
    wanted = _fingerprint()
    # One builder at a time (two test runs of this tree may start together).
    with (VENV.parent / "app-lock-venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        python = VENV / "bin" / "python"
        if STAMP.exists() and STAMP.read_text() == wanted and python.exists():
            return python.parent
        shutil.rmtree(VENV, ignore_errors=True)
        base = getattr(sys, "_base_executable", sys.executable)
        _run([str(uv), "venv", "--quiet", "--python", base, str(VENV)])
        # Exactly the Makefile's `install`: the locks with their hashes, then headway editable.
        _run(
            [str(uv), "pip", "sync", "--quiet", "--python", str(python), "--require-hashes",
             "--strict", *map(str, LOCKS)]
        )  # fmt: skip
        _run(
            [str(uv), "pip", "install", "--quiet", "--python", str(python), "--no-deps",
             "--no-build-isolation", "-e", str(ROOT)]
        )  # fmt: skip
        STAMP.write_text(wanted)
        return python.parent
