"""The schemas of the OpenAPI document (core.connect.openapi): what each answer and stored
record of `/api/v1` looks like, strict enough for a property-based tester to check answers by."""

from __future__ import annotations

from typing import Any

from core.models import Role


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _team_period(counts: dict[str, str]) -> dict[str, Any]:
    """A team's row of a coverage read model: the team, the period, its agents and `counts`."""
    count = {"type": "integer", "minimum": 0}
    return {
        "type": "object",
        "required": ["team_id", "team", "start", "end", "agents", *counts],
        "additionalProperties": False,
        "properties": {
            "team_id": {"type": "integer"},
            "team": {"type": "string"},
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
            "agents": {**count, "description": "The team's active agents"},
            **{k: {**count, "description": v} for k, v in counts.items()},
        },
    }


def schemas() -> dict[str, Any]:
    """`components.schemas`: the problem document and every answer's shape."""
    return {
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
        "Scorecard": {
            "type": "object",
            "required": ["id", "name", "version", "sections"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "version": {"type": "integer", "minimum": 1},
                "sections": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["title", "weight", "questions"],
                        "additionalProperties": False,
                        "properties": {
                            "title": {"type": "string"},
                            "weight": {"type": "number", "exclusiveMinimum": 0},
                            "questions": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["text", "kind", "critical", "answers"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "text": {"type": "string"},
                                        "kind": {
                                            "type": "string",
                                            "enum": ["yes_no", "scale"],
                                        },
                                        "critical": {"type": "boolean"},
                                        "answers": {
                                            "type": "array",
                                            "items": {"type": ["string", "integer"]},
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
        "EvaluationsStored": {
            "type": "object",
            "required": ["added", "already_present", "evaluations"],
            "additionalProperties": False,
            "properties": {
                "added": {"type": "integer", "minimum": 0},
                "already_present": {"type": "integer", "minimum": 0},
                "evaluations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": [
                            "item",
                            "reference",
                            "id",
                            "score",
                            "critical_failed",
                            "stored",
                        ],
                        "additionalProperties": False,
                        "properties": {
                            "item": {"type": "integer", "minimum": 0},
                            "reference": {"type": "string"},
                            "id": {"type": "integer"},
                            "score": {"type": "number", "minimum": 0, "maximum": 100},
                            "critical_failed": {"type": "boolean"},
                            "stored": {
                                "type": "string",
                                "enum": ["added", "already_present"],
                            },
                        },
                    },
                },
            },
        },
        "ContactsStored": {
            "type": "object",
            "required": ["added", "already_present", "reasons", "first_day", "last_day"],
            "additionalProperties": False,
            "properties": {
                "added": {"type": "integer", "minimum": 0},
                "already_present": {"type": "integer", "minimum": 0},
                "reasons": {"type": "integer", "minimum": 0},
                "first_day": {"type": ["string", "null"], "format": "date"},
                "last_day": {"type": ["string", "null"], "format": "date"},
            },
        },
        "CoachingCoverage": _team_period(
            {
                "agents_coached": "Agents with a coaching note written in the period",
                "agents_not_coached": "Agents without one",
                "notes": "Coaching notes written in the period",
                "follow_ups_due": "Follow-ups (check-in days) falling in the period",
                "follow_ups_done": "Of those, the ones whose note is closed",
                "follow_ups_overdue": "Of those, open and their day passed",
            }
        ),
        "PdCoverage": _team_period(
            {
                "pd_days_planned": "PD days in the period published, not yet taken",
                "pd_days_taken": "PD days in the period taken (completed)",
                "pd_days_draft": "PD days in the period still drafts",
                "agents_without_pd_day": "Agents with no planned or taken PD day in it",
            }
        ),
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
    }
