"""Browser journey: a manager finds who is growing, who needs attention and whether coaching works."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in, settle

pytestmark = pytest.mark.browser


def test_a_manager_finds_who_is_growing_and_whether_coaching_works(
    page, app_url: str, axe_check
) -> None:
    page.goto(f"{app_url}/team_growth")
    settle(page)
    log_in(page, "manager@example.com")
    page.get_by_role("heading", name="Most improved").wait_for()
    page.get_by_role("heading", name="Needs attention").wait_for()
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)
    page.get_by_role("tab", name="Trends").click()
    page.get_by_text("weekly mean per team").first.wait_for()
    page.get_by_role("tab", name="Coaching").click()
    page.get_by_role("heading", name="Is coaching working?").wait_for()
    download = page.get_by_role("button", name="Download coaching coverage (CSV)")
    download.wait_for()
    assert download.count() == 1
