"""SCIM 2.0, `/scim/v2/…` (RFC 7644), mounted beside the API (`ui.api`) for identity providers.

Thin, like the API: each route authenticates the bearer token for the scope `scim:write` (the
API's own reading of the header, rate limit and token check), reads the body with scim2-models in
the request's SCIM context, calls `core.connect.scim` / `scim_groups`, and answers
`application/scim+json`. Every error is a SCIM error (`urn:ietf:params:scim:api:messages:2.0:
Error`, with its `scimType` where RFC 7644 names one). The discovery endpoints
(`ServiceProviderConfig`, `ResourceTypes`, `Schemas`) hold no data and need no token, as RFC 7644
allows.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from scim2_models import BaseModel as ScimModel
from scim2_models import (
    Context,
    Error,
    Group,
    InvalidSyntaxException,
    ListResponse,
    PatchOp,
    ResourceType,
    ResponseParameters,
    Schema,
    SCIMException,
)
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.connect import scim, scim_groups
from core.connect.scim import POLICY, PROVIDER, ScimUser
from core.platform.actor import Actor
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
from ui import api
from ui.api import RATE, _authenticate, _bearer, _body, _TooLarge

log = logging.getLogger("headway.scim")

SCOPE = "scim:write"
MEDIA = "application/scim+json"
BASE = "/scim/v2"
LIMIT = 1024 * 1024  # bytes: a User, a Group or a PatchOp (a group of 2,000 members is ~100 kB)


def _answer(body: dict[str, Any] | None, status: int = 200, **headers: str) -> Response:
    content = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    response = Response(content, status_code=status, media_type=MEDIA, headers=headers)
    response.headers["Cache-Control"] = "no-store"
    return response


def error(status: int, detail: str, scim_type: str | None = None) -> Response:
    body = Error(status=status, scim_type=scim_type, detail=detail).model_dump()
    response = _answer(body, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="headway"'
    return response


def _refusal(exc: Exception) -> Response:
    """The SCIM error for a refused request."""
    if isinstance(exc, SCIMException):
        found = exc.to_error()
        return error(found.status or 400, found.detail or str(exc), found.scim_type)
    if isinstance(exc, ValidationError):
        first = Error.from_validation_errors(exc.errors())[0]
        return error(first.status or 400, first.detail or str(exc), first.scim_type)
    if isinstance(exc, AuthenticationFailed):
        return error(401, str(exc))
    if isinstance(exc, AccessDenied):
        return error(403, str(exc))
    if isinstance(exc, NotFound):
        return error(404, str(exc))
    if isinstance(exc, _TooLarge):
        return error(413, f"The body is larger than {LIMIT // 1024} kB.")
    if isinstance(exc, InvalidInput):
        return error(400, " ".join([str(exc), *exc.problems]), "invalidValue")
    if isinstance(exc, IntegrityError):  # two requests made the same person or team at once
        return error(
            409,
            "Another request made or changed the same user or group at the same moment; nothing "
            "was saved: look it up and send the request again.",
            "uniqueness",
        )
    if isinstance(exc, DatabaseBusy):
        return _with(error(503, str(exc)), "Retry-After", "30")
    return error(400, str(exc))


def _with(response: Response, header: str, value: str) -> Response:
    response.headers[header] = value
    return response


Work = Callable[[Request, Actor], Awaitable[Response]]
REFUSED = (SCIMException, ValidationError, DomainError, _TooLarge, IntegrityError)


def endpoint(work: Work) -> Callable[[Request], Awaitable[Response]]:
    """A route needing a token with `scim:write`: authenticated (and counted), rate-limited as
    the API is, its refusals as SCIM errors."""

    async def handle(request: Request) -> Response:
        token = _bearer(request)
        if "token" in request.query_params or "access_token" in request.query_params:
            return error(
                400, "Send the token in the Authorization header (Bearer), never in the URL."
            )
        if token is None:
            return error(401, "Send a service token with scim:write: Authorization: Bearer hw_…")
        wait = api.buckets.take(hashlib.sha256(token.encode()).hexdigest())
        if wait:
            refused = error(429, f"This token may make {RATE:.0f} requests a second.", "tooMany")
            return _with(refused, "Retry-After", str(max(1, math.ceil(wait))))
        what = f"{request.method} {request.url.path}"
        with timed(log, route=request.url.path, method=request.method) as run:
            try:
                actor = await asyncio.to_thread(_authenticate, token, SCOPE, what)
                run.extra["person"] = actor.id
                return await work(request, actor)
            except REFUSED as exc:
                run.outcome = "busy" if isinstance(exc, DatabaseBusy) else "refused"
                return _refusal(exc)

    return handle


def _in_session(call: Callable[..., Any], **kwargs: Any) -> Any:
    with session_scope(shared_engine()) as session:
        return call(session, **kwargs)


async def _run(call: Callable[..., Any], **kwargs: Any) -> Any:
    return await asyncio.to_thread(_in_session, call, **kwargs)


async def _payload(request: Request) -> Any:
    raw = await _body(request, LIMIT)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidSyntaxException(detail=f"The body is not JSON: {exc}") from None


def _location(request: Request, resource: Any) -> str:
    kind = "Users" if isinstance(resource, ScimUser) else "Groups"
    return f"{request.url.scheme}://{request.url.netloc}{BASE}/{kind}/{resource.id}"


def _dump(request: Request, model: type[Any], found: ScimModel, context: Context) -> dict[str, Any]:
    """The resource (or list) as SCIM JSON, with its `meta.location`s, narrowed to the
    `attributes` / `excludedAttributes` asked for."""
    listed: list[Any] = (found.resources or []) if isinstance(found, ListResponse) else [found]
    users = f"{request.url.scheme}://{request.url.netloc}{BASE}/Users/"
    for resource in listed:
        if resource.meta is not None:
            resource.meta.location = _location(request, resource)
        for member in getattr(resource, "members", None) or []:
            member.ref = users + member.value
    parameters = ResponseParameters[model].model_validate(  # type: ignore[valid-type]
        {
            key: request.query_params[key]
            for key in ("attributes", "excludedAttributes")
            if request.query_params.get(key)
        }
    )
    dumped: dict[str, Any] = found.model_dump(scim_ctx=context, response_parameters=parameters)
    return dumped


def _resource_routes(
    name: str,
    model: type[Any],
    service: dict[str, Callable[..., Any]],
    key: str,
    field: str,
) -> list[BaseRoute]:
    """The routes of a resource type: list and create; read, replace, patch and delete one
    (`key` names its id for the services, `field` the resource they take)."""

    async def collection(request: Request, actor: Actor) -> Response:
        if request.method == "POST":
            resource = model.model_validate(
                await _payload(request),
                scim_ctx=Context.RESOURCE_CREATION_REQUEST,
                scim_policy=POLICY,
            )
            made = await _run(service["create"], actor=actor, **{field: resource})
            body = _dump(request, model, made, Context.RESOURCE_CREATION_RESPONSE)
            return _answer(body, 201, Location=_location(request, made))
        found = await _run(
            service["list"],
            actor=actor,
            filter=request.query_params.get("filter"),
            start_index=_number(request, "startIndex"),
            count=_number(request, "count"),
        )
        return _answer(_dump(request, model, found, Context.RESOURCE_QUERY_RESPONSE))

    async def one(request: Request, actor: Actor) -> Response:
        ident = {key: request.path_params["ident"]}
        if request.method == "DELETE":
            await _run(service["delete"], actor=actor, **ident)
            return Response(status_code=204)
        if request.method == "GET":
            found = await _run(service["get"], actor=actor, **ident)
            return _answer(_dump(request, model, found, Context.RESOURCE_QUERY_RESPONSE))
        payload = await _payload(request)
        if request.method == "PUT":
            wanted = model.model_validate(
                payload, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST, scim_policy=POLICY
            )
            done = await _run(service["replace"], actor=actor, **ident, **{field: wanted})
            context = Context.RESOURCE_REPLACEMENT_RESPONSE
        else:
            patch = PatchOp[model].model_validate(  # type: ignore[valid-type]
                payload, scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY
            )
            done = await _run(service["patch"], actor=actor, **ident, patch=patch)
            context = Context.RESOURCE_PATCH_RESPONSE
        return _answer(_dump(request, model, done, context))

    return [
        _route(f"{BASE}/{name}", endpoint(collection), "GET", "POST"),
        _route(f"{BASE}/{name}/{{ident}}", endpoint(one), "GET", "PUT", "PATCH", "DELETE"),
    ]


def _number(request: Request, name: str) -> int | None:
    text = request.query_params.get(name)
    if text is None or text.strip() == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, not {text!r}.") from None


async def service_provider_config(request: Request) -> Response:
    assert PROVIDER.config is not None
    found = PROVIDER.config.model_copy(deep=True)
    found.meta = None
    return _answer(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _described(request: Request, found: Any, kind: str) -> dict[str, Any]:
    dumped: dict[str, Any] = found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    dumped["meta"] = {
        "resourceType": kind,
        "location": f"{request.url.scheme}://{request.url.netloc}{BASE}/{kind}s/{found.id}",
    }
    return dumped


def _discovery(kind: str, items: tuple[Any, ...]) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        ident = request.path_params.get("ident")
        if ident is None:
            body = ListResponse[Schema | ResourceType](
                total_results=len(items), start_index=1, items_per_page=len(items)
            ).model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
            body["Resources"] = [_described(request, i, kind) for i in items]
            return _answer(body)
        found = next((i for i in items if i.id == ident), None)
        if found is None:
            return error(404, f"There is no {kind} {ident}.")
        return _answer(_described(request, found, kind))

    return handle


METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
# RFC 7644's optional endpoints Headway does not offer: a search across resource types, bulk
# requests, and /Me (a SCIM client here is a provider's service, not a person).
UNOFFERED = (".search", "Bulk", "Me")


def _route(path: str, handle: Callable[[Request], Awaitable[Response]], *allowed: str) -> Route:
    """A route that answers the methods it does not take with a SCIM error 405 (Starlette's
    own 405 is plain text, and the catch-all below would answer 404)."""

    async def only(request: Request) -> Response:
        if request.method not in allowed:
            refused = error(405, f"{request.url.path} takes {', '.join(allowed)}.")
            return _with(refused, "Allow", ", ".join(allowed))
        return await handle(request)

    return Route(path, only, methods=METHODS)


async def not_implemented(request: Request) -> Response:
    return error(
        501,
        f"Headway does not offer {request.url.path}: list and filter /Users and /Groups one at "
        "a time, one change a request.",
    )


async def unknown(request: Request) -> Response:
    return error(404, f"There is no SCIM endpoint {request.url.path}.")


def scim_routes() -> list[BaseRoute]:
    users: dict[str, Callable[..., Any]] = {
        "list": scim.list_users,
        "get": scim.get_user,
        "create": scim.create_user,
        "replace": scim.replace_user,
        "patch": scim.patch_user,
        "delete": scim.deactivate_user,
    }
    groups: dict[str, Callable[..., Any]] = {
        "list": scim_groups.list_groups,
        "get": scim_groups.get_group,
        "create": scim_groups.create_group,
        "replace": scim_groups.replace_group,
        "patch": scim_groups.patch_group,
        "delete": scim_groups.delete_group,
    }
    schemas, types = (
        _discovery("Schema", PROVIDER.schemas),
        _discovery("ResourceType", PROVIDER.resource_types),
    )
    return [
        _route(f"{BASE}/ServiceProviderConfig", service_provider_config, "GET"),
        _route(f"{BASE}/Schemas", schemas, "GET"),
        _route(f"{BASE}/Schemas/{{ident}}", schemas, "GET"),
        _route(f"{BASE}/ResourceTypes", types, "GET"),
        _route(f"{BASE}/ResourceTypes/{{ident}}", types, "GET"),
        *_resource_routes("Users", ScimUser, users, "user_id", "user"),
        *_resource_routes("Groups", Group, groups, "group_id", "group"),
        *(Route(f"{BASE}/{path}", not_implemented, methods=METHODS) for path in UNOFFERED),
        Route(BASE + "/{rest:path}", unknown, methods=METHODS),
    ]
