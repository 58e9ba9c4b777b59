"""Browser journey for reminders: a lead promises a check-in for today → `headway jobs run-due`
→ the lead's inbox shows it, counted in the navigation, and its link opens the agent's coaching."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.e2e.conftest import log_in, open_options, settle

pytestmark = pytest.mark.browser


def test_a_follow_up_for_today_reaches_the_leads_inbox_with_a_working_link(
    page, app_url: str, app_env: dict[str, str], axe_check
) -> None:
    page.goto(f"{app_url}/coaching")
    settle(page)
    log_in(page, "lead@example.com")
    page.get_by_label("Agent", exact=True).click()
    page.get_by_role("option", name="Alex Agent").click()
    settle(page)
    open_options(  # the new note's: the first on the page
        page, page.get_by_test_id("stSelectbox").filter(has_text="Focus scorecard section").first
    )
    page.get_by_role("option", name="Compliance", exact=True).click()
    settle(page)
    for label, text in (  # each box left and its draft stored before the next (see coaching)
        ("What to try", "Name the next step and when you will call back"),
    ):
        page.get_by_label(label).first.fill(text)
        page.get_by_label(label).first.press("Tab")
        settle(page)
    # The date field defaults to tomorrow ("I'll check back in with you tomorrow"): one day back.
    day = page.get_by_label("I'll check back in on").first.get_by_role("spinbutton").last
    day.click()
    day.press("ArrowDown")
    day.press("Tab")
    page.get_by_role("button", name="Save note").first.click()
    page.get_by_text("Saved. It appears on the agent's growth chart").wait_for()

    done = subprocess.run(
        [str(Path(sys.executable).parent / "headway"), "jobs", "run-due", "--at", f"{TODAY}T12:00"],
        env=app_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1].endswith(" notifications created")
    database = app_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        (note_id,) = db.execute(
            "SELECT n.id FROM coaching_note n JOIN person p ON p.id = n.agent_id "
            "WHERE p.email = 'agent@example.com' "
            "AND n.to_try = 'Name the next step and when you will call back'"
        ).fetchone()
        rows = db.execute(
            "SELECT count(*) FROM notification WHERE recipient_email = 'lead@example.com' "
            "AND kind = 'follow_up_due' AND subject = ?",
            (f"coaching_note:{note_id}",),
        ).fetchone()
    assert rows == (1,)  # created once, whichever of run-due or the embedded scheduler came first
    with sqlite3.connect(database) as db:  # the served app runs the embedded scheduler
        jobs = {row[0] for row in db.execute("SELECT id FROM apscheduler_jobs")}
    assert jobs == {"daily-reminders", "weekly-digest", "pick-up", "retention", "outbound"}

    page.goto(f"{app_url}/inbox")
    settle(page)
    page.get_by_role("heading", name="Inbox").wait_for()
    unread = page.get_by_test_id("stTopNavLink").filter(has_text=re.compile(r"Inbox \(\d+\)"))
    assert unread.count() == 1  # the unread count, in sight on every page
    title = page.get_by_text(f"Check back in with Alex Agent on {TODAY:%A %-d %B}")
    title.wait_for()
    # The innermost block holding both the title and an "Open" link is this notification's card.
    card = (
        page.locator("div").filter(has=title).filter(has=page.get_by_role("link", name="Open")).last
    )
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)
    card.get_by_role("link", name="Open").click()
    page.get_by_role("heading", name="Today's queue").wait_for()
    settle(page)
    assert "/coaching?agent=" in page.url and "n=" not in page.url
    page.get_by_role("link", name="See Alex Agent's growth chart").wait_for()
    with sqlite3.connect(database) as db:
        (read_at,) = db.execute(
            "SELECT read_at FROM notification WHERE recipient_email = 'lead@example.com' "
            "AND kind = 'follow_up_due' AND subject = ?",
            (f"coaching_note:{note_id}",),
        ).fetchone()
    assert read_at is not None  # opening the link marked it read


def test_a_reminder_link_opened_while_logged_out_keeps_its_agent_after_login(
    page, app_url: str, app_env: dict[str, str]
) -> None:
    database = app_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        (agent_id, name) = db.execute(
            "SELECT id, name FROM person WHERE email = 'agent2@example.com'"
        ).fetchone()
    page.goto(f"{app_url}/coaching?agent={agent_id}&n=999999")
    settle(page)
    log_in(page, "manager@example.com")
    page.get_by_role("link", name=f"See {name}'s growth chart").wait_for()
    assert f"agent={agent_id}" in page.url
