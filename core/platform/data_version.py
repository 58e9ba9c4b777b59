"""The data-version stamp: moved by every write to a table the cached reads are made from (ORM
flushes, retention, the final move of a metric import), read by those cached queries as part of
their key, so data written by another process (an import from the CLI, the worker) shows on the
next rerun.

The stamp is no single hot row. A write inserts one row into `data_stamp` in its own transaction
(an insert waits for no other writer on either database, whatever the other transaction's length);
the key is (epoch, number of stamp rows). Why the count and not the highest id: an id allocated
early by a long transaction but committed late would leave the highest id unchanged, while the
count always grows when any stamp row commits. Within one epoch rows are only ever added, so a key
never comes back; `prune` deletes the rows and raises the epoch (`data_version.version`) in one
transaction, so a pruned count is never mistaken for an earlier key. Reading it is one statement
over a table that pruning keeps small.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel

from core import models as m

_EPOCH_SPAN = 1_000_000_000  # stamp rows per epoch never come near this: they are pruned daily


def bump(session: Session | OrmSession) -> None:
    session.execute(text("INSERT INTO data_stamp DEFAULT VALUES"))


def current(session: Session) -> int:
    """The cache key: epoch and count of stamp rows, read in one statement (one snapshot)."""
    row = session.execute(
        text(
            "SELECT (SELECT version FROM data_version WHERE id = 1), "
            "(SELECT count(*) FROM data_stamp)"
        )
    ).one()
    return int(row[0] or 0) * _EPOCH_SPAN + int(row[1] or 0)


def prune(session: Session | OrmSession) -> int:
    """Delete the stamp rows and raise the epoch in the caller's (short) transaction; returns how
    many rows went. Every cache is read afresh once afterwards. Run daily by the retention job."""
    removed = session.execute(text("DELETE FROM data_stamp"))
    session.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))
    return int(getattr(removed, "rowcount", 0) or 0)


# The tables the cached reads (the team-growth page, `ui.analytics`) are made from: a write to
# one of them bumps the stamp; any other write (a sign-in, a notification, kudos, a pledge, a plan
# run) leaves it, so those caches are not thrown away for nothing. A test checks the list against
# the SQL those reads run.
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
