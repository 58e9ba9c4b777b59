"""How long a text may be, and the one sentence that refuses an over-long one; and the one
character no text may hold.

The limits are the models' `max_length`s (read from the tables, so a limit has one home). A text
that is too long is refused with how many characters it has, the limit and how many to remove —
never cut short silently and never emptied: the form that sent it keeps it (ui/forms.py).

A NUL character (U+0000) is stored by SQLite but refused by PostgreSQL with an error no page
expects: every text written through a session is checked before it is flushed, on both, and
refused with one sentence naming the field (imports refuse it earlier, by line: core/platform/csvio.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import SQLModel

from core.platform.errors import InvalidInput

NUL = "\x00"


def nul_refusal(label: str) -> str:
    return (
        f"“{label}” holds a NUL character (an invisible control character, often pasted from "
        "another program), which cannot be stored: remove it and try again."
    )


@event.listens_for(OrmSession, "before_flush")
def _refuse_nul_characters(session: OrmSession, _context: Any, _instances: Any) -> None:
    """Refuse a NUL in any text about to be written (new rows, and changed fields of others)."""
    for row in (*session.new, *session.dirty):
        state = inspect(row)
        for attribute in state.mapper.column_attrs:
            added = state.attrs[attribute.key].history.added or ()
            if any(isinstance(value, str) and NUL in value for value in added):
                raise InvalidInput(nul_refusal(attribute.key.replace("_", " ").capitalize()))


def max_length(model: type[SQLModel], field: str) -> int:
    """The most characters `model.field` holds, from its column (`Field(max_length=...)`)."""
    column = model.__table__.c[field]  # type: ignore[attr-defined]
    length = getattr(column.type, "length", None)
    if not isinstance(length, int):
        raise ValueError(f"{model.__name__}.{field} has no max_length")
    return length


def too_long(label: str, text: str, limit: int) -> str | None:
    """None when `text` fits (surrounding spaces are not stored, so not counted); else the
    sentence that says by how much it does not, e.g. "“What went well” is 4,512 characters; the
    limit is 4,000 — shorten it by 512." """
    length = len(text.strip())
    if length <= limit:
        return None
    return (
        f"“{label}” is {length:,} characters; the limit is {limit:,} — "
        f"shorten it by {length - limit:,}."
    )


def require_fits(*texts: tuple[str, str, int]) -> None:
    """Refuse when any `(label, text, limit)` is too long, naming each one that is."""
    problems = [p for label, text, limit in texts if (p := too_long(label, text, limit))]
    if len(problems) == 1:
        raise InvalidInput(problems[0])
    if problems:
        raise InvalidInput(f"{len(problems)} texts are too long; nothing was saved:", problems)
