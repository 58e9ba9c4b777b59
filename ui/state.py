"""Per-process engine and per-user login state for the Streamlit pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.access import Actor
from core.auth import COOKIE_NAME, Login, resume_session, revoke_session, unsign_token
from core.config import get_settings
from core.db import check_database, session_scope, shared_engine

TOKEN_KEY = "auth_token"
COOKIE_PENDING_KEY = "auth_cookie_pending"
NEXT_PAGE_KEY = "login_next_page"


@st.cache_resource(show_spinner=False)
def _checked(url: str) -> Engine:
    engine = shared_engine(url)
    check_database(engine)  # once per process: a clear sentence if the database is unreachable
    return engine


def engine() -> Engine:
    """The process's one engine (core.db.shared_engine), checked once."""
    return _checked(get_settings().database_url)


@contextmanager
def db() -> Iterator[Session]:
    with session_scope(engine()) as session:
        yield session


def current_login() -> Login | None:
    """The logged-in user of this browser session, from session state or the session cookie."""
    token = st.session_state.get(TOKEN_KEY)
    if token is None:
        cookie = st.context.cookies.get(COOKIE_NAME)
        token = unsign_token(cookie) if cookie else None
    if token is None:
        return None
    with db() as session:
        login = resume_session(session, token=token)
    if login is None:
        st.session_state.pop(TOKEN_KEY, None)
        return None
    st.session_state[TOKEN_KEY] = token
    return login


def actor() -> Actor:
    login = current_login()
    if login is None:
        st.stop()
    return login.actor


def start_login(login: Login) -> None:
    st.session_state[TOKEN_KEY] = login.token
    st.session_state[COOKIE_PENDING_KEY] = login.token


def render_cookie_sync() -> None:
    """After a login, ask the browser to store the session cookie (served by ui.server).

    The request is drawn first and only then marked done: a click that cuts the run short at
    the drawing (a rerun stops a script at its next st.* call) leaves it pending for the next
    run, so the browser always gets it and a reload keeps the person logged in."""
    token = st.session_state.get(COOKIE_PENDING_KEY)
    if token is None:
        return
    body = json.dumps({"token": token})
    st.html(
        "<script>fetch('/auth/session', {method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'application/json'}}, body: {json.dumps(body)}}});</script>",
        unsafe_allow_javascript=True,
        width="content",
    )
    st.session_state.pop(COOKIE_PENDING_KEY, None)


def logout() -> None:
    token = st.session_state.pop(TOKEN_KEY, None)
    if token is not None:
        with db() as session:
            revoke_session(session, token=token)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state["logged_out"] = True


def render_cookie_clear() -> None:
    """After a logout, ask the browser to drop the cookie (drawn, then marked done, as above)."""
    if st.session_state.get("logged_out", False):
        st.html(
            "<script>fetch('/auth/logout', {method: 'POST', credentials: 'same-origin'});</script>",
            unsafe_allow_javascript=True,
            width="content",
        )
        st.session_state.pop("logged_out", None)
