"""Logging in as each demo user in a real browser (headless Chromium)."""

from __future__ import annotations

import re

import pytest

from core.models import Role
from tests.e2e.conftest import log_in, nav_labels, settle
from ui.navigation import PAGE_TABLE

pytestmark = pytest.mark.browser

DEMO_USERS = {
    "admin@example.com": Role.ADMIN,
    "manager@example.com": Role.MANAGER,
    "lead@example.com": Role.TEAM_LEAD,
    "agent@example.com": Role.AGENT,
    "agent2@example.com": Role.AGENT,
}


@pytest.mark.parametrize("email", DEMO_USERS)
def test_each_demo_user_sees_exactly_their_roles_navigation_and_an_accessible_home(
    page, app_url: str, axe_check, email: str
) -> None:
    page.goto(app_url)
    settle(page)
    log_in(page, email)
    sections: dict[str, list[str]] = {}  # the top navigation groups pages by section, in order
    for section, _, title, _, _, roles in PAGE_TABLE:
        if DEMO_USERS[email] in roles:
            sections.setdefault(section, []).append(title)
    sections["Me"].append("Log out")  # the person's own menu ends with it
    expected = [title for titles in sections.values() for title in titles]
    assert nav_labels(page) == expected
    assert page.locator("h1").first.inner_text().startswith("My day")
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)


def test_a_reload_keeps_the_user_logged_in_and_logout_ends_it(page, app_url: str) -> None:
    page.goto(app_url)
    settle(page)
    with page.expect_response("**/auth/session"):  # the page stores the cookie after login
        log_in(page, "manager@example.com")
    page.reload()
    settle(page)
    assert "Teams overview" in nav_labels(page)
    page.goto(f"{app_url}/home")  # My day's own address (typed or bookmarked) opens it
    settle(page)
    page.get_by_role("heading", name=re.compile(r"^My day")).wait_for()
    with page.expect_response("**/auth/logout"):
        # The first menu of the top navigation bears the person's name and ends with Log out.
        me = page.locator("[data-testid='stTopNavSection']").first
        assert me.inner_text().strip() == "Morgan Manager"
        me.click()
        page.locator("[data-testid='stTopNavDropdownLink']").filter(has_text="Log out").click()
        page.get_by_role("button", name="Log in").wait_for()
    assert all(c["name"] != "headway_session" for c in page.context.cookies())
    page.reload()
    settle(page)
    page.get_by_role("button", name="Log in").wait_for()
    assert nav_labels(page) == []


def test_a_deep_link_opened_while_logged_out_lands_on_its_page_after_login(
    page, app_url: str
) -> None:
    page.goto(f"{app_url}/team")
    settle(page)
    page.get_by_role("button", name="Log in").wait_for()
    log_in(page, "lead@example.com")
    assert page.locator("h1").first.inner_text().startswith("Team at a glance")
    assert page.url.endswith("/team")


def test_a_wrong_password_shows_an_error_and_does_not_log_in(page, app_url: str, axe_check) -> None:
    page.goto(app_url)
    settle(page)
    log_in(page, "agent@example.com", "wrong-password")
    assert "do not match an active account" in page.locator("[data-testid='stAlert']").inner_text()
    assert nav_labels(page) == []
    assert all(c["name"] != "headway_session" for c in page.context.cookies())
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)


def test_a_click_during_the_first_run_after_login_still_keeps_the_login_over_a_reload(
    page, app_url: str
) -> None:
    # The cookie request is drawn by the first run after login; a click that cuts that run
    # short must not lose it (it used to be marked done before it was drawn).
    for _ in range(3):
        page.context.clear_cookies()
        page.goto(f"{app_url}/learning")
        settle(page)
        page.get_by_role("textbox", name="Email").fill("agent@example.com")
        page.get_by_role("textbox", name="Password").fill("headway-demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("[data-testid='stTopNav']")
        page.get_by_label("Search").fill("calls")
        page.get_by_label("Search").press("Enter")  # at once, while that run is drawing
        settle(page)
        page.reload()
        settle(page)
        page.get_by_role("heading", name="Learning shares").wait_for()
        assert page.get_by_role("button", name="Log in").count() == 0
