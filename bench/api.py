"""API benchmarks (issue 26): 100,000 metric observations sent through `/api/v1` as JSON, against
the same 100,000 through the CSV import; "≤ 2× the CSV import". Both on a copy of the 2,000-agent
demo; each repeat sends observations the database does not hold yet (new references), so both
store every row."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from typing import Any

from bench.harness import Scenario

ROWS = 100_000


def _copy() -> tuple[str, list[str]]:
    import sqlite3

    from bench.scenarios import BIG_DB, TODAY, ensure_big_database

    ensure_big_database()
    copy = BIG_DB.with_name("bench-api.db")
    for left in (copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
        left.unlink(missing_ok=True)  # an earlier run's journal would not match the fresh copy
    shutil.copy(BIG_DB, copy)
    os.environ["DATABASE_URL"] = f"sqlite:///{copy}"
    os.environ["HEADWAY_TODAY"] = TODAY
    from core.platform.config import get_settings

    get_settings.cache_clear()
    with sqlite3.connect(copy) as db:
        emails = [r[0] for r in db.execute("select email from person where role='agent'")]
    return f"sqlite:///{copy}", emails


def _rows(emails: list[str], batch: int) -> list[dict[str, Any]]:
    from bench.scenarios import TODAY

    rng = random.Random(batch)
    end = dt.date.fromisoformat(TODAY)
    return [
        {
            "agent_email": rng.choice(emails),
            "date": (end - dt.timedelta(days=rng.randint(0, 700))).isoformat(),
            "metric": "csat",
            "value": round(rng.uniform(1, 5), 2),
            "source": "survey",
            "reference": f"api-bench-{batch}-{n}",
        }
        for n in range(ROWS)
    ]


def _csv(rows: list[dict[str, Any]]) -> bytes:
    lines = ["agent_email,date,metric,value,source,reference"]
    lines += [
        ",".join(
            str(r[k]) for k in ("agent_email", "date", "metric", "value", "source", "reference")
        )
        for r in rows
    ]
    return ("\n".join(lines) + "\n").encode()


def _scenario(via_api: bool) -> Scenario:
    state: dict[str, Any] = {"batch": 0}

    def setup() -> None:
        import json

        from sqlmodel import select

        from core.connect.tokens import create_token
        from core.models import Person, TokenKind
        from core.people.access import load_actor
        from core.platform.db import make_engine, session_scope

        url, emails = _copy()
        with session_scope(make_engine(url)) as session:
            admin = session.exec(select(Person).where(Person.email == "admin@example.com")).one()
            assert admin.id is not None
            state["token"] = create_token(
                session,
                actor=load_actor(session, admin.id),
                name="bench",
                kind=TokenKind.SERVICE,
                scopes=["metrics:write"],
                expires_on=dt.date.fromisoformat(os.environ["HEADWAY_TODAY"])
                + dt.timedelta(days=30),
            ).text
        # The bodies are made before the clock starts: what is timed is Headway's part.
        rows = [_rows(emails, b) for b in range(3)]
        state["bodies"] = (
            [json.dumps({"observations": r}).encode() for r in rows]
            if via_api
            else [_csv(r) for r in rows]
        )

    def run() -> None:
        body = state["bodies"][state["batch"] % 3]
        state["batch"] += 1
        if via_api:
            from starlette.applications import Starlette
            from starlette.testclient import TestClient

            from ui.api import api_routes

            answer = TestClient(Starlette(routes=api_routes())).post(
                "/api/v1/metrics/observations",
                content=body,
                headers={
                    "Authorization": f"Bearer {state['token']}",
                    "Content-Type": "application/json",
                },
            )
            if answer.status_code != 200 or answer.json()["added"] != ROWS:
                raise RuntimeError(f"the API answered {answer.status_code}: {answer.text[:300]}")
        else:
            from core.metrics.imports import import_metrics
            from core.platform.db import session_scope, shared_engine

            with session_scope(shared_engine()) as session:
                if import_metrics(session, data=body).added != ROWS:
                    raise RuntimeError("the import stored fewer rows")

    name = "api observations 100,000 (JSON)" if via_api else "import metrics 100,000 rows (CSV)"
    note = "≤ 2× import metrics 100,000 rows (CSV)" if via_api else "the API's yardstick"
    return Scenario(name, "2,000-agent demo db (SQLite)", run, repeat=3, setup=setup, note=note)


def _growth_summary() -> Scenario:
    """One team's growth summary as `GET /api/v1/teams/{id}/growth` computes it (issue 26:
    "≤ 0.2 s at the 2,000-agent demo"), for the demo's lead on their own team."""
    state: dict[str, Any] = {}

    def setup() -> None:
        from sqlmodel import Session, select

        from bench.scenarios import use_big_database
        from core.models import Person
        from core.platform.db import make_engine

        url = use_big_database()
        with Session(make_engine(url)) as session:
            lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
            state["lead"], state["team"] = lead.id, lead.team_id

    def run() -> None:
        from core.connect.api import team_summary
        from core.people.access import load_actor
        from core.platform.clock import today
        from core.platform.db import session_scope, shared_engine

        with session_scope(shared_engine()) as session:
            actor = load_actor(session, state["lead"])
            team_summary(session, actor=actor, team_id=state["team"], today=today())

    return Scenario(
        "api team growth summary",
        "2,000-agent demo db, one team",
        run,
        repeat=10,
        setup=setup,
        note="≤ 0.2 s",
    )


def api_scenarios() -> list[Scenario]:
    return [_scenario(via_api=False), _scenario(via_api=True), _growth_summary()]
