"""The login page (single sign-on when configured, and the password form) and the forced
password change that follows a one-time password."""

from __future__ import annotations

import streamlit as st

from core.auth import Login, authenticate, change_own_password
from core.errors import DomainError
from ui.navigation import page_file
from ui.sso import render_sso_login
from ui.state import NEXT_PAGE_KEY, db, start_login


def render_login() -> None:
    st.title("Headway")
    st.markdown("Team development and coaching for contact centres. Log in to continue.")
    login = render_sso_login() or _password_login()
    if login is not None:
        start_login(login)
        path, query = st.session_state.pop(NEXT_PAGE_KEY, ("home", {}))
        st.switch_page(page_file(path), query_params=query)


def _password_login() -> Login | None:
    with st.form("login_form"):
        email = st.text_input("Email", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Log in", type="primary")
    if not submitted:
        return None
    try:
        with db() as session:
            return authenticate(session, email=email, password=password)
    except DomainError as exc:
        st.error(str(exc))
        return None


def render_password_change(*, forced: bool) -> None:
    """A change-password form; once the password is changed the app reruns (a forced change
    then lets the person in)."""
    from ui.forms import SaveOnceForm
    from ui.state import actor

    if forced:
        st.warning("Your password was set by an admin. Choose your own password to continue.")
    with SaveOnceForm("password_form") as form:
        current = st.text_input(
            "Current password", type="password", autocomplete="current-password"
        )
        new = st.text_input(
            "New password (at least 10 characters)", type="password", autocomplete="new-password"
        )
        repeat = st.text_input(
            "Repeat the new password", type="password", autocomplete="new-password"
        )
        if form.submitted("Change password", type="primary"):
            if new != repeat:
                st.error("The two new passwords differ.")
            else:
                form.save(
                    change_own_password,
                    actor=actor(),
                    current_password=current,
                    new_password=new,
                    done="Your password was changed.",
                )
