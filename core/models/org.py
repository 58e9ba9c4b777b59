"""The organisation: people, teams and the departments agents visit as ambassadors."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Protocol

from sqlmodel import Field, SQLModel

from core.models.types import at_least, enum_field, one_of
from core.platform.clock import utcnow


class Role(StrEnum):
    AGENT = "agent"
    TEAM_LEAD = "team_lead"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"agent": "Agent", "team_lead": "Team lead", "manager": "Manager", "admin": "Admin"}[
            self.value
        ]


class Team(SQLModel, table=True):
    __table_args__ = (at_least("min_staffed", 0, table="team"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    site: str = Field(default="", max_length=80)
    # The lead is a Person whose role is team_lead; the reference is checked in core.people.org
    # (a database-level foreign key would make team and person depend on each other).
    lead_id: int | None = Field(default=None, index=True)
    min_staffed: int = Field(default=0, ge=0)
    version: int = Field(default=1)
    # The identity provider's id for the group that is this team (SCIM `externalId`).
    external_id: str | None = Field(default=None, max_length=255, unique=True, index=True)


class Person(SQLModel, table=True):
    __table_args__ = (one_of("role", Role, table="person"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254, unique=True)
    role: Role = enum_field(Role, 20, default=Role.AGENT)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    hire_date: dt.date | None = None
    active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=255)
    must_change_password: bool = Field(default=False)
    # A one-time password set by an admin works for one login, until this moment.
    one_time_password_expires_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)
    # The person's id in the identity provider that provisions them (SCIM `externalId`).
    external_id: str | None = Field(default=None, max_length=255, unique=True, index=True)
    # When that provider deleted them: deactivated and kept, but no longer one of its resources.
    deprovisioned_at: dt.datetime | None = None


class _HasId(Protocol):
    """Any table row: SQLModel types the primary key `int | None` until the row is flushed."""

    @property
    def id(self) -> int | None: ...


def id_of(row: _HasId) -> int:
    """The id of a row read from the database or flushed (SQLModel types it `int | None`)."""
    assert row.id is not None
    return row.id


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    host_contact_name: str = Field(default="", max_length=120)
    host_contact_email: str = Field(default="", max_length=254)
    description: str = Field(default="", max_length=2000)
    active: bool = Field(default=True)
    version: int = Field(default=1)
