"""Login, sessions and passwords, on SQLite and PostgreSQL (throttling and revocation: see
test_sessions_and_throttling.py)."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from core.models import AuthSession, Person, Role
from core.people.auth import LOGIN_FAILED, authenticate, resume_session, revoke_session
from core.people.password_changes import (
    change_own_password,
    choose_own_password,
    set_one_time_password,
)
from core.platform.errors import AccessDenied, AuthenticationFailed, InvalidInput
from tests.conftest import PASSWORD, actor_of, make_person, make_team


@pytest.fixture
def agent(session: Session) -> Person:
    return make_person(session, team=make_team(session), email="ana@example.com", password=PASSWORD)


def test_a_correct_password_logs_in_whatever_the_email_case(
    session: Session, agent: Person
) -> None:
    login = authenticate(session, email="  ANA@example.com ", password=PASSWORD)
    assert login.actor.id == agent.id and login.actor.role is Role.AGENT
    assert resume_session(session, token=login.token) is not None


@pytest.mark.parametrize(
    "email,password", [("ana@example.com", "wrong"), ("nobody@example.com", PASSWORD)]
)
def test_a_wrong_password_and_an_unknown_email_get_the_same_message(
    session: Session, agent: Person, email: str, password: str
) -> None:
    with pytest.raises(AuthenticationFailed) as error:
        authenticate(session, email=email, password=password)
    assert str(error.value) == LOGIN_FAILED


def test_a_deactivated_person_cannot_log_in(session: Session, agent: Person) -> None:
    agent.active = False
    session.add(agent)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, email="ana@example.com", password=PASSWORD)


def test_logout_revokes_the_session(session: Session, agent: Person) -> None:
    login = authenticate(session, email="ana@example.com", password=PASSWORD)
    revoke_session(session, token=login.token)
    assert resume_session(session, token=login.token) is None


def test_an_idle_session_times_out(session: Session, agent: Person) -> None:
    login = authenticate(session, email="ana@example.com", password=PASSWORD)
    stored = session.exec(select(AuthSession)).one()
    stored.last_seen_at = stored.last_seen_at - dt.timedelta(minutes=31)
    session.add(stored)
    assert resume_session(session, token=login.token) is None


def test_changing_my_password_needs_the_current_one_and_a_long_new_one(
    session: Session, agent: Person
) -> None:
    me = actor_of(session, agent)
    with pytest.raises(InvalidInput, match="current password is not correct"):
        change_own_password(
            session, actor=me, current_password="nope", new_password="a-long-new-secret"
        )
    with pytest.raises(InvalidInput, match="at least 10"):
        change_own_password(session, actor=me, current_password=PASSWORD, new_password="short")
    with pytest.raises(InvalidInput, match="repeated or sequential"):
        change_own_password(session, actor=me, current_password=PASSWORD, new_password="aaaaaaaaaa")
    change_own_password(
        session, actor=me, current_password=PASSWORD, new_password="a-long-new-secret"
    )
    assert authenticate(session, email="ana@example.com", password="a-long-new-secret")


def test_an_admin_one_time_password_must_be_changed_at_next_login(
    session: Session, agent: Person
) -> None:
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    one_time = set_one_time_password(session, actor=admin, person_id=agent.id)
    login = authenticate(session, email="ana@example.com", password=one_time)
    assert login.must_change_password
    choose_own_password(session, actor=login.actor, new_password="my-own-password")
    assert not authenticate(
        session, email="ana@example.com", password="my-own-password"
    ).must_change_password


def test_only_an_admin_sets_someone_elses_password(session: Session, agent: Person) -> None:
    manager = actor_of(session, make_person(session, role=Role.MANAGER))
    with pytest.raises(AccessDenied):
        set_one_time_password(session, actor=manager, person_id=agent.id)


def test_the_app_knows_when_the_browser_has_stored_and_dropped_the_cookie(
    session: Session, org: dict
) -> None:
    from core.people.auth import cookie_confirmed, open_session, record_cookie

    token = open_session(session, person_id=org["red_agent"].id)
    assert not cookie_confirmed(session, token=token, stored=True)
    record_cookie(session, token=token, stored=True)
    assert cookie_confirmed(session, token=token, stored=True)
    assert not cookie_confirmed(session, token=token, stored=False)
    record_cookie(session, token=token, stored=False)
    assert cookie_confirmed(session, token=token, stored=False)
    assert cookie_confirmed(session, token="never-issued", stored=False)
