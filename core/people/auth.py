"""Email + password login (argon2), throttling, server-side sessions and password changes.

The browser keeps a signed, expiring token in an HttpOnly cookie; only its SHA-256 is stored, so
a stolen database does not yield live sessions. Logout revokes the stored session; a password
change, an admin's one-time password, a role change and a deactivation revoke all of a person's
sessions. A session's rights (role, teams led, active) are read from the database on every
request (`resume_session`), never kept with the session.

Every password check (login, change password) goes through `_check_password`: exactly one argon2
verification whatever the outcome (unknown account, wrong password, throttled), then the throttle
of core/people/throttle.py. Every attempt is recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, func, select

from core.models import AuditAction, AuthSession, Person
from core.people import throttle
from core.people.access import Actor, load_actor
from core.people.audit import record
from core.people.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from core.platform.clock import utcnow
from core.platform.config import get_settings
from core.platform.errors import AuthenticationFailed

__all__ = ["MAX_PASSWORD_LENGTH", "MIN_PASSWORD_LENGTH"]

ONE_TIME_PASSWORD_VALID = dt.timedelta(hours=24)
LOGIN_FAILED = (
    "That email and password do not match an active account. After several failed attempts "
    "the next one is accepted only after a short wait (at most a minute): check both and try "
    "again."
)
CURRENT_PASSWORD_WRONG = (
    "Your current password is not correct. After several wrong tries the next one is accepted "
    "only after a short wait (at most a minute)."
)
COOKIE_NAME = "headway_session"
# A browser on which someone has logged in keeps a signed, random device id (no person in it):
# the throttle lets an account's owner in from their usual browser while a stranger is slowed.
DEVICE_COOKIE_NAME = "headway_device"


def throttled(seconds: int) -> str:
    """The refusal while an e-mail address or a network is slowed down: the password typed was
    not checked (so a right one is not called wrong), and when to try again."""
    return (
        "Too many failed attempts for this e-mail address or from this network, so this "
        f"password was not checked. Try again in {seconds} second{'s' if seconds != 1 else ''}."
    )


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Login:
    actor: Actor
    token: str
    must_change_password: bool


def _usable_hash(person: Person | None, now: dt.datetime) -> str | None:
    """The hash a password is checked against: none for an unknown or deactivated account, and
    none for a one-time password past its 24 hours."""
    if person is None or not person.active:
        return None
    if person.must_change_password:
        expires = person.one_time_password_expires_at
        if expires is None or expires <= now:
            return None
    return person.password_hash


def can_log_in(person: Person, *, now: dt.datetime | None = None) -> bool:
    """Whether `person` can get into Headway today: an active account with a password that
    works (a one-time password within its 24 hours), or single sign-on, which lets in any
    active person whose address the provider verifies (`core.people.sso`)."""
    if not person.active:
        return False
    return get_settings().oidc_enabled or _usable_hash(person, now or utcnow()) is not None


THROTTLED = "refused unchecked: too soon after failed attempts (throttled), seconds left:"


def _refusal_sentence(refused: str, otherwise: str) -> str:
    """What the person reads: how long to wait when throttled, else `otherwise`."""
    if refused.startswith(THROTTLED):
        return throttled(int(refused.removeprefix(THROTTLED)))
    return otherwise


def _check_password(
    session: Session,
    *,
    email: str,
    person: Person | None,
    password: str,
    client: str | None,
    device: str | None,
) -> str | None:
    """None if `password` is right and the attempt may be made now, else the reason (in
    Headway's words, for the audit trail). One argon2 verification on every path, so that the
    time taken tells nothing; a refusal is counted by the throttle before the caller raises."""
    now = utcnow()
    attempt = throttle.attempt_for(session, email=email, client=client, now=now, device=device)
    wait = throttle.wait_left(session, attempt, now=now)
    usable = _usable_hash(person, now)
    right = _verify(usable, password)
    if wait:
        return f"{THROTTLED} {wait}"
    if not right:
        throttle.count_failure(session, attempt, now=now)
        if person is None:
            return "no active account has that e-mail address"
        if usable is None and person.must_change_password:
            return "one-time password expired or already used"
        return "wrong password"
    throttle.count_success(session, attempt, now=now)
    return None


def _find_person(session: Session, email: str) -> Person | None:
    person = session.exec(
        select(Person).where(func.lower(Person.email) == email.strip().lower())
    ).first()
    return person if person is not None and person.active else None


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    client: str | None = None,
    device: str | None = None,
) -> Login:
    """Check the credentials and open a session, or raise AuthenticationFailed (one message).

    `client` is the browser's address (None when unknown or local), `device` the id in its
    verified device cookie (`unsign_device`; None without one). A refused attempt and its
    audit event are committed here, before raising, so that the throttle counts it even though
    the caller's transaction is rolled back by the error. A one-time password is used up by the
    login it opens: the person then has to choose their own password.
    """
    person = _find_person(session, email)
    refused = _check_password(
        session, email=email, person=person, password=password, client=client, device=device
    )
    subject = person.id if person is not None else None
    if refused is not None:
        record(
            session,
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            record_type="person",
            record_id=subject,
            subject_id=subject,
            client=client,
            detail=refused,
        )
        session.commit()
        raise AuthenticationFailed(_refusal_sentence(refused, LOGIN_FAILED))
    assert person is not None and person.id is not None
    how = "with a password"
    if person.must_change_password:
        # Single use: with no expiry left, a second login with it fails (`_usable_hash`); its
        # hash stays until the person chooses their own, so that they cannot keep it.
        person.one_time_password_expires_at = None
        session.add(person)
        how = "with a one-time password (now used up)"
    return complete_login(
        session,
        person_id=person.id,
        how=how,
        client=client,
        must_change_password=person.must_change_password,
    )


def complete_login(
    session: Session,
    *,
    person_id: int,
    how: str,
    client: str | None = None,
    must_change_password: bool = False,
) -> Login:
    """The end of every way in (a password, single sign-on): open the session, record the login
    in the audit trail ("logged in <how>") and say who is now logged in."""
    token = open_session(session, person_id=person_id)
    record(
        session,
        actor=person_id,
        action=AuditAction.LOGIN,
        record_type="session",
        subject_id=person_id,
        client=client,
        detail=f"logged in {how}",
    )
    return Login(
        actor=load_actor(session, person_id),
        token=token,
        must_change_password=must_change_password,
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, *, person_id: int) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AuthSession(
            person_id=person_id,
            token_hash=_token_hash(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=get_settings().session_hours),
        )
    )
    session.flush()
    return token


def resume_session(session: Session, *, token: str) -> Login | None:
    """The login behind `token`, or None if it is unknown, revoked, expired or idle too long."""
    stored = session.exec(
        select(AuthSession).where(AuthSession.token_hash == _token_hash(token))
    ).first()
    now = utcnow()
    idle = dt.timedelta(minutes=get_settings().idle_minutes)
    if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
        return None
    if now - stored.last_seen_at > idle:
        stored.revoked_at = now
        session.add(stored)
        return None
    person = session.get(Person, stored.person_id)
    if person is None or not person.active:
        return None
    if now - stored.last_seen_at > dt.timedelta(minutes=1):
        stored.last_seen_at = now
        session.add(stored)
    return Login(load_actor(session, stored.person_id), token, person.must_change_password)


def record_cookie(session: Session, *, token: str, stored: bool) -> None:
    """The browser has stored (or dropped) the cookie of `token`."""
    row = session.exec(
        select(AuthSession).where(AuthSession.token_hash == _token_hash(token))
    ).first()
    if row is not None:
        if stored:
            row.cookie_set_at = utcnow()
        else:
            row.cookie_cleared_at = utcnow()
        session.add(row)


def cookie_confirmed(session: Session, *, token: str, stored: bool) -> bool:
    """Has the browser confirmed storing (or dropping) the cookie of `token`?"""
    row = session.exec(
        select(AuthSession).where(AuthSession.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return not stored  # nothing left to drop
    return (row.cookie_set_at if stored else row.cookie_cleared_at) is not None


def revoke_session(session: Session, *, token: str, client: str | None = None) -> None:
    """Log out: end the session of `token` (recorded once; nothing if it has ended already)."""
    stored = session.exec(
        select(AuthSession).where(AuthSession.token_hash == _token_hash(token))
    ).first()
    if stored is not None and stored.revoked_at is None:
        stored.revoked_at = utcnow()
        session.add(stored)
        record(
            session,
            actor=stored.person_id,
            action=AuditAction.LOGOUT,
            record_type="session",
            record_id=stored.id,
            subject_id=stored.person_id,
            client=client,
            detail="logged out",
        )


def remember_device(session: Session, *, token: str, device: str) -> bool:
    """The browser holding `device` has just logged in with `token` (the cookie route, after
    any login): the person's next password checks there count on that device's own counter.
    False (nothing remembered) for an unknown or ended session."""
    login = resume_session(session, token=token)
    person = session.get(Person, login.actor.id) if login is not None else None
    if person is None:
        return False
    throttle.remember_device(session, email=person.email, device=device, now=utcnow())
    return True


def revoke_person_sessions(
    session: Session,
    *,
    person_id: int,
    actor: Actor | int | None,
    reason: str,
    keep_token: str | None = None,
    client: str | None = None,
) -> int:
    """End every open session of a person (but the one of `keep_token`, if given); record it.
    Returns how many ended."""
    query = select(AuthSession).where(
        col(AuthSession.person_id) == person_id, col(AuthSession.revoked_at).is_(None)
    )
    if keep_token is not None:
        query = query.where(col(AuthSession.token_hash) != _token_hash(keep_token))
    now = utcnow()
    ended = 0
    for stored in session.exec(query).all():
        stored.revoked_at = now
        session.add(stored)
        ended += 1
    record(
        session,
        actor=actor,
        action=AuditAction.SESSIONS_REVOKED,
        record_type="person",
        record_id=person_id,
        subject_id=person_id,
        client=client,
        detail=f"{ended} session{'' if ended == 1 else 's'} ended: {reason}",
    )
    session.flush()
    return ended


def log_out_everywhere(session: Session, *, actor: Actor, client: str | None = None) -> int:
    """End every session of the acting person, on every device, this one included."""
    return revoke_person_sessions(
        session, person_id=actor.id, actor=actor, reason="log out everywhere", client=client
    )
