"""The OpenAPI 3.1 document of `/api/v1` (served at `/api/v1/openapi.json`): what each route takes
and answers, its scope, and the problem document every error is."""

from __future__ import annotations

from typing import Any

from core.connect.api import DEFAULT_LIMIT, MAX_ITEMS, MAX_LIMIT
from core.connect.coverage import DEFAULT_DAYS, MAX_DAYS
from core.connect.evaluations import MAX_EVALUATIONS
from core.connect.openapi_schemas import _ref, schemas
from core.connect.tokens import SCOPES
from core.models import METRICS, Channel

VERSION = "1.0.0"


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


def _paged(
    item: str, scope: str, summary: str, extra: tuple[dict[str, Any], ...] = ()
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "security": [{"bearer": [scope]}],
            "parameters": [
                *extra,
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
                                "additionalProperties": False,
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
    *,
    summary: str,
    scope: str,
    field: str,
    item: Any,
    csv: str | None,
    stored: str,
    schema: str,
    most: int = MAX_ITEMS,
) -> dict[str, Any]:
    """A POST that stores items all or none: JSON `{field: [item, …]}` or the import's CSV
    (`csv` says which; None: JSON only)."""
    body: dict[str, Any] = {
        "application/json": {
            "schema": {
                "type": "object",
                "required": [field],
                "properties": {field: {"type": "array", "maxItems": most, "items": item}},
            }
        }
    }
    if csv is not None:
        body["text/csv"] = {"schema": {"type": "string"}, "description": csv}
    return {
        "post": {
            "summary": summary,
            "security": [{"bearer": [scope]}],
            "requestBody": {"required": True, "content": body},
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
    evaluation = {
        "type": "object",
        "required": ["reference", "agent_email", "date", "answers"],
        "additionalProperties": False,
        "description": "One evaluation. Name the scorecard by `scorecard` (its name: the "
        "current version) or `scorecard_id` (that version), one of them.",
        "properties": {
            "reference": {
                "type": "string",
                "maxLength": 200,
                "description": "The QA tool's id of the evaluation: sending it again stores "
                "nothing twice.",
            },
            "agent_email": {"type": "string"},
            "scorecard": {"type": ["string", "null"]},
            "scorecard_id": {"type": ["integer", "null"]},
            "date": {"type": "string", "description": "YYYY-MM-DD, today or earlier"},
            "answers": {
                "type": "array",
                "description": "Per section of the scorecard, in order, the answer to each of "
                "its questions in order: yes, no or na; a 1-5 question takes 1 to 5 or na.",
                "items": {
                    "type": "array",
                    "items": {
                        "anyOf": [
                            {"type": "string", "enum": ["yes", "no", "na"]},
                            {"type": "integer", "minimum": 1, "maximum": 5},
                        ]
                    },
                },
            },
            "evaluator_email": {
                "type": ["string", "null"],
                "description": "Who evaluated (the agent's team lead or a manager); none: the "
                "token's maker. Only an admin's or a manager's token names someone else.",
            },
            "channel": {"type": ["string", "null"], "enum": [*(c.value for c in Channel), None]},
            "interaction_ref": {"type": ["string", "null"], "maxLength": 120},
            "comments": {"type": ["string", "null"], "maxLength": 4000},
        },
    }
    contact_day = {
        "type": "object",
        "required": ["date", "reason", "contacts"],
        "additionalProperties": False,
        "properties": {
            "date": {"type": "string", "description": "YYYY-MM-DD"},
            "reason": {"type": "string", "description": "A contact reason's name in Headway"},
            "contacts": {
                "type": ["integer", "string"],
                "description": "That day's count, 0 or more",
            },
        },
    }
    period = (
        {
            "name": "start",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": f"YYYY-MM-DD, the period's first day; none: {DEFAULT_DAYS} days "
            f"before `end`. At most {MAX_DAYS} days.",
        },
        {
            "name": "end",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "YYYY-MM-DD, the period's last day; none: today.",
        },
    )
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
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document; `ETag` for `If-None-Match`.",
                            "headers": {"ETag": {"schema": {"type": "string"}}},
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["openapi", "info", "paths"],
                                    }
                                }
                            },
                        },
                        "304": {"description": "Unchanged since the `ETag` sent."},
                        **_problems(400),
                    },
                }
            },
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
                            "schema": {"type": "integer", "minimum": 1},
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
            "/api/v1/evaluations": _import_route(
                summary="Store QA evaluations with their scorecard answers, all or none; each "
                "is scored and adds a qa_score to the agent's trend",
                scope="evaluations:write",
                field="evaluations",
                item=evaluation,
                csv=None,
                stored="Stored (or already there, by reference), each with its score.",
                schema="EvaluationsStored",
                most=MAX_EVALUATIONS,
            ),
            "/api/v1/scorecards": _paged(
                "Scorecard",
                "evaluations:write",
                "The scorecards in use, with their questions in the order an evaluation's "
                "answers follow",
            ),
            "/api/v1/contacts": _import_route(
                summary="Store daily contact volumes per contact reason, all or none",
                scope="contacts:write",
                field="contacts",
                item=contact_day,
                csv="The contacts CSV of `headway import contacts` (date, reason, contacts).",
                stored="Stored (or already there: the same count for that reason and day).",
                schema="ContactsStored",
            ),
            "/api/v1/coverage/coaching": _paged(
                "CoachingCoverage",
                "growth:read",
                "Coaching coverage per team for a period: notes, agents coached, follow-ups",
                period,
            ),
            "/api/v1/coverage/pd-days": _paged(
                "PdCoverage",
                "growth:read",
                "PD-day coverage per team for a period: PD days planned and taken, agents "
                "without one",
                period,
            ),
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
            "schemas": schemas(),
        },
    }
