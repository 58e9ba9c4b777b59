"""Headway's HTTP API, `/api/v1/…`, mounted beside the app like the cookie routes (`ui.server`).

Thin: each route reads the request, authenticates its bearer token for the route's scope
(`core.connect.tokens`), calls `core.connect.api`, and answers JSON. Errors are RFC 9457 problem
documents (`application/problem+json`) with one sentence per bad item under `errors`. Reads carry
an `ETag` and answer `304` to a matching `If-None-Match`. Each token may make `RATE` requests a
second (bursts of `BURST`); beyond that `429` with `Retry-After`. Bodies are read as they arrive
and refused past their limit (`413`), never held whole beyond it. A query parameter the route
does not take is refused (`400`): a misspelt one is not ignored in silence. A token is taken
from the `Authorization` header only, never from the URL, and never written to the log.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.connect import api, coverage, evaluations
from core.connect.openapi import document
from core.connect.tokens import authenticate
from core.platform.actor import Actor
from core.platform.clock import today
from core.platform.db import session_scope, shared_engine
from core.platform.errors import (
    AccessDenied,
    AuthenticationFailed,
    DatabaseBusy,
    DomainError,
    InvalidInput,
    NotFound,
)
from core.platform.logs import timed

log = logging.getLogger("headway.api")

JSON_LIMIT = 20 * 1024 * 1024  # bytes: a JSON body (100,000 observations are ~12 MB)
CSV_LIMIT = 50 * 1024 * 1024  # bytes: a CSV body, as the upload page allows
RATE, BURST = 20.0, 40  # requests per second per token, and the burst allowed
KEPT_BUCKETS = 10_000  # buckets kept before the full ones are forgotten


class _TooLarge(Exception):
    pass


class _Buckets:
    """A token bucket per token digest, in this process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """0 when the request may go, else the seconds until it may."""
        now = self._clock()
        with self._lock:
            if len(self._state) >= KEPT_BUCKETS:  # random tokens must not grow this for ever
                full = BURST / RATE  # a bucket idle this long is full again: forgetting it is exact
                self._state = {k: v for k, v in self._state.items() if now - v[1] < full}
            tokens, at = self._state.get(key, (float(BURST), now))
            tokens = min(float(BURST), tokens + (now - at) * RATE)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) / RATE


buckets = _Buckets()


def problem(status: int, title: str, detail: str, errors: list[str] | None = None) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = JSONResponse(body, status_code=status, media_type="application/problem+json")
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="headway"'
    return response


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def _body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _json(request: Request, data: Any, *, etag: bool) -> Response:
    body = json.dumps(data, separators=(",", ":"), default=str).encode()
    if not etag:
        return Response(body, media_type="application/json")
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    wanted = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
    if tag in wanted or "*" in wanted:
        return Response(status_code=304, headers={"ETag": tag})
    return Response(body, media_type="application/json", headers={"ETag": tag})


Work = Callable[[Request, Actor], Awaitable[Response]]


