"""API tokens: how the contact centre's systems (and a person's own scripts) call Headway's API.

A token is shown once when it is made; only its SHA-256 digest is kept. It acts as the person who
made it, with that person's rights as they are at each use, and only within its scopes."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.models.types import enum_field, one_of
from core.platform.clock import utcnow


class TokenKind(StrEnum):
    SERVICE = "service"  # made by an admin for a system: any scope
    PERSONAL = "personal"  # made by anyone for themself: read scopes only


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    __table_args__ = (
        one_of("kind", TokenKind, table="api_token"),
        Index("ix_api_token_owner", "owner_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    kind: TokenKind = enum_field(TokenKind, 10)
    owner_id: int = Field(foreign_key="person.id")
    scopes: str = Field(max_length=400)  # space-separated, sorted
    prefix: str = Field(max_length=16)  # the first characters, to recognise it in a list
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None
    revoked_by: int | None = Field(default=None, foreign_key="person.id")
    last_used_at: dt.datetime | None = None
    uses: int = Field(default=0)
