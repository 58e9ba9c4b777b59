"""Browser journey: a lead plans, reviews and publishes PD days; the agent sees theirs."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import another_page, log_in, settle

pytestmark = pytest.mark.browser


def test_plan_review_publish_then_the_agent_sees_the_day(page, app_url: str, axe_check) -> None:
    page.goto(f"{app_url}/pd_planner")
    settle(page)
    log_in(page, "lead@example.com")
    assert page.locator("h1").first.inner_text() == "PD day planner"
    page.get_by_text("No PD days in this period yet").wait_for()
    page.get_by_role("button", name="Plan PD days").click()
    page.get_by_role("heading", name="Review: 30 draft").wait_for(timeout=60_000)
    settle(page)
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)
    page.get_by_text("Publish 30 draft days to the agents").click()
    settle(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("heading", name="Review: 0 draft and 30 published").wait_for()

    agent = another_page(page)
    agent.goto(f"{app_url}/my_pd_days")
    settle(agent)
    log_in(agent, "agent@example.com")
    assert agent.locator("h1").first.inner_text() == "My PD days"
    agent.get_by_text("2027").first.wait_for()
    agent.get_by_role("button", name="Save my goal").nth(1).wait_for()  # one form per PD day
    agent.context.close()
