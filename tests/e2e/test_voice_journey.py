"""Browser journey: an agent logs what a customer said, another agent hears it too, the lead
makes it a theme, the department's ambassador takes it there and records *changed*, both agents
find the outcome in their inbox and on My day, and the manager reads what a change did to
contacts in plain words beside its chart."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.conftest import TODAY
from tests.e2e.conftest import another_page, log_in, settle

pytestmark = pytest.mark.browser
TITLE = "Export button hard to find"


def _ambassador_department(app_env: dict[str, str], email: str) -> str:
    """The department `email` is placed in this term (the demo places most agents)."""
    database = app_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT department.name FROM assignment"
            " JOIN person ON person.id = assignment.person_id"
            " JOIN term ON term.id = assignment.term_id"
            " JOIN department ON department.id = assignment.department_id"
            " WHERE person.email = ? AND term.start <= ? AND term.end >= ?"
            " AND assignment.status != 'proposed'",
            (email, TODAY.isoformat(), TODAY.isoformat()),
        ).fetchone()
    assert row is not None, f"the demo places {email} in a department this term"
    return str(row[0])


def _theme_id(app_env: dict[str, str]) -> int:
    database = app_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        (theme_id,) = db.execute("SELECT id FROM theme WHERE title = ?", (TITLE,)).fetchone()
    return int(theme_id)


def _pick(
    page, label: str, option: str, *, exact: bool = False, within=None, whole: bool = True
) -> None:  # type: ignore[no-untyped-def]
    # The whole label: "Insight" is also in "Keep this insight (its wording stays)", a box the
    # themes page draws beside it once duplicates show.
    box = (within or page).get_by_role("combobox", name=label, exact=whole)
    box.click()
    box.press_sequentially(option[:24])  # typing filters the list (long lists load lazily)
    page.get_by_role("option", name=option, exact=exact).first.click()
    settle(page)


def test_an_insight_heard_twice_is_carried_changed_and_told_to_both_agents(
    page, app_url: str, app_env: dict[str, str], axe_check
) -> None:
    department = _ambassador_department(app_env, "agent2@example.com")
    page.set_default_timeout(60_000)  # four people's browsers on one busy test machine

    # 1. The agent logs what the customer said; the phone number is masked and they are told.
    page.goto(f"{app_url}/voice")
    settle(page)
    log_in(page, "agent@example.com")
    page.get_by_role("heading", name="Customer voice").wait_for()
    page.get_by_label("What the customer wanted or said").fill(
        "Customer cannot find the export button for invoices; call back on 07700 900123"
    )
    _pick(page, "Contact reason", "Feature request")
    _pick(page, "Department it concerns", department)
    page.get_by_role("button", name="Log insight").click()
    page.get_by_text("We masked a phone number before saving").wait_for()
    violations = axe_check(page)
    assert violations == [], "\n".join(violations)

    # 2. Another agent heard the same: one click counts their contact.
    other = another_page(page)
    other.set_default_timeout(60_000)
    other.goto(f"{app_url}/voice")
    settle(other)
    log_in(other, "agent2@example.com")
    other.get_by_role("heading", name="Customer voice").wait_for()
    words = other.get_by_label("Words the customer used")
    words.fill("export button")
    words.press("Enter")
    settle(other)
    other.get_by_text("call back on [phone]").wait_for()
    other.get_by_role("button", name="I heard this too").first.click()
    other.get_by_text(re.compile(r"Counted on “Customer cannot find.*”: 2 contacts now")).wait_for()
    settle(other)
    other.get_by_role("button", name="I heard this too").first.click()  # a click too many
    other.get_by_text(re.compile(r"Counted on .*: 3 contacts now")).wait_for()
    settle(other)
    other.get_by_role("button", name="Undo").click()
    other.get_by_text(re.compile(r"Taken back from .*: 2 contacts now")).wait_for()
    settle(other)

    # 3. The lead finds it and makes it a theme.
    lead = another_page(page)
    lead.set_default_timeout(60_000)
    lead.goto(f"{app_url}/voice_themes")
    settle(lead)
    log_in(lead, "lead@example.com")
    lead.get_by_role("heading", name="Customer themes").wait_for()
    search = lead.get_by_label("Search what customers said")
    search.fill("export button")
    search.press("Enter")
    settle(lead)
    _pick(lead, "Insight", "Customer cannot find the export button")
    lead.get_by_label("Theme title (short)").fill(TITLE)
    lead.get_by_role("button", name="Make it a theme").click()
    lead.get_by_text("Theme made").wait_for()
    lead.context.close()

    # 4. The department's ambassador takes it there and records what changed.
    other.goto(f"{app_url}/my_rotation")
    settle(other)
    card = other.locator(f".st-key-rot_voice_theme_{_theme_id(app_env)}")
    card.get_by_role("button", name=f"Take it to {department}").click()
    card.get_by_text(f"Taken to {department} on 23 November 2026").first.wait_for()
    settle(other)
    _pick(other, "Answer to", "Changed", exact=True, within=card, whole=False)
    card.get_by_label("In the department's words").fill(
        "An Export button now sits at the top of the invoices list"
    )
    day = card.locator("[data-testid='stDateInput'] input")
    day.fill("2026-11-23")
    day.press("Enter")
    settle(other)
    card.get_by_role("button", name="Record the answer").click()
    other.get_by_text("Recorded and told everyone who heard it").wait_for()

    # 5. Both agents find the outcome in their inbox and on My day.
    outcome = f"{department} changed it, in effect from 23 November 2026"
    for person in (page, other):
        person.goto(f"{app_url}/inbox")
        settle(person)
        person.get_by_text(f"Customer voice: “{TITLE}” — changed").first.wait_for()
        person.goto(app_url)
        settle(person)
        person.get_by_text("Your customers' voice").wait_for()
        person.get_by_text(outcome).first.wait_for()
    other.context.close()

    # 6. The manager reads what the changes did: the new one needs four weeks of contacts, the
    # demo's refund tracker shows its effect in plain words beside its chart.
    manager = another_page(page)
    manager.set_default_timeout(60_000)
    manager.goto(f"{app_url}/voice")
    settle(manager)
    log_in(manager, "manager@example.com")
    manager.get_by_role("radio", name="Themes").check(force=True)
    settle(manager)
    _pick(manager, "State", "Changed", exact=True)
    manager.get_by_text(TITLE).first.wait_for()
    manager.get_by_text("not enough data yet: Headway needs four weeks").first.wait_for()
    manager.get_by_text("fewer contacts about refund status since").first.wait_for()
    manager.get_by_text("contacts a month avoided").first.wait_for()
    assert manager.locator(".js-plotly-plot").count() >= 1
    manager.context.close()
