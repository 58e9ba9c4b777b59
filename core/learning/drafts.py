"""Drafts of long texts, kept on the server while they are typed (a coaching note, a learning
share, a pledge's commitments): a reload, a lost connection or another device does not lose them.

A draft is one person's own: every call works on the acting person's drafts only, so no one can
read or overwrite anyone else's. A draft's name is its kind and what it is about, e.g.
"coaching_note:agent=12"; the kind fixes which fields it may hold and how long each may be (the
limits of the texts it becomes, so a draft never grows beyond what could be saved).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlmodel import Session

from core.coaching.notes import NOTE_LIMITS, NOTE_TEXTS
from core.learning.pledges import COMMITMENTS_TEXT_LENGTH
from core.learning.shares import SHARE_LIMITS, SHARE_TEXTS
from core.models import FormDraft
from core.people.access import Actor
from core.platform.clock import utcnow
from core.platform.db import dialect_insert
from core.platform.errors import InvalidInput
from core.platform.limits import max_length, require_fits

# kind → field → (label, limit)
KINDS: dict[str, dict[str, tuple[str, int]]] = {
    "coaching_note": {name: (label, NOTE_LIMITS[name]) for name, label in NOTE_TEXTS.items()},
    "learning_share": {
        **{name: (label, SHARE_LIMITS[name]) for name, label in SHARE_TEXTS.items()},
        "tags": ("Skills or tags", SHARE_LIMITS["tags"]),
    },
    "pledge": {"commitments": ("My own commitments", COMMITMENTS_TEXT_LENGTH)},
}
NAME_LENGTH = max_length(FormDraft, "form")


@dataclass(frozen=True)
class DraftRead:
    fields: dict[str, str]
    updated_at: dt.datetime  # aware, UTC


def draft_fields(name: str) -> dict[str, tuple[str, int]]:
    """The fields a draft called `name` may hold: field → (label, limit)."""
    kind = name.split(":", 1)[0]
    if kind not in KINDS:
        raise InvalidInput(
            f"There are no drafts of “{kind}”; drafts are kept for: {', '.join(sorted(KINDS))}."
        )
    if len(name) > NAME_LENGTH:
        raise InvalidInput(f"A draft's name has at most {NAME_LENGTH} characters.")
    return KINDS[kind]


def save_draft(session: Session, *, actor: Actor, name: str, fields: dict[str, str]) -> DraftRead:
    """Keep what `actor` has typed so far in the form `name` (all its fields at once). A form with
    nothing typed keeps no draft. A text longer than its field's limit is refused, naming it and
    how much to remove (the previous draft stays)."""
    allowed = draft_fields(name)
    if unknown := sorted(set(fields) - set(allowed)):
        raise InvalidInput(f"A {name.split(':')[0]} draft has no field {', '.join(unknown)}.")
    require_fits(*((allowed[f][0], text, allowed[f][1]) for f, text in fields.items()))
    row = session.get(FormDraft, (actor.id, name))
    if not any(text.strip() for text in fields.values()):
        if row is not None:
            session.delete(row)
            session.flush()
        return DraftRead({}, utcnow())
    text, now = json.dumps(fields, ensure_ascii=False, sort_keys=True), utcnow()
    if row is None:
        # Two runs of one browser session (leaving one box while the page reruns for the one
        # before) may both find no draft: whichever inserts second updates the first's row.
        insert = dialect_insert(session, FormDraft).values(
            person_id=actor.id, form=name, fields=text, updated_at=now
        )
        session.execute(
            insert.on_conflict_do_update(
                index_elements=["person_id", "form"], set_={"fields": text, "updated_at": now}
            )
        )
        return DraftRead(dict(fields), now)
    row.fields, row.updated_at = text, now
    session.add(row)
    session.flush()  # a second save in the same session finds it
    return DraftRead(dict(fields), row.updated_at)


def load_draft(session: Session, *, actor: Actor, name: str) -> DraftRead | None:
    """`actor`'s draft of the form `name`, or None."""
    draft_fields(name)
    row = session.get(FormDraft, (actor.id, name))
    if row is None:
        return None
    stored = row.updated_at
    at = stored if stored.tzinfo else stored.replace(tzinfo=dt.UTC)  # SQLite drops the zone
    return DraftRead({k: str(v) for k, v in json.loads(row.fields).items()}, at)


def discard_draft(session: Session, *, actor: Actor, name: str) -> None:
    """Forget `actor`'s draft of the form `name` (after it was saved, or when asked to)."""
    draft_fields(name)
    row = session.get(FormDraft, (actor.id, name))
    if row is not None:
        session.delete(row)
        session.flush()
