"""Single sign-on in a real browser: a real OpenID Connect provider on loopback
(oidc-provider-mock: discovery, signed ID tokens, its own login form), the app configured for it
through HEADWAY_OIDC_*, and Chromium clicking through both."""

from __future__ import annotations

import json
import urllib.request
import warnings
from collections.abc import Iterator

import pytest

from tests.conftest import skip_or_fail
from tests.e2e.conftest import _free_port, await_first_run, nav_labels, serve_app, settle

# The provider runs in this process on Authlib's legacy API. Authlib sets an "always show our
# deprecation warnings" filter when first imported: imported here, that filter lives only
# inside this block, and the ignore below it wins.
with warnings.catch_warnings():
    try:
        import authlib.deprecate  # noqa: F401

        warnings.simplefilter("ignore", DeprecationWarning)
        import authlib.integrations.httpx_client  # noqa: F401  (the provider imports it late)
        import oidc_provider_mock
    except ImportError:
        oidc_provider_mock = None

pytestmark = [
    pytest.mark.browser,
    # The provider's warnings, not ours.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

LABEL = "Contoso ID"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The identity provider, on `localhost` while the app is on 127.0.0.1: two hosts, so the
    browser keeps their cookies apart (both would use one named `session`)."""
    if oidc_provider_mock is None:
        skip_or_fail("oidc-provider-mock is not installed (make install-test)")
    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def sso_url(app_url: str, app_env: dict[str, str], provider: str, browser) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A second app server on the seeded demo database, with single sign-on configured (it runs
    no reminder jobs: the first server does)."""
    port = _free_port()
    env = {
        **app_env,
        "HEADWAY_OIDC_ISSUER": provider,
        "HEADWAY_OIDC_CLIENT_ID": "headway",
        "HEADWAY_OIDC_CLIENT_SECRET": "headway-client-secret",
        "HEADWAY_OIDC_LABEL": LABEL,
        "HEADWAY_BASE_URL": f"http://127.0.0.1:{port}",
        "HEADWAY_SCHEDULER": "worker",
    }
    with serve_app(env, port) as url:
        await_first_run(browser, url, f"Sign in with {LABEL}")
        yield url


def register(provider: str, subject: str, claims: dict[str, object]) -> None:
    """Tell the provider who `subject` is (its users' claims go into the signed ID token)."""
    request = urllib.request.Request(
        f"{provider}/users/{subject}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    assert urllib.request.urlopen(request, timeout=10).status == 204


def sign_in_at_provider(page, provider: str, subject: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=f"Sign in with {LABEL}").click()
    page.wait_for_url(f"{provider}/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()


def login_cookies(page) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        c["name"]
        for c in page.context.cookies()
        if c["name"] == "headway_session" or c["name"].startswith("_streamlit_user")
    }


def test_a_person_signs_in_through_their_provider_and_logging_out_logs_them_out(
    page, sso_url: str, provider: str, axe_check
) -> None:
    register(provider, "lee-at-contoso", {"email": "LEAD@example.com", "email_verified": True})
    page.goto(sso_url)
    settle(page)
    page.get_by_role("button", name="Log in").wait_for()  # the password form stays
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)

    with page.expect_response("**/auth/session"):  # the Headway cookie is stored
        sign_in_at_provider(page, provider, "lee-at-contoso")
        page.wait_for_selector("[data-testid='stTopNav']")
    settle(page)
    me = page.locator("[data-testid='stTopNavSection']").first
    assert me.inner_text().strip() == "Lee Lead"
    assert page.locator("h1").first.inner_text().startswith("My day")
    # Headway's session is the login now; Streamlit's own identity cookie is gone.
    assert login_cookies(page) == {"headway_session"}

    page.reload()
    settle(page)
    assert page.locator("[data-testid='stTopNavSection']").first.inner_text().strip() == "Lee Lead"

    with page.expect_response("**/auth/logout"):
        page.locator("[data-testid='stTopNavSection']").first.click()
        page.locator("[data-testid='stTopNavDropdownLink']").filter(has_text="Log out").click()
        page.get_by_role("button", name=f"Sign in with {LABEL}").wait_for()
    settle(page)
    assert nav_labels(page) == []
    assert login_cookies(page) == set()
    page.reload()  # nothing signs them back in
    settle(page)
    page.get_by_role("button", name=f"Sign in with {LABEL}").wait_for()
    assert nav_labels(page) == []


@pytest.mark.parametrize(
    "subject,claims,sentence",
    [
        (
            "stranger-at-contoso",
            {"email": "nobody@example.com", "email_verified": True},
            "No active Headway account uses nobody@example.com; ask your admin.",
        ),
        # A subject the provider was not told about: it vouches for the address as typed but
        # does not claim to have verified it, even for a person Headway knows.
        (
            "agent@example.com",
            None,
            "Your identity provider did not confirm this e-mail address.",
        ),
    ],
)
def test_a_refused_sign_in_says_why_and_leaves_no_login_behind(
    page,
    sso_url: str,
    provider: str,
    axe_check,
    subject: str,
    claims: dict[str, object] | None,
    sentence: str,
) -> None:
    if claims is not None:
        register(provider, subject, claims)
    page.goto(sso_url)
    settle(page)
    with page.expect_response("**/auth/sso/forget"):  # Streamlit's identity cookie is dropped
        sign_in_at_provider(page, provider, subject)
        page.wait_for_selector("[data-testid='stAlert']")
    settle(page)
    shown = page.locator("[data-testid='stAlert']").inner_text().strip()
    assert shown.replace("\u2060", "") == sentence  # an address carries an invisible no-link mark
    assert nav_labels(page) == []
    assert login_cookies(page) == set()
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)
    page.reload()
    settle(page)
    page.get_by_role("button", name=f"Sign in with {LABEL}").wait_for()
    assert page.locator("[data-testid='stAlert']").count() == 0
