"""Browser journey (issue 26): an admin makes a service token, a system calls the API with it
over HTTP, the page shows the audited use, and after the admin revokes it the next call is
refused."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import log_in, pick_option, settle

pytestmark = pytest.mark.browser


def _call(app_url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{app_url}/api/v1/teams?limit=3", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_a_token_is_made_used_over_http_audited_and_revoked(page, app_url: str, axe_check) -> None:
    page.goto(f"{app_url}/api_tokens")
    settle(page)
    log_in(page, "admin@example.com")
    page.get_by_role("heading", name="API tokens").wait_for()
    page.get_by_role("textbox", name="Name (which system or script uses it)").fill("Telephony feed")
    scopes = page.get_by_test_id("stMultiSelect").filter(has_text="Scopes").first
    pick_option(page, scopes, "people:read")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Make token").click()
    settle(page)
    page.get_by_text("Copy it now").wait_for()
    token = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert token.startswith("hw_")

    status, body = _call(app_url, token)
    assert status == 200 and body["items"], body

    page.reload()
    settle(page)
    assert page.locator("[data-testid='stCode']").count() == 0  # shown once
    page.get_by_text("(1 in all)").wait_for()
    uses = page.locator("[data-testid='stDataFrame']").last.locator("table")
    assert "people:read GET /api/v1/teams" in uses.inner_text()
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)

    revoke = page.get_by_role("button", name="Revoke token")
    assert revoke.is_disabled()
    page.get_by_text("Yes, revoke “Telephony feed”").click()
    settle(page)
    page.get_by_role("button", name="Revoke token").click()
    settle(page)
    page.get_by_text("is revoked: requests with it are refused from now on").wait_for()
    status, body = _call(app_url, token)
    assert status == 401 and "was revoked" in body["detail"]
