"""Browser journeys: a share found by search and given kudos; a pledge signed, co-signed, kept."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in, settle

pytestmark = pytest.mark.browser


def test_a_share_is_found_by_another_agent_and_given_kudos(page, app_url: str, axe_check) -> None:
    page.goto(f"{app_url}/learning")
    settle(page)
    log_in(page, "agent@example.com")
    if not page.get_by_label("Title").is_visible():
        page.get_by_text("Share what I learned").first.click()
    page.get_by_label("Title").fill("Callback scripts")
    page.get_by_label("What I learned").fill("Scheduling callbacks keeps escalated customers calm")
    page.get_by_text("Everyone").click()
    page.get_by_role("button", name="Share", exact=True).click()
    page.locator("strong", has_text="Callback scripts").first.wait_for()

    other = page.context.browser.new_context().new_page()
    other.goto(f"{app_url}/learning")
    settle(other)
    log_in(other, "agent2@example.com")
    other.get_by_label("Search").fill(
        "escalate callback"
    )  # stemmed: escalated ~ escalate, callbacks ~ callback
    other.get_by_label("Search").press("Enter")
    other.locator("strong", has_text="Callback scripts").first.wait_for()
    violations = axe_check(other)
    assert violations == [], "\n".join(violations)
    other.get_by_role("button", name="Helpful (0)").first.click()
    other.get_by_role("button", name="Helpful ✓ (1)").wait_for()
    other.context.close()


def test_a_pledge_is_drafted_co_signed_by_the_mentor_and_checked_in(page, app_url: str) -> None:
    page.goto(f"{app_url}/pledge")
    settle(page)
    log_in(page, "agent@example.com")
    page.get_by_label("My mentor").click()
    page.keyboard.type("Sam Second")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Sign my pledge").click()
    page.get_by_text("Waiting for Sam Second to co-sign").wait_for()

    mentor = page.context.browser.new_context().new_page()
    mentor.goto(f"{app_url}/pledge")
    settle(mentor)
    log_in(mentor, "agent2@example.com")
    mentor.get_by_role("button", name="Co-sign").click()
    settle(mentor)
    mentor.context.close()

    page.reload()
    settle(page)
    page.get_by_text("Today's mind check").wait_for()
    page.get_by_role("button", name="Save today's check").click()
    page.get_by_role("button", name="Update today's check").wait_for()
