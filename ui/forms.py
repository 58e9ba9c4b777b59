"""Forms that keep what was typed and save it exactly once.

Why this exists (issue 17): `st.form(clear_on_submit=True)` empties the fields in the *browser*
the moment Share is clicked. A second click (a double click, or an impatient one while the page
is still rerunning) then submits the emptied form; Streamlit starts a new run for it at once
(`runner.fastReruns`) and stops the first run at its next `st.*` call — usually before it reached
the save. The one run left sees blank fields, refuses them, and the share is gone.

So a `SaveOnceForm` never clears in the browser. It clears on the *server*, after the save has
committed, by moving the form to a new key (its "generation"): the next run draws fresh, empty
widgets (or widgets showing the saved values, for edit forms). Every submission of one generation
carries the same fields, and the save is guarded so that it runs once per generation even when
two runs of the same session overlap: the first saves, the others see the generation has moved on
and only show the confirmation. A refusal (`DomainError`) leaves the form and what was typed in
place, with the reason beside it.

A form can also keep a *draft* of its long texts on the server (core/learning/drafts.py), so that a
reload of the tab, a lost connection or another device does not lose them:
`SaveOnceForm("learn_new", draft="learning_share", actor=me)`, with its texts drawn by
`form.text_area(label, field=...)` / `form.text_input(...)`. Widgets inside an `st.form` send
nothing to the server until Submit, so a draft form is drawn as a bordered container instead: a
text reaches the server when the person leaves the box (or presses Ctrl+Enter), and its
`on_change` callback stores the draft then. The draft is written back into the boxes when the
form is drawn in a new browser session, deleted in the same transaction as the save, and a
caption says when it was kept, with a "Discard draft" button. A text longer than its limit gets
the reason right under its box (and is refused on Save, the form keeping it).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import streamlit as st

from core.learning.drafts import DraftRead, discard_draft, draft_fields, load_draft, save_draft
from core.people.access import Actor
from core.platform.config import get_settings
from core.platform.errors import DomainError
from core.platform.limits import too_long
from ui.errors import show_domain_error
from ui.state import db

# Guards only the creation of each browser session's own record (held in its session state); no
# user data lives at module level.
_RECORD_CREATION = threading.Lock()
SHOW_DONE_SECONDS = 8
NOT_KEPT = (
    "Your draft could not be kept just now (the database did not answer); what you typed is "
    "still here, and leaving a box tries again."
)
NOT_DISCARDED = "The draft could not be discarded just now; try again in a moment."
log = logging.getLogger("headway.forms")


@dataclass
class _Forms:
    """One browser session's forms: each form's generation, the last confirmations and the lock
    that lets one save run at a time. Plain attributes on purpose: reading or writing
    st.session_state is itself a point where Streamlit may stop a run, so after a commit the
    generation must move on without touching st.session_state."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    generations: dict[str, int] = field(default_factory=dict)
    # The last save's confirmation, by form: its sentence and when it was first shown (None:
    # not yet; it stays a few seconds from then, however long the run that shows it waited).
    done: dict[str, tuple[str, float | None]] = field(default_factory=dict)
    # Why a draft could not be kept on its last change (a text over its limit), by draft name.
    draft_problems: dict[str, str] = field(default_factory=dict)
    # The text each draft box started from in this browser session (the kept draft), by key.
    first_texts: dict[str, str] = field(default_factory=dict)


def _forms() -> _Forms:
    with _RECORD_CREATION:
        record = st.session_state.get("forms_record")
        if record is None:
            record = _Forms()
            st.session_state["forms_record"] = record
        return record


