"""Browser journey: a lead assigns next term's rotations and publishes; the agent sees theirs."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import another_page, log_in, settle

pytestmark = pytest.mark.browser


def test_run_publish_then_the_agent_sees_the_assignment(page, app_url: str, axe_check) -> None:
    page.goto(f"{app_url}/rotation_planner")
    settle(page)
    log_in(page, "lead@example.com")
    assert page.locator("h1").first.inner_text() == "Rotation planner"
    page.get_by_text("No assignments for these teams this term yet").wait_for()
    page.get_by_role("button", name="Assign rotations").click()
    page.get_by_role("heading", name="Review: 15 proposed").wait_for(timeout=60_000)
    settle(page)
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)
    page.get_by_text("Publish 15 proposed rotation(s) to the agents").click()
    settle(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("heading", name="Review: 0 proposed, 15 published").wait_for()

    agent = another_page(page)
    agent.goto(f"{app_url}/my_rotation")
    settle(agent)
    log_in(agent, "agent@example.com")
    agent.get_by_text("2027-Q1:").wait_for()
    # Both rotations' calendar downloads (a download button is drawn once its file is served).
    agent.get_by_role("button", name="Weekly sessions (.ics)").nth(1).wait_for()
    agent.context.close()
