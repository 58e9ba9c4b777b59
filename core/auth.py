"""Email + password login (argon2), lockout, server-side sessions and password changes.

The browser keeps a signed, expiring token in an HttpOnly cookie; only its SHA-256 is stored, so
a stolen database does not yield live sessions. Logout revokes the stored session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from core.access import Actor, load_actor, require_admin
from core.clock import utcnow
from core.config import get_settings, signing_secret
from core.errors import AuthenticationFailed, InvalidInput, NotFound
from core.models import AuthSession, Person

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
LOGIN_FAILED = (
    "That email and password do not match an active account. "
    "After 5 failed attempts an account is locked for 15 minutes."
)
COOKIE_NAME = "headway_session"


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


def authenticate(session: Session, *, email: str, password: str) -> Login:
    """Check the credentials and open a session, or raise AuthenticationFailed (one message).

    A failed attempt is committed here, before raising, so that the lockout counts it even
    though the caller's transaction is rolled back by the error.
    """
    person = session.exec(
        select(Person).where(func.lower(Person.email) == email.strip().lower())
    ).first()
    now = utcnow()
    if person is None or not person.active:
        _verify(
            None, password
        )  # same cost as a real check: no timing hint that the email is unknown
        raise AuthenticationFailed(LOGIN_FAILED)
    if person.locked_until is not None and person.locked_until > now:
        raise AuthenticationFailed(LOGIN_FAILED)
    if not _verify(person.password_hash, password):
        person.failed_logins += 1
        if person.failed_logins >= MAX_FAILED_LOGINS:
            person.locked_until = now + LOCKOUT
            person.failed_logins = 0
        session.add(person)
        session.commit()
        raise AuthenticationFailed(LOGIN_FAILED)
    person.failed_logins = 0
    person.locked_until = None
    session.add(person)
    assert person.id is not None
    return Login(
        actor=load_actor(session, person.id),
        token=open_session(session, person_id=person.id),
        must_change_password=person.must_change_password,
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


def revoke_session(session: Session, *, token: str) -> None:
    stored = session.exec(
        select(AuthSession).where(AuthSession.token_hash == _token_hash(token))
    ).first()
    if stored is not None and stored.revoked_at is None:
        stored.revoked_at = utcnow()
        session.add(stored)


def _signature(payload: str) -> str:
    key = signing_secret().encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def sign_token(token: str) -> str:
    """The cookie value: token, expiry (epoch seconds) and an HMAC over both."""
    expires = int((utcnow() + dt.timedelta(hours=get_settings().session_hours)).timestamp())
    payload = f"{token}.{expires}"
    return f"{payload}.{_signature(payload)}"


def unsign_token(value: str) -> str | None:
    """The token inside a cookie value, or None if the signature is wrong or it has expired."""
    try:
        token, expires, signature = value.rsplit(".", 2)
        expiry = int(expires)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _signature(f"{token}.{expires}")):
        return None
    if expiry < utcnow().timestamp():
        return None
    return token


def validate_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"A password can have at most {MAX_PASSWORD_LENGTH} characters.")


def change_own_password(
    session: Session, *, actor: Actor, current_password: str, new_password: str
) -> None:
    person = session.get(Person, actor.id)
    if person is None:
        raise NotFound("Your account no longer exists.")
    if not _verify(person.password_hash, current_password):
        raise InvalidInput("Your current password is not correct.")
    if new_password == current_password:
        raise InvalidInput("The new password must differ from the current one.")
    validate_new_password(new_password)
    person.password_hash = hash_password(new_password)
    person.must_change_password = False
    session.add(person)


def set_one_time_password(
    session: Session, *, actor: Actor, person_id: int, password: str | None = None
) -> str:
    """Admin sets (or generates) a one-time password; the person must change it at next login."""
    require_admin(actor)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    password = password or secrets.token_urlsafe(9)
    validate_new_password(password)
    person.password_hash = hash_password(password)
    person.must_change_password = True
    person.failed_logins = 0
    person.locked_until = None
    session.add(person)
    return password
