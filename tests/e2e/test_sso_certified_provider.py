"""Single sign-on as a customer deploys it: the app installed from the app lock alone (what
`make run` installs; tests/app_lock.py) and an OpenID Certified provider, panva's `oidc-provider`
9 from npm (`make test` installs it under .cache/), running as strict as it ships on loopback
(tests/e2e/oidc_provider.mjs). It refuses `prompt=select_account` and gives the e-mail claims
from its UserInfo endpoint only, so Headway sends no prompt here (HEADWAY_OIDC_PROMPT empty)
and reads UserInfo."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from core.models import Person
from core.people.access import load_actor
from core.people.org import set_person_active
from core.people.sso import NOT_VERIFIED, no_account
from core.platform.db import make_engine
from tests.conftest import ROOT, skip_or_fail
from tests.e2e.conftest import _free_port, await_first_run, nav_labels, serve_app, settle

pytestmark = pytest.mark.browser

MODULES = ROOT / ".cache" / "node_modules"
LABEL = "Certified ID"
CLIENT = {"client_id": "headway", "client_secret": "headway-certified-client-secret-0123456789"}
DEACTIVATED = "agent2@example.com"
# Logins at the provider and the claims it vouches for.
ACCOUNTS = {
    "lee": {"email": "lead@example.com", "email_verified": True, "name": "Lee Lead"},
    "stranger": {"email": "nobody@example.com", "email_verified": True},
    "unconfirmed": {"email": "agent@example.com", "email_verified": False},
    "gone": {"email": DEACTIVATED, "email_verified": True},
}


@pytest.fixture(scope="module")
def database(app_url: str, app_env: dict[str, str], tmp_path_factory) -> str:  # type: ignore[no-untyped-def]
    """A copy of the seeded demo in which an admin deactivated agent2 (the shared demo is not
    changed)."""
    folder = tmp_path_factory.mktemp("certified")
    source = app_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(source) as origin, sqlite3.connect(folder / "demo.db") as copy:
        origin.backup(copy)
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    with Session(engine) as session:
        admin = session.exec(select(Person).where(Person.email == "admin@example.com")).one()
        gone = session.exec(select(Person).where(Person.email == DEACTIVATED)).one()
        assert admin.id is not None and gone.id is not None
        set_person_active(
            session, actor=load_actor(session, admin.id), person_id=gone.id, active=False
        )
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Iterator[tuple[str, int]]:  # type: ignore[no-untyped-def]
    """The provider's issuer URL, and the port the app must serve on (its registered redirect
    URI names it)."""
    node = shutil.which("node")
    if node is None or not (MODULES / "oidc-provider" / "package.json").exists():
        skip_or_fail("node or oidc-provider is not installed (make test installs it with npm)")
    app_port = _free_port()
    config = tmp_path_factory.mktemp("provider") / "config.json"
    config.write_text(
        json.dumps(
            {
                "client": {**CLIENT, "redirect_uri": f"http://127.0.0.1:{app_port}/oauth2callback"},
                "accounts": ACCOUNTS,
            }
        )
    )
    log = (config.parent / "provider.log").open("w")
    process = subprocess.Popen(
        [node, str(ROOT / "tests" / "e2e" / "oidc_provider.mjs"), str(MODULES), str(config)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # the provider prints its issuer once it listens
        if not line:
            process.wait(timeout=10)
            pytest.fail(
                "oidc-provider did not start: " + (config.parent / "provider.log").read_text()
            )
        yield json.loads(line)["issuer"], app_port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def sso_url(  # type: ignore[no-untyped-def]
    database: str, app_env: dict[str, str], provider: tuple[str, int], app_lock_bin: Path, browser
) -> Iterator[str]:
    issuer, port = provider
    env = {
        **app_env,
        "DATABASE_URL": database,
        "HEADWAY_OIDC_ISSUER": issuer,
        "HEADWAY_OIDC_CLIENT_ID": CLIENT["client_id"],
        "HEADWAY_OIDC_CLIENT_SECRET": CLIENT["client_secret"],
        "HEADWAY_OIDC_LABEL": LABEL,
        "HEADWAY_OIDC_PROMPT": "",
        "HEADWAY_BASE_URL": f"http://127.0.0.1:{port}",
        "HEADWAY_SCHEDULER": "worker",
    }
    with serve_app(env, port, bin_dir=app_lock_bin) as url:
        await_first_run(browser, url, f"Sign in with {LABEL}")
        yield url


def sign_in_at_provider(page, issuer: str, login: str) -> None:  # type: ignore[no-untyped-def]
    """Press Headway's button and sign in on the provider's own pages (its login form, then its
    consent to share the scopes with Headway)."""
    # Its pages import a web font; nothing leaves this machine.
    page.context.route("https://fonts.googleapis.com/**", lambda route: route.abort())
    with page.expect_request(f"{issuer}/auth?**") as authorization:
        page.get_by_role("button", name=f"Sign in with {LABEL}").click()
    query = parse_qs(urlsplit(authorization.value.url).query)
    assert "prompt" not in query  # HEADWAY_OIDC_PROMPT empty: none at all, not an empty one
    assert query["code_challenge_method"] == ["S256"]
    page.wait_for_url(f"{issuer}/interaction/**")
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def login_cookies(page) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        c["name"]
        for c in page.context.cookies()
        if c["name"] == "headway_session" or c["name"].startswith("_streamlit_user")
    }


def test_a_verified_address_signs_in_through_a_certified_provider_and_stays_signed_in(
    page, sso_url: str, provider: tuple[str, int]
) -> None:
    page.goto(sso_url)
    settle(page)
    with page.expect_response("**/auth/session"):  # the Headway cookie is stored
        sign_in_at_provider(page, provider[0], "lee")
        page.wait_for_selector("[data-testid='stTopNav']")
    settle(page)
    assert page.locator("[data-testid='stTopNavSection']").first.inner_text().strip() == "Lee Lead"
    assert page.locator("h1").first.inner_text().startswith("My day")
    assert login_cookies(page) == {"headway_session"}

    page.reload()
    settle(page)
    assert page.locator("[data-testid='stTopNavSection']").first.inner_text().strip() == "Lee Lead"
    assert page.locator("h1").first.inner_text().startswith("My day")


@pytest.mark.parametrize(
    "login,sentence",
    [
        ("stranger", no_account("nobody@example.com")),
        ("unconfirmed", NOT_VERIFIED),
        ("gone", no_account(DEACTIVATED)),
    ],
    ids=["unknown address", "unverified address", "deactivated person"],
)
def test_a_certified_providers_sign_in_is_refused_with_the_readmes_sentence(
    page, sso_url: str, provider: tuple[str, int], login: str, sentence: str
) -> None:
    page.goto(sso_url)
    settle(page)
    with page.expect_response("**/auth/sso/forget"):  # Streamlit's identity cookie is dropped
        sign_in_at_provider(page, provider[0], login)
        page.wait_for_selector("[data-testid='stAlert']")
    settle(page)
    shown = page.locator("[data-testid='stAlert']").inner_text().strip()
    assert shown.replace("\u2060", "") == sentence  # an address carries an invisible no-link mark
    assert nav_labels(page) == []
    assert login_cookies(page) == set()
    page.reload()
    settle(page)
    page.get_by_role("button", name=f"Sign in with {LABEL}").wait_for()
    assert nav_labels(page) == []
