"""Per-process engine and per-user login state for the Streamlit pages."""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.people.access import Actor
from core.people.auth import (
    COOKIE_NAME,
    DEVICE_COOKIE_NAME,
    Login,
    cookie_confirmed,
    log_out_everywhere,
    resume_session,
    revoke_session,
)
from core.people.cookies import unsign_device, unsign_token
from core.platform.config import get_settings
from core.platform.db import check_database, session_scope, shared_engine

TOKEN_KEY = "auth_token"
COOKIE_PENDING_KEY = "auth_cookie_pending"
NEXT_PAGE_KEY = "login_next_page"
LOGGED_OUT_KEY = "logged_out_token"
SESSION_ENDED_KEY = "login_session_ended"


@st.cache_resource(show_spinner=False)
def _checked(url: str) -> Engine:
    engine = shared_engine(url)
    check_database(engine)  # once per process: a clear sentence if the database is unreachable
    return engine


_CHECKED: dict[str, Engine] = {}


def engine() -> Engine:
    """The process's one engine (core.platform.db.shared_engine), checked once. A page asks for it a
    dozen times per rerun: after the first check a dictionary answers, not Streamlit's cache
    (which hashes its argument at every call)."""
    url = get_settings().database_url
    found = _CHECKED.get(url)
    if found is None:
        found = _CHECKED[url] = _checked(url)
    return found


T = TypeVar("T")


@contextmanager
def db() -> Iterator[Session]:
    with session_scope(engine()) as session:
        yield session


def call(service: Callable[..., T], /, **arguments: Any) -> T:
    """`service(session, **arguments)` in one committed transaction: how a page calls core
    without handling sessions itself."""
    with db() as session:
        return service(session, **arguments)


def client_address() -> str | None:
    """The browser's address as Streamlit sees it (None on a loopback connection), for the
    login throttle and the audit trail."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # AppTest has no real connection


def device_id() -> str | None:
    """The id in this browser's device cookie (set after a login here), if genuine: the login
    throttle keeps the attempts of a browser its owner used apart from a stranger's."""
    value = st.context.cookies.get(DEVICE_COOKIE_NAME)
    return unsign_device(value) if isinstance(value, str) else None


def current_token() -> str | None:
    """The token of this browser session's login (after `current_login` has run)."""
    token = st.session_state.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


# The login checked in each script run, so the app's gate and the page's `actor()` cost one
# lookup per rerun, not two. Keyed weakly on an object Streamlit makes anew for every run
# (fragment runs included): a later run, or a fragment's rerun, checks the database again.
_RUN_LOGIN: weakref.WeakKeyDictionary[object, tuple[str, Login]] = weakref.WeakKeyDictionary()


def _this_run() -> object | None:
    ctx = get_script_run_ctx(suppress_warning=True)
    return getattr(ctx, "parallel_coordinator", None) if ctx is not None else None


def _forget_run_login() -> None:
    run = _this_run()
    if run is not None:
        _RUN_LOGIN.pop(run, None)


def current_login() -> Login | None:
    """The logged-in user of this browser session, from session state or the session cookie.

    Read from the database on every run: a session revoked meanwhile (password changed
    elsewhere, role changed, account deactivated, "log out everywhere") ends here, at the next
    rerun, and the person's rights are always the current ones. Nothing about the person is
    kept in session state, only the token.
    """
    token = st.session_state.get(TOKEN_KEY)
    from_state = token is not None
    if token is None:
        cookie = st.context.cookies.get(COOKIE_NAME)
        token = unsign_token(cookie) if cookie else None
    if token is None:
        return None
    run = _this_run()
    remembered = _RUN_LOGIN.get(run) if run is not None else None
    if remembered is not None and remembered[0] == token:
        return remembered[1]  # checked already in this run (the app, then the page's actor())
    with db() as session:
        login = resume_session(session, token=token)
    if run is not None and login is not None:
        _RUN_LOGIN[run] = (token, login)
    if login is None:
        st.session_state.pop(TOKEN_KEY, None)
        if st.session_state.get(LOGGED_OUT_KEY) != token:
            st.session_state[LOGGED_OUT_KEY] = token  # have the browser drop the dead cookie
            st.session_state[SESSION_ENDED_KEY] = from_state
        return None
    st.session_state[TOKEN_KEY] = token
    return login


def actor() -> Actor:
    login = current_login()
    if login is None:
        st.stop()
    return login.actor


def start_login(login: Login) -> None:
    _forget_run_login()
    st.session_state.pop(LOGGED_OUT_KEY, None)
    st.session_state[TOKEN_KEY] = login.token
    st.session_state[COOKIE_PENDING_KEY] = login.token


def _ask_browser_until_confirmed(key: str, *, stored: bool, route: str) -> None:
    """Ask the browser to post the token under `key` to `route` (which stores or drops the
    cookie), on every run until that request has reached the server: a click that cuts a run
    short (a rerun stops a script at its next st.* call and drops what it had not sent yet) must
    not lose it."""
    # One element in this place on every run, the request or nothing: were it there on one run
    # and gone on the next, every element after it would move up one place, and the browser
    # would draw each box afresh, losing what was being typed in it.
    slot = st.empty()
    token = st.session_state.get(key)
    if token is None:
        return
    with db() as session:
        if cookie_confirmed(session, token=token, stored=stored):
            st.session_state.pop(key, None)
            return
    body = json.dumps(json.dumps({"token": token}))
    slot.html(
        f"<script>fetch('{route}', {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'application/json'}}, body: {body}}});</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def render_cookie_sync() -> None:
    """After a login, have the browser store the session cookie (served by ui.server), so a
    reload keeps the person logged in."""
    _ask_browser_until_confirmed(COOKIE_PENDING_KEY, stored=True, route="/auth/session")


def _forget_login(token: str | None) -> None:
    _forget_run_login()
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if token is not None:
        st.session_state[LOGGED_OUT_KEY] = token


def logout() -> None:
    token = st.session_state.pop(TOKEN_KEY, None)
    if token is not None:
        with db() as session:
            revoke_session(session, token=token, client=client_address())
    _forget_login(token)


def log_out_everywhere_and_restart(me: Actor) -> None:
    """End every session of `me` (this one too), then show the login page."""
    token = st.session_state.pop(TOKEN_KEY, None)
    with db() as session:
        log_out_everywhere(session, actor=me, client=client_address())
    _forget_login(token)
    st.rerun()


def log_out_and_restart() -> None:
    """The "Log out" entry of the navigation: end the session, then show the login page."""
    logout()
    st.rerun()


def render_cookie_clear() -> None:
    """After a logout, have the browser drop the cookie."""
    _ask_browser_until_confirmed(LOGGED_OUT_KEY, stored=False, route="/auth/logout")
