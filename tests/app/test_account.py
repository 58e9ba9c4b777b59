"""My account: change my password (refusals say why), log out everywhere (with a confirmation),
and a session ended elsewhere is logged out at its next rerun."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.models import AuditAction, AuditEvent, AuthSession, Person
from core.platform.config import get_settings
from core.platform.db import make_engine
from tests.app.conftest import submit, texts

ACCOUNT = "pages/account.py"


def _sessions_of(email: str) -> list[AuthSession]:
    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            person = session.exec(select(Person).where(Person.email == email)).one()
            return list(
                session.exec(select(AuthSession).where(AuthSession.person_id == person.id)).all()
            )
    finally:
        engine.dispose()


def _boxes(at):  # type: ignore[no-untyped-def]
    return {box.label: box for box in at.text_input}


def test_a_common_new_password_is_refused_with_why_and_the_form_keeps_its_place(app_as) -> None:
    at = app_as("agent2@example.com", ACCOUNT)
    boxes = _boxes(at)
    boxes["Current password"].input("headway-demo")
    boxes["New password (at least 10 characters)"].input("1234567890")
    boxes["Repeat the new password"].input("1234567890")
    at = submit(at, "password_form", "Change password")
    assert not at.exception
    assert any("repeated or sequential" in e.value for e in at.error)
    assert "Log out everywhere" in texts(at)


def test_log_out_everywhere_asks_first_then_ends_every_session_and_shows_the_login(
    app_as,
) -> None:
    other = app_as("manager@example.com")  # another device of the same person
    at = app_as("manager@example.com", ACCOUNT)
    button = at.button(key="account_everywhere")
    assert button.disabled, "nothing ends before the confirmation"
    at.checkbox(key="account_everywhere_confirm").check().run()
    at.button(key="account_everywhere").click().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Email", "Password"]
    assert all(s.revoked_at is not None for s in _sessions_of("manager@example.com"))
    other.run()  # the other device's next rerun: logged out, and told why
    assert [t.label for t in other.text_input] == ["Email", "Password"]
    assert any("Your session has ended" in i.value for i in other.info)
    engine = make_engine(get_settings().database_url)
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(
                col(AuditEvent.action) == AuditAction.SESSIONS_REVOKED,
                col(AuditEvent.detail).contains("log out everywhere"),
            )
        ).all()
    engine.dispose()
    assert len(events) == 1
