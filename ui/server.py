"""The server around the Streamlit app: routes that set and clear the HttpOnly session cookie,
and the lifespan that runs the embedded reminder scheduler.

Streamlit scripts cannot set cookies, so after a login the page posts the fresh token here; the
route checks it against the database before signing it into the cookie.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.auth import (
    COOKIE_NAME,
    record_cookie,
    resume_session,
    revoke_session,
    sign_token,
    unsign_token,
)
from core.config import SettingsError, get_settings
from core.db import session_scope, shared_engine
from ui.sso import drop_provider_identity


async def set_session_cookie(request: Request) -> Response:
    try:
        token = str((await request.json())["token"])
    except (ValueError, KeyError, TypeError):
        return Response("expected JSON {token}", status_code=400)
    with session_scope(shared_engine()) as session:
        if resume_session(session, token=token) is None:
            return Response("unknown or expired session", status_code=401)
        record_cookie(session, token=token, stored=True)
    response = Response(status_code=204)
    response.set_cookie(
        COOKIE_NAME,
        sign_token(token),
        max_age=get_settings().session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    drop_provider_identity(request, response)  # Headway's session is now the only login
    return response


async def clear_session_cookie(request: Request) -> Response:
    """Drop the cookie and end its session; the page names the session it logged out of (the
    browser may never have stored the cookie) so that it can stop asking."""
    tokens = set()
    value = request.cookies.get(COOKIE_NAME)
    if value and (from_cookie := unsign_token(value)):
        tokens.add(from_cookie)
    with suppress(ValueError, KeyError, TypeError):
        tokens.add(str((await request.json())["token"]))
    with session_scope(shared_engine()) as session:
        for token in tokens:
            revoke_session(session, token=token)
            record_cookie(session, token=token, stored=False)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/")
    drop_provider_identity(request, response)
    return response


def build_routes() -> list[BaseRoute]:
    return [
        Route("/auth/session", set_session_cookie, methods=["POST"]),
        Route("/auth/logout", clear_session_cookie, methods=["POST"]),
    ]


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """One scheduler per server process when HEADWAY_SCHEDULER=embedded (the default); with
    `worker`, a separate `headway worker` runs the jobs and the app runs none."""
    scheduler = None
    try:
        embedded = get_settings().scheduler == "embedded"
    except SettingsError as exc:  # the pages say so to every visitor; the server still serves them
        logging.getLogger("headway").error("no reminder scheduler: %s", exc)
        embedded = False
    if embedded:
        from core.jobs import jobs_engine, start_scheduler

        logging.getLogger("headway.jobs").setLevel(logging.INFO)
        scheduler = start_scheduler(jobs_engine())
    try:
        yield None
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
