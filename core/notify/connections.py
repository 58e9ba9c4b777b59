"""Chat and webhooks, as an admin sets them up: a team's (or the organisation's) Slack or Teams
webhook, the endpoints of other systems with the events each wants (a signing secret shown once),
a test message, and the recent deliveries with their state, attempts, last error and next try.

Admins only: the URLs are secrets (a chat webhook URL lets anyone post to the channel), so lists
show only the host."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.models import (
    AuditAction,
    DeliveryState,
    NotificationKind,
    OutboundDelivery,
    OutboundTarget,
    TargetKind,
    Team,
)
from core.notify import chat, outbound, webhooks
from core.people import audit
from core.platform.actor import Actor
from core.platform.clock import utcnow
from core.platform.config import get_settings
from core.platform.errors import AccessDenied, InvalidInput, NotFound

RECORD = "outbound_target"
KIND_NAMES = {
    TargetKind.SLACK: "Slack",
    TargetKind.TEAMS: "Microsoft Teams",
    TargetKind.WEBHOOK: "Webhook",
}


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied("Only an admin connects Headway to chat and to other systems.")


@dataclass(frozen=True)
class NewEndpoint:
    """An endpoint just registered: `secret` is shown once and never again."""

    id: int
    secret: str


@dataclass(frozen=True)
class TargetRow:
    id: int
    kind: TargetKind
    where: str  # "Team Red", "The organisation", or the endpoint's label
    host: str  # the URL's host only: the rest is a secret
    topics: tuple[str, ...]
    created_at: dt.datetime

    @property
    def name(self) -> str:
        return f"{KIND_NAMES[self.kind]} — {self.where} ({self.host})"


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    target: str
    what: str  # the notification kind or event type
    state: DeliveryState
    attempts: int
    last_error: str
    next_try_at: dt.datetime | None  # pending only
    created_at: dt.datetime
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class ConnectionsView:
    chats: list[TargetRow]
    endpoints: list[TargetRow]
    deliveries: list[DeliveryRow]
    teams: dict[int, str]  # where a chat webhook may be set: team id → name

    @property
    def targets(self) -> list[TargetRow]:
        return self.chats + self.endpoints


@dataclass(frozen=True)
class TestResult:
    ok: bool
    sentence: str


def _host(url: str) -> str:
    return urlsplit(url).hostname or "?"


def _team_name(session: Session, team_id: int | None) -> str:
    if team_id is None:
        return "The organisation"
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"There is no team with id {team_id}.")
    return f"Team {team.name}"


def _live(session: Session, target_id: int) -> OutboundTarget:
    target = session.get(OutboundTarget, target_id)
    if target is None or target.removed_at is not None:
        raise NotFound("That connection does not exist (or was removed).")
    return target


def _retire(session: Session, target: OutboundTarget) -> None:
    """Removed: its URL and secret forgotten, what it had not sent failed with the reason."""
    target.removed_at, target.url, target.secret = utcnow(), "", ""
    session.add(target)
    session.execute(
        update(OutboundDelivery)
        .where(
            col(OutboundDelivery.target_id) == target.id,
            col(OutboundDelivery.state) == DeliveryState.PENDING,
        )
        .values(state=DeliveryState.FAILED, last_error="not sent: its connection was removed")
    )


def set_chat_webhook(
    session: Session,
    *,
    actor: Actor,
    kind: TargetKind,
    team_id: int | None,
    url: str,
    kinds: Sequence[NotificationKind] = chat.DEFAULT_KINDS,
) -> str:
    """Set the Slack or Teams incoming webhook of a team (None: the organisation's), carrying
    the notification `kinds`; it replaces the one set before. Returns what was done."""
    _require_admin(actor)
    if kind not in chat.CHAT_TARGETS:
        raise InvalidInput("A chat webhook is Slack's or Microsoft Teams'.")
    where = _team_name(session, team_id)
    wanted = sorted({NotificationKind(k) for k in kinds})
    if not wanted or any(k not in chat.CHAT_KINDS for k in wanted):
        raise InvalidInput(
            "Choose at least one of the kinds chat carries (reminders, follow-ups, digests, "
            "dispute news)."
        )
    clean = outbound.check_url(url)
    team = col(OutboundTarget.team_id)
    same_place = team.is_(None) if team_id is None else team == team_id
    old = session.exec(
        select(OutboundTarget).where(
            col(OutboundTarget.kind).in_(chat.CHAT_TARGETS),
            same_place,
            col(OutboundTarget.removed_at).is_(None),
        )
    ).all()
    for target in old:
        _retire(session, target)
    target = OutboundTarget(
        kind=kind, team_id=team_id, url=clean, topics=" ".join(wanted), label=where
    )
    session.add(target)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=RECORD,
        record_id=target.id,
        detail=f"{KIND_NAMES[kind]} webhook for {where} ({_host(clean)})",
    )
    replaced = " (it replaces the one set before)" if old else ""
    return f"{where}'s {KIND_NAMES[kind]} webhook is set{replaced}."


def register_endpoint(
    session: Session, *, actor: Actor, label: str, url: str, events: Sequence[str]
) -> NewEndpoint:
    """Register another system's endpoint for `events`; its signing secret is made here and
    shown once."""
    _require_admin(actor)
    label = " ".join(label.split())
    if not label or len(label) > 80:
        raise InvalidInput(
            "Name the endpoint (which system receives it), in 80 characters or fewer."
        )
    wanted = sorted(set(events))
    unknown = [e for e in wanted if e not in webhooks.EVENT_TYPES]
    if unknown or not wanted:
        raise InvalidInput(
            f"Choose events among {', '.join(webhooks.EVENT_TYPES)}"
            + (f" ({', '.join(repr(u) for u in unknown)} is not one)." if unknown else ".")
        )
    clean = outbound.check_url(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    target = OutboundTarget(
        kind=TargetKind.WEBHOOK, url=clean, secret=secret, topics=" ".join(wanted), label=label
    )
    session.add(target)
    session.flush()
    assert target.id is not None
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=RECORD,
        record_id=target.id,
        detail=f"webhook endpoint “{label}” ({_host(clean)}): {', '.join(wanted)}",
    )
    return NewEndpoint(target.id, secret)


def remove_connection(session: Session, *, actor: Actor, target_id: int) -> str:
    """Remove a chat webhook or an endpoint: nothing more goes to it (what was waiting is marked
    failed, with the reason) and its URL and secret are forgotten."""
    _require_admin(actor)
    target = _live(session, target_id)
    name = _row(target).name
    _retire(session, target)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.DELETE,
        record_type=RECORD,
        record_id=target.id,
        detail=name,
    )
    return f"{name} is removed: nothing more is sent to it."


def send_test_message(session: Session, *, actor: Actor, target_id: int) -> TestResult:
    """Post a test message now (a chat line, or a signed `headway.test` event) and say how the
    receiver answered. Not retried, not counted among the deliveries."""
    _require_admin(actor)
    target = _live(session, target_id)
    base = get_settings().base_url.rstrip("/")
    now = utcnow()
    headers: dict[str, str] = {}
    if target.kind is TargetKind.WEBHOOK:
        event_id = str(uuid.uuid4())
        body = json.dumps(
            {
                "id": event_id,
                "type": "headway.test",
                "occurred_at": now.isoformat(timespec="seconds"),
                "data": {"sent_by": actor.name},
            },
            separators=(",", ":"),
        ).encode()
        headers = webhooks.signed_headers(target.secret, body, at=now, event_id=event_id)
    else:
        message = chat.ChatMessage(
            "", "A test message from Headway", f"{actor.name} connected this channel.", base
        )
        body = json.dumps(chat.body_for(target.kind, message)).encode()
    outcome = outbound.post_json(target.url, body, headers)
    if outcome.ok:
        return TestResult(True, f"The test message went to {_row(target).name}: {outcome.said}.")
    return TestResult(False, f"The test message did not go to {_row(target).name}: {outcome.said}.")


def _row(target: OutboundTarget, teams: dict[int, str] | None = None) -> TargetRow:
    """`teams`: the teams' names now (a team renamed since its webhook was set)."""
    assert target.id is not None
    where = target.label
    if teams and target.team_id in teams:
        where = f"Team {teams[target.team_id]}"
    return TargetRow(
        target.id,
        target.kind,
        where,
        _host(target.url) if target.url else "removed",
        tuple(target.topics.split()),
        target.created_at,
    )


def connections_view(session: Session, *, actor: Actor, limit: int = 50) -> ConnectionsView:
    """The live chat webhooks and endpoints, and the most recent deliveries (newest first)."""
    _require_admin(actor)
    teams = {
        t.id: t.name
        for t in session.exec(select(Team).order_by(col(Team.name))).all()
        if t.id is not None
    }
    targets = session.exec(select(OutboundTarget).order_by(col(OutboundTarget.id))).all()
    live = [_row(t, teams) for t in targets if t.removed_at is None]
    names = {t.id: _row(t, teams).name for t in targets}
    rows = session.exec(
        select(OutboundDelivery).order_by(col(OutboundDelivery.id).desc()).limit(limit)
    ).all()
    deliveries = [
        DeliveryRow(
            d.id or 0,
            names.get(d.target_id, "?"),
            d.event_type,
            d.state,
            d.attempts,
            d.last_error,
            d.next_try_at if d.state is DeliveryState.PENDING else None,
            d.created_at,
            d.sent_at,
        )
        for d in rows
    ]
    return ConnectionsView(
        [r for r in live if r.kind is not TargetKind.WEBHOOK],
        [r for r in live if r.kind is TargetKind.WEBHOOK],
        deliveries,
        teams,
    )