class SaveOnceForm:
    """`with SaveOnceForm("learn_new") as form:` draws an `st.form`; inside, read the widgets
    (without `key=`: their identity comes from the form's generation), then
    `if form.submitted("Share"): form.save(write_share, actor=me, data=..., done="Shared.")`.

    With `draft="learning_share"` (a name core/learning/drafts.py knows) and `actor=me`, the texts drawn
    with `form.text_area(label, field=...)` are kept as a draft while they are typed; the form's
    other widgets take `key=form.key_for("...")` so that they, too, start afresh after a save."""

    def __init__(
        self,
        name: str,
        *,
        show_done: bool = True,
        draft: str | None = None,
        actor: Actor | None = None,
        **form_kwargs: Any,
    ) -> None:
        if draft is not None and actor is None:
            raise ValueError("a form that keeps a draft needs the actor whose draft it is")
        self.name = name
        self._record = _forms()
        self.generation = self._record.generations.get(name, 0)
        self.key = f"{name}__{self.generation}"
        self._show_done = show_done
        self._form_kwargs = form_kwargs
        self._form: Any = None
        self.draft = draft
        self._actor = actor
        self._texts: dict[str, str] = {}  # field → widget key, in the order drawn
        self._stored: DraftRead | None = None
        self._done_slot: Any = None  # where the last save's confirmation is drawn

    def __enter__(self) -> SaveOnceForm:
        if self._show_done:
            self.show_done()
        if self.draft is None:
            self._form = st.form(self.key, clear_on_submit=False, **self._form_kwargs)
        else:
            with db() as session:
                self._stored = load_draft(session, actor=self._owner(), name=self.draft)
            self._form = st.container(border=True)
        self._form.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None and self.draft is not None:
            self._draft_caption()
        self._form.__exit__(kind, error, trace)

    def key_for(self, widget: str) -> str:
        """A key for one of the form's widgets that moves on with the form after each save."""
        return f"{self.key}:{widget}"

    def text_area(self, label: str, *, field: str, value: str = "", **kwargs: Any) -> str:
        """A text area of the form: kept in the draft (if the form has one) as `field`."""
        return self._text(st.text_area, label, field, value, kwargs)

    def text_input(self, label: str, *, field: str, value: str = "", **kwargs: Any) -> str:
        return self._text(st.text_input, label, field, value, kwargs)

    def _text(
        self, widget: Callable[..., Any], label: str, field: str, value: str, kwargs: Any
    ) -> str:
        # No `max_chars`: the browser would ignore a paste that goes over it, leaving the box
        # as it was without a word. Over-long texts are refused by core, saying by how much.
        if self.draft is None:
            return str(widget(label, value=value, **kwargs))
        limit = draft_fields(self.draft)[field][1]
        key = self.key_for(field)
        self._texts[field] = key
        # The kept draft is the box's *default*, taken when the box is drawn afresh (first
        # time in this browser session, or back on the page) and fixed while it stays, never
        # written into st.session_state: a value set that way reaches the browser with one run
        # only, and a box that first appears later (in an expander opened after a reload) is
        # drawn from a later run's message, without it: an empty box over the draft, which its
        # next change would then overwrite.
        first = self._record.first_texts.get(key)
        if first is None or key not in st.session_state:
            stored = self._stored.fields.get(field) if self._stored else None
            first = self._record.first_texts[key] = value if stored is None else stored
        text = str(widget(label, value=first, key=key, on_change=self._keep, **kwargs))
        warning = st.empty()  # kept when empty, so that the boxes below never move (show_done)
        if problem := too_long(label, text, limit):
            warning.warning(problem, icon=":material/content_cut:")
        return text

    def _owner(self) -> Actor:
        assert self._actor is not None
        return self._actor

    def _keep(self) -> None:
        """Store the draft: what the form's texts hold now (a widget's on_change callback)."""
        assert self.draft is not None
        fields = {f: str(st.session_state.get(key) or "") for f, key in self._texts.items()}
        try:
            with db() as session:
                self._stored = save_draft(
                    session, actor=self._owner(), name=self.draft, fields=fields
                )
        except DomainError as exc:  # a text over its limit
            self._record.draft_problems[self.draft] = str(exc)
        except Exception:  # a callback runs outside the page's handler: never a traceback
            log.exception("the draft %s could not be kept", self.draft)
            self._record.draft_problems[self.draft] = NOT_KEPT
        else:
            self._record.draft_problems.pop(self.draft, None)

    def _discard(self) -> None:
        assert self.draft is not None
        try:
            with db() as session:
                discard_draft(session, actor=self._owner(), name=self.draft)
        except Exception:  # as in _keep: the draft stays, and the person is told
            log.exception("the draft %s could not be discarded", self.draft)
            self._record.draft_problems[self.draft] = NOT_DISCARDED
            return
        self._record.draft_problems.pop(self.draft, None)
        self._record.generations[self.name] = self.generation + 1  # fresh, empty boxes

    def _draft_caption(self) -> None:
        stored = self._stored if self._stored and self._stored.fields else None
        problem = self.draft is not None and self._record.draft_problems.get(self.draft)
        if stored is None and not problem:
            return
        left, right = st.columns([4, 1], vertical_alignment="center")
        if problem in (NOT_KEPT, NOT_DISCARDED):
            left.text(problem)
        elif problem:
            left.text(
                "A text is too long to keep as a draft: shorten it (see above)."
                + (
                    f" A reload brings back the draft kept at {_when(stored.updated_at)}."
                    if stored
                    else ""
                )
            )
        else:
            assert stored is not None
            left.text(
                f"Draft kept at {_when(stored.updated_at)} — it will be here if you reload.",
            )
        if stored is not None:
            right.button(
                "Discard draft",
                key=self.key_for("discard"),
                on_click=self._discard,
                icon=":material/delete:",
                type="tertiary",
            )

    def show_done(self) -> bool:
        """The confirmation of the last save (call it where the user will see it); True when
        there is one. It stays for a few seconds from the run that first shows it rather than one
        run: that run may be followed at once by another (the second click of a double click),
        which would otherwise wipe it."""
        # The place is kept on every run, with or without a confirmation in it: a confirmation
        # that comes and goes would move every element after it, and the browser would draw
        # the boxes below afresh, losing what was being typed in them.
        self._done_slot = st.empty()
        done = self._record.done.get(self.name)
        if done is None:
            return False
        message, at = done
        if at is None:
            self._record.done[self.name] = (message, time.monotonic())
        elif time.monotonic() - at > SHOW_DONE_SECONDS:
            self._record.done.pop(self.name, None)
            return False
        self._done_slot.success(message)
        return True

    def submitted(self, label: str, **kwargs: Any) -> bool:
        if self.draft is None:
            return st.form_submit_button(label, **kwargs)
        return st.button(label, key=f"{self.key}-{label}", **kwargs)

    def save(
        self,
        service: Callable[..., Any],
        /,
        *,
        done: str | Callable[[Any], str] | None = None,
        **arguments: Any,
    ) -> None:
        """Call the core `service(session, **arguments)` in one committed transaction, once for
        this form's content; then start the form afresh and show `done` (a sentence, or one made
        from what the service returned). A `DomainError` is shown beside the form and what was
        typed is kept."""
        record = self._record
        with record.lock:
            # Another run of this session (the first of a double click) may have saved this very
            # content already: then the generation has moved on and there is nothing to do.
            if record.generations.get(self.name, 0) == self.generation:
                try:
                    with db() as session:
                        result = service(session, **arguments)
                        if self.draft is not None:  # saved: the draft goes with it
                            discard_draft(session, actor=self._owner(), name=self.draft)
                except DomainError as exc:
                    # The last save's confirmation goes: "Requested." beside a refusal misleads.
                    record.done.pop(self.name, None)
                    if self._done_slot is not None:
                        self._done_slot.empty()
                    show_domain_error(exc)
                    if self.draft is not None:
                        self._keep()
                    return
                # Nothing between the commit and these lines can stop the run: no st.* call and
                # no st.session_state access (both are points where Streamlit stops a run).
                record.generations[self.name] = self.generation + 1
                if done is not None:
                    message = done(result) if callable(done) else done
                    record.done[self.name] = (message, None)
        st.rerun()


def show_done_of_gone_forms(prefix: str, *, drawn: str | None = None) -> None:
    """The confirmations of forms named `prefix…` that the page no longer draws because what they
    saved took their record out of the list (a decided dispute leaves the reviewer's list);
    `drawn`: the one form of them this run draws (it shows its own)."""
    for name in sorted(n for n in _forms().done if n.startswith(prefix) and n != drawn):
        SaveOnceForm(name).show_done()


def _when(at: dt.datetime) -> str:
    """A draft's time as the organisation's clock reads it: "10:42", or "23 Nov 10:42"."""
    tz = get_settings().tz
    local = at.astimezone(tz)
    return (
        f"{local:%H:%M}" if local.date() == dt.datetime.now(tz).date() else f"{local:%d %b %H:%M}"
    )
