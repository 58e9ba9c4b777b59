"""Downloads whose file is made when the button is clicked (and recorded as an export then)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlmodel import Session

from core.platform.db import session_scope
from ui.state import engine


def deferred_download(
    label: str,
    make: Callable[[Session], bytes],
    *,
    file_name: str,
    mime: str,
    key: str,
    help: str | None = None,
) -> None:
    """A download button whose file is built, in a committed transaction, only when it is
    clicked: the audit event the export records says a file was actually taken away."""
    bound = engine()  # on the script's thread: the click's callable runs on another one

    def build() -> bytes:
        with session_scope(bound) as session:
            return make(session)

    st.download_button(
        label, data=build, file_name=file_name, mime=mime, key=key, help=help, on_click="ignore"
    )
