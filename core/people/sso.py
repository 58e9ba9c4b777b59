"""Single sign-on: a person whose identity provider vouches for their e-mail address gets a
normal Headway session.

The provider's answer has already been checked (signature, issuer, audience, nonce) by the
OpenID Connect client before it reaches here; this module only decides who that is in Headway.
People are matched by e-mail address, and only when the provider says it verified that address:
an unverified address could be anyone's.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import httpx
from sqlmodel import Session, func, select

from core.models import AuditAction, Person
from core.people.audit import record
from core.people.auth import Login, complete_login
from core.platform.clock import utcnow
from core.platform.errors import AuthenticationFailed

NOT_VERIFIED = "Your identity provider did not confirm this e-mail address."
NO_EMAIL = (
    "Your identity provider did not send an e-mail address; "
    "ask your admin to allow the email scope for Headway."
)
EXPIRED = "That sign-in is too old to use; sign in again."
NO_USERINFO = (
    "Your identity provider could not be asked for your e-mail address just now; sign in again."
)
OTHER_SUBJECT = "Your identity provider answered for someone else; sign in again."
# A sign-in is handed over to Headway at once; an older one is never accepted (a browser that
# kept the provider's answer must not log someone in hours later).
HANDOVER_WINDOW = dt.timedelta(minutes=10)

_log = logging.getLogger("headway.auth")


def missing_email_claims(claims: dict[str, Any]) -> bool:
    """Whether the ID token leaves out the e-mail claims. A provider following OpenID Connect
    Core 5.4 to the letter (e.g. panva's oidc-provider) returns the claims of the `email` scope
    from its UserInfo endpoint only, never in the ID token of the authorization-code flow."""
    return "email" not in claims or "email_verified" not in claims


def read_userinfo(
    discovery_url: str,
    access_token: str,
    *,
    subject: str,
    client: httpx.Client | None = None,
) -> dict[str, Any]:
    """The provider's UserInfo answer for the access token of this sign-in (its endpoint named
    by the discovery document), refused unless it is about the ID token's subject (Core 5.3.2:
    a different `sub` must not be used)."""
    own = client is None
    http = client or httpx.Client(timeout=10, follow_redirects=False)
    try:
        endpoint = http.get(discovery_url).raise_for_status().json().get("userinfo_endpoint")
        if not isinstance(endpoint, str) or not endpoint:
            raise AuthenticationFailed(NO_EMAIL)
        answer = http.get(endpoint, headers={"Authorization": f"Bearer {access_token}"})
        claims = answer.raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        _log.warning("single sign-on: the UserInfo endpoint could not be read: %s", exc)
        raise AuthenticationFailed(NO_USERINFO) from None
    finally:
        if own:
            http.close()
    if not isinstance(claims, dict):
        raise AuthenticationFailed(NO_USERINFO)
    if claims.get("sub") != subject:
        _log.warning(
            "single sign-on refused: UserInfo is about %r, the ID token about %r",
            claims.get("sub"),
            subject,
        )
        raise AuthenticationFailed(OTHER_SUBJECT)
    return claims


def no_account(email: str) -> str:
    return f"No active Headway account uses {email}; ask your admin."


def sso_login(
    session: Session,
    *,
    email: str | None,
    email_verified: bool,
    issuer: str,
    subject: str,
    issued_at: dt.datetime | None = None,
) -> Login:
    """Open a Headway session for the active person with this verified e-mail address (any
    case), or raise AuthenticationFailed with the sentence to show on the login page."""
    if issued_at is not None and utcnow() - issued_at > HANDOVER_WINDOW:
        raise AuthenticationFailed(EXPIRED)
    address = (email or "").strip()
    if not address:
        raise AuthenticationFailed(NO_EMAIL)
    if not email_verified:
        raise AuthenticationFailed(NOT_VERIFIED)
    person = session.exec(select(Person).where(func.lower(Person.email) == address.lower())).first()
    if person is None or not person.active or person.id is None:
        _log.info(
            "single sign-on refused: no active person uses %s (%s %s)", address, issuer, subject
        )
        if person is not None:  # a deactivated account: its owner's trail shows the attempt
            record(
                session,
                actor=None,
                action=AuditAction.LOGIN_FAILED,
                record_type="person",
                record_id=person.id,
                subject_id=person.id,
                detail="single sign-on refused: the account is deactivated",
            )
            session.commit()
        raise AuthenticationFailed(no_account(address))
    _log.info("single sign-on: person %s as %s at %s", person.id, subject, issuer)
    return complete_login(
        session,
        person_id=person.id,
        how="with single sign-on",
        # A one-time password set by an admin is for password logins: whoever signs in through
        # their provider never typed it, so it does not stand in their way here.
        must_change_password=False,
    )
