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
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import streamlit as st

from core.errors import DomainError
from ui.errors import show_domain_error
from ui.state import db

# Guards only the creation of each browser session's own record (held in its session state); no
# user data lives at module level.
_RECORD_CREATION = threading.Lock()
SHOW_DONE_SECONDS = 8


@dataclass
class _Forms:
    """One browser session's forms: each form's generation, the last confirmations and the lock
    that lets one save run at a time. Plain attributes on purpose: reading or writing
    st.session_state is itself a point where Streamlit may stop a run, so after a commit the
    generation must move on without touching st.session_state."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    generations: dict[str, int] = field(default_factory=dict)
    done: dict[str, tuple[str, float]] = field(default_factory=dict)


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
    `if form.submitted("Share"): form.save(write_share, actor=me, data=..., done="Shared.")`."""

    def __init__(self, name: str, *, show_done: bool = True, **form_kwargs: Any) -> None:
        self.name = name
        self._record = _forms()
        self.generation = self._record.generations.get(name, 0)
        self.key = f"{name}__{self.generation}"
        self._show_done = show_done
        self._form_kwargs = form_kwargs
        self._form: Any = None

    def __enter__(self) -> SaveOnceForm:
        if self._show_done:
            self.show_done()
        self._form = st.form(self.key, clear_on_submit=False, **self._form_kwargs)
        self._form.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._form.__exit__(kind, error, trace)

    def show_done(self) -> bool:
        """The confirmation of the last save (call it where the user will see it); True when
        there is one. It stays for a few seconds rather than one run: the run that shows it may
        be followed at once by another (the second click of a double click), which would
        otherwise wipe it."""
        done = self._record.done.get(self.name)
        if done is None:
            return False
        message, at = done
        if time.monotonic() - at > SHOW_DONE_SECONDS:
            self._record.done.pop(self.name, None)
            return False
        st.success(message)
        return True

    @staticmethod
    def submitted(label: str, **kwargs: Any) -> bool:
        return st.form_submit_button(label, **kwargs)

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
                except DomainError as exc:
                    show_domain_error(exc)
                    return
                # Nothing between the commit and these lines can stop the run: no st.* call and
                # no st.session_state access (both are points where Streamlit stops a run).
                record.generations[self.name] = self.generation + 1
                if done is not None:
                    message = done(result) if callable(done) else done
                    record.done[self.name] = (message, time.monotonic())
        st.rerun()
