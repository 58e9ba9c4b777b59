"""The server around the Streamlit app: routes that set and clear the HttpOnly session cookie
(and set the device cookie the login throttle recognises the owner's browser by),
the security headers on every response, and the lifespan that runs the embedded reminder
scheduler.

Streamlit scripts cannot set cookies, so after a login the page posts the fresh token here; the
route checks it against the database before signing it into the cookie. Both routes serve only
Headway's own page (a JSON body from the app's own origin): another site cannot log a browser in
to an account of its choosing, nor out.

Behind a reverse proxy that terminates HTTPS, the cookie is marked Secure when the proxy sends
`X-Forwarded-Proto: https` and its address is trusted: uvicorn (which `streamlit run` uses)
trusts a proxy on this machine, and others listed in its `FORWARDED_ALLOW_IPS` variable.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.people.auth import (
    COOKIE_NAME,
    DEVICE_COOKIE_NAME,
    record_cookie,
    remember_device,
    revoke_session,
)
from core.people.cookies import (
    DEVICE_COOKIE_DAYS,
    new_device,
    sign_device,
    sign_token,
    unsign_device,
    unsign_token,
)
from core.platform.config import SettingsError, get_settings, require_secret_to_serve
from core.platform.db import check_database, session_scope, shared_engine
from core.platform.errors import DomainError
from core.platform.logs import configure as configure_logs
from ui.sso import drop_provider_identity

# On every response. Streamlit frames nothing from another origin, and Headway's pages are
# not meant to be framed by another site (clickjacking).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
}


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every HTTP response (websockets untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_middleware() -> list[Middleware]:
    return [Middleware(SecurityHeaders)]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _refusal(request: Request) -> Response | None:
    """Why a cookie request is not from Headway's own page, as a 403, or None when it is: a JSON
    body (a form or a text/plain post from another site cannot send one without asking first)
    from the app's own origin: the host the request was sent to, or HEADWAY_BASE_URL."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return _auth_response("expected Content-Type: application/json", 403)
    claimed = request.headers.get("origin") or request.headers.get("referer") or ""
    origin = _origin(claimed)
    if not origin:
        return _auth_response("the request names no origin (Origin or Referer header)", 403)
    own_host = request.headers.get("host", "").lower()
    if origin.split("://", 1)[1] == own_host or origin == _origin(get_settings().base_url):
        return None
    return _auth_response("the request comes from another site", 403)


def _auth_response(text: str | None, status_code: int) -> Response:
    response = Response(text, status_code=status_code, media_type="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


async def set_session_cookie(request: Request) -> Response:
    if (refused := _refusal(request)) is not None:
        return refused
    try:
        token = str((await request.json())["token"])
    except (ValueError, KeyError, TypeError):
        return _auth_response("expected JSON {token}", 400)
    device = unsign_device(request.cookies.get(DEVICE_COOKIE_NAME)) or new_device()
    with session_scope(shared_engine()) as session:
        if not remember_device(session, token=token, device=device):
            return _auth_response("unknown or expired session", 401)
        record_cookie(session, token=token, stored=True)
    response = _auth_response(None, 204)
    secure = request.url.scheme == "https"
    response.set_cookie(
        COOKIE_NAME,
        sign_token(token),
        max_age=get_settings().session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    # This browser is now one its owner logs in on: the throttle keeps it apart (core/throttle).
    # It outlives the session and a logout (it names no one; the database holds which accounts).
    response.set_cookie(
        DEVICE_COOKIE_NAME,
        sign_device(device),
        max_age=DEVICE_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    drop_provider_identity(request, response)  # Headway's session is now the only login
    return response


async def clear_session_cookie(request: Request) -> Response:
    """Drop the cookie and end its session; the page names the session it logged out of (the
    browser may never have stored the cookie) so that it can stop asking."""
    if (refused := _refusal(request)) is not None:
        return refused
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
    response = _auth_response(None, 204)
    response.delete_cookie(
        COOKIE_NAME,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    drop_provider_identity(request, response)
    return response


async def healthz(_request: Request) -> Response:
    """For a load balancer: 200 when this server and its database answer, else 503."""
    try:
        await asyncio.to_thread(check_database, shared_engine())
    except DomainError as exc:
        logging.getLogger("headway").error("health check: %s", exc)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    return JSONResponse({"status": "ok", "database": "ok"})


def refuse_unsafe_start(address: str | None) -> None:
    """Stop the server before it serves when it would be reachable from the network with no
    HEADWAY_SECRET (or a bad setting): one sentence on stderr, exit status 1."""
    try:
        require_secret_to_serve(address, get_settings())
    except SettingsError as exc:
        print(exc, file=sys.stderr, flush=True)
        raise SystemExit(1) from None


def build_routes() -> list[BaseRoute]:
    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/auth/session", set_session_cookie, methods=["POST"]),
        Route("/auth/logout", clear_session_cookie, methods=["POST"]),
    ]


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """One scheduler per server process when HEADWAY_SCHEDULER=embedded (the default); with
    `worker`, a separate `headway worker` runs the jobs and the app runs none."""
    configure_logs()
    scheduler = None
    try:
        embedded = get_settings().scheduler == "embedded"
    except SettingsError as exc:  # the pages say so to every visitor; the server still serves them
        logging.getLogger("headway").error("no reminder scheduler: %s", exc)
        embedded = False
    watchdog = None
    if embedded:
        from core.jobs import WATCHDOG_SECONDS, jobs_engine, keep_alive

        logging.getLogger("headway.jobs").setLevel(logging.INFO)
        engine = jobs_engine()
        scheduler = keep_alive(None, engine)

        async def watch() -> None:
            """Restart the scheduler if its thread died (or it could not start)."""
            nonlocal scheduler
            while True:
                await asyncio.sleep(WATCHDOG_SECONDS)
                scheduler = await asyncio.to_thread(keep_alive, scheduler, engine)

        watchdog = asyncio.create_task(watch())
    try:
        yield None
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if scheduler is not None:
            scheduler.shutdown(wait=False)
