"""Sessions that end when they should, one-time passwords used once, and password checks that
slow an attacker down without locking the owner out; on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session, col, select

import core.people.auth
import core.people.cookies
import core.people.password_changes
from core.models import AuditAction, AuditEvent, Person, Role, Team
from core.people import throttle
from core.people.access import load_actor
from core.people.auth import (
    CURRENT_PASSWORD_WRONG,
    LOGIN_FAILED,
    authenticate,
    log_out_everywhere,
    open_session,
    resume_session,
)
from core.people.org import PersonInput, set_person_active, update_person
from core.people.password_changes import (
    change_own_password,
    choose_own_password,
    set_one_time_password,
)
from core.platform.errors import AuthenticationFailed, InvalidInput
from tests.conftest import CHEAP_HASHER, PASSWORD, actor_of, make_person, make_team

EMAIL = "ana@example.com"
OFFICE, HOME, ELSEWHERE = "10.0.0.7", "192.0.2.44", "203.0.113.9"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its smallest cost: these tests check hundreds of passwords, not argon2."""
    monkeypatch.setattr(core.people.auth, "_hasher", lambda: CHEAP_HASHER)
    monkeypatch.setattr(
        core.people.auth, "_dummy_hash", lambda: CHEAP_HASHER.hash("not-a-real-password")
    )


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The sign-in modules' "now" (sessions, one-time passwords, the throttle's moments)."""
    fake = Clock()
    for module in (core.people.auth, core.people.password_changes, core.people.cookies):
        monkeypatch.setattr(module, "utcnow", fake)
    return fake


@pytest.fixture
def agent(session: Session) -> Person:
    return make_person(session, team=make_team(session), email=EMAIL, password=PASSWORD)


def _log_in(session: Session, password: str, client: str | None = OFFICE) -> core.people.auth.Login:
    return authenticate(session, email=EMAIL, password=password, client=client)


def _refused(session: Session, password: str, client: str | None = OFFICE) -> bool:
    try:
        _log_in(session, password, client)
    except AuthenticationFailed as exc:
        # One sentence for every checked refusal; while throttled, the wait (the same for an
        # address nobody uses, so it tells nothing about the account).
        assert str(exc) == LOGIN_FAILED or str(exc).startswith("Too many failed attempts")
        return True
    return False


def _events(session: Session, action: AuditAction) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        ).all()
    )


# ---------------------------------------------------------------- sessions end when they should


def test_changing_my_password_ends_my_other_sessions_but_not_this_one(
    session: Session, agent: Person, clock: Clock
) -> None:
    here, phone = _log_in(session, PASSWORD), _log_in(session, PASSWORD, HOME)
    change_own_password(
        session,
        actor=here.actor,
        current_password=PASSWORD,
        new_password="a-long-new-secret",
        keep_token=here.token,
        client=OFFICE,
    )
    assert resume_session(session, token=here.token) is not None
    assert resume_session(session, token=phone.token) is None
    [revoked] = _events(session, AuditAction.SESSIONS_REVOKED)
    assert revoked.subject_id == agent.id and revoked.detail.startswith("1 session ended")
    assert [e.detail for e in _events(session, AuditAction.PASSWORD_CHANGED)] == [
        "changed on My account"
    ]


def test_an_admin_reset_ends_every_session_and_the_one_time_password_opens_one_login(
    session: Session, agent: Person, clock: Clock
) -> None:
    old = _log_in(session, PASSWORD)
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    one_time = set_one_time_password(session, actor=admin, person_id=agent.id)
    assert resume_session(session, token=old.token) is None
    assert _refused(session, PASSWORD)  # the old password is gone too

    first = _log_in(session, one_time)
    assert first.must_change_password
    assert _refused(session, one_time), "a one-time password opens one login only"
    with pytest.raises(InvalidInput, match="common and leaked"):
        choose_own_password(session, actor=first.actor, new_password="password123")
    with pytest.raises(InvalidInput, match="one-time password your admin set"):
        choose_own_password(session, actor=first.actor, new_password=one_time)
    team = session.get(Team, agent.team_id)
    assert team is not None
    with pytest.raises(InvalidInput, match="your team's name"):
        choose_own_password(session, actor=first.actor, new_password=f"{team.name} 2026!")
    choose_own_password(
        session, actor=first.actor, new_password="lilac tram at noon", keep_token=first.token
    )
    assert resume_session(session, token=first.token) is not None
    assert not _log_in(session, "lilac tram at noon").must_change_password
    reset = _events(session, AuditAction.PASSWORD_RESET)
    assert [(e.actor_id, e.subject_id) for e in reset] == [(admin.id, agent.id)]
    logins = [e.detail for e in _events(session, AuditAction.LOGIN)]
    assert "logged in with a one-time password (now used up)" in logins


def test_a_one_time_password_expires_after_24_hours(
    session: Session, agent: Person, clock: Clock
) -> None:
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    one_time = set_one_time_password(session, actor=admin, person_id=agent.id)
    clock.advance(hours=24, seconds=1)
    assert _refused(session, one_time)
    [failed] = _events(session, AuditAction.LOGIN_FAILED)
    assert failed.detail == "one-time password expired or already used"


def test_deactivating_or_changing_the_role_of_a_person_ends_their_sessions(
    session: Session, agent: Person, clock: Clock
) -> None:
    admin = actor_of(session, make_person(session, role=Role.ADMIN))
    login = _log_in(session, PASSWORD)
    update_person(
        session,
        actor=admin,
        person_id=agent.id,
        data=PersonInput(agent.name, agent.email, Role.MANAGER, agent.team_id, agent.hire_date),
        expected_version=agent.version,
    )
    assert resume_session(session, token=login.token) is None
    [changed] = _events(session, AuditAction.ROLE_CHANGED)
    assert changed.detail == "role changed from Agent to Manager"
    again = _log_in(session, PASSWORD)
    assert again.actor.role is Role.MANAGER
    set_person_active(session, actor=admin, person_id=agent.id, active=False)
    assert resume_session(session, token=again.token) is None
    assert len(_events(session, AuditAction.ACCOUNT_DEACTIVATED)) == 1
    assert len(_events(session, AuditAction.SESSIONS_REVOKED)) == 2


def test_a_sessions_rights_are_read_from_the_database_at_every_request(
    session: Session, clock: Clock
) -> None:
    red, blue = make_team(session), make_team(session)
    lead = make_person(session, role=Role.TEAM_LEAD, team=red, leads=True)
    token = open_session(session, person_id=lead.id)
    before = resume_session(session, token=token)
    assert before is not None and before.actor.led_team_ids == {red.id}
    team = session.get(Team, blue.id)
    assert team is not None
    team.lead_id = lead.id
    session.add(team)
    session.flush()
    after = resume_session(session, token=token)
    assert after is not None and after.actor.led_team_ids == {red.id, blue.id}


def test_log_out_everywhere_ends_every_session_of_mine_and_no_one_elses(
    session: Session, agent: Person, clock: Clock
) -> None:
    other = make_person(session, team=make_team(session))
    theirs = open_session(session, person_id=other.id)
    mine = [_log_in(session, PASSWORD), _log_in(session, PASSWORD, HOME)]
    assert log_out_everywhere(session, actor=mine[0].actor, client=OFFICE) == 2
    assert all(resume_session(session, token=m.token) is None for m in mine)
    assert resume_session(session, token=theirs) is not None
    [event] = _events(session, AuditAction.SESSIONS_REVOKED)
    assert event.detail == "2 sessions ended: log out everywhere" and event.client == OFFICE


def test_a_session_ends_after_the_idle_timeout_and_after_the_absolute_one(
    session: Session, agent: Person, clock: Clock
) -> None:
    idle = _log_in(session, PASSWORD)
    clock.advance(minutes=29)
    assert resume_session(session, token=idle.token) is not None  # use keeps it alive
    clock.advance(minutes=29)
    assert resume_session(session, token=idle.token) is not None
    clock.advance(minutes=31)
    assert resume_session(session, token=idle.token) is None  # HEADWAY_IDLE_MINUTES = 30

    busy = _log_in(session, PASSWORD)
    for _ in range(11 * 4 + 3):  # used every quarter of an hour, never idle
        clock.advance(minutes=15)
        assert resume_session(session, token=busy.token) is not None
    clock.advance(minutes=15)  # 12 h after the login: HEADWAY_SESSION_HOURS
    assert resume_session(session, token=busy.token) is None


# ---------------------------------------------------------------- throttling, never a lock


def test_failures_slow_the_next_attempt_down_and_the_owner_waits_at_most_a_minute(
    session: Session, agent: Person, clock: Clock
) -> None:
    for _ in range(3):  # typos are free
        assert _refused(session, "wrong-password", ELSEWHERE)
    assert _refused(session, "wrong-password", ELSEWHERE)  # 4th failure: wait 1 s
    with pytest.raises(AuthenticationFailed) as early:
        _log_in(session, PASSWORD, ELSEWHERE)
    # Too early, even with the right password: which is not called wrong, and the wait is said.
    assert str(early.value) == core.people.auth.throttled(1)
    assert "not checked" in str(early.value) and "do not match" not in str(early.value)
    clock.advance(seconds=1)
    assert not _refused(session, PASSWORD, ELSEWHERE)

    for _ in range(12):  # an attacker who never stops, as fast as the throttle lets them
        clock.advance(seconds=61)
        assert _refused(session, "wrong-password", HOME)
        assert _refused(session, "wrong-password", HOME)  # too early: counts nothing
    assert _refused(session, PASSWORD, HOME)
    clock.advance(seconds=60)
    assert not _refused(session, PASSWORD, HOME), "the wait never exceeds a minute"


def _owner_device(session: Session, clock: Clock) -> str:
    """A browser the owner has logged in on (the cookie route remembers it after a login)."""
    device = core.people.cookies.new_device()
    login = _log_in(session, PASSWORD, OFFICE)
    assert core.people.auth.remember_device(session, token=login.token, device=device)
    return device


def test_a_stranger_guessing_from_the_owners_own_address_never_keeps_the_owner_out(
    session: Session, agent: Person, clock: Clock
) -> None:
    """Behind a reverse proxy everyone shares one address: wrong passwords every half second
    from it, for two minutes, and the owner's browser still gets in at every try."""
    device = _owner_device(session, clock)
    owner_in = 0
    for tick in range(240):
        clock.advance(seconds=0.5)
        assert _refused(session, "guess", OFFICE)
        if tick % 24 == 23:  # the owner tries ten times in those two minutes
            owner = authenticate(
                session, email=EMAIL, password=PASSWORD, client=OFFICE, device=device
            )
            owner_in += owner.actor.id == agent.id
    assert owner_in == 10
    # The stranger is slowed all along (the account from unknown browsers, and the address).
    with pytest.raises(AuthenticationFailed, match="Too many failed attempts"):
        _log_in(session, PASSWORD, OFFICE)


