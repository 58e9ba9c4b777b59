"""Browser journey: a manager finds who needs a check-in and the effect of coaching."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in, settle

pytestmark = pytest.mark.browser


def test_a_manager_finds_who_needs_a_check_in_and_what_coaching_changed(
    page, app_url: str, axe_check
) -> None:
    page.goto(f"{app_url}/team_growth")
    settle(page)
    log_in(page, "manager@example.com")
    page.get_by_text("weekly mean per team").first.wait_for()
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)
    page.get_by_role("tab", name="Needs a check-in").click()
    page.get_by_text("getting worse over the last 60 days").first.wait_for()
    page.get_by_role("tab", name="Coaching").click()
    page.get_by_role("heading", name="What coaching changed").wait_for()
    download = page.get_by_role("button", name="Download coaching coverage (CSV)")
    download.wait_for()
    assert download.count() == 1
