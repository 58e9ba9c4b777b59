"""Browser journey for the agent's voice: the agent comments on an evaluation and disputes it →
a manager (not the evaluator) adjusts it by answering a question again (the questions appear only
for "Adjust") → the agent's growth trend shows the score the scorecard gives the new answers, and
the dispute's history with the old and new answer."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import another_page, log_in, settle

pytestmark = pytest.mark.browser


def test_an_agent_disputes_a_score_a_reviewer_adjusts_it_and_the_trend_follows(
    page, app_url: str, axe_check
) -> None:
    page.goto(f"{app_url}/growth")
    settle(page)
    log_in(page, "agent@example.com")
    page.get_by_role("heading", name="My QA evaluations").wait_for()
    newest = page.locator("[data-testid=stExpander]").filter(has_text="Voice quality v1").first
    label = newest.locator("summary").inner_text()
    newest.locator("summary").click()
    settle(page)
    # A comment: text, as typed.
    box = newest.get_by_label("Add a comment")
    box.fill("Can we listen to this call together? The line was **bad**.")
    newest.get_by_role("button", name="Send comment").click()
    settle(page)
    page.get_by_text("The line was **bad**.").first.wait_for()
    # The dispute: the whole evaluation, with a reason.
    newest.get_by_text("Dispute this score").click()
    settle(page)
    reason = newest.get_by_label("Why do you dispute the score?")
    reason.fill("The customer was already verified by the IVR")
    newest.get_by_role("button", name="Send dispute").click()
    settle(page)
    page.get_by_text("Sent: ").first.wait_for()
    newest.get_by_text("Your dispute is open").wait_for()
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)

    manager = another_page(page)
    manager.goto(f"{app_url}/evaluations")
    settle(manager)
    log_in(manager, "manager@example.com")
    manager.get_by_role("tab", name="Disputes to review").click()
    settle(manager)
    mine = manager.locator("[data-testid=stExpander]").filter(has_text="Alex Agent").first
    if mine.locator("summary").get_attribute("aria-expanded") != "true":
        mine.locator("summary").click()
        settle(manager)
    mine.get_by_text("The customer was already verified by the IVR").first.wait_for()
    # Uphold asks for no answers; "Adjust" (outside the form: it reruns) shows the questions.
    greeting = mine.locator("[data-testid=stRadio]").filter(has_text="Greeted the customer")
    assert greeting.count() == 0
    mine.get_by_text("Adjust it: answer questions again").click()
    settle(manager)
    greeting.get_by_text("n.a.", exact=True).click()
    mine.get_by_label("Reason (the agent and the evaluator read it)").fill(
        "The IVR verified the customer: the item does not apply"
    )
    mine.get_by_role("button", name="Save decision").click()
    settle(manager)
    decided = manager.get_by_text("Decided: adjusted").first
    decided.wait_for()
    # "69% → 77%", or "the score stays 96%" when the new answers score the same
    new_score = re.search(r"(?:→|stays) ([\d.]+)%", decided.inner_text()).group(1)  # type: ignore[union-attr]
    violations = axe_check(manager)
    assert violations == [], "\n".join(violations)
    manager.context.close()

    page.reload()
    settle(page)
    page.get_by_role("heading", name="My QA evaluations").wait_for()
    date = re.search(r"\d{2} \w{3} \d{4}", label).group()  # type: ignore[union-attr]
    adjusted = page.locator("[data-testid=stExpander]").filter(has_text=f"{date} · Voice").first
    adjusted.locator("summary").get_by_text("disputed, adjusted").wait_for()
    adjusted.locator("summary").click()
    settle(page)
    adjusted.get_by_text(f"{new_score}% (re-answered Opening and empathy").wait_for()
    adjusted.get_by_text("Greeted the customer and used their name: n.a.").first.wait_for()
    adjusted.get_by_text("you disputed the score of").wait_for()  # the agent's own step
    # The evaluation is its own marker on the trend, with the adjusted score.
    qa_points = page.locator(".js-plotly-plot").first.evaluate(
        "el => el._fullData.filter(t => t.name === 'Your QA evaluations')"
        ".flatMap(t => Array.from(t.y))"
    )
    assert any(f"{y:.0f}" == new_score or f"{y:.1f}" == new_score for y in qa_points)
