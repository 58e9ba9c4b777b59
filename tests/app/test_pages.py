"""Every page as every role: what each must and must not see (Streamlit AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import texts

ROLES = {
    "admin": "admin@example.com",
    "manager": "manager@example.com",
    "lead": "lead@example.com",
    "agent": "agent@example.com",
}
PAGES = {
    "home": "pages/home.py",
    "account": "pages/account.py",
    "team": "pages/team.py",
    "organisation": "pages/organisation.py",
    "people": "pages/admin_people.py",
    "teams": "pages/admin_teams.py",
    "departments": "pages/admin_departments.py",
}
ALLOWED = {
    "admin": {"home", "account", "organisation", "people", "teams", "departments"},
    "manager": {"home", "account", "organisation"},
    "lead": {"home", "account", "team"},
    "agent": {"home", "account"},
}
TITLE = {
    "account": "My account",
    "team": "Team at a glance",
    "organisation": "Teams overview",
    "people": "People",
    "teams": "Teams",
    "departments": "Departments",
}


def title(at: AppTest) -> str:
    return at.title[0].value if at.title else ""


def test_logged_out_visitors_see_only_the_login_form(app_as) -> None:
    at = app_as(None)
    assert not at.exception
    assert title(at) == "Headway"
    assert [t.label for t in at.text_input] == ["Email", "Password"]
    assert "My day" not in texts(at)


def test_a_wrong_password_shows_the_generic_error_and_stays_logged_out(app_as) -> None:
    at = app_as(None)
    at.text_input[0].input("agent@example.com")
    at.text_input[1].input("not-the-password")
    at.button[0].click().run()
    assert "do not match an active account" in at.error[0].value
    assert "auth_token" not in at.session_state


def test_the_right_password_logs_in(app_as) -> None:
    at = app_as(None)
    at.text_input[0].input("agent@example.com")
    at.text_input[1].input("headway-demo")
    at.button[0].click().run()
    assert "auth_token" in at.session_state
    assert not at.exception
    assert title(at).startswith("My day")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_each_role_reaches_exactly_its_pages(app_as, role: str, page: str) -> None:
    if page not in ALLOWED[role]:
        # A page outside the role's navigation is not even registered for that session.
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app_as(ROLES[role], PAGES[page])
        return
    at = app_as(ROLES[role], PAGES[page])
    assert not at.exception, at.exception
    assert title(at).startswith(TITLE.get(page, "My day"))


def test_an_agent_home_shows_their_own_quality_not_the_team_or_organisation(app_as) -> None:
    at = app_as("agent@example.com")
    shown = texts(at)
    assert "My quality, last four weeks" in shown
    assert "QA score" in shown
    assert "team at a glance" not in shown.lower() and "organisation at a glance" not in shown


def test_a_lead_home_shows_their_team_and_no_other(app_as) -> None:
    at = app_as("lead@example.com")
    shown = texts(at)
    assert "My team at a glance" in shown
    names = set(at.dataframe[0].value["Agent"])
    assert "Alex Agent" in names and "Sam Second" not in names


def test_a_manager_home_shows_the_whole_organisation(app_as) -> None:
    at = app_as("manager@example.com")
    assert "The organisation at a glance (2 teams)" in texts(at)


def test_the_admin_people_page_lists_everyone_and_refuses_a_duplicate_email(app_as) -> None:
    at = app_as("admin@example.com", PAGES["people"])
    assert "Alex Agent" in set(at.dataframe[0].value["Name"])
    form_inputs = [t for t in at.text_input if t.label in ("Name", "Email")]
    form_inputs[0].input("Copy Cat")
    form_inputs[1].input("agent@example.com")
    at.button(key="FormSubmitter:people_new-Save").click().run()
    assert any("already used by Alex Agent" in e.value for e in at.error)


def test_an_admin_adds_a_department(app_as) -> None:
    at = app_as("admin@example.com", PAGES["departments"])
    name = [t for t in at.text_input if t.label == "Name"][0]
    name.input("Field Service")
    at.button(key="FormSubmitter:departments_new-Save").click().run()
    assert any("Added Field Service" in s.value for s in at.success)


def test_the_account_page_shows_who_i_am(app_as) -> None:
    at = app_as("agent2@example.com", PAGES["account"])
    assert "agent2@example.com" in texts(at)