def endpoint(
    scope: str, work: Work, params: tuple[str, ...] = ()
) -> Callable[[Request], Awaitable[Response]]:
    """A route needing a token with `scope` and taking the query parameters `params`:
    authenticated (and counted, in its own transaction: a refused request is still a use),
    rate-limited, its domain errors as problems."""

    async def handle(request: Request) -> Response:
        token = _bearer(request)
        if "token" in request.query_params or "access_token" in request.query_params:
            return problem(
                400,
                "Bad Request",
                "Send the token in the Authorization header (Bearer), never in the URL.",
            )
        unknown = sorted(set(request.query_params) - set(params))
        if unknown:  # a misspelt parameter would otherwise be ignored in silence
            names = ", ".join(repr(n[:40]) for n in unknown[:5])
            takes = ", ".join(params) or "none"
            return problem(
                400,
                "Bad Request",
                f"Unknown query parameter(s) {names}; this route takes: {takes}.",
            )
        if token is None:
            return problem(401, "Unauthorized", "Send an API token: Authorization: Bearer hw_…")
        wait = buckets.take(hashlib.sha256(token.encode()).hexdigest())
        if wait:
            response = problem(
                429,
                "Too Many Requests",
                f"This token may make {RATE:.0f} requests a second; try again shortly.",
            )
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        what = f"{request.method} {request.url.path}"
        with timed(log, route=request.url.path, method=request.method) as run:
            try:
                actor = await asyncio.to_thread(_authenticate, token, scope, what)
                run.extra["person"] = actor.id
                return await work(request, actor)
            except AuthenticationFailed as exc:
                run.outcome = "refused"
                return problem(401, "Unauthorized", str(exc))
            except AccessDenied as exc:
                run.outcome = "refused"
                return problem(403, "Forbidden", str(exc))
            except NotFound as exc:
                run.outcome = "refused"
                return problem(404, "Not Found", str(exc))
            except _TooLarge:
                run.outcome = "refused"
                return problem(
                    413, "Content Too Large", "The body is larger than this route takes."
                )
            except InvalidInput as exc:
                run.outcome = "refused"
                return problem(422, "Unprocessable Content", str(exc), exc.problems)
            except DatabaseBusy as exc:
                run.outcome = "busy"
                response = problem(503, "Service Unavailable", str(exc))
                response.headers["Retry-After"] = "30"
                return response
            except DomainError as exc:
                run.outcome = "refused"
                return problem(400, "Bad Request", str(exc))

    return handle


def _authenticate(token: str, scope: str, what: str) -> Actor:
    with session_scope(shared_engine()) as session:
        return authenticate(session, text=token, scope=scope, request=what)


def _paged(read: Callable[..., api.Page]) -> Work:
    async def work(request: Request, actor: Actor) -> Response:
        cursor = request.query_params.get("cursor")
        limit = api.read_limit(request.query_params.get("limit"))

        def run() -> api.Page:
            with session_scope(shared_engine()) as session:
                return read(session, actor=actor, cursor=cursor, limit=limit)

        page = await asyncio.to_thread(run)
        return _json(request, {"items": page.items, "next_cursor": page.next_cursor}, etag=True)

    return work


async def _json_field(request: Request, key: str) -> object:
    """The list under `key` of a JSON body (read as it arrives, at most JSON_LIMIT bytes)."""
    raw = await _body(request, JSON_LIMIT)
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("The body is not JSON.", [f"body: {exc}"]) from None
    if not isinstance(parsed, dict) or key not in parsed:
        raise InvalidInput(
            f'The body must be a JSON object with a list under "{key}".', [f"{key}: missing"]
        )
    return parsed[key]


def _content_type(request: Request, key: str, *, csv: bool) -> str:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or (csv and kind == "text/csv"):
        return kind
    sent = f"Content-Type: {kind[:60] or 'none'}"
    if csv:
        raise InvalidInput(f'Send application/json ({{"{key}": […]}}) or text/csv.', [sent])
    raise InvalidInput(f'Send application/json ({{"{key}": […]}}).', [sent])


async def _import_body(
    request: Request, key: str, to_csv: Callable[[object], bytes]
) -> tuple[bytes, bool]:
    """The body as an import's CSV, and whether it came as JSON (problems then name items)."""
    if _content_type(request, key, csv=True) == "text/csv":
        return await _body(request, CSV_LIMIT), False
    return to_csv(await _json_field(request, key)), True


async def _observations(request: Request, actor: Actor) -> Response:
    data, from_json = await _import_body(request, "observations", api.observations_csv)

    def run() -> Any:
        with session_scope(shared_engine()) as session:
            return api.send_observations(session, actor=actor, data=data, from_json=from_json)

    result = await asyncio.to_thread(run)
    return _json(
        request, {"added": result.added, "already_present": result.already_present}, etag=False
    )


async def _forecasts(request: Request, actor: Actor) -> Response:
    data, from_json = await _import_body(request, "intervals", api.forecast_csv)

    def run() -> dict[str, int]:
        with session_scope(shared_engine()) as session:
            return api.send_forecast(session, actor=actor, data=data, from_json=from_json)

    return _json(request, await asyncio.to_thread(run), etag=False)


