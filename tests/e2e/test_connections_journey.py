"""Browser journey (issue 26): an admin sets the organisation's Slack webhook and its test
message reaches a real local server; registers an endpoint, copies its secret (shown once), and
the endpoint's signed test event verifies with it; then removes the endpoint after saying yes."""

from __future__ import annotations

import hashlib
import hmac
import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import PRISTINE, _free_port, log_in, pick_option, serve_app, settle
from tests.receiver import running_receiver

pytestmark = pytest.mark.browser


def test_an_admin_connects_slack_and_an_endpoint_whose_signed_test_event_verifies(
    page, app_url: str, app_env: dict[str, str], axe_check
) -> None:
    seeded = Path(app_env["DATABASE_URL"].removeprefix("sqlite:///")).with_name(PRISTINE)
    database = seeded.with_name("connections.db")
    shutil.copy(seeded, database)
    env = {
        **app_env,
        "DATABASE_URL": f"sqlite:///{database}",
        "HEADWAY_SCHEDULER": "worker",  # the journey's own messages only
        "HEADWAY_WEBHOOKS_ALLOW_LOCAL": "1",  # the receiver is on this machine
    }
    with running_receiver() as receiver, serve_app(env, _free_port()) as url:
        page.goto(f"{url}/connections")
        settle(page)
        log_in(page, "admin@example.com")
        page.get_by_role("heading", name="Chat and webhooks").wait_for()
        page.get_by_role("textbox", name="Webhook address").fill(receiver.url("/slack"))
        page.get_by_role("button", name="Set chat webhook").click()
        settle(page)
        page.get_by_text("The organisation's Slack webhook is set.").wait_for()
        page.get_by_role("button", name="Send a test message").click()
        settle(page)
        page.get_by_text("The test message went to Slack").wait_for()
        [slack] = receiver.to("/slack")
        assert "A test message from Headway" in slack.json()["text"]

        page.get_by_role("textbox", name="Name (which system receives it)").fill("BI warehouse")
        page.get_by_role("textbox", name="Endpoint address (https://…)").fill(receiver.url("/bi"))
        events = page.get_by_test_id("stMultiSelect").filter(has_text="Events").first
        pick_option(page, events, "dispute.decided")
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Register endpoint").click()
        settle(page)
        page.get_by_text("Copy its signing secret now").wait_for()
        secret = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
        assert secret.startswith("whsec_")
        violations = axe_check(page)
        assert violations == [], "\n".join(violations)

        page.reload()
        settle(page)
        assert page.locator("[data-testid='stCode']").count() == 0  # shown once
        connection = page.get_by_test_id("stSelectbox").filter(has_text="Connection").first
        pick_option(page, connection, "Webhook — BI warehouse")
        settle(page)
        page.get_by_role("button", name="Send a test message").click()
        settle(page)
        page.get_by_text("The test message went to Webhook — BI warehouse").wait_for()
        [event] = receiver.to("/bi")
        stamp = dict(part.split("=", 1) for part in event.headers["Headway-Signature"].split(","))
        mac = hmac.new(secret.encode(), stamp["t"].encode() + b"." + event.body, hashlib.sha256)
        assert hmac.compare_digest(mac.hexdigest(), stamp["v1"])
        assert event.json()["type"] == "headway.test"

        remove = page.get_by_role("button", name="Remove", exact=True)
        assert remove.is_disabled()
        page.get_by_text("Yes, remove “Webhook — BI warehouse").click()
        settle(page)
        page.get_by_role("button", name="Remove", exact=True).click()
        settle(page)
        page.get_by_text("is removed: nothing more is sent to it.").wait_for()
