"""Browser journey: a lead imports a forecast, plans PD days against its floors and reads the
busiest day in words; a bad forecast file is refused line by line and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import log_in, settle

pytestmark = pytest.mark.browser

HEADER = "team,date,start,contacts,aht_seconds,interval_minutes\n"


def _upload(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Forecast CSV")
    uploader.locator("input[type=file]").set_input_files(str(path))
    settle(page)
    button = page.get_by_role("button", name="Import forecast")
    button.wait_for(timeout=60_000)  # shown once the upload has reached the server
    button.click()
    settle(page)


def _texts(page) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(page.locator("[data-testid='stText']").all_inner_texts())


def test_a_lead_imports_a_forecast_plans_and_reads_the_busiest_day(
    page, app_url: str, tmp_path: Path
) -> None:
    page.goto(f"{app_url}/pd_planner")
    settle(page)
    log_in(page, "lead@example.com")
    assert page.locator("h1").first.inner_text() == "PD day planner"
    page.get_by_text("calls need").first.wait_for()
    before = _texts(page)

    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "Billing Care 1,2027-02-10,10:00,20,300,30\n"
        + "Nowhere 9,2027-02-10,10:00,20,300,30\n"
        + "Billing Care 1,2027-02-11,10:00,many,300,30\n",
        encoding="utf-8",
    )
    page.get_by_text("Import a forecast (CSV)").click()
    settle(page)
    _upload(page, bad)
    page.get_by_text("2 line(s) of the forecast need fixing").wait_for()
    # one row per bad line in the problems table (a canvas grid: its cells are in the DOM)
    page.get_by_text("line 3: unknown team 'Nowhere 9'").wait_for(state="attached")
    page.get_by_text("line 4: contacts 'many' is not a number").wait_for(state="attached")
    page.goto(f"{app_url}/pd_planner")  # a fresh look: nothing changed, the same sentence
    settle(page)
    page.get_by_text("calls need").first.wait_for()
    assert _texts(page) == before
    page.get_by_text("Import a forecast (CSV)").click()
    settle(page)

    good = tmp_path / "good.csv"
    good.write_text(
        HEADER
        + "Billing Care 1,2027-02-10,09:00,12,300,30\n"
        + "Billing Care 1,2027-02-10,10:00,20,300,30\n",
        encoding="utf-8",
    )
    _upload(page, good)
    # the demo has a forecast for that day already: the newer one replaces it
    page.get_by_text("Imported 2 intervals: 0 team-days added, 1 replaced").wait_for()

    page.get_by_role("button", name="Plan PD days").click()
    page.get_by_role("heading", name="Review:").wait_for(timeout=90_000)
    settle(page)
    texts = _texts(page)
    assert "under the floor" not in texts  # no day below its floor
    sentence = next(line for line in texts.splitlines() if "calls need" in line)
    assert "agents on the phones for 80 % to be answered within 20 seconds" in sentence
    assert "with 30 % shrinkage that is" in sentence
    page.get_by_role("tab", name="Why these dates").click()
    settle(page)
    page.get_by_text("the expected service level at").first.wait_for()
