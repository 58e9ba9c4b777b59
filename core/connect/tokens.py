"""API tokens (issue 26): what lets a system, or a person's own script, call Headway's API.

- An admin makes **service tokens** for systems (a QA tool's nightly export, the telephony
  platform's interval report) with any scopes; anyone may make a **personal token** for
  themself, with read scopes only.
- A token is shown once, when it is made. Headway keeps its SHA-256 digest (a token is 32 random
  bytes: no password-style stretching is needed), its first characters to recognise it in a
  list, its scopes and its expiry.
- A token acts as the person who made it, with that person's rights as they are at each use
  (`core.people.access.load_actor` then), and only within its scopes: an admin demoted to lead
  has tokens that can do what a lead can; a deactivated person's tokens do nothing.
- Every use is counted, timed (`last_used_at`) and written to the audit trail; revoking is
  immediate (the next request is refused).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import ApiToken, AuditAction, AuditEvent, Person, Role, TokenKind
from core.people.access import load_actor
from core.people.audit import record
from core.platform.actor import Actor
from core.platform.clock import today, utcnow
from core.platform.errors import AccessDenied, AuthenticationFailed, InvalidInput, NotFound

PREFIX = "hw_"
LONGEST_DAYS = 366  # a token lives at most a year: a forgotten one ends by itself

# Every scope, with what it lets a token do (said beside it where tokens are made).
SCOPES: dict[str, str] = {
    "metrics:write": "send metric observations (QA, CSAT, FCR, repeat contacts, handle time)",
    "evaluations:write": "send QA evaluations with their scorecard answers",
    "forecasts:write": "send contact forecasts per team and interval",
    "contacts:write": "send daily contact volumes per contact reason",
    "people:read": "read people and teams",
    "growth:read": "read team growth summaries, coaching coverage and PD-day coverage",
    "scim:write": "provision people and teams from an identity provider (SCIM)",
}
READ_SCOPES = frozenset(s for s in SCOPES if s.endswith(":read"))
# What the growth reads answer is for whoever reviews a team: an agent's token would only get 403s.
TEAM_READS = frozenset({"growth:read"})


def offered_scopes(actor: Actor) -> dict[str, str]:
    """The scopes `actor` may give a token: an admin any; anyone else the reads they can use (an
    agent reads people and teams, not team growth)."""
    if actor.is_admin:
        return dict(SCOPES)
    usable = READ_SCOPES - TEAM_READS if actor.role is Role.AGENT else READ_SCOPES
    return {k: v for k, v in SCOPES.items() if k in usable}


TOKEN_RECORD = "api_token"


@dataclass(frozen=True)
class NewToken:
    """A token just made: `text` is shown once and never again."""

    id: int
    text: str
    prefix: str
    expires_on: dt.date


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    kind: TokenKind
    owner: str
    scopes: tuple[str, ...]
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    uses: int

    @property
    def valid_until(self) -> dt.date:
        """The last day it works (it ends at the start of the next, UTC)."""
        return (self.expires_at - dt.timedelta(microseconds=1)).date()

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "active"


@dataclass(frozen=True)
class TokenUse:
    at: dt.datetime
    detail: str


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _expiry(day: dt.date) -> dt.datetime:
    """The end of `day` in UTC: a token "valid until 31 March" works all of that day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def create_token(
    session: Session,
    *,
    actor: Actor,
    name: str,
    kind: TokenKind,
    scopes: Iterable[str],
    expires_on: dt.date,
) -> NewToken:
    """Make a token; its text is in the answer only."""
    chosen = sorted(set(scopes))
    problems = []
    label = name.strip()
    if not label:
        problems.append("Give the token a name that says which system uses it.")
    elif len(label) > 80:
        problems.append(f"The name is {len(label)} characters long; 80 at most.")
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        problems.append(
            f"Unknown scope(s) {', '.join(unknown)}; known: {', '.join(sorted(SCOPES))}."
        )
    if not chosen:
        problems.append("Choose at least one scope.")
    first_day = today()
    if expires_on <= first_day:
        problems.append(f"The expiry {expires_on.isoformat()} is not after today.")
    elif expires_on > first_day + dt.timedelta(days=LONGEST_DAYS):
        problems.append(
            f"The expiry {expires_on.isoformat()} is more than a year away; a token lives "
            f"until {(first_day + dt.timedelta(days=LONGEST_DAYS)).isoformat()} at the latest."
        )
    if kind is TokenKind.SERVICE and not actor.is_admin:
        raise AccessDenied("Only an admin can make a service token; make a personal one instead.")
    if (
        kind is TokenKind.PERSONAL
        and not [s for s in chosen if s not in READ_SCOPES]
        and (useless := [s for s in chosen if s not in offered_scopes(actor)])
    ):
        problems.append(
            f"{', '.join(useless)} reads team summaries, which are for team leads and managers; "
            "a token of yours would only be refused."
        )
    if kind is TokenKind.PERSONAL and (writes := [s for s in chosen if s not in READ_SCOPES]):
        problems.append(
            f"A personal token reads only; {', '.join(writes)} needs a service token "
            "(an admin makes those)."
        )
    if problems:
        raise InvalidInput("The token was not made.", problems)
    text = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=label,
        kind=kind,
        owner_id=actor.id,
        scopes=" ".join(chosen),
        prefix=text[:11],
        token_hash=digest(text),
        expires_at=_expiry(expires_on),
    )
    session.add(token)
    session.flush()
    assert token.id is not None
    record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=TOKEN_RECORD,
        record_id=token.id,
        detail=f"{kind.value} token “{label}”: {' '.join(chosen)}; until {expires_on}",
    )
    return NewToken(token.id, text, token.prefix, expires_on)


