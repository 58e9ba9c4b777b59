"""Coaching tables."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.coaching import QueueRow


def queue_frame(rows: Sequence[QueueRow]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Agent": r.agent,
                "Overdue check-ins": r.overdue,
                "Due today": r.due_today,
                "Open notes": r.open_notes,
                "Next check-in": r.next_follow_up,
                "Last coached": r.last_coached,
                "Latest QA": None if r.latest_score is None else round(r.latest_score),
                "QA date": r.latest_evaluation,
            }
            for r in rows
        ]
    )