async def _contacts(request: Request, actor: Actor) -> Response:
    data, from_json = await _import_body(request, "contacts", api.contacts_csv)

    def run() -> dict[str, Any]:
        with session_scope(shared_engine()) as session:
            return api.send_contacts(session, actor=actor, data=data, from_json=from_json)

    return _json(request, await asyncio.to_thread(run), etag=False)


async def _evaluations(request: Request, actor: Actor) -> Response:
    _content_type(request, "evaluations", csv=False)
    items = await _json_field(request, "evaluations")

    def run() -> evaluations.EvaluationsSent:
        with session_scope(shared_engine()) as session:
            return evaluations.send_evaluations(session, actor=actor, items=items)

    sent = await asyncio.to_thread(run)
    body = {
        "added": sent.added,
        "already_present": sent.already_present,
        "evaluations": [
            {
                "item": e.index,
                "reference": e.reference,
                "id": e.id,
                "score": e.score,
                "critical_failed": e.critical_failed,
                "stored": "added" if e.stored else "already_present",
            }
            for e in sent.evaluations
        ],
    }
    return _json(request, body, etag=False)


def _coverage(read: Callable[..., api.Page]) -> Work:
    """A page of a coverage read model, per team, for the period asked (`start`, `end`)."""

    async def work(request: Request, actor: Actor) -> Response:
        q = request.query_params
        period = coverage.read_period(q.get("start"), q.get("end"), day=today())

        def read_in(session: Any, *, actor: Actor, cursor: str | None, limit: int) -> api.Page:
            return read(session, actor=actor, cursor=cursor, limit=limit, period=period)

        return await _paged(read_in)(request, actor)

    return work


async def _team_growth(request: Request, actor: Actor) -> Response:
    text = str(request.path_params["team_id"])
    # an id: ASCII digits ("²" is a digit to str.isdigit, not to int), few enough for the database
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise NotFound(f"There is no team {text[:40]!r}.")
    team_id = int(text)

    def run() -> dict[str, Any]:
        with session_scope(shared_engine()) as session:
            return api.team_summary(session, actor=actor, team_id=team_id, today=today())

    return _json(request, await asyncio.to_thread(run), etag=True)


async def openapi(request: Request) -> Response:
    if request.query_params:
        return problem(400, "Bad Request", "This document takes no query parameters.")
    return _json(request, document(), etag=True)


PAGE_PARAMS = ("cursor", "limit")
PERIOD_PARAMS = (*PAGE_PARAMS, "start", "end")


def api_routes() -> list[BaseRoute]:
    return [
        Route("/api/v1/openapi.json", openapi, methods=["GET"]),
        Route(
            "/api/v1/people",
            endpoint("people:read", _paged(api.people_page), PAGE_PARAMS),
            methods=["GET"],
        ),
        Route(
            "/api/v1/teams",
            endpoint("people:read", _paged(api.teams_page), PAGE_PARAMS),
            methods=["GET"],
        ),
        Route(
            "/api/v1/teams/{team_id}/growth",
            endpoint("growth:read", _team_growth),
            methods=["GET"],
        ),
        Route(
            "/api/v1/metrics/observations",
            endpoint("metrics:write", _observations),
            methods=["POST"],
        ),
        Route("/api/v1/forecasts", endpoint("forecasts:write", _forecasts), methods=["POST"]),
        Route("/api/v1/contacts", endpoint("contacts:write", _contacts), methods=["POST"]),
        Route(
            "/api/v1/evaluations",
            endpoint("evaluations:write", _evaluations),
            methods=["POST"],
        ),
        Route(
            "/api/v1/scorecards",
            endpoint("evaluations:write", _paged(evaluations.scorecards_page), PAGE_PARAMS),
            methods=["GET"],
        ),
        Route(
            "/api/v1/coverage/coaching",
            endpoint("growth:read", _coverage(coverage.coaching_coverage_page), PERIOD_PARAMS),
            methods=["GET"],
        ),
        Route(
            "/api/v1/coverage/pd-days",
            endpoint("growth:read", _coverage(coverage.pd_coverage_page), PERIOD_PARAMS),
            methods=["GET"],
        ),
    ]