def test_a_device_cookie_is_trusted_only_for_the_accounts_that_logged_in_on_it(
    session: Session, agent: Person, clock: Clock
) -> None:
    other = make_person(session, team=make_team(session), email="bo@example.com", password=PASSWORD)
    mine = core.people.cookies.new_device()
    login = authenticate(session, email=other.email, password=PASSWORD, client=ELSEWHERE)
    core.people.auth.remember_device(session, token=login.token, device=mine)
    for _ in range(4):  # my own device does not lift the throttle on someone else's account
        assert _refused(session, "guess", ELSEWHERE)
    with pytest.raises(AuthenticationFailed, match="Too many failed attempts"):
        authenticate(session, email=EMAIL, password=PASSWORD, client=ELSEWHERE, device=mine)
    assert core.people.cookies.unsign_device(core.people.cookies.sign_device(mine)) == mine
    assert (
        core.people.cookies.unsign_device(core.people.cookies.sign_token(mine)) is None
    )  # a session cookie is not one
    assert (
        core.people.cookies.unsign_device(core.people.cookies.sign_device(mine)[:-1] + "0") is None
    )
    clock.advance(days=366)
    assert core.people.cookies.unsign_device(core.people.cookies.sign_device(mine)) == mine


def test_a_device_its_owner_has_not_used_for_90_days_is_a_stranger_again(
    session: Session, agent: Person, clock: Clock
) -> None:
    device = _owner_device(session, clock)
    clock.advance(days=91)
    for _ in range(4):
        assert _refused(session, "guess", ELSEWHERE)
    with pytest.raises(AuthenticationFailed, match="Too many failed attempts"):
        authenticate(session, email=EMAIL, password=PASSWORD, client=OFFICE, device=device)


