"""Passwords a person changes or chooses, and the one-time passwords an admin sets: each
checked for strength, each ending the person's other sessions."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlmodel import Session

from core.models import AuditAction, Person, Team
from core.people.access import Actor, require_admin
from core.people.audit import record
from core.people.auth import (
    CURRENT_PASSWORD_WRONG,
    ONE_TIME_PASSWORD_VALID,
    _check_password,
    _refusal_sentence,
    _verify,
    hash_password,
    revoke_person_sessions,
)
from core.people.passwords import check_new_password
from core.platform.clock import utcnow
from core.platform.errors import InvalidInput, NotFound


def validate_new_password(
    password: str, *, name: str = "", email: str = "", context: Sequence[str] = ()
) -> None:
    """Refuse a password a guesser would try early (core/people/passwords.py has the rules)."""
    check_new_password(password, name=name, email=email, context=context)


def _set_own_password(
    session: Session,
    person: Person,
    *,
    new_password: str,
    how: str,
    keep_token: str | None,
    client: str | None,
) -> None:
    team = session.get(Team, person.team_id) if person.team_id is not None else None
    validate_new_password(
        new_password,
        name=person.name,
        email=person.email,
        context=(team.name,) if team is not None else (),
    )
    assert person.id is not None
    person.password_hash = hash_password(new_password)
    person.must_change_password = False
    person.one_time_password_expires_at = None
    session.add(person)
    record(
        session,
        actor=person.id,
        action=AuditAction.PASSWORD_CHANGED,
        record_type="person",
        record_id=person.id,
        subject_id=person.id,
        client=client,
        detail=how,
    )
    revoke_person_sessions(
        session,
        person_id=person.id,
        actor=person.id,
        reason="password changed (the session that changed it stays)",
        keep_token=keep_token,
        client=client,
    )


def change_own_password(
    session: Session,
    *,
    actor: Actor,
    current_password: str,
    new_password: str,
    keep_token: str | None = None,
    client: str | None = None,
    device: str | None = None,
) -> None:
    """Change my password: the current one is checked (and throttled, like a login); every other
    session of mine ends (the one of `keep_token` stays)."""
    person = session.get(Person, actor.id)
    if person is None or not person.active:
        raise NotFound("Your account no longer exists.")
    refused = _check_password(
        session,
        email=person.email,
        person=person,
        password=current_password,
        client=client,
        device=device,
    )
    if refused is not None:
        record(
            session,
            actor=actor,
            action=AuditAction.PASSWORD_CHANGE_FAILED,
            record_type="person",
            record_id=actor.id,
            subject_id=actor.id,
            client=client,
            detail=f"current password not accepted: {refused}",
        )
        session.commit()
        raise InvalidInput(_refusal_sentence(refused, CURRENT_PASSWORD_WRONG))
    if new_password == current_password:
        raise InvalidInput("The new password must differ from the current one; choose another.")
    _set_own_password(
        session,
        person,
        new_password=new_password,
        how="changed on My account",
        keep_token=keep_token,
        client=client,
    )


def choose_own_password(
    session: Session,
    *,
    actor: Actor,
    new_password: str,
    keep_token: str | None = None,
    client: str | None = None,
) -> None:
    """After logging in with a one-time password (used up by that login), choose my own: no
    current password is asked, since the session itself is the proof."""
    person = session.get(Person, actor.id)
    if person is None or not person.active:
        raise NotFound("Your account no longer exists.")
    if not person.must_change_password:
        raise InvalidInput(
            "Your password is already your own; change it on My account with your current one."
        )
    if _verify(person.password_hash, new_password):
        raise InvalidInput(
            "That is the one-time password your admin set, which they have seen: choose one "
            "only you know."
        )
    _set_own_password(
        session,
        person,
        new_password=new_password,
        how="own password chosen after a one-time password",
        keep_token=keep_token,
        client=client,
    )


def set_one_time_password(
    session: Session,
    *,
    actor: Actor,
    person_id: int,
    password: str | None = None,
    client: str | None = None,
) -> str:
    """Admin sets (or generates) a one-time password: it opens one login within 24 hours, after
    which the person must choose their own. Every open session of the person ends."""
    require_admin(actor)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    if password is None:
        password = secrets.token_urlsafe(12)
    else:
        validate_new_password(password, name=person.name, email=person.email)
    person.password_hash = hash_password(password)
    person.must_change_password = True
    person.one_time_password_expires_at = utcnow() + ONE_TIME_PASSWORD_VALID
    session.add(person)
    record(
        session,
        actor=actor,
        action=AuditAction.PASSWORD_RESET,
        record_type="person",
        record_id=person_id,
        subject_id=person_id,
        client=client,
        detail="one-time password set (one login, within 24 hours)",
    )
    revoke_person_sessions(
        session,
        person_id=person_id,
        actor=actor,
        reason="one-time password set by an admin",
        client=client,
    )
    return password
