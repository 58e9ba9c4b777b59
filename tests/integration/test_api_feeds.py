"""The API's feeds and BI read models (issue 26): QA evaluations with their scorecard answers,
daily contact volumes, coaching and PD-day coverage per team — each through HTTP on both
databases, by the import rules (by reference, all or none, `item N: why`) and the pages' access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.models import (
    CoachingNote,
    ContactReason,
    ContactVolume,
    Evaluation,
    Observation,
    PdDay,
    PdStatus,
    Person,
    Role,
    Team,
    TokenKind,
)
from core.platform.db import make_engine, session_scope
from core.quality.evaluations import DEFAULT_FORM, save_scorecard
from tests.conftest import TODAY, actor_of, api_token, make_person, make_team
from ui import api as api_module
from ui.api import api_routes

DAY = (TODAY - dt.timedelta(days=1)).isoformat()
ANSWERS = [["yes", 4], [5, "yes"], ["yes", "na"]]


@pytest.fixture
def world(committed_url: str) -> Iterator[dict[str, Any]]:
    engine = make_engine(committed_url)
    with session_scope(engine) as session:
        red, blue = make_team(session, name="Red"), make_team(session, name="Blue")
        lead = make_person(session, role=Role.TEAM_LEAD, team=red, leads=True, email="lead@x.org")
        agents = [make_person(session, team=red, email=f"red{i}@example.com") for i in range(3)]
        blue0 = make_person(session, team=blue, email="blue0@example.com")
        admin = make_person(session, role=Role.ADMIN, email="admin@x.org")
        manager = make_person(session, role=Role.MANAGER, email="manager@x.org")
        card = save_scorecard(
            session, actor=actor_of(session, manager), family="Calls", definition=DEFAULT_FORM
        )
        session.add(ContactReason(name="Refund status"))
        for agent, written, follow_up, closed in (
            (agents[0], TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=3), True),
            (agents[0], TODAY - dt.timedelta(days=5), TODAY - dt.timedelta(days=1), False),
            (agents[1], TODAY - dt.timedelta(days=2), TODAY + dt.timedelta(days=4), False),
            (blue0, TODAY - dt.timedelta(days=60), None, False),
        ):
            assert agent.id is not None and lead.id is not None
            session.add(
                CoachingNote(
                    agent_id=agent.id,
                    coach_id=lead.id,
                    date=written,
                    follow_up_date=follow_up,
                    closed=closed,
                )
            )
        for agent, offset, status in (
            (agents[0], -7, PdStatus.COMPLETED),
            (agents[1], 3, PdStatus.PUBLISHED),
            (agents[2], 5, PdStatus.DRAFT),
            (blue0, 2, PdStatus.CANCELLED),
        ):
            assert agent.id is not None
            session.add(
                PdDay(person_id=agent.id, date=TODAY + dt.timedelta(days=offset), status=status)
            )

        tokens = {
            "qa": api_token(session, admin, TokenKind.SERVICE, "evaluations:write"),
            "contacts": api_token(session, admin, TokenKind.SERVICE, "contacts:write"),
            "admin_growth": api_token(session, admin, TokenKind.SERVICE, "growth:read"),
            "lead_growth": api_token(session, lead, TokenKind.PERSONAL, "growth:read"),
            "agent_growth": _demoted_leads_token(session, agents[0], "growth:read"),
        }
        ids = {"card": card.id, "admin": admin.id, "red": red.id, "blue": blue.id}
    api_module.buckets = api_module._Buckets()
    yield {"url": committed_url, "tokens": tokens, **ids}
    engine.dispose()


def _demoted_leads_token(session: Session, person: Person, *scopes: str) -> str:
    """A token `person` made as a team lead, before they became an agent again (an agent is not
    offered growth:read: it would only be refused, as here)."""
    person.role = Role.TEAM_LEAD
    session.add(person)
    session.flush()
    text = api_token(session, person, TokenKind.PERSONAL, *scopes)
    person.role = Role.AGENT
    session.add(person)
    session.flush()
    return text


def _client() -> TestClient:
    return TestClient(Starlette(routes=api_routes()))


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    return dict(answer.json())


def _rows(url: str, model: type[Any]) -> list[Any]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = list(session.exec(select(model)).all())
    engine.dispose()
    return rows


def _evaluation(reference: str, agent: str = "red0@example.com", **more: Any) -> dict[str, Any]:
    return {
        "reference": reference,
        "agent_email": agent,
        "scorecard": "Calls",
        "date": DAY,
        "answers": ANSWERS,
        "evaluator_email": "lead@x.org",
        **more,
    }


# ------------------------------------------------------------------ evaluations


def test_evaluations_with_their_answers_are_scored_and_stored_once_by_reference(
    world: dict,
) -> None:
    client = _client()
    body = {
        "evaluations": [
            _evaluation("QA-1", channel="chat", interaction_ref="call 88", comments="Kind"),
            _evaluation("QA-2", "red1@example.com", scorecard=None, scorecard_id=world["card"]),
        ]
    }
    headers = _auth(world["tokens"]["qa"])
    first = client.post("/api/v1/evaluations", json=body, headers=headers)
    assert first.status_code == 200, first.text
    sent = first.json()
    assert (sent["added"], sent["already_present"]) == (2, 0)
    assert [(e["item"], e["reference"], e["stored"]) for e in sent["evaluations"]] == [
        (0, "QA-1", "added"),
        (1, "QA-2", "added"),
    ]
    # yes, 4 → (1 + .75)/2; 5, yes → 1; yes, n.a. → 1; weights 2, 3, 1
    assert sent["evaluations"][0]["score"] == pytest.approx(95.83, abs=0.01)
    again = client.post("/api/v1/evaluations", json=body, headers=headers).json()
    assert (again["added"], again["already_present"]) == (0, 2)
    assert [e["id"] for e in again["evaluations"]] == [e["id"] for e in sent["evaluations"]]
    stored = sorted(_rows(world["url"], Evaluation), key=lambda e: e.reference)
    assert [(e.reference, e.channel, e.interaction_ref) for e in stored] == [
        ("QA-1", "chat", "call 88"),
        ("QA-2", "phone", ""),
    ]
    assert len([o for o in _rows(world["url"], Observation) if o.metric == "qa_score"]) == 2


def test_a_bad_evaluation_refuses_the_whole_request_with_one_sentence_per_item(
    world: dict,
) -> None:
    body = {
        "evaluations": [
            _evaluation("QA-1"),
            _evaluation("QA-2", "nobody@example.com"),
            _evaluation("QA-3", answers=[["yes", 4], [5, "yes"]]),
            _evaluation("QA-4", date="2099-01-01"),
            _evaluation("QA-1", "red1@example.com"),
            _evaluation("QA-6", evaluator_email=None),
            "not an evaluation",
        ]
    }
    answer = _client().post("/api/v1/evaluations", json=body, headers=_auth(world["tokens"]["qa"]))
    errors = _problem(answer, 422)["errors"]
    assert errors[0] == "item 1: unknown agent 'nobody@example.com'"
    assert errors[1].startswith("item 2: Answer every question of the scorecard")
    assert errors[2].startswith("item 3: date 2099-01-01 is in the future")
    assert errors[3] == "item 4: repeats the reference of item 0"
    assert errors[4].startswith("item 5: ") and "name one in evaluator_email" in errors[4]
    assert errors[5] == "item 6: not an object"
    assert _rows(world["url"], Evaluation) == []


def test_an_evaluation_changed_under_a_stored_reference_is_refused(world: dict) -> None:
    client = _client()
    headers = _auth(world["tokens"]["qa"])
    client.post("/api/v1/evaluations", json={"evaluations": [_evaluation("QA-1")]}, headers=headers)
    changed = _evaluation("QA-1", answers=[["no", 1], [1, "no"], ["no", "no"]])
    answer = client.post("/api/v1/evaluations", json={"evaluations": [changed]}, headers=headers)
    assert "is not overwritten" in _problem(answer, 422)["errors"][0]
    assert [e.score for e in _rows(world["url"], Evaluation)] == [pytest.approx(95.83, abs=0.01)]


def test_an_admin_demoted_to_lead_sends_evaluations_only_as_themself_for_their_team(
    world: dict,
) -> None:
    engine = make_engine(world["url"])
    with session_scope(engine) as session:
        admin = session.get(Person, world["admin"])
        assert admin is not None
        admin.role = Role.TEAM_LEAD.value
        session.add(admin)
        blue_team = session.get(Team, world["blue"])
        assert blue_team is not None
        blue_team.lead_id = world["admin"]
        session.add(blue_team)
    engine.dispose()
    client = _client()
    headers = _auth(world["tokens"]["qa"])
    as_other = client.post(
        "/api/v1/evaluations", json={"evaluations": [_evaluation("QA-1")]}, headers=headers
    )
    assert "unknown agent" in _problem(as_other, 422)["errors"][0]
    own = _evaluation("QA-2", "blue0@example.com", evaluator_email=None)
    answer = client.post("/api/v1/evaluations", json={"evaluations": [own]}, headers=headers)
    assert answer.status_code == 200, answer.text
    named = _evaluation("QA-3", "blue0@example.com", evaluator_email="manager@x.org")
    refused = client.post("/api/v1/evaluations", json={"evaluations": [named]}, headers=headers)
    assert "only as the lead" in _problem(refused, 422)["errors"][0]


def test_evaluations_take_json_only(world: dict) -> None:
    answer = _client().post(
        "/api/v1/evaluations",
        content=b"reference\nQA-1\n",
        headers={**_auth(world["tokens"]["qa"]), "Content-Type": "text/csv"},
    )
    assert "Send application/json" in _problem(answer, 422)["detail"]


# ------------------------------------------------------------------ contacts


def test_contact_volumes_are_stored_all_or_none_as_json_or_csv(world: dict) -> None:
    client = _client()
    headers = _auth(world["tokens"]["contacts"])
    body = {
        "contacts": [
            {"date": DAY, "reason": "Refund status", "contacts": 120},
            {"date": DAY, "reason": "Lost parcel", "contacts": 3},
        ]
    }
    bad = client.post("/api/v1/contacts", json=body, headers=headers)
    assert _problem(bad, 422)["errors"][0].startswith("item 1: unknown reason 'Lost parcel'")
    assert _rows(world["url"], ContactVolume) == []
    good = client.post("/api/v1/contacts", json={"contacts": body["contacts"][:1]}, headers=headers)
    assert good.json() == {
        "added": 1,
        "already_present": 0,
        "reasons": 1,
        "first_day": DAY,
        "last_day": DAY,
    }
    csv = f"date,reason,contacts\n{DAY},Refund status,120\n"
    again = client.post(
        "/api/v1/contacts",
        content=csv.encode(),
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert (again.json()["added"], again.json()["already_present"]) == (0, 1)


# ------------------------------------------------------------------ coverage read models


def test_coaching_coverage_counts_each_teams_notes_agents_and_follow_ups(world: dict) -> None:
    client = _client()
    answer = client.get(
        "/api/v1/coverage/coaching",
        params={"start": (TODAY - dt.timedelta(days=13)).isoformat(), "end": TODAY.isoformat()},
        headers=_auth(world["tokens"]["admin_growth"]),
    )
    assert answer.status_code == 200, answer.text
    by_team = {row["team"]: row for row in answer.json()["items"]}
    assert by_team["Red"] == {
        "team_id": world["red"],
        "team": "Red",
        "start": (TODAY - dt.timedelta(days=13)).isoformat(),
        "end": TODAY.isoformat(),
        "agents": 3,
        "agents_coached": 2,
        "agents_not_coached": 1,
        "notes": 3,
        "follow_ups_due": 2,
        "follow_ups_done": 1,
        "follow_ups_overdue": 1,
    }
    assert (by_team["Blue"]["notes"], by_team["Blue"]["agents_not_coached"]) == (0, 1)
    unchanged = client.get(
        "/api/v1/coverage/coaching",
        params={"start": (TODAY - dt.timedelta(days=13)).isoformat(), "end": TODAY.isoformat()},
        headers={**_auth(world["tokens"]["admin_growth"]), "If-None-Match": answer.headers["ETag"]},
    )
    assert unchanged.status_code == 304


def test_pd_day_coverage_is_paged_by_team_and_a_lead_sees_only_their_team(world: dict) -> None:
    client = _client()
    admin = _auth(world["tokens"]["admin_growth"])
    period = {"start": (TODAY - dt.timedelta(days=10)).isoformat(), "end": DAY}
    first = client.get("/api/v1/coverage/pd-days", params={**period, "limit": "1"}, headers=admin)
    page = first.json()
    assert [r["team"] for r in page["items"]] == ["Red"] and page["next_cursor"]
    assert {k: v for k, v in page["items"][0].items() if k not in ("team_id", "start")} == {
        "team": "Red",
        "end": DAY,
        "agents": 3,
        "pd_days_taken": 1,
        "pd_days_planned": 0,  # agent 1's published day is after the period
        "pd_days_draft": 0,
        "agents_without_pd_day": 2,
    }
    rest = client.get(
        "/api/v1/coverage/pd-days",
        params={**period, "cursor": page["next_cursor"]},
        headers=admin,
    ).json()
    assert [r["team"] for r in rest["items"]] == ["Blue"] and rest["next_cursor"] is None
    lead = client.get("/api/v1/coverage/pd-days", headers=_auth(world["tokens"]["lead_growth"]))
    row = lead.json()["items"]
    assert [r["team"] for r in row] == ["Red"]
    assert (row[0]["start"], row[0]["end"]) == (
        (TODAY - dt.timedelta(days=27)).isoformat(),
        TODAY.isoformat(),
    )
    agent = client.get("/api/v1/coverage/pd-days", headers=_auth(world["tokens"]["agent_growth"]))
    assert "Team growth is for team leads and managers" in _problem(agent, 403)["detail"]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"start": "2026-13-01"}, "there is no month 13"),
        ({"start": "2026-11-10", "end": "2026-11-01"}, "start: after end"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "at most 366 days"),
    ],
)
def test_a_bad_period_is_a_422_problem_naming_it(world: dict, params: dict, says: str) -> None:
    answer = _client().get(
        "/api/v1/coverage/coaching", params=params, headers=_auth(world["tokens"]["lead_growth"])
    )
    assert any(says in e for e in _problem(answer, 422)["errors"])


def test_the_scorecards_in_use_list_their_questions_in_the_order_answers_follow(
    world: dict,
) -> None:
    answer = _client().get("/api/v1/scorecards", headers=_auth(world["tokens"]["qa"]))
    assert answer.status_code == 200, answer.text
    [card] = answer.json()["items"]
    assert (card["id"], card["name"], card["version"]) == (world["card"], "Calls", 1)
    assert [len(s["questions"]) for s in card["sections"]] == [len(a) for a in ANSWERS]
    first = card["sections"][0]["questions"]
    assert first[0]["answers"] == ["yes", "no", "na"]
    assert first[1]["answers"] == [1, 2, 3, 4, 5, "na"]


@pytest.mark.parametrize(
    ("route", "token", "body"),
    [
        (
            "/api/v1/evaluations",
            "qa",
            {"evaluations": [_evaluation("QA-1", "red0\x00@example.com", comments="Hi\x00")]},
        ),
        (
            "/api/v1/contacts",
            "contacts",
            {"contacts": [{"date": DAY, "reason": "R\x00", "contacts": 1}]},
        ),
    ],
)
def test_a_nul_character_is_refused_naming_the_item_and_field_on_both_databases(
    world: dict, route: str, token: str, body: dict
) -> None:
    # PostgreSQL refuses NUL even in a look-up: it was a 500 there (found by probing the API)
    answer = _client().post(route, json=body, headers=_auth(world["tokens"][token]))
    errors = _problem(answer, 422)["errors"]
    assert errors[0].startswith("item 0: ") and "NUL character" in errors[0]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/coverage/coaching?limit=%C2%B2", 422), ("/api/v1/teams/%C2%B2/growth", 404)],
)
def test_a_digit_that_is_not_a_number_is_a_problem_not_a_server_error(
    world: dict, path: str, status: int
) -> None:
    # "²" is a digit to str.isdigit but int() refuses it: both were 500s
    _problem(_client().get(path, headers=_auth(world["tokens"]["admin_growth"])), status)


def test_an_evaluation_stored_meanwhile_by_another_request_stores_nothing_and_says_send_again(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.connect import evaluations

    client = _client()
    headers = _auth(world["tokens"]["qa"])
    client.post("/api/v1/evaluations", json={"evaluations": [_evaluation("QA-1")]}, headers=headers)
    looked_up = evaluations._lookups

    def before_the_other_request_committed(session: Session, items: list[Any]) -> Any:
        found = looked_up(session, items)
        found.stored.clear()  # as if QA-1 was committed after this request looked
        return found

    monkeypatch.setattr(evaluations, "_lookups", before_the_other_request_committed)
    body = {"evaluations": [_evaluation("QA-2", "red1@example.com"), _evaluation("QA-1")]}
    answer = client.post("/api/v1/evaluations", json=body, headers=headers)
    assert "Send again" in _problem(answer, 422)["detail"]
    assert [e.reference for e in _rows(world["url"], Evaluation)] == ["QA-1"]
