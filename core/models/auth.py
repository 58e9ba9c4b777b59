"""Server-side login sessions: the cookie holds a signed token whose hash is stored here."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.platform.clock import utcnow


class AuthSession(SQLModel, table=True):
    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    last_seen_at: dt.datetime = Field(default_factory=utcnow)
    revoked_at: dt.datetime | None = None
    # When the browser confirmed storing / dropping the cookie (its request reached the server):
    # until then the app keeps asking, so a run cut short by a click cannot lose it.
    cookie_set_at: dt.datetime | None = None
    cookie_cleared_at: dt.datetime | None = None


class LoginThrottle(SQLModel, table=True):
    """Failed password checks counted per key (core/people/throttle.py): an account from unknown
    devices, an account on one device (browser) it has logged in on, a client address; and the
    (account, device) pairs that have logged in (`last_success_at`). Keys are SHA-256 digests:
    the table names no e-mail, no address and no device."""

    __tablename__ = "login_throttle"

    key: str = Field(max_length=64, primary_key=True)
    failures: int = Field(default=0)
    last_failure_at: dt.datetime | None = None
    next_allowed_at: dt.datetime | None = None
    last_success_at: dt.datetime | None = None
