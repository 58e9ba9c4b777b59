"""The tables of the Chat and webhooks page: the connections and their recent deliveries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from core.models import DeliveryState
from core.notify.connections import KIND_NAMES, DeliveryRow, TargetRow
from core.notify.notifications import KINDS

STATE_WORDS = {
    DeliveryState.PENDING: "waiting to be sent",
    DeliveryState.SENDING: "sending",
    DeliveryState.SENT: "sent",
    DeliveryState.FAILED: "failed",
}


def when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


def topic_label(topic: str) -> str:
    """A notification kind as people tick it in their preferences, or an event type as is."""
    for key, kind in KINDS.items():
        if key.value == topic:
            return kind.label
    return topic


def targets_frame(rows: Sequence[TargetRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Where": [r.where for r in rows],
            "Kind": [KIND_NAMES[r.kind] for r in rows],
            "Host": [r.host for r in rows],
            "Carries": ["; ".join(topic_label(t) for t in r.topics) for r in rows],
            "Set on": [when(r.created_at) for r in rows],
        }
    )


def deliveries_frame(rows: Sequence[DeliveryRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Queued": [when(d.created_at) for d in rows],
            "To": [d.target for d in rows],
            "What": [topic_label(d.what) for d in rows],
            "State": [
                "retrying"
                if d.state is DeliveryState.PENDING and d.attempts
                else STATE_WORDS[d.state]
                for d in rows
            ],
            "Attempts": [d.attempts for d in rows],
            "Last error": [d.last_error for d in rows],
            "Next try": [when(d.next_try_at) for d in rows],
            "Sent": [when(d.sent_at) for d in rows],
        }
    )
