"""Browser journey: a manager uploads a spreadsheet's semicolon CSV with a byte-order mark, sees
the rows by the e-mails uploaded, and chooses to import the good rows and download the refused
ones with their reasons (issue 25, item 8)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.e2e.conftest import log_in, settle

pytestmark = pytest.mark.browser

DAY = TODAY.isoformat()
UPLOAD = (
    "\ufeffagent_email;date;metric;value;source;reference\r\n"
    f"agent@example.com;{DAY};csat;4.5;survey;E2E-IMPORT-1\r\n"
    f"lead@example.com;{DAY};qa_score;91;maestroqa;E2E-IMPORT-2\r\n"
    f"agent@example.com;{DAY};fcr;0.75;telephony;E2E-IMPORT-3\r\n"
    f"nobody@example.com;{DAY};csat;4;survey;E2E-IMPORT-4\r\n"
).encode()


def _imported(app_env: dict[str, str]) -> list[str]:
    database = app_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT reference FROM observation WHERE reference LIKE 'E2E-IMPORT-%' "
            "ORDER BY reference"
        ).fetchall()
    return [r for (r,) in rows]


def test_a_manager_imports_the_good_rows_and_takes_the_refused_ones_away_to_fix(
    page, app_url: str, app_env: dict[str, str], tmp_path: Path
) -> None:
    page.goto(f"{app_url}/import_metrics")
    settle(page)
    log_in(page, "manager@example.com")  # a manager imports for every team
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": "metrics.csv", "mimeType": "text/csv", "buffer": UPLOAD}]
    )
    settle(page)
    # The semicolons and the byte-order mark are read: the lines are judged one by one.
    page.get_by_text("These lines are refused.").wait_for()
    assert page.get_by_text("missing required column").count() == 0
    choice = page.get_by_role("button", name="Import the 2 good rows and refuse the 2 others")
    choice.wait_for()
    # The preview names agents by the e-mail uploaded, never an internal id.
    preview = page.locator("[data-testid='stDataFrame']").last
    assert "agent@example.com" in preview.inner_text() or "agent@example.com" in (
        preview.locator("table").inner_text()
    )
    assert _imported(app_env) == []  # nothing is written until the person chooses

    with page.expect_download() as download:
        page.get_by_role(
            "button", name="Download the 2 refused line(s) with their reasons (CSV)"
        ).click()
    refused = tmp_path / "refused.csv"
    download.value.save_as(refused)
    lines = refused.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "line,agent_email,date,metric,value,source,reference,reason"
    assert lines[1].startswith(f"3,lead@example.com,{DAY},qa_score,91,maestroqa,E2E-IMPORT-2,")
    assert "QA scores are for agents only" in lines[1]
    assert lines[2].startswith(f"5,nobody@example.com,{DAY},csat,4,survey,E2E-IMPORT-4,")
    assert "unknown agent" in lines[2] and len(lines) == 3

    choice.click()
    settle(page)
    page.get_by_text("Added 2, already present 0; 2 line(s) refused and not imported.").wait_for()
    assert _imported(app_env) == ["E2E-IMPORT-1", "E2E-IMPORT-3"]
    page.get_by_role(
        "button", name="Download the 2 refused line(s) with their reasons (CSV)"
    ).wait_for()
