"""Headway: page config, login gate, navigation by role."""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:
    # Imported by `streamlit run` as an ASGI app: serve the pages plus Headway's cookie routes.
    from streamlit import config
    from streamlit.runtime.pages_manager import PagesManager

    from ui.api import api_routes
    from ui.scim import scim_routes
    from ui.server import build_middleware, build_routes, lifespan, refuse_unsafe_start
    from ui.sso import auth_secrets, sso_routes

    refuse_unsafe_start(config.get_option("server.address"))

    # Our page scripts live in pages/, which Streamlit would otherwise treat as a legacy
    # multipage folder until the first st.navigation call: a first visitor's deep link would
    # then run a page script on its own, without the login gate. Navigation is ours from the start.
    PagesManager.uses_pages_directory = False
    # Single sign-on, when configured, reaches st.login as the [auth] secrets.
    app = st.App(
        __file__,
        routes=build_routes() + sso_routes() + api_routes() + scim_routes(),
        middleware=build_middleware(),
        lifespan=lifespan,
        secrets=auth_secrets(),
    )
else:
    from core.platform.errors import DomainError
    from ui.admission import admitted
    from ui.errors import run_page
    from ui.inbox import inbox_title
    from ui.login import render_password_change
    from ui.navigation import login_page, session_pages
    from ui.state import (
        NEXT_PAGE_KEY,
        current_login,
        log_out_and_restart,
        render_cookie_clear,
        render_cookie_sync,
    )
    from ui.text import plain

    st.set_page_config(page_title="Headway", page_icon=":material/trending_up:", layout="wide")
    # One of the server's few places for running a page (ui.admission): the login check and
    # the navigation are part of the run.
    with admitted():
        try:
            login = current_login()
        except DomainError as exc:  # e.g. the database cannot be reached: one clear sentence
            st.error(str(exc))
            st.stop()
        render_cookie_clear()  # after a logout, or a session that ended meanwhile (current_login)
        if login is None:
            # Every page is registered (hidden) so a deep link is remembered and served after login.
            page = st.navigation(session_pages(None), position="hidden")
            if page.url_path not in (
                "",
                "login",
                "logout",
            ):  # the default (login) page has an empty url path
                # ... with its query (an e-mailed reminder's link names the agent and itself)
                st.session_state[NEXT_PAGE_KEY] = (page.url_path, st.query_params.to_dict())
                st.switch_page(login_page())
            run_page(page)
        else:
            titles = {"inbox": inbox_title(login.actor)}
            pages = session_pages(
                login.actor.role,
                titles=titles,
                me=plain(login.actor.name),
                log_out=log_out_and_restart,
            )
            page = st.navigation(pages, position="top")
            render_cookie_sync()
            if login.must_change_password:
                st.title("Choose a new password")
                render_password_change(forced=True)
            else:
                run_page(page, person=login.actor.id)
