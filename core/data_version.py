"""The data-version stamp: bumped in the same transaction as every write (ORM flushes and bulk
loads), read by cached queries as part of their key, so data written by another process (an
import from the CLI, the worker) shows on the next rerun."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session


def bump(session: Session | OrmSession) -> None:
    session.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))


def current(session: Session) -> int:
    return int(
        session.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one_or_none()
        or 0
    )


@event.listens_for(OrmSession, "after_flush")
def _bump_after_writes(session: OrmSession, _context: Any) -> None:
    from core.models import AuthSession, Notification, NotificationPreference

    # Sessions and notifications feed no cached query: their writes leave the stamp alone.
    quiet = (AuthSession, Notification, NotificationPreference)
    changed = [
        o for o in (*session.new, *session.dirty, *session.deleted) if not isinstance(o, quiet)
    ]
    if changed:
        bump(session)
