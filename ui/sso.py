"""Single sign-on in the app: the `[auth]` secrets that Streamlit's `st.login` reads (built from
Headway's settings), the button on the login page, and the hand-over from the provider's
identity to a normal Headway session.

`st.login` runs the OpenID Connect flow (Authlib checks the provider's signed answer) and leaves
the identity in Streamlit's own cookie. Headway uses that identity once: it maps the verified
e-mail address to a person (core.people.sso), opens a Headway session (the same cookie flow as a
password login), and forgets Streamlit's identity, in this browser session and in the browser.
From then on only Headway's session keeps the person logged in, so its expiry, idle timeout and
logout apply to them as to everyone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.web.server.starlette.starlette_server_config import (
    TOKENS_COOKIE_NAME,
    USER_COOKIE_NAME,
)

from core.people.auth import Login
from core.people.sso import missing_email_claims, read_userinfo, sso_login
from core.platform.config import SettingsError, get_settings
from core.platform.errors import DomainError
from ui.state import db
from ui.text import plain

PROVIDER = "oidc"  # the [auth.oidc] section; Streamlit refuses underscores in the name
FORGET_ROUTE = "/auth/sso/forget"


def auth_secrets() -> dict[str, Any] | None:
    """The secrets `st.App` gives Streamlit when single sign-on is configured, else None."""
    try:
        settings = get_settings()
    except SettingsError:  # the pages name the bad variable; no sign-on until it is fixed
        return None
    if not settings.oidc_enabled:
        return None
    # Streamlit signs its own login cookie with this; derived from HEADWAY_SECRET so that every
    # app server of an installation agrees without another setting.
    cookie_secret = hmac.new(
        settings.secret.encode(), b"streamlit-auth-cookie", hashlib.sha256
    ).hexdigest()
    return {
        "auth": {
            "redirect_uri": settings.oidc_callback_url,
            "cookie_secret": cookie_secret,
            # The access token reads the provider's UserInfo endpoint when its ID token leaves
            # the e-mail claims out (core.people.sso.missing_email_claims).
            "expose_tokens": ["access"],
            PROVIDER: {
                "client_id": settings.oidc_client_id,
                "client_secret": settings.oidc_client_secret,
                "server_metadata_url": settings.oidc_discovery_url,
                "client_kwargs": {
                    "scope": "openid email profile",
                    "prompt": prompt_parameter(settings.oidc_prompt),
                },
            },
        }
    }


def prompt_parameter(prompt: str) -> str | list[str]:
    """The `prompt` client setting for Streamlit: it sends `select_account` whenever the key is
    absent, and Authlib sends any string given (even an empty `prompt=`), but adds nothing for
    an empty list (it writes one parameter per list item). Secrets cannot hold None."""
    return prompt or []


def render_sso_login() -> Login | None:
    """On the login page: the provider's button, or — back from the provider — the Headway
    login of the person it vouched for (None, with the reason shown, when it is refused)."""
    settings = get_settings()
    if not settings.oidc_enabled:
        return None
    if st.user.get("is_logged_in"):
        claims = st.user.to_dict()
        access_token = st.user.tokens.to_dict().get("access")
        _forget_in_session()
        try:
            return _hand_over(claims, access_token)
        except DomainError as exc:
            st.error(plain(str(exc)))  # the address is the provider's text, not Markdown
            _ask_browser_to_forget()
    label = settings.oidc_label.strip() or "single sign-on"
    if st.button(f"Sign in with {label}", icon=":material/login:"):
        st.login(PROVIDER)
    st.markdown("Or log in with your Headway email and password.")
    return None


def _hand_over(claims: dict[str, Any], access_token: str | None) -> Login:
    if missing_email_claims(claims) and access_token:
        userinfo = read_userinfo(
            get_settings().oidc_discovery_url, access_token, subject=str(claims.get("sub", ""))
        )
        claims = {**userinfo, **claims}  # the signed ID token's own claims win
    issued = claims.get("iat")
    with db() as session:
        return sso_login(
            session,
            email=str(claims.get("email") or ""),
            # Some providers send the flag as the string "true".
            email_verified=claims.get("email_verified") in (True, "true"),
            issuer=str(claims.get("iss", "")),
            subject=str(claims.get("sub", "")),
            issued_at=dt.datetime.fromtimestamp(issued, dt.UTC)
            if isinstance(issued, int | float)
            else None,
        )


def _forget_in_session() -> None:
    """Empty `st.user` for this browser session, as `st.logout` does, but without its page
    redirect (that would leave before the Headway cookie is stored): a later logout in this
    session must not find the provider's identity still there."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.user_info.clear()


def _ask_browser_to_forget() -> None:
    st.html(
        f"<script>fetch('{FORGET_ROUTE}', {{method: 'POST', credentials: 'same-origin'}});</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


# ------------------------------------------------------------------ server side


def drop_provider_identity(request: Request, response: Response) -> None:
    """Delete Streamlit's login cookies (the identity and tokens `st.login` stored, with their
    chunks) that the browser sent: once Headway has stored its own session — or ended it — they
    must not log anyone in again."""
    for name in request.cookies:
        for base in (USER_COOKIE_NAME, TOKENS_COOKIE_NAME):
            if name == base or (name.startswith(base + "_") and name[len(base) + 1 :].isdigit()):
                response.delete_cookie(name, path="/")


async def forget_provider_identity(request: Request) -> Response:
    response = Response(status_code=204)
    drop_provider_identity(request, response)
    return response


def sso_routes() -> list[BaseRoute]:
    return [Route(FORGET_ROUTE, forget_provider_identity, methods=["POST"])]