def test_one_address_guessing_across_accounts_is_slowed_and_a_success_does_not_clear_it(
    session: Session, clock: Clock
) -> None:
    team = make_team(session)
    for i in range(4):
        make_person(session, team=team, email=f"p{i}@example.com", password=PASSWORD)
    for i in range(11):  # 10 free failures for an address (colleagues may share one)
        with pytest.raises(AuthenticationFailed):
            authenticate(session, email=f"p{i % 4}@example.com", password="guess", client=ELSEWHERE)

    def p3_from(client: str) -> core.people.auth.Login:
        return authenticate(session, email="p3@example.com", password=PASSWORD, client=client)

    with pytest.raises(AuthenticationFailed):
        p3_from(ELSEWHERE)  # the address waits now, even for a right password
    assert p3_from(HOME), "another address is not slowed"
    clock.advance(seconds=1)
    assert p3_from(ELSEWHERE)
    row = session.get(throttle.LoginThrottle, throttle._key("address", ELSEWHERE))
    assert row is not None and row.failures == 11, "a success leaves its address's counter"


def test_logging_in_to_ones_own_account_between_guesses_buys_no_more_guesses(
    session: Session, clock: Clock
) -> None:
    """An attacker with an account of their own interleaves its logins with guesses at 81
    other accounts for a minute: only the address's free failures and its growing delays are
    checked, not 81 guesses."""
    team = make_team(session)
    make_person(session, team=team, email="me@example.com", password=PASSWORD)
    for i in range(81):
        make_person(session, team=team, email=f"v{i}@example.com", password=PASSWORD)
    checked = 0
    start = clock.now
    for i in range(81):
        clock.advance(milliseconds=740)  # 81 in 60 s
        try:
            authenticate(session, email=f"v{i}@example.com", password="guess", client=ELSEWHERE)
        except AuthenticationFailed as exc:
            checked += str(exc) == LOGIN_FAILED
        with contextlib.suppress(AuthenticationFailed):
            authenticate(session, email="me@example.com", password=PASSWORD, client=ELSEWHERE)
    assert clock.now - start <= dt.timedelta(seconds=60)
    # 10 free failures, then one after each delay of 1, 2, 4, 8, 16 and 32 s: at most 16.
    assert checked <= 16


