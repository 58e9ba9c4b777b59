"""Notifications in a team's chat: which go, to which webhook, and how each message reads.

An admin sets one chat webhook (Slack or Microsoft Teams, an *incoming webhook* URL) per team,
and may set one for the organisation. A notification of a kind the webhook carries (reminders,
follow-ups, digests, dispute news: `CHAT_KINDS`) goes to the recipient's team's webhook, or to
the organisation's when their team has none (managers and admins have no team). It is queued in
the same transaction as the notification (`queue_notifications`, called by
`notifications.send`), one delivery per notification and webhook, and sent by the outbound job
(`core.notify.outbound`) exactly once.

A channel has more readers than an inbox: a chat message is the notification's title and its
link, never its body (coaching words, a decision's reason). What people wrote goes out as text:
Slack's `&`, `<`, `>` are escaped (no `<!channel>`, no disguised link) and the message is sent
with formatting off; Teams gets an Adaptive Card (what its Workflows webhooks and the older
connectors both take) whose words are `TextRun`s, which Teams never reads as markdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from core.models import (
    DeliveryState,
    NotificationKind,
    OutboundDelivery,
    OutboundTarget,
    Person,
    TargetKind,
)
from core.platform.clock import utcnow

CHAT_KINDS: tuple[NotificationKind, ...] = (
    NotificationKind.FOLLOW_UP_DUE,
    NotificationKind.FOLLOW_UP_OVERDUE,
    NotificationKind.CHECK_IN_TODAY,
    NotificationKind.PD_DAY_TOMORROW,
    NotificationKind.TERM_STARTS,
    NotificationKind.TERM_ENDS,
    NotificationKind.WEEKLY_DIGEST,
    NotificationKind.DISPUTE,
    NotificationKind.DISPUTE_DUE,
)
# Carried unless the admin chooses otherwise: dispute news names scores, so it is added only for
# a channel that the people concerned alone read (the leads' channel, say).
DEFAULT_KINDS = tuple(k for k in CHAT_KINDS if k is not NotificationKind.DISPUTE)
CHAT_TARGETS = (TargetKind.SLACK, TargetKind.TEAMS)


@dataclass(frozen=True)
class ChatMessage:
    for_whom: str  # the recipient's name ("" for none)
    title: str
    body: str
    url: str  # where it opens in Headway


def slack_text(value: str) -> str:
    """`value` as plain text in a Slack message: the three characters Slack reads as control
    (`&`, `<`, `>`) escaped, so no mention, command or link can be written by a person."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def body_for(kind: TargetKind, message: ChatMessage) -> dict[str, Any]:
    """The JSON body a Slack or a Teams incoming webhook takes."""
    heading = f"For {message.for_whom}: {message.title}" if message.for_whom else message.title
    if kind is TargetKind.SLACK:
        lines = [slack_text(heading), slack_text(message.body), f"Open in Headway: {message.url}"]
        return {"text": "\n".join(line for line in lines if line), "mrkdwn": False}
    paragraphs = [(heading, "Bolder"), (message.body, "Default")]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "RichTextBlock",
                "inlines": [{"type": "TextRun", "text": text, "weight": weight}],
            }
            for text, weight in paragraphs
            if text
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open in Headway", "url": message.url}],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def topics_of(target: OutboundTarget) -> frozenset[str]:
    return frozenset(target.topics.split())


def queue_notifications(
    session: Session, created: Sequence[tuple[int, int | None, NotificationKind]]
) -> int:
    """Queue a chat delivery for each just-created notification (id, person id, kind) whose
    recipient's chat webhook carries its kind; returns how many were queued. Costs one query
    when no chat webhook is set."""
    targets = session.exec(
        select(OutboundTarget).where(
            col(OutboundTarget.kind).in_(CHAT_TARGETS), col(OutboundTarget.removed_at).is_(None)
        )
    ).all()
    if not targets or not created:
        return 0
    by_team = {t.team_id: t for t in targets}
    people = {p for _, p, _ in created if p is not None}
    teams = dict(
        session.exec(
            select(col(Person.id), col(Person.team_id)).where(col(Person.id).in_(people))
        ).all()
    )
    now = utcnow()
    rows = []
    for note_id, person_id, kind in created:
        if person_id is None:
            continue
        target = by_team.get(teams.get(person_id)) or by_team.get(None)
        if target is None or kind not in topics_of(target):
            continue
        rows.append(
            {
                "target_id": target.id,
                "notification_id": note_id,
                "state": DeliveryState.PENDING,
                "attempts": 0,
                "next_try_at": now,
                "last_error": "",
                "event_type": str(kind),
                "body": "",
                "created_at": now,
            }
        )
    if rows:
        session.execute(insert(OutboundDelivery), rows)
    return len(rows)
