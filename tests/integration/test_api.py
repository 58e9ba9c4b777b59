"""The HTTP API (`ui/api.py`, issue 26) on both databases: bearer tokens with scopes, pages by
cursor with ETags, metric observations stored all or none and idempotently by reference, every
error an RFC 9457 problem document, 429 with Retry-After."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.models import Observation, Person, Role, TokenKind
from core.platform.db import make_engine, session_scope
from tests.conftest import TODAY, api_token, make_person, make_team
from ui import api as api_module
from ui.api import api_routes

DAY = (TODAY - dt.timedelta(days=1)).isoformat()


@pytest.fixture
def world(committed_url: str) -> Iterator[dict[str, Any]]:
    engine = make_engine(committed_url)
    with session_scope(engine) as session:
        red, blue = make_team(session, name="Red"), make_team(session, name="Blue")
        lead = make_person(session, role=Role.TEAM_LEAD, team=red, leads=True)
        agents = [make_person(session, team=red, email=f"red{i}@example.com") for i in range(3)]
        make_person(session, team=blue, email="blue0@example.com")
        admin = make_person(session, role=Role.ADMIN)

        tokens = {
            "service": api_token(session, admin, TokenKind.SERVICE, "metrics:write", "people:read"),
            "forecasts": api_token(session, admin, TokenKind.SERVICE, "forecasts:write"),
            "lead_read": api_token(session, lead, TokenKind.PERSONAL, "people:read"),
            "lead_growth": api_token(session, lead, TokenKind.PERSONAL, "growth:read"),
        }
        ids = {"lead": lead.id, "agents": [a.id for a in agents]}
    api_module.buckets = api_module._Buckets()
    yield {"url": committed_url, "tokens": tokens, **ids}
    engine.dispose()


def _client() -> TestClient:
    return TestClient(Starlette(routes=api_routes()))


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_people_come_in_pages_by_cursor_as_the_maker_may_see_them(world: dict) -> None:
    client = _client()
    seen, cursor = [], None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        answer = client.get(
            "/api/v1/people", params=params, headers=_auth(world["tokens"]["lead_read"])
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        seen += [p["email"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # the lead sees their team (and themself), not the other team's agent nor the admin
    assert sorted(e for e in seen if e.startswith(("red", "blue"))) == [
        "red0@example.com",
        "red1@example.com",
        "red2@example.com",
    ]
    assert len(seen) == len(set(seen))


def test_a_read_carries_an_etag_and_answers_304_when_unchanged(world: dict) -> None:
    client = _client()
    headers = _auth(world["tokens"]["service"])
    first = client.get("/api/v1/teams", headers=headers)
    assert first.status_code == 200 and [t["name"] for t in first.json()["items"]] == [
        "Red",
        "Blue",
    ]
    again = client.get("/api/v1/teams", headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_observations_are_stored_once_by_reference(world: dict) -> None:
    client = _client()
    body = {
        "observations": [
            {
                "agent_email": f"red{i}@example.com",
                "date": DAY,
                "metric": "csat",
                "value": 4.5,
                "source": "survey",
                "reference": f"S-{i}",
            }
            for i in range(3)
        ]
    }
    headers = _auth(world["tokens"]["service"])
    first = client.post("/api/v1/metrics/observations", json=body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json() == {"added": 3, "already_present": 0}
    again = client.post("/api/v1/metrics/observations", json=body, headers=headers)
    assert again.json() == {"added": 0, "already_present": 3}
    engine = make_engine(world["url"])
    with Session(engine) as session:
        assert len(session.exec(select(Observation)).all()) == 3
    engine.dispose()


def test_a_bad_item_refuses_the_whole_request_naming_each_item(world: dict) -> None:
    client = _client()
    body = {
        "observations": [
            {"agent_email": "red0@example.com", "date": DAY, "metric": "csat", "value": 4},
            {"agent_email": "red1@example.com", "date": "2027-02-30", "metric": "csat", "value": 4},
            {"agent_email": "nobody@example.com", "date": DAY, "metric": "csat", "value": 4},
        ]
    }
    answer = client.post(
        "/api/v1/metrics/observations", json=body, headers=_auth(world["tokens"]["service"])
    )
    problem = _problem(answer, 422)
    assert problem["errors"][0].startswith("item 1: bad date '2027-02-30'")
    assert problem["errors"][1].startswith("item 2: ")
    assert "item(s)" in problem["detail"]
    engine = make_engine(world["url"])
    with Session(engine) as session:
        assert session.exec(select(Observation)).all() == []
    engine.dispose()


def test_a_csv_body_goes_through_the_same_import(world: dict) -> None:
    csv = f"agent_email,date,metric,value,reference\nred0@example.com,{DAY},qa_score,88,Q-1\n"
    answer = _client().post(
        "/api/v1/metrics/observations",
        content=csv.encode(),
        headers={**_auth(world["tokens"]["service"]), "Content-Type": "text/csv"},
    )
    assert answer.json() == {"added": 1, "already_present": 0}


@pytest.mark.parametrize(
    ("headers", "status", "says"),
    [
        ({}, 401, "Send an API token"),
        ({"Authorization": "Bearer hw_wrong"}, 401, "not known"),
        ({"Authorization": "Basic abc"}, 401, "Send an API token"),
    ],
)
def test_no_token_or_a_wrong_one_is_401(world: dict, headers: dict, status: int, says: str) -> None:
    answer = _client().get("/api/v1/people", headers=headers)
    assert says in _problem(answer, status)["detail"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_in_the_url_is_refused_and_a_missing_scope_is_403(world: dict) -> None:
    client = _client()
    token = world["tokens"]["lead_read"]
    assert (
        "never in the URL"
        in _problem(client.get("/api/v1/people", params={"access_token": token}), 400)["detail"]
    )
    refused = client.post(
        "/api/v1/metrics/observations", json={"observations": []}, headers=_auth(token)
    )
    assert "scope metrics:write" in _problem(refused, 403)["detail"]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"limit": ""}, "limit"),
        ({"cursor": "bogus"}, "cursor"),
    ],
)
def test_a_bad_page_request_is_a_422_problem(world: dict, params: dict, says: str) -> None:
    answer = _client().get(
        "/api/v1/people", params=params, headers=_auth(world["tokens"]["service"])
    )
    assert _problem(answer, 422)["errors"][0].startswith(says)


@pytest.mark.parametrize(
    ("content", "kind", "says"),
    [
        (b"{not json", "application/json", "not JSON"),
        (b'{"rows": []}', "application/json", "observations"),
        (b'{"observations": [1, {"x": 1}]}', "application/json", "item(s) need fixing"),
        (b"a,b", "text/plain", "Send application/json"),
    ],
)
def test_a_malformed_body_is_a_422_problem(
    world: dict, content: bytes, kind: str, says: str
) -> None:
    answer = _client().post(
        "/api/v1/metrics/observations",
        content=content,
        headers={**_auth(world["tokens"]["service"]), "Content-Type": kind},
    )
    assert says in _problem(answer, 422)["detail"]


def test_a_body_over_the_limit_is_413(world: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_module, "JSON_LIMIT", 100)
    answer = _client().post(
        "/api/v1/metrics/observations",
        content=b'{"observations": [' + b"{}, " * 100 + b"{}]}",
        headers={**_auth(world["tokens"]["service"]), "Content-Type": "application/json"},
    )
    _problem(answer, 413)


def test_too_many_requests_are_429_with_retry_after(world: dict) -> None:
    api_module.buckets = api_module._Buckets(clock=lambda: 1000.0)  # time stands still
    client = _client()
    headers = _auth(world["tokens"]["lead_read"])
    answers = [client.get("/api/v1/teams", headers=headers) for _ in range(api_module.BURST + 1)]
    assert [a.status_code for a in answers[:-1]] == [200] * api_module.BURST
    limited = _problem(answers[-1], 429)
    assert "requests a second" in limited["detail"]
    assert answers[-1].headers["Retry-After"] == "1"
    # another token has its own allowance
    other = client.get("/api/v1/teams", headers=_auth(world["tokens"]["service"]))
    assert other.status_code == 200


def test_a_bucket_refills_at_the_rate() -> None:
    now = [0.0]
    bucket = api_module._Buckets(clock=lambda: now[0])
    assert all(bucket.take("k") == 0 for _ in range(api_module.BURST))
    assert bucket.take("k") == pytest.approx(1 / api_module.RATE)
    now[0] += 1 / api_module.RATE
    assert bucket.take("k") == 0


def test_buckets_of_random_tokens_are_forgotten_once_full_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(api_module, "KEPT_BUCKETS", 100)
    now = [0.0]
    bucket = api_module._Buckets(clock=lambda: now[0])
    for n in range(100):
        bucket.take(f"random-{n}")
    now[0] += api_module.BURST / api_module.RATE
    bucket.take("one more")
    assert len(bucket._state) == 1


def test_the_openapi_document_names_every_route_and_its_scope() -> None:
    answer = _client().get("/api/v1/openapi.json")
    doc = answer.json()
    assert doc["openapi"] == "3.1.0"
    routes = {r.path.replace(":int", "") for r in api_routes()}  # type: ignore[attr-defined]
    assert routes == set(doc["paths"])


def test_a_teams_growth_summary_for_its_lead_and_not_for_an_agent(world: dict) -> None:
    client = _client()
    body = {
        "observations": [
            {"agent_email": f"red{i}@example.com", "date": DAY, "metric": "csat", "value": v}
            for i, v in enumerate((4.0, 5.0))
        ]
    }
    stored = client.post(
        "/api/v1/metrics/observations", json=body, headers=_auth(world["tokens"]["service"])
    )
    assert stored.status_code == 200, stored.text
    engine = make_engine(world["url"])
    with Session(engine) as session:
        red = session.get(Person, world["lead"]).team_id  # type: ignore[union-attr]
    engine.dispose()
    answer = client.get(
        f"/api/v1/teams/{red}/growth", headers=_auth(world["tokens"]["lead_growth"])
    )
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    assert summary["team"] == "Red" and summary["active_agents"] == 3
    csat = next(m for m in summary["metrics"] if m["metric"] == "csat")
    assert (csat["current"], csat["current_observations"], csat["change"]) == (4.5, 2, None)
    other = client.get(
        f"/api/v1/teams/{red + 1}/growth", headers=_auth(world["tokens"]["lead_growth"])
    )
    assert other.status_code == 403
    missing = client.get(
        "/api/v1/teams/999999/growth", headers=_auth(world["tokens"]["lead_growth"])
    )
    assert missing.status_code in (403, 404)


def test_a_request_is_one_log_line_that_never_holds_the_token(
    world: dict, caplog: pytest.LogCaptureFixture
) -> None:
    token = world["tokens"]["service"]
    with caplog.at_level("INFO", logger="headway.api"):
        _client().get("/api/v1/teams", headers=_auth(token))
        _client().get("/api/v1/teams", headers=_auth(token + "x"))
    lines = [r.getMessage() for r in caplog.records if r.name == "headway.api"]
    assert len(lines) == 2
    assert "route=/api/v1/teams" in lines[0] and "outcome=ok" in lines[0]
    assert "outcome=refused" in lines[1]
    assert all(token[3:12] not in line for line in lines)


def test_a_forecast_is_stored_and_a_newer_one_replaces_it_with_items_named(world: dict) -> None:
    client = _client()
    day = (TODAY + dt.timedelta(days=3)).isoformat()
    headers = _auth(world["tokens"]["forecasts"])

    def send(contacts: int) -> Any:
        body = {
            "intervals": [
                {
                    "team": "Red",
                    "date": day,
                    "start": start,
                    "contacts": contacts,
                    "aht_seconds": 300,
                    "interval_minutes": 30,
                }
                for start in ("09:00", "09:30")
            ]
        }
        return client.post("/api/v1/forecasts", json=body, headers=headers)

    first = send(40)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "intervals": 2,
        "days_added": 1,
        "days_replaced": 0,
        "days_unchanged": 0,
    }
    assert send(55).json()["days_replaced"] == 1
    bad = client.post(
        "/api/v1/forecasts",
        json={
            "intervals": [
                {
                    "team": "Nowhere",
                    "date": day,
                    "start": "09:00",
                    "contacts": 4,
                    "aht_seconds": 300,
                }
            ]
        },
        headers=headers,
    )
    assert _problem(bad, 422)["errors"][0].startswith("item 0: unknown team 'Nowhere'")
