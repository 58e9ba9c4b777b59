"""Single sign-on: who a provider's verified e-mail address logs in as, and the settings that
switch it on (on SQLite and PostgreSQL, without Streamlit)."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import Response

from core.models import AuditAction, AuditEvent, Person, Role
from core.people.auth import resume_session, revoke_session
from core.people.sso import (
    EXPIRED,
    NO_EMAIL,
    NO_USERINFO,
    NOT_VERIFIED,
    OTHER_SUBJECT,
    missing_email_claims,
    no_account,
    read_userinfo,
    sso_login,
)
from core.platform.config import Settings, SettingsError, get_settings
from core.platform.errors import AuthenticationFailed
from tests.conftest import make_person, make_team

ISSUER = "https://id.example.com"


@pytest.fixture
def lead(session: Session) -> Person:
    return make_person(
        session, role=Role.TEAM_LEAD, team=make_team(session), email="Lee.Lead@Example.com"
    )


def sign_in(session: Session, email: str | None, *, verified: bool = True, **extra: object):  # type: ignore[no-untyped-def]
    return sso_login(
        session, email=email, email_verified=verified, issuer=ISSUER, subject="abc-123", **extra
    )


def test_a_verified_email_logs_in_its_person_whatever_the_case_with_a_normal_session(
    session: Session, lead: Person
) -> None:
    login = sign_in(session, "  lee.lead@EXAMPLE.com ")
    assert login.actor.id == lead.id and login.actor.role is Role.TEAM_LEAD
    resumed = resume_session(session, token=login.token)
    assert resumed is not None and resumed.actor.id == lead.id
    logged = session.exec(select(AuditEvent).where(AuditEvent.subject_id == lead.id)).all()
    assert [(e.action, e.detail) for e in logged] == [
        (AuditAction.LOGIN, "logged in with single sign-on")
    ]
    revoke_session(session, token=login.token)  # logout ends it like any other session
    assert resume_session(session, token=login.token) is None


def test_an_unverified_email_is_refused_even_for_a_known_person(
    session: Session, lead: Person
) -> None:
    with pytest.raises(AuthenticationFailed) as error:
        sign_in(session, "lee.lead@example.com", verified=False)
    assert (
        str(error.value)
        == NOT_VERIFIED
        == ("Your identity provider did not confirm this e-mail address.")
    )


def test_an_email_no_one_uses_is_refused_with_the_address_and_what_to_do(
    session: Session, lead: Person
) -> None:
    with pytest.raises(AuthenticationFailed) as error:
        sign_in(session, "someone.else@example.com")
    assert str(error.value) == no_account("someone.else@example.com")
    assert (
        str(error.value)
        == "No active Headway account uses someone.else@example.com; ask your admin."
    )


def test_a_deactivated_person_cannot_sign_in(session: Session, lead: Person) -> None:
    lead.active = False
    session.add(lead)
    session.flush()
    with pytest.raises(AuthenticationFailed) as error:
        sign_in(session, "lee.lead@example.com")
    assert str(error.value) == no_account("lee.lead@example.com")


def test_a_missing_email_asks_for_the_email_scope(session: Session, lead: Person) -> None:
    with pytest.raises(AuthenticationFailed) as error:
        sign_in(session, None)
    assert str(error.value) == NO_EMAIL


def test_a_sign_in_older_than_ten_minutes_is_not_accepted(session: Session, lead: Person) -> None:
    now = dt.datetime.now(dt.UTC)
    assert sign_in(session, "lee.lead@example.com", issued_at=now - dt.timedelta(minutes=9))
    with pytest.raises(AuthenticationFailed) as error:
        sign_in(session, "lee.lead@example.com", issued_at=now - dt.timedelta(minutes=11))
    assert str(error.value) == EXPIRED


def test_a_one_time_password_does_not_block_a_sign_in_through_the_provider(
    session: Session, lead: Person
) -> None:
    lead.must_change_password = True
    session.add(lead)
    session.flush()
    assert sign_in(session, "lee.lead@example.com").must_change_password is False


# ------------------------------------------------------------------ settings


def test_single_sign_on_is_off_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.sso import auth_secrets

    assert get_settings().oidc_enabled is False
    assert auth_secrets() is None


def test_the_settings_become_streamlits_auth_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.sso import PROVIDER, auth_secrets

    monkeypatch.setenv("HEADWAY_OIDC_ISSUER", "https://id.example.com/realms/cc/")
    monkeypatch.setenv("HEADWAY_OIDC_CLIENT_ID", "headway")
    monkeypatch.setenv("HEADWAY_OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("HEADWAY_BASE_URL", "https://headway.example.com/")
    get_settings.cache_clear()
    secrets = auth_secrets()
    assert secrets is not None
    auth = secrets["auth"]
    assert auth["redirect_uri"] == "https://headway.example.com/oauth2callback"
    assert len(auth["cookie_secret"]) == 64 and auth["cookie_secret"] != get_settings().secret
    assert auth[PROVIDER]["server_metadata_url"] == (
        "https://id.example.com/realms/cc/.well-known/openid-configuration"
    )
    assert (auth[PROVIDER]["client_id"], auth[PROVIDER]["client_secret"]) == ("headway", "s3cret")


def test_a_metadata_url_and_a_redirect_uri_can_be_given_outright() -> None:
    settings = Settings(
        HEADWAY_OIDC_METADATA_URL="https://login.example.com/v2.0/.well-known/openid-configuration",
        HEADWAY_OIDC_CLIENT_ID="headway",
        HEADWAY_OIDC_CLIENT_SECRET="s3cret",
        HEADWAY_OIDC_REDIRECT_URI="https://hw.example.com/oauth2callback",
    )
    assert settings.oidc_discovery_url.startswith("https://login.example.com/v2.0/")
    assert settings.oidc_callback_url == "https://hw.example.com/oauth2callback"


def test_half_a_configuration_is_refused_naming_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEADWAY_OIDC_ISSUER", "https://id.example.com")
    get_settings.cache_clear()
    with pytest.raises(SettingsError) as error:
        get_settings()
    assert str(error.value) == (
        "single sign-on also needs HEADWAY_OIDC_CLIENT_ID and HEADWAY_OIDC_CLIENT_SECRET"
    )


def test_a_redirect_uri_off_the_callback_path_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "HEADWAY_OIDC_ISSUER": "https://id.example.com",
        "HEADWAY_OIDC_CLIENT_ID": "headway",
        "HEADWAY_OIDC_CLIENT_SECRET": "s3cret",
        "HEADWAY_OIDC_REDIRECT_URI": "https://hw.example.com/login",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match="must end with /oauth2callback"):
        get_settings()


def configure_sso(monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
    for name, value in {
        "HEADWAY_OIDC_ISSUER": "https://id.example.com",
        "HEADWAY_OIDC_CLIENT_ID": "headway",
        "HEADWAY_OIDC_CLIENT_SECRET": "s3cret",
        **extra,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def authorization_query(client_kwargs: dict[str, object]) -> dict[str, list[str]]:
    """The query of the authorization request Authlib builds from these client settings (what
    Streamlit's st.login hands it)."""
    # Authlib's notice that it will move to httpx2: its first import adds an "always show"
    # filter, which the ignore after it outranks inside this block.
    with warnings.catch_warnings():
        import authlib.deprecate  # noqa: F401

        warnings.simplefilter("ignore")
        from authlib.integrations.httpx_client import AsyncOAuth2Client

    client = AsyncOAuth2Client("headway", "s3cret", **client_kwargs)
    url, _state = client.create_authorization_url("https://id.example.com/authorize")
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


@pytest.mark.parametrize(
    "given,sent",
    [
        (None, ["select_account"]),  # as before the setting existed
        ("select_account", ["select_account"]),
        ("login", ["login"]),
        ("consent", ["consent"]),
        (" None ", ["none"]),
        ("", None),  # no prompt parameter at all, not an empty one
    ],
)
def test_the_sign_in_request_carries_the_prompt_the_operator_chose(
    monkeypatch: pytest.MonkeyPatch, given: str | None, sent: list[str] | None
) -> None:
    from ui.sso import PROVIDER, auth_secrets

    configure_sso(monkeypatch, **({} if given is None else {"HEADWAY_OIDC_PROMPT": given}))
    secrets = auth_secrets()
    assert secrets is not None
    query = authorization_query(secrets["auth"][PROVIDER]["client_kwargs"])
    assert query.get("prompt") == sent
    assert query["scope"] == ["openid email profile"]


def test_a_prompt_no_provider_knows_is_refused_at_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.server import refuse_unsafe_start

    configure_sso(monkeypatch, HEADWAY_OIDC_PROMPT="select-account")
    with pytest.raises(SystemExit) as exit_:
        refuse_unsafe_start("127.0.0.1")
    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "HEADWAY_OIDC_PROMPT='select-account' is not a prompt Headway can send: use "
        "select_account (the default), login, consent or none, or leave it empty to send no prompt"
    )


