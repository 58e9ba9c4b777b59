"""The screenshots of the docs, made from the demo rather than by hand: seed a demo database, start
the app, log in as each role in headless Chromium and save each shot into docs/img/ (PNG, reduced
to 256 colours so they stay small).

    .venv/bin/python -m tools.screenshots            # all of them
    .venv/bin/python -m tools.screenshots lead       # one role's

Needs Debian's Chromium (/usr/bin/chromium) and the test extra (Playwright). Every clock the
demo reads is pinned (HEADWAY_TODAY), so a re-run shows the same organisation.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tools.serve import ROOT, free_port, start, wait_healthy

IMG = ROOT / "docs" / "img"
TODAY = "2026-12-07"  # the demo's "today" (a Monday)
VIEWPORT = {"width": 1280, "height": 800}
# (role, login, page path, file name)
SHOTS = (
    ("agent", "agent@example.com", "", "agent-my-day.png"),
    ("agent", "agent@example.com", "my_pd_days", "agent-pd-days.png"),
    ("lead", "lead@example.com", "", "lead-my-day.png"),
    ("lead", "lead@example.com", "pd_planner", "lead-pd-planner.png"),
    ("manager", "manager@example.com", "", "manager-my-day.png"),
    ("manager", "manager@example.com", "team_growth", "manager-team-growth.png"),
    ("admin", "admin@example.com", "", "admin-my-day.png"),
    ("admin", "admin@example.com", "people", "admin-people.png"),
)


def _small_png(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def _patiently(settle: Callable[[object], None], page: object) -> None:
    """`settle` waits 30 s; a first run on a busy machine may take longer."""
    for attempt in range(4):
        try:
            settle(page)
            return
        except AssertionError:
            if attempt == 3:
                raise


def _tables_drawn(page: object) -> None:
    """Streamlit shows placeholders until the elements arrive, and draws a table on a canvas after
    the run: wait (briefly) until no placeholder is left and each table has its canvas."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):  # a table still drawing beats no screenshot
        page.wait_for_function(  # type: ignore[attr-defined]
            "!document.querySelector('[data-testid=stSkeleton]') && "
            "[...document.querySelectorAll('[data-testid=stDataFrame]')]"
            ".every(t => t.querySelector('canvas'))",
            timeout=15_000,
        )


def take(roles: set[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS, log_in, new_page, settle

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    folder = Path(tempfile.mkdtemp(prefix="headway-shots-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
        "HEADWAY_TODAY": TODAY,
        "HEADWAY_SCHEDULER": "worker",  # no reminder jobs while the shots are taken
    }
    subprocess.run(
        [sys.executable, "-m", "core", "seed", "--agents", "40", "--years", "1", "--today", TODAY],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = start(port=port, env=env, stdout=(folder / "server.log").open("w"))
    url = f"http://127.0.0.1:{port}"
    saved = []
    try:
        wait_healthy(url)
        IMG.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            pages: dict[str, object] = {}
            for role, email, path, name in SHOTS:
                if role not in roles:
                    continue
                page = pages.get(role)
                if page is None:
                    page = pages[role] = new_page(browser)
                    page.set_viewport_size(VIEWPORT)  # type: ignore[attr-defined]
                    page.set_default_timeout(120_000)  # type: ignore[attr-defined]
                    page.goto(url)  # type: ignore[attr-defined]
                    page.get_by_role("button", name="Log in").wait_for()  # type: ignore[attr-defined]
                    _patiently(settle, page)
                    log_in(page, email)
                if path:
                    page.goto(f"{url}/{path}")  # type: ignore[attr-defined]
                    page.wait_for_selector("[data-testid='stTopNav']")  # type: ignore[attr-defined]
                    _patiently(settle, page)
                _tables_drawn(page)
                target = IMG / name
                page.screenshot(path=str(target))  # type: ignore[attr-defined]
                _small_png(target)
                saved.append(target)
                print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    return saved


def main(argv: list[str] | None = None) -> int:
    roles = sorted({role for role, *_ in SHOTS})
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__)
    parser.add_argument("roles", nargs="*", help=f"some of {', '.join(roles)} (default: all)")
    args = parser.parse_args(argv)
    unknown = set(args.roles) - set(roles)
    if unknown:
        parser.error(f"no such role: {', '.join(sorted(unknown))}")
    take(set(args.roles or roles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
