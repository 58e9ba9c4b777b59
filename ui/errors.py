"""The one place a page's domain errors become a message: pages call core and let a
`DomainError` rise; `run_page` shows it as one sentence (with its per-line problems) where the
page stopped. Anything else is a bug and surfaces as such in the tests."""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from core.platform.errors import DatabaseBusy, DomainError, StaleEdit
from core.platform.logs import timed
from ui.admission import admitted
from ui.widgets import show_error

log = logging.getLogger("headway.pages")

STALE_EDIT = (
    "Someone changed this while you were looking at it, so nothing was saved. "
    "Reload the page to see their change, then make yours again."
)


def show_domain_error(exc: DomainError) -> None:
    if isinstance(exc, StaleEdit):
        st.error(STALE_EDIT)
    else:
        show_error(exc)


def run_page(page: Any, *, person: int | None = None) -> None:
    """Run a navigation page, in its turn (`ui.admission`); a refusal from core ends it with its
    message. Each run is one line in the log (page, person, duration, time queued, CPU time,
    outcome)."""
    name = getattr(page, "url_path", "") or ("my_day" if person else "login")
    with timed(log, page=name, person=person or "-") as run:
        try:
            with admitted() as waited:
                run.extra["queued_ms"] = round(waited * 1000)
                page.run()
        except DomainError as exc:
            run.outcome = "busy" if isinstance(exc, DatabaseBusy) else "refused"
            show_domain_error(exc)
        except ScriptControlException:  # st.rerun / st.stop / switch_page: control, not failure
            run.outcome = "rerun"
            raise
