"""The cookie routes serve Headway's own page only (login CSRF), with safe cookies and headers;
a server reachable from the network refuses to start without HEADWAY_SECRET."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.people.auth import COOKIE_NAME, authenticate, unsign_token
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
    require_secret_to_serve(address, Settings(HEADWAY_SECRET="a-long-random-key-" + "x" * 20))


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
