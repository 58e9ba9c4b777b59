"""Browser journeys for coaching: a note on an evaluation → shown on that evaluation and on the
agent's chart → acknowledgement; and an agent who edits the URL cannot reach another agent's
growth page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import another_page, log_in, open_options, pick_option, settle

pytestmark = pytest.mark.browser


def test_a_note_on_an_evaluation_reaches_that_evaluation_and_the_chart_and_is_acknowledged(
    page, app_url: str, axe_check
) -> None:
    page.goto(f"{app_url}/coaching")
    settle(page)
    log_in(page, "lead@example.com")
    page.get_by_role("heading", name="Today's queue").wait_for()
    agent_box = page.get_by_label("Agent", exact=True)
    agent_box.click()
    page.get_by_role("option", name="Alex Agent").click()
    settle(page)
    # The coach picks the call first: the agent's evaluations, newest first, with date, score
    # and reference; the focus section then comes from that evaluation's scorecard.
    evaluations = page.get_by_test_id("stMultiSelect").filter(has_text="On the evaluations").first
    # The first that reads like an evaluation ("Select all" comes before it)
    newest = open_options(page, evaluations, containing=" · ").filter(has_text=" · ").first
    picked = newest.inner_text().strip()
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4} · \d+% .*· CALL-\d+ · .+ v\d+", picked), picked
    evaluated = dt.datetime.strptime(picked.split(" · ")[0], "%d %b %Y").date()
    try:
        newest.click(timeout=20_000)
    except PlaywrightTimeout:  # a rerun closed the list meanwhile: open it again
        page.keyboard.press("Escape")
        settle(page)
        pick_option(page, evaluations, picked)
    page.keyboard.press("Escape")
    settle(page)
    sections = open_options(
        page, page.get_by_test_id("stSelectbox").filter(has_text="Focus scorecard section").first
    ).all_inner_texts()
    assert sections[0] == "— none —" and "Resolution" in sections  # the scorecard's sections
    assert page.get_by_role("textbox", name="Focus scorecard section").count() == 0
    page.get_by_role("option", name="Resolution", exact=True).click()
    settle(page)
    # The note keeps a draft: leaving each box stores it (a run of the page), as a person's
    # pace allows; the test waits for each one as a person would.
    for label, text in (
        ("What to try", "Offer to check back in tomorrow instead of ending with good luck"),
        ("Agreed actions", "Five calls this week"),
    ):
        page.get_by_label(label).first.fill(text)
        page.get_by_label(label).first.press("Tab")
        settle(page)
    page.get_by_role("button", name="Save note").first.click()
    page.get_by_text("Saved. It appears on the agent's growth chart").wait_for()
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)

    agent = another_page(page)
    agent.goto(f"{app_url}/growth")
    settle(agent)
    log_in(agent, "agent@example.com")
    agent.locator(".js-plotly-plot").first.wait_for()
    chart = agent.locator(".js-plotly-plot").first
    markers = chart.evaluate(
        "el => el.data.filter(t => t.name === 'coaching note').map(t => t.x.length)"
    )
    assert markers and markers[0] >= 1
    hovers = chart.evaluate(
        "el => el.data.filter(t => t.name === 'Your QA evaluations').flatMap(t => t.customdata)"
    )
    assert any("coaching note of 23 Nov 2026 by Lee Lead: Resolution" in h for h in hovers)
    # The evaluation itself shows the note written on it.
    agent.get_by_text(f"{evaluated:%d %b %Y} ·").filter(has_text="coached 23 Nov").first.click()
    agent.get_by_text("Coaching note on this evaluation").first.wait_for()
    agent.get_by_text(
        "23 Nov 2026, Lee Lead — focus: Resolution; try: Offer to check back in tomorrow"
    ).first.wait_for()
    agent.get_by_text(
        f"23 Nov 2026 · Resolution · open · by Lee Lead · on the evaluation of {evaluated:%-d %b}"
    ).first.click()
    agent.get_by_text("Check-in planned on Tuesday 24 November").first.wait_for()
    agent.get_by_role("button", name="I have read this note").first.click()
    settle(agent)
    agent.get_by_text("You marked this note as read.").first.wait_for()
    agent.context.close()


def test_an_agent_cannot_reach_another_agents_page_by_editing_the_url(page, app_url: str) -> None:
    page.goto(f"{app_url}/growth")
    settle(page)
    log_in(page, "agent@example.com")
    page.locator(".js-plotly-plot").first.wait_for()
    for other in range(1, 40):
        page.goto(f"{app_url}/growth?agent={other}")
        settle(page)
        heading = page.locator("h3").first.inner_text() if page.locator("h3").count() else ""
        if page.get_by_text("You can only see your own records").count():
            assert page.locator(".js-plotly-plot").count() == 0
            return
        assert heading in ("Alex Agent", ""), f"agent {other}: the page showed {heading}"
    pytest.fail("no other agent's id was tried")
