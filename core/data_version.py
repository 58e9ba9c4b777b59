"""The data-version stamp: bumped in the same transaction as every write to a table the cached
reads are made from (ORM flushes and bulk loads of observations), read by those cached queries as
part of their key, so data written by another process (an import from the CLI, the worker) shows
on the next rerun."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel

from core import models as m


def bump(session: Session | OrmSession) -> None:
    session.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))


def current(session: Session) -> int:
    return int(
        session.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one_or_none()
        or 0
    )


# The tables the cached reads (the team-growth page, `ui.analytics`) are made from: a write to
# one of them bumps the stamp; any other write (a sign-in, a notification, kudos, a pledge, a plan
# run) leaves it, so those caches are not thrown away for nothing and the busy tables do not queue
# on the stamp's row. A test checks the list against the SQL those reads run.
FEEDS_CACHED_READS: tuple[type[SQLModel], ...] = (
    *(m.Assignment, m.ClosureDay, m.CoachingNote, m.FollowUp, m.LearningShare),
    *(m.Observation, m.PdDay, m.Person, m.Team, m.Term),
)


@event.listens_for(OrmSession, "after_flush")
def _bump_after_writes(session: OrmSession, _context: Any) -> None:
    if any(
        isinstance(o, FEEDS_CACHED_READS) for o in (*session.new, *session.dirty, *session.deleted)
    ):
        bump(session)