def test_every_attempt_is_recorded_with_its_address_and_never_with_what_was_typed(
    session: Session, agent: Person, clock: Clock
) -> None:
    assert _refused(session, "wrong-password", ELSEWHERE)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, email="nobody@example.com", password="x", client=ELSEWHERE)
    _log_in(session, PASSWORD, OFFICE)
    failed = _events(session, AuditAction.LOGIN_FAILED)
    assert [(e.subject_id, e.client, e.detail) for e in failed] == [
        (agent.id, ELSEWHERE, "wrong password"),
        (None, ELSEWHERE, "no active account has that e-mail address"),
    ]
    [login] = _events(session, AuditAction.LOGIN)
    assert (login.actor_id, login.client) == (agent.id, OFFICE)
    typed = ("wrong-password", "nobody@example.com", PASSWORD)
    assert not any(t in e.detail for e in [*failed, login] for t in typed)


def test_the_change_password_form_is_throttled_like_the_login(
    session: Session, agent: Person, clock: Clock
) -> None:
    me = load_actor(session, agent.id)

    def change(current: str) -> Callable[[], None]:
        return lambda: change_own_password(
            session, actor=me, current_password=current, new_password="a-long-new-secret"
        )

    for _ in range(4):
        with pytest.raises(InvalidInput) as refusal:
            change("nope")()
        assert str(refusal.value) == CURRENT_PASSWORD_WRONG
    with pytest.raises(InvalidInput) as early:
        change(PASSWORD)()  # too early after 4 failures
    assert str(early.value) == core.people.auth.throttled(1)
    assert len(_events(session, AuditAction.PASSWORD_CHANGE_FAILED)) == 5
    clock.advance(seconds=1)
    change(PASSWORD)()


def test_every_kind_of_refusal_does_exactly_one_argon2_verification(
    session: Session, agent: Person, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    verify = PasswordHasher.verify

    def counted(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        calls.append("verify")
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)

    def verifications(attempt: Callable[[], object]) -> int:
        calls.clear()
        with contextlib.suppress(AuthenticationFailed):
            attempt()
        return len(calls)

    def login(email: str, password: str) -> Callable[[], object]:
        return lambda: authenticate(session, email=email, password=password, client=ELSEWHERE)

    assert verifications(login("nobody@example.com", "guess")) == 1  # unknown account
    for _ in range(4):
        assert verifications(login(EMAIL, "guess")) == 1  # known account, wrong password
    assert _refused(session, PASSWORD, ELSEWHERE)
    assert verifications(login(EMAIL, PASSWORD)) == 1  # throttled: refused, same work
    agent.active = False
    session.add(agent)
    assert verifications(login(EMAIL, PASSWORD)) == 1  # deactivated
    clock.advance(seconds=60)
    agent.active = True
    session.add(agent)
    assert verifications(login(EMAIL, PASSWORD)) == 1  # right


def test_an_address_nobody_uses_is_slowed_down_alike(session: Session, clock: Clock) -> None:
    """The throttled sentence tells nothing about whether an account exists."""
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            authenticate(session, email="nobody@example.com", password="guess", client=ELSEWHERE)
    with pytest.raises(AuthenticationFailed) as early:
        authenticate(session, email="nobody@example.com", password="guess", client=ELSEWHERE)
    assert str(early.value) == core.people.auth.throttled(1)
