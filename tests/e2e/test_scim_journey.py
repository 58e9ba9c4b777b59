"""Browser journey (issue 26): an identity provider deactivates someone who is using Headway.
The agent is logged in in an open browser; the test sends the deactivation over HTTP exactly as
Microsoft Entra ID sends it (`PATCH /scim/v2/Users/{id}`, `{"op": "Replace", "path": "active",
"value": "False"}`); the agent's next click shows the login page. Reactivated the same way, they
log in again. On a server of its own: it deactivates a demo login the other journeys use."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select

from core.connect.tokens import create_token
from core.models import Person, TokenKind
from core.people.access import load_actor
from core.platform.db import make_engine, session_scope
from tests.conftest import TODAY
from tests.e2e.conftest import log_in, nav_labels, own_app, settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provisioned(app_url: str, app_env: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Its own server, and a service token with scim:write that the admin made for Entra ID."""
    with own_app(app_url, app_env, "scim") as (url, database_url):
        engine = make_engine(database_url)
        with session_scope(engine) as session:

            def person(email: str) -> Person:
                return session.exec(select(Person).where(Person.email == email)).one()

            admin = load_actor(session, person("admin@example.com").id)
            token = create_token(
                session,
                actor=admin,
                name="Microsoft Entra ID",
                kind=TokenKind.SERVICE,
                scopes=["scim:write"],
                expires_on=TODAY + dt.timedelta(days=90),
            ).text
            found = {"url": url, "token": token, "agent": person("agent@example.com").id}
        engine.dispose()
        yield found


def _entra_sets_active(provisioned: dict[str, Any], value: str) -> dict[str, Any]:
    """The request Entra ID's provisioning service sends to (de)activate a user."""
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": value}],
    }
    request = urllib.request.Request(
        f"{provisioned['url']}/scim/v2/Users/{provisioned['agent']}",
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={
            "Authorization": f"Bearer {provisioned['token']}",
            "Content-Type": "application/scim+json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.status == 200
            found: dict[str, Any] = json.loads(answer.read())
            return found
    except urllib.error.HTTPError as refused:
        raise AssertionError(f"{refused.code}: {refused.read().decode()}") from None


def test_a_deactivation_sent_as_entra_id_sends_it_logs_the_agent_out_of_an_open_browser(
    page, provisioned: dict[str, Any], axe_check
) -> None:
    page.goto(f"{provisioned['url']}/home")
    settle(page)
    log_in(page, "agent@example.com")
    labels = nav_labels(page)
    assert labels, "the agent is logged in"

    assert _entra_sets_active(provisioned, "False")["active"] is False

    # the agent's next click: another page of the navigation
    page.locator("[data-testid='stTopNavLink']").last.click()
    settle(page)
    page.get_by_role("button", name="Log in").wait_for()
    page.get_by_text("your account was deactivated").wait_for()
    assert nav_labels(page) == []
    assert all(c["name"] != "headway_session" for c in page.context.cookies())
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)
    log_in(page, "agent@example.com")
    assert "do not match an active account" in page.locator("[data-testid='stAlert']").inner_text()

    assert _entra_sets_active(provisioned, "True")["active"] is True
    page.reload()
    settle(page)
    log_in(page, "agent@example.com")
    assert nav_labels(page)
