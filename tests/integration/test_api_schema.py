"""`/api/v1` checked against its own OpenAPI document by Schemathesis, a property-based API tester
the project did not write (issue 26): on a small demo organisation, every operation gets requests
made from its schema, valid and invalid ones, with a token holding every scope, and Schemathesis
also sends each without a token and with a wrong one. Checked: no 5xx; every status, content type
and body is one the document declares; a request the schema refuses is answered 4xx; every 4xx
is an RFC 9457 problem document; a request without a valid token is refused.

Bounded (MAX_EXAMPLES per operation and mode) and derandomized, so it runs the same examples
every time and stays well under two minutes on a busy machine. The rate limit is lifted here
(its own test is in test_api.py): hundreds of requests a second are what this test makes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session, col, select
from starlette.applications import Starlette

from core.connect.openapi import document
from core.connect.tokens import SCOPES, create_token
from core.models import ContactReason, Person, Role, Scorecard, Team, TokenKind
from core.people.access import load_actor
from core.platform.config import get_settings
from core.platform.db import make_engine
from seed.demo import seed_demo
from tests.conftest import TODAY
from ui import api as api_module
from ui.api import api_routes

MAX_EXAMPLES = 25
DEMO_AGENTS = 12


@pytest.fixture(scope="module")
def demo_api(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small demo database, DATABASE_URL at it, the rate limit lifted; a service token of
    the demo's admin with every scope."""
    path: Path = tmp_path_factory.mktemp("apischema") / "demo.db"
    url = f"sqlite:///{path}"
    shutil.copy(sqlite_template, path)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_demo(session, agents=DEMO_AGENTS, years=1, random_seed=5, today=TODAY)
        admin = session.exec(select(Person).where(Person.role == Role.ADMIN)).first()
        assert admin is not None and admin.id is not None
        token = create_token(
            session,
            actor=load_actor(session, admin.id),
            name="Schemathesis",
            kind=TokenKind.SERVICE,
            scopes=sorted(SCOPES),
            expires_on=TODAY + dt.timedelta(days=30),
        ).text
        session.commit()
    engine.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setattr(api_module, "RATE", 1e9)
        patch.setattr(api_module, "BURST", 10**9)
        patch.setattr(api_module, "buckets", api_module._Buckets())
        get_settings.cache_clear()
        yield token
        get_settings.cache_clear()


def _schema(token: str) -> Any:
    config = SchemathesisConfig.from_dict({"auth": {"openapi": {"bearer": {"bearer": token}}}})
    config.projects.default.generation.update(
        max_examples=MAX_EXAMPLES, deterministic=True, modes=list(GenerationMode)
    )
    return schemathesis.openapi.from_asgi(
        "/api/v1/openapi.json", Starlette(routes=api_routes()), config=config
    )


def problem_document(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx is an RFC 9457 problem document with a sentence."""
    if not 400 <= response.status_code < 500:
        return None
    kind = ",".join(response.headers.get("content-type", []))
    assert kind.startswith("application/problem+json"), f"{response.status_code} as {kind!r}"
    body = json.loads(response.content)
    assert body["status"] == response.status_code and body["title"] and body["detail"], body
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
    problem_document,
]


# The document's own route is left out: Schemathesis does not test the route it read the
# document from (test_api.py checks it).
OPERATIONS = [
    (method.upper(), path)
    for path, ops in document()["paths"].items()
    for method in ops
    if path != "/api/v1/openapi.json"
]


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_answers_as_its_openapi_document_says(
    demo_api: str, method: str, path: str, mode: GenerationMode
) -> None:
    operation = _schema(demo_api).find_operation_by_path(method, path)
    assert operation is not None

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    answers_as_documented()


def _good_bodies(url: str) -> dict[tuple[str, str], dict[str, Any]]:
    """A request each write route stores (a demo agent's evaluation by their lead, a contact
    count, an observation, a forecast interval) and a read of a team's growth."""
    engine = make_engine(url)
    with Session(engine) as session:
        team = session.exec(select(Team).where(col(Team.lead_id).is_not(None))).first()
        assert team is not None and team.lead_id is not None
        agent = session.exec(
            select(Person).where(Person.team_id == team.id, Person.role == Role.AGENT)
        ).first()
        lead = session.get(Person, team.lead_id)
        card = session.exec(select(Scorecard).where(col(Scorecard.active).is_(True))).first()
        reason = session.exec(select(ContactReason)).first()
        assert agent is not None and lead is not None and card is not None and reason
        sections = json.loads(card.definition)["sections"]
        answers = [["na" for _ in s["questions"]] for s in sections]
        answers[0][0] = "yes"
        day = (TODAY - dt.timedelta(days=1)).isoformat()
        bodies = {
            ("POST", "/api/v1/evaluations"): {
                "evaluations": [
                    {
                        "reference": "schema-check-1",
                        "agent_email": agent.email,
                        "scorecard": card.family,
                        "date": day,
                        "answers": answers,
                        "evaluator_email": lead.email,
                    }
                ]
            },
            ("POST", "/api/v1/contacts"): {
                # a day before the demo's history: the demo has every recent day's count
                "contacts": [{"date": "2021-03-01", "reason": reason.name, "contacts": 12}]
            },
            ("POST", "/api/v1/metrics/observations"): {
                "observations": [
                    {"agent_email": agent.email, "date": day, "metric": "csat", "value": 4.5}
                ]
            },
            ("POST", "/api/v1/forecasts"): {
                "intervals": [
                    {
                        "team": team.name,
                        "date": (TODAY + dt.timedelta(days=7)).isoformat(),
                        "start": "09:00",
                        "contacts": 40,
                        "aht_seconds": 300,
                    }
                ]
            },
        }
        growth = {"team_id": team.id}
    engine.dispose()
    return {**bodies, ("GET", "/api/v1/teams/{team_id}/growth"): {"path": growth}}


def test_requests_the_api_stores_are_answered_as_documented(demo_api: str) -> None:
    """Generated requests are mostly refused (made-up e-mail addresses): these are stored, so
    the success answers of every write route are checked against the document too, twice (the
    second time they are already present)."""
    schema = _schema(demo_api)
    url = os.environ["DATABASE_URL"]
    checks = [c for c in CHECKS if c is not negative_data_rejection]
    auth = {"Authorization": f"Bearer {demo_api}"}
    for (method, path), request in _good_bodies(url).items():
        operation = schema.find_operation_by_path(method, path)
        assert operation is not None
        for _ in range(2):
            if "path" in request:
                case = operation.Case(path_parameters=request["path"])
            else:
                case = operation.Case(body=request, media_type="application/json")
            response = case.call_and_validate(headers=auth, checks=checks)
            assert response.status_code == 200, (path, response.text)


def test_without_a_token_or_with_a_wrong_one_every_operation_is_a_documented_401(
    demo_api: str,
) -> None:
    schema = _schema(demo_api)
    checks = [c for c in CHECKS if c not in (negative_data_rejection, ignored_auth)]
    for method, path in OPERATIONS:
        operation = schema.find_operation_by_path(method, path)
        assert operation is not None
        params = {"team_id": 1} if "{team_id}" in path else None
        for headers in ({}, {"Authorization": "Bearer hw_" + "x" * 43}):
            case = operation.Case(path_parameters=params)
            response = case.call_and_validate(headers=headers, checks=checks)
            assert response.status_code == 401, (method, path, headers, response.text)