# ------------------------------------------------------------------ the UserInfo endpoint

DISCOVERY = "https://id.example.com/.well-known/openid-configuration"


def provider_answering(userinfo: object, *, status: int = 200) -> httpx.Client:
    """An HTTP client whose provider publishes a UserInfo endpoint answering `userinfo` to the
    access token "at-1" (and 401 to any other)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if str(request.url) == DISCOVERY:
            return httpx.Response(200, json={"userinfo_endpoint": "https://id.example.com/me"})
        if str(request.url) == "https://id.example.com/me":
            if request.headers.get("Authorization") != "Bearer at-1":
                return httpx.Response(401)
            return httpx.Response(status, content=json.dumps(userinfo).encode())
        return httpx.Response(404)

    return httpx.Client(transport=httpx.MockTransport(answer))


def test_an_id_token_without_the_email_claims_sends_headway_to_the_userinfo_endpoint() -> None:
    assert missing_email_claims({"sub": "s1"})
    assert missing_email_claims({"sub": "s1", "email": "a@example.com"})
    assert not missing_email_claims(
        {"sub": "s1", "email": "a@example.com", "email_verified": False}
    )
    claims = {"sub": "s1", "email": "lee.lead@example.com", "email_verified": True}
    assert read_userinfo(DISCOVERY, "at-1", subject="s1", client=provider_answering(claims)) == (
        claims
    )


def test_a_userinfo_answer_about_someone_else_is_refused() -> None:
    answer = {"sub": "s2", "email": "admin@example.com", "email_verified": True}
    with pytest.raises(AuthenticationFailed) as error:
        read_userinfo(DISCOVERY, "at-1", subject="s1", client=provider_answering(answer))
    assert str(error.value) == OTHER_SUBJECT


@pytest.mark.parametrize(
    "token,status,body", [("expired", 200, {}), ("at-1", 500, {}), ("at-1", 200, [1])]
)
def test_a_userinfo_endpoint_that_does_not_answer_is_a_refusal_with_a_sentence(
    token: str, status: int, body: object
) -> None:
    with pytest.raises(AuthenticationFailed) as error:
        read_userinfo(
            DISCOVERY, token, subject="s1", client=provider_answering(body, status=status)
        )
    assert str(error.value) == NO_USERINFO


# ------------------------------------------------------------------ Streamlit's login cookies


def test_storing_or_ending_a_headway_session_drops_streamlits_login_cookies() -> None:
    from ui.sso import drop_provider_identity

    cookie = "; ".join(
        f"{name}=x"
        for name in (
            "_streamlit_user",
            "_streamlit_user_1",
            "_streamlit_user_tokens",
            "_streamlit_user_tokens_2",
            "_streamlit_xsrf",
            "headway_session",
        )
    )
    request = Request({"type": "http", "headers": [(b"cookie", cookie.encode())]})
    response = Response()
    drop_provider_identity(request, response)
    dropped = sorted(
        value.decode().split("=")[0]
        for key, value in response.raw_headers
        if key == b"set-cookie" and b"Max-Age=0" in value
    )
    assert dropped == [
        "_streamlit_user",
        "_streamlit_user_1",
        "_streamlit_user_tokens",
        "_streamlit_user_tokens_2",
    ]
