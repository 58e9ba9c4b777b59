"""Drafts of long texts (a coaching note, a learning share, a pledge): kept on the server as they
are typed, so a reload, a lost connection or another device does not lose them."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.platform.clock import utcnow


class FormDraft(SQLModel, table=True):
    """One person's unsaved draft of one form (`form` names the form and what it is about, e.g.
    "coaching_note:agent=12"); deleted when the form is saved."""

    __tablename__ = "form_draft"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    form: str = Field(max_length=120, primary_key=True)
    fields: str = Field(default="{}")  # JSON: field name -> text
    updated_at: dt.datetime = Field(default_factory=utcnow)
