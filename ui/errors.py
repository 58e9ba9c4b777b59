"""The one place a page's domain errors become a message: pages call core and let a
`DomainError` rise; `run_page` shows it as one sentence (with its per-line problems) where the
page stopped. Anything else is a bug and surfaces as such in the tests."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.errors import DomainError, StaleEdit
from ui.widgets import show_error

STALE_EDIT = (
    "Someone changed this while you were looking at it, so nothing was saved. "
    "Reload the page to see their change, then make yours again."
)


def show_domain_error(exc: DomainError) -> None:
    if isinstance(exc, StaleEdit):
        st.error(STALE_EDIT)
    else:
        show_error(exc)


def run_page(page: Any) -> None:
    """Run a navigation page; a refusal from core ends it with its message."""
    try:
        page.run()
    except DomainError as exc:
        show_domain_error(exc)
