"""Operations: a health check for a load balancer, and one log line per page run and job run."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.platform.config import get_settings
from core.platform.logs import fields
from ui.server import build_routes


def _client() -> TestClient:
    return TestClient(Starlette(routes=build_routes()))


def test_healthz_is_200_when_the_database_answers(committed_url: str) -> None:
    answer = _client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_without_details_when_the_database_does_not_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    try:
        answer = _client().get("/healthz")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "unreachable"}
    assert "nobody" not in answer.text


def test_a_job_run_is_one_log_line_with_its_duration_and_counts(
    committed_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from core.jobs import run_and_deliver

    caplog.set_level(logging.INFO, logger="headway.jobs")
    run_and_deliver(dt.datetime(2026, 11, 24, 7, tzinfo=dt.UTC), job="daily-reminders")
    lines = [r.getMessage() for r in caplog.records if r.name == "headway.jobs"]
    assert len(lines) == 1
    assert lines[0].startswith("job=daily-reminders due_by=2026-11-24T07:00+00:00 ms=")
    assert "outcome=ok created=0 sent=0" in lines[0]


def test_log_fields_quote_what_would_break_a_line() -> None:
    assert fields(page="home", note='a "b"\nc', empty="") == 'page=home note="a \\"b\\" c" empty=""'
