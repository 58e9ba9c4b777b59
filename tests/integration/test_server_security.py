"""The cookie routes serve Headway's own page only (login CSRF), with safe cookies and headers;
a server reachable from the network refuses to start without HEADWAY_SECRET."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import core.people.auth
from core.people.auth import COOKIE_NAME, DEVICE_COOKIE_NAME, authenticate
from core.people.cookies import unsign_device, unsign_token
from core.platform.config import (
    Settings,
    SettingsError,
    _local_secret,
    get_settings,
    is_loopback,
    require_secret_to_serve,
    signing_secret,
)
from core.platform.db import make_engine, session_scope
from core.platform.errors import AuthenticationFailed
from tests.conftest import PASSWORD, make_person, make_team
from ui.server import build_middleware, build_routes, refuse_unsafe_start

HOST = "headway.test"
SAME_ORIGIN = {"Origin": f"http://{HOST}", "Content-Type": "application/json"}


@pytest.fixture
def client(committed_url: str) -> Iterator[TestClient]:
    app = Starlette(routes=build_routes(), middleware=build_middleware())
    with TestClient(app, base_url=f"http://{HOST}") as test_client:
        yield test_client


@pytest.fixture
def token(committed_url: str) -> str:
    engine = make_engine(committed_url)
    with session_scope(engine) as session:
        make_person(session, team=make_team(session), email="ana@example.com", password=PASSWORD)
    with session_scope(engine) as session:
        token = authenticate(session, email="ana@example.com", password=PASSWORD).token
    engine.dispose()
    return token


def test_the_apps_own_page_stores_the_cookie_httponly_and_lax(
    client: TestClient, token: str
) -> None:
    response = client.post("/auth/session", json={"token": token}, headers=SAME_ORIGIN)
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert unsign_token(response.cookies[COOKIE_NAME]) == token
    assert response.headers["cache-control"] == "no-store"


def test_after_a_login_the_browser_keeps_a_signed_httponly_device_cookie_that_lets_its_owner_in(
    client: TestClient, token: str, committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime.now(dt.UTC)  # the throttle's clock stands still: its waits do not run out
    monkeypatch.setattr(core.people.auth, "utcnow", lambda: now)
    response = client.post("/auth/session", json={"token": token}, headers=SAME_ORIGIN)
    assert response.status_code == 204
    [device_cookie] = [
        c for c in response.headers.get_list("set-cookie") if c.startswith(DEVICE_COOKIE_NAME)
    ]
    assert "HttpOnly" in device_cookie and "SameSite=lax" in device_cookie
    device = unsign_device(response.cookies[DEVICE_COOKIE_NAME])
    assert device is not None and "ana" not in device  # a random id, naming no one
    # The next login in this browser keeps the same id.
    engine = make_engine(committed_url)
    with session_scope(engine) as session:
        again = authenticate(session, email="ana@example.com", password=PASSWORD).token
    response = client.post("/auth/session", json={"token": again}, headers=SAME_ORIGIN)
    assert unsign_device(response.cookies[DEVICE_COOKIE_NAME]) == device
    # A stranger's wrong passwords slow the account down, but not on the owner's browser.
    for _ in range(5):
        with pytest.raises(AuthenticationFailed), session_scope(engine) as session:
            authenticate(session, email="ana@example.com", password="a guess")
    with session_scope(engine) as session:
        authenticate(session, email="ana@example.com", password=PASSWORD, device=device)
    with pytest.raises(AuthenticationFailed, match="Too many"), session_scope(engine) as session:
        authenticate(session, email="ana@example.com", password=PASSWORD)
    engine.dispose()


def test_over_https_the_cookie_is_secure(committed_url: str, token: str) -> None:
    app = Starlette(routes=build_routes())
    with TestClient(app, base_url=f"https://{HOST}") as https:
        response = https.post(
            "/auth/session",
            json={"token": token},
            headers={**SAME_ORIGIN, "Origin": f"https://{HOST}"},
        )
    assert response.status_code == 204 and "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize("route", ["/auth/session", "/auth/logout"])
@pytest.mark.parametrize(
    "headers,reason",
    [
        ({"Origin": "http://evil.test", "Content-Type": "application/json"}, "another site"),
        ({"Origin": "null", "Content-Type": "application/json"}, "names no origin"),
        ({"Content-Type": "application/json"}, "names no origin"),
        ({"Referer": "http://evil.test/page", "Content-Type": "application/json"}, "another"),
        ({"Origin": f"http://{HOST}", "Content-Type": "text/plain"}, "application/json"),
        ({"Origin": "http://evil.test", "Content-Type": "text/plain"}, "application/json"),
    ],
)
def test_a_request_not_from_the_apps_own_page_is_refused_and_sets_no_cookie(
    client: TestClient, token: str, route: str, headers: dict[str, str], reason: str
) -> None:
    response = client.post(route, content=f'{{"token": "{token}"}}', headers=headers)
    assert response.status_code == 403 and reason in response.text
    assert "set-cookie" not in response.headers
    # the session a foreign page named is still alive (a refused logout ends nothing)
    again = client.post("/auth/session", json={"token": token}, headers=SAME_ORIGIN)
    assert again.status_code == 204


def test_a_same_origin_referer_stands_in_for_a_missing_origin(
    client: TestClient, token: str
) -> None:
    response = client.post(
        "/auth/session",
        json={"token": token},
        headers={"Referer": f"http://{HOST}/home", "Content-Type": "application/json"},
    )
    assert response.status_code == 204


def test_the_configured_base_url_is_an_own_origin(
    client: TestClient, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADWAY_BASE_URL", "https://headway.example.org/")
    get_settings.cache_clear()
    headers = {"Origin": "https://headway.example.org", "Content-Type": "application/json"}
    assert client.post("/auth/session", json={"token": token}, headers=headers).status_code == 204


def test_logout_from_the_apps_own_page_ends_the_session_and_drops_the_cookie(
    client: TestClient, token: str
) -> None:
    response = client.post("/auth/logout", json={"token": token}, headers=SAME_ORIGIN)
    assert response.status_code == 204
    assert f'{COOKIE_NAME}=""' in response.headers["set-cookie"]
    assert (
        client.post("/auth/session", json={"token": token}, headers=SAME_ORIGIN).status_code == 401
    )


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    response = client.post("/auth/session", content="x", headers={"Content-Type": "text/plain"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["content-security-policy"] == "frame-ancestors 'self'"


# ------------------------------------------------------------------ the signing key


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.1.1"])
def test_a_loopback_server_may_start_without_a_secret(address: str) -> None:
    assert is_loopback(address)
    require_secret_to_serve(address, Settings(HEADWAY_SECRET=""))


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "192.0.2.7", "headway.example"])
def test_a_server_reachable_from_the_network_refuses_to_start_without_a_secret(
    address: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SettingsError, match="without HEADWAY_SECRET"):
        require_secret_to_serve(address, Settings(HEADWAY_SECRET=""))
    monkeypatch.delenv("HEADWAY_SECRET")
    get_settings.cache_clear()
    with pytest.raises(SystemExit) as exit_:
        refuse_unsafe_start(address)
    assert exit_.value.code == 1 and "HEADWAY_SECRET" in capsys.readouterr().err
    require_secret_to_serve(address, Settings(HEADWAY_SECRET=secrets.token_urlsafe(32)))


@pytest.mark.parametrize(
    "secret,why",
    [
        ("a", "is 1 character long"),
        ("correct-horse-battery", "is 21 characters long"),
        ("x" * 40, "too regular"),
        ("abcdefgh" * 4, "too regular"),
        ("0101010101010101010101010101010101", "too regular"),
    ],
)
def test_a_server_reachable_from_the_network_refuses_a_weak_secret_in_one_sentence(
    secret: str,
    why: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    require_secret_to_serve("127.0.0.1", Settings(HEADWAY_SECRET=secret))  # loopback: any key
    monkeypatch.setenv("HEADWAY_SECRET", secret)
    get_settings.cache_clear()
    with pytest.raises(SystemExit) as exit_:
        refuse_unsafe_start("0.0.0.0")
    said = capsys.readouterr().err.strip()
    assert exit_.value.code == 1 and why in said
    assert said.startswith("Headway will not serve on 0.0.0.0 with this HEADWAY_SECRET")
    assert said.count(". ") == 0 and "\n" not in said  # one sentence


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(16)])
def test_a_random_key_of_32_characters_or_more_is_strong_enough(make: Callable[[], str]) -> None:
    for _ in range(200):
        require_secret_to_serve("0.0.0.0", Settings(HEADWAY_SECRET=make()))


def test_the_key_published_by_older_releases_is_refused() -> None:
    with pytest.raises(ValueError, match="HEADWAY_SECRET is a key published"):
        Settings(HEADWAY_SECRET="headway-development-secret-change-me")


def test_without_a_secret_a_random_key_is_kept_beside_the_database_for_restarts(
    tmp_path: Path,
) -> None:
    settings = Settings(HEADWAY_SECRET="", DATABASE_URL=f"sqlite:///{tmp_path}/data/h.db")
    key = signing_secret(settings)
    stored = tmp_path / "data" / "h.db.secret"
    assert stored.read_text().strip() == key and len(key) >= 32
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    _local_secret.cache_clear()  # as a restarted process would
    assert signing_secret(settings) == key
    other = Settings(HEADWAY_SECRET="", DATABASE_URL=f"sqlite:///{tmp_path}/elsewhere/h.db")
    assert signing_secret(other) != key
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["h.db.secret"]  # no draft left


def test_without_a_secret_or_a_database_file_the_key_is_random_per_process() -> None:
    first = signing_secret(Settings(HEADWAY_SECRET="", DATABASE_URL="postgresql+psycopg://h@db/h"))
    assert len(first) >= 32 and first not in Path(__file__).read_text()
    assert signing_secret(Settings(HEADWAY_SECRET="set-by-the-deployer-" + "y" * 20)) != first


# ------------------------------------------------------------------ the client address


@pytest.mark.parametrize(
    "allowed,peer,seen",
    [
        (None, "127.0.0.1", "198.51.100.7"),  # a proxy on this machine is trusted by default
        (None, "203.0.113.9", "203.0.113.9"),  # anyone else's X-Forwarded-For is ignored
        ("10.0.0.5", "10.0.0.5", "198.51.100.7"),  # the proxy named in FORWARDED_ALLOW_IPS
        ("10.0.0.5", "127.0.0.1", "127.0.0.1"),  # and only that one
    ],
)
def test_the_throttles_address_is_a_proxys_forwarded_one_only_when_that_proxy_is_trusted(
    allowed: str | None, peer: str, seen: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `st.context.ip_address` (the login throttle's address) reads on the websocket: the
    server `streamlit run` starts (uvicorn, with Streamlit's settings) rewrites it from
    X-Forwarded-For only for a trusted proxy (docs/security-changes.md)."""
    import asyncio
    import concurrent.futures

    import uvicorn
    from streamlit.web.server.starlette.starlette_server import _get_uvicorn_config_kwargs

    if allowed is None:
        monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    else:
        monkeypatch.setenv("FORWARDED_ALLOW_IPS", allowed)
    clients: list[str] = []

    async def app(scope: dict, receive: object, send: object) -> None:
        clients.append(scope["client"][0])

    config = uvicorn.Config(app, **_get_uvicorn_config_kwargs())
    config.load()
    scope = {
        "type": "websocket",
        "client": (peer, 50000),
        "headers": [(b"x-forwarded-for", b"198.51.100.7")],
        "scheme": "ws",
        "path": "/_stcore/stream",
        "query_string": b"",
        "server": ("127.0.0.1", 8501),
    }
    # On a thread of its own: after the browser tests, Playwright's loop runs on this one.
    with concurrent.futures.ThreadPoolExecutor(1) as worker:
        worker.submit(asyncio.run, config.loaded_app(scope, None, None)).result()  # type: ignore[arg-type]
    assert clients == [seen]
