"""The OpenAPI 3.1 document of `/api/v1` (served at `/api/v1/openapi.json`): what each route takes
and answers, its scope, and the problem document every error is."""

from __future__ import annotations

from typing import Any

from core.connect.api import DEFAULT_LIMIT, MAX_ITEMS, MAX_LIMIT
from core.connect.tokens import SCOPES
from core.models import METRICS, Role

VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problems(*statuses: int) -> dict[str, Any]:
    described = {
        "400": "A malformed request (a token in the URL, say).",
        "401": "No token, or one that is unknown, expired or revoked.",
        "403": "The token lacks the scope, or its maker the right.",
        "404": "No such record.",
        "413": "The body is larger than the route takes.",
        "422": "Bad items: one sentence each under `errors`; nothing was stored.",
        "429": "Too many requests for this token: wait `Retry-After` seconds.",
        "503": "The database is busy: try again after `Retry-After` seconds.",
    }
    return {
        str(s): {
            "description": described[str(s)],
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
        for s in statuses
    }


def _paged(item: str, scope: str, summary: str) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "security": [{"bearer": [scope]}],
            "parameters": [
                {
                    "name": "cursor",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "`next_cursor` of the page before; none for the first page.",
                },
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_LIMIT,
                        "default": DEFAULT_LIMIT,
                    },
                },
            ],
            "responses": {
                "200": {
                    "description": "One page, by id; `ETag` for `If-None-Match`.",
                    "headers": {"ETag": {"schema": {"type": "string"}}},
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["items", "next_cursor"],
                                "properties": {
                                    "items": {"type": "array", "items": _ref(item)},
                                    "next_cursor": {"type": ["string", "null"]},
                                },
                            }
                        }
                    },
                },
                "304": {"description": "Unchanged since the `ETag` sent in `If-None-Match`."},
                **_problems(400, 401, 403, 422, 429, 503),
            },
        }
    }


def _import_route(
    *, summary: str, scope: str, field: str, item: Any, csv: str, stored: str, schema: str
) -> dict[str, Any]:
    """A POST that stores items all or none: JSON `{field: [item, …]}` or the import's CSV."""
    return {
        "post": {
            "summary": summary,
            "security": [{"bearer": [scope]}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": [field],
                            "properties": {
                                field: {"type": "array", "maxItems": MAX_ITEMS, "items": item}
                            },
                        }
                    },
                    "text/csv": {"schema": {"type": "string"}, "description": csv},
                },
            },
            "responses": {
                "200": {
                    "description": stored,
                    "content": {"application/json": {"schema": _ref(schema)}},
                },
                **_problems(400, 401, 403, 413, 422, 429, 503),
            },
        }
    }


def document() -> dict[str, Any]:
    observation = {
        "type": "object",
        "required": ["agent_email", "date", "metric", "value"],
        "additionalProperties": False,
        "properties": {
            "agent_email": {"type": "string"},
            "date": {"type": "string", "description": "YYYY-MM-DD"},
            "metric": {"type": "string", "enum": sorted(METRICS)},
            "value": {"type": ["number", "string"]},
            "source": {"type": ["string", "null"]},
            "reference": {
                "type": ["string", "null"],
                "description": "The caller's id of the observation: sending it again stores "
                "nothing twice.",
            },
        },
    }
    interval = {
        "type": "object",
        "required": ["team", "date", "start", "contacts", "aht_seconds"],
        "additionalProperties": False,
        "properties": {
            "team": {"type": "string", "description": "The team's name in Headway"},
            "date": {"type": "string", "description": "YYYY-MM-DD, today or later"},
            "start": {"type": "string", "description": "HH:MM, the interval's start"},
            "contacts": {"type": ["integer", "string"]},
            "aht_seconds": {"type": ["number", "string"]},
            "interval_minutes": {"type": ["integer", "string", "null"]},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Headway API",
            "version": VERSION,
            "description": "What the contact centre's systems feed and read. Send a token made "
            "on Headway's API tokens page as `Authorization: Bearer hw_…`; it acts as the "
            "person who made it, within its scopes.",
        },
        "paths": {
            "/api/v1/people": _paged("Person", "people:read", "The people the token may see"),
            "/api/v1/teams": _paged("Team", "people:read", "The teams the token may see"),
            "/api/v1/teams/{team_id}/growth": {
                "get": {
                    "summary": "A team's growth summary: each metric's last four weeks against "
                    "the four before",
                    "security": [{"bearer": ["growth:read"]}],
                    "parameters": [
                        {
                            "name": "team_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The summary; `ETag` for `If-None-Match`.",
                            "headers": {"ETag": {"schema": {"type": "string"}}},
                            "content": {"application/json": {"schema": _ref("TeamGrowth")}},
                        },
                        "304": {"description": "Unchanged since the `ETag` sent."},
                        **_problems(400, 401, 403, 404, 429, 503),
                    },
                }
            },
            "/api/v1/forecasts": _import_route(
                summary="Store a contact forecast, all or none; a newer forecast for the same "
                "team and dates replaces the older one",
                scope="forecasts:write",
                field="intervals",
                item=interval,
                csv="The forecast CSV of `headway import forecast`.",
                stored="Stored.",
                schema="ForecastStored",
            ),
            "/api/v1/metrics/observations": _import_route(
                summary="Store metric observations, all or none",
                scope="metrics:write",
                field="observations",
                item=observation,
                csv="The metrics CSV of `headway import metrics`.",
                stored="Stored (or already there, by reference).",
                schema="Stored",
            ),
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Scopes: "
                    + "; ".join(f"`{k}`: {v}" for k, v in sorted(SCOPES.items())),
                }
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "description": "RFC 9457 problem details.",
                    "required": ["type", "title", "status", "detail"],
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "errors": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "Person": {
                    "type": "object",
                    "required": ["id", "name", "email", "role", "team_id", "active"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "email": {"type": "string"},
                        "role": {"type": "string", "enum": [r.value for r in Role]},
                        "team_id": {"type": ["integer", "null"]},
                        "active": {"type": "boolean"},
                    },
                },
                "Team": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                },
                "TeamGrowth": {
                    "type": "object",
                    "required": ["team_id", "team", "active_agents", "as_of", "metrics"],
                    "properties": {
                        "team_id": {"type": "integer"},
                        "team": {"type": "string"},
                        "active_agents": {"type": "integer"},
                        "as_of": {"type": "string"},
                        "current_window": _ref("Window"),
                        "previous_window": _ref("Window"),
                        "metrics": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["metric", "label", "current", "previous", "change"],
                                "properties": {
                                    "metric": {"type": "string"},
                                    "label": {"type": "string"},
                                    "current": {"type": ["number", "null"]},
                                    "current_observations": {"type": "integer"},
                                    "previous": {"type": ["number", "null"]},
                                    "previous_observations": {"type": "integer"},
                                    "change": {"type": ["number", "null"]},
                                },
                            },
                        },
                    },
                },
                "Window": {
                    "type": "object",
                    "required": ["start", "end"],
                    "properties": {"start": {"type": "string"}, "end": {"type": "string"}},
                },
                "ForecastStored": {
                    "type": "object",
                    "required": ["intervals", "days_added", "days_replaced", "days_unchanged"],
                    "properties": {
                        "intervals": {"type": "integer"},
                        "days_added": {"type": "integer"},
                        "days_replaced": {"type": "integer"},
                        "days_unchanged": {"type": "integer"},
                    },
                },
                "Stored": {
                    "type": "object",
                    "required": ["added", "already_present"],
                    "properties": {
                        "added": {"type": "integer"},
                        "already_present": {"type": "integer"},
                    },
                },
            },
        },
    }
