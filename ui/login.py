"""The login page (single sign-on when configured, and the password form) and the forced
password change that follows a one-time password."""

from __future__ import annotations

import streamlit as st

from core.people.auth import MIN_PASSWORD_LENGTH, Login, authenticate
from core.people.password_changes import change_own_password, choose_own_password
from core.platform.errors import DomainError
from ui.navigation import page_file
from ui.sso import render_sso_login
from ui.state import (
    NEXT_PAGE_KEY,
    SESSION_ENDED_KEY,
    client_address,
    db,
    device_id,
    start_login,
)

PASSWORD_ADVICE = (
    f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words are easy to remember and "
    "hard to guess; common passwords and their variants (such as Summer2024!), your name or "
    "e-mail, dates, keyboard patterns and runs such as 1234567890 are refused."
)


def render_login() -> None:
    st.title("Headway")
    st.markdown("Team development and coaching for contact centres. Log in to continue.")
    if st.session_state.pop(SESSION_ENDED_KEY, False):
        st.info(
            "Your session has ended (you logged out on another device, your password or role "
            "changed, your account was deactivated, or it was idle too long). Log in again to "
            "continue."
        )
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
            return authenticate(
                session,
                email=email,
                password=password,
                client=client_address(),
                device=device_id(),
            )
    except DomainError as exc:
        st.error(str(exc))
        return None


def render_password_change(*, forced: bool) -> None:
    """A change-password form; once the password is changed the app reruns (a forced change
    then lets the person in). After a one-time password, which the login used up, no current
    password is asked. Every other session of the person ends."""
    from ui.forms import SaveOnceForm
    from ui.state import actor, current_token

    if forced:
        st.warning(
            "You logged in with a one-time password, which works only once. Choose your own "
            "password to continue."
        )
    with SaveOnceForm("password_form") as form:
        current = (
            ""
            if forced
            else st.text_input("Current password", type="password", autocomplete="current-password")
        )
        new = st.text_input(
            f"New password (at least {MIN_PASSWORD_LENGTH} characters)",
            type="password",
            autocomplete="new-password",
            help=PASSWORD_ADVICE,
        )
        repeat = st.text_input(
            "Repeat the new password", type="password", autocomplete="new-password"
        )
        st.markdown(PASSWORD_ADVICE + " Your other sessions end when it changes.")
        if form.submitted("Change password", type="primary"):
            if new != repeat:
                st.error("The two new passwords differ; type the same password in both boxes.")
            elif forced:
                form.save(
                    choose_own_password,
                    actor=actor(),
                    new_password=new,
                    keep_token=current_token(),
                    client=client_address(),
                    done="Your password was changed.",
                )
            else:
                form.save(
                    change_own_password,
                    actor=actor(),
                    current_password=current,
                    new_password=new,
                    keep_token=current_token(),
                    client=client_address(),
                    device=device_id(),
                    done="Your password was changed; your other sessions have ended.",
                )
