"""The app lock (requirements/app.txt, what `make run` installs) holds what the app's features
import: checked in an environment synced from it alone, where the test tools cannot lend a
package the app forgot (as httpx once was, which st.login needs)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT


def test_the_app_and_its_sign_in_run_on_what_the_app_lock_installs(
    app_lock_bin: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'headway.db'}",
    }
    done = subprocess.run(
        [
            str(app_lock_bin / "python"),
            str(ROOT / "tests/integration/app_lock_probe.py"),
            str(ROOT),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:] or done.stdout[-3000:]
    assert "st.login: authlib.integrations.httpx_client" in done.stdout
