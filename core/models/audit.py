"""The audit trail: who read or changed sensitive records, and every change to accounts.

Append-only: the migration adds database triggers that refuse UPDATE and DELETE on this table, so
not even Headway's own code can rewrite history. Rows hold ids, never free text written by users
(the erasure of a person leaves the trail readable without their words).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.models.types import enum_field, one_of
from core.platform.clock import utcnow


class AuditAction(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_CHANGE_FAILED = "password_change_failed"
    PASSWORD_RESET = "password_reset"
    SESSIONS_REVOKED = "sessions_revoked"
    ROLE_CHANGED = "role_changed"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated"
    PERSONAL_DATA_EXPORTED = "personal_data_exported"
    PERSON_ERASED = "person_erased"
    RETENTION_APPLIED = "retention_applied"


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_record", "record_type", "record_id"),
        one_of("action", AuditAction, table="audit_event"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow)
    # No foreign keys: the trail outlives what it names (a deleted record, an erased person).
    actor_id: int | None = Field(default=None, index=True)  # None: the system (a job)
    action: AuditAction = enum_field(AuditAction, 32)
    record_type: str = Field(max_length=40)  # e.g. coaching_note, evaluation, person, session
    record_id: int | None = None
    subject_id: int | None = Field(default=None, index=True)  # the person the record is about
    client: str | None = Field(default=None, max_length=64)  # the client address, for logins
    detail: str = Field(default="", max_length=300)  # Headway's words, never a user's text