def list_tokens(session: Session, *, actor: Actor) -> list[TokenRow]:
    """An admin sees every token; anyone else their own."""
    query = select(ApiToken, Person.name).join(Person, col(Person.id) == ApiToken.owner_id)
    if not actor.is_admin:
        query = query.where(ApiToken.owner_id == actor.id)
    rows = session.exec(query.order_by(col(ApiToken.created_at).desc(), col(ApiToken.id))).all()
    return [_row(token, owner) for token, owner in rows]


def _row(token: ApiToken, owner: str) -> TokenRow:
    assert token.id is not None
    return TokenRow(
        token.id,
        token.name,
        TokenKind(token.kind),
        owner,
        tuple(token.scopes.split()),
        token.prefix,
        token.created_at,
        token.expires_at,
        token.revoked_at,
        token.last_used_at,
        token.uses,
    )


def _own_or_admin(session: Session, actor: Actor, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    # Another person's token is not in the reader's list: it does not exist for them.
    if token is None or (token.owner_id != actor.id and not actor.is_admin):
        raise NotFound(f"There is no token #{token_id} among yours.")
    return token


def revoke_token(session: Session, *, actor: Actor, token_id: int) -> str:
    """End a token at once (its owner, or an admin); the next request with it is refused."""
    token = _own_or_admin(session, actor, token_id)
    if token.revoked_at is not None:
        return f"“{token.name}” was already revoked."
    token.revoked_at = utcnow()
    token.revoked_by = actor.id
    session.add(token)
    record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type=TOKEN_RECORD,
        record_id=token_id,
        detail=f"revoked “{token.name}”",
    )
    return f"“{token.name}” is revoked: requests with it are refused from now on."


def token_uses(session: Session, *, actor: Actor, token_id: int, limit: int = 50) -> list[TokenUse]:
    """The token's most recent uses, newest first, from the audit trail."""
    _own_or_admin(session, actor, token_id)
    events = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.record_type == TOKEN_RECORD,
            AuditEvent.record_id == token_id,
            AuditEvent.action == AuditAction.LOGIN,
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    ).all()
    return [TokenUse(e.at, e.detail) for e in events]


@dataclass(frozen=True)
class TokensView:
    """What the API tokens page shows: the reader's tokens (an admin: everyone's), newest first,
    the one chosen (the newest when none or an unknown one is asked for) and its recent uses."""

    tokens: list[TokenRow]
    chosen: TokenRow | None
    uses: list[TokenUse]


def tokens_view(session: Session, *, actor: Actor, chosen: int | None = None) -> TokensView:
    tokens = list_tokens(session, actor=actor)
    row = next((t for t in tokens if t.id == chosen), tokens[0] if tokens else None)
    uses = token_uses(session, actor=actor, token_id=row.id) if row is not None else []
    return TokensView(tokens, row, uses)


def authenticate(session: Session, *, text: str, scope: str, request: str = "") -> Actor:
    """The person a request with this token acts as, for `scope`, with their rights as they are
    now. Counts the use and writes it to the audit trail (in the caller's transaction).
    `AuthenticationFailed` when the token is unknown, expired, revoked or its owner gone;
    `AccessDenied` when it lacks the scope."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope}")
    presented = digest(text)
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == presented)).first()
    # The lookup is by digest; comparing the digests again in constant time costs nothing.
    if token is None or not hmac.compare_digest(token.token_hash, presented):
        raise AuthenticationFailed("That API token is not known to Headway.")
    if token.revoked_at is not None:
        raise AuthenticationFailed(f"The API token “{token.name}” was revoked.")
    if token.expires_at <= utcnow():
        raise AuthenticationFailed(
            f"The API token “{token.name}” expired on {token.expires_at.date().isoformat()}."
        )
    try:
        actor = load_actor(session, token.owner_id)
    except NotFound:
        raise AuthenticationFailed(
            f"The person who made the API token “{token.name}” no longer has an account."
        ) from None
    if scope not in token.scopes.split():
        raise AccessDenied(f"The API token “{token.name}” does not have the scope {scope}.")
    # A service token whose maker is no longer an admin still works, but only as far as the
    # maker's rights now reach: the services the request calls check them against `actor`.
    token.last_used_at = utcnow()
    token.uses += 1
    session.add(token)
    record(
        session,
        actor=actor,
        action=AuditAction.LOGIN,
        record_type=TOKEN_RECORD,
        record_id=token.id,
        detail=f"{scope} {request}".strip(),
    )
    return actor
