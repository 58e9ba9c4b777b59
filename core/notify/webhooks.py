"""Outbound webhooks: telling other systems when something happens in Headway.

A service that changes something another system may care about calls `emit` in its own
transaction: the event (`id`, `type`, `occurred_at`, `data` with ids and a few plain fields,
never a coach's private words) is written once per endpoint that wants its type, as an
`OutboundDelivery` (the outbox). A change rolled back takes its events with it; the outbound job
(`core.notify.outbound`) posts what was committed, exactly once per endpoint, retried with
backoff. Receivers dedupe by the event's `id` (also sent as `Headway-Event-Id`).

Each body is signed: `Headway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
with the endpoint's secret (docs/webhooks.md shows how to check it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from core.models import DeliveryState, OutboundDelivery, OutboundTarget, TargetKind
from core.platform.clock import utcnow

# Every event type, with what it means (said where endpoints are registered).
EVENT_TYPES: dict[str, str] = {
    "coaching_note.written": "a coach wrote a coaching note about an agent",
    "dispute.decided": "a disputed evaluation was upheld or adjusted",
    "pd_day.published": "an agent's PD day was published",
    "pd_day.changed": "a published PD day was moved, withdrawn or cancelled",
}

SIGNATURE_HEADER = "Headway-Signature"
EVENT_ID_HEADER = "Headway-Event-Id"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>.<body>"` keyed with `secret`."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, *, at: dt.datetime, event_id: str) -> dict[str, str]:
    timestamp = int(at.timestamp())
    return {
        SIGNATURE_HEADER: f"t={timestamp},v1={signature(secret, timestamp, body)}",
        EVENT_ID_HEADER: event_id,
    }


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def emit(session: Session, event_type: str, data: Mapping[str, Any]) -> str | None:
    """Queue one event for every endpoint that wants `event_type`, in the caller's transaction;
    returns its id, or None when no endpoint wants it (nothing is stored)."""
    ids = emit_many(session, event_type, [data])
    return ids[0] if ids else None


def emit_many(session: Session, event_type: str, events: Sequence[Mapping[str, Any]]) -> list[str]:
    """`emit` for several events of one type (one query for the endpoints, one insert)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if not events:
        return []
    targets = [
        t
        for t in session.exec(
            select(OutboundTarget).where(
                col(OutboundTarget.kind) == TargetKind.WEBHOOK,
                col(OutboundTarget.removed_at).is_(None),
            )
        ).all()
        if event_type in t.topics.split()
    ]
    if not targets:
        return []
    now = utcnow()
    rows: list[dict[str, object]] = []
    ids: list[str] = []
    for data in events:
        event_id = str(uuid.uuid4())
        ids.append(event_id)
        body = json.dumps(
            {
                "id": event_id,
                "type": event_type,
                "occurred_at": now.isoformat(timespec="seconds"),
                "data": {key: _plain(value) for key, value in data.items()},
            },
            separators=(",", ":"),
        )
        rows.extend(
            {
                "target_id": t.id,
                "event_id": event_id,
                "event_type": event_type,
                "body": body,
                "state": DeliveryState.PENDING,
                "attempts": 0,
                "next_try_at": now,
                "last_error": "",
                "created_at": now,
            }
            for t in targets
        )
    session.execute(insert(OutboundDelivery), rows)
    return ids
