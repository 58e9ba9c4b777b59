"""Rotation widgets: the teams → departments Sankey and review tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from core.rotations.planning import AssignmentRead

RANK = {1: "1st", 2: "2nd", 3: "3rd"}


def sankey_figure(rows: Sequence[AssignmentRead]) -> go.Figure:
    flows = Counter((r.team_name, r.department) for r in rows)
    teams = sorted({t for t, _ in flows})
    departments = sorted({d for _, d in flows})
    labels = teams + departments
    index = {name: i for i, name in enumerate(teams)} | {
        d: len(teams) + i for i, d in enumerate(departments)
    }
    figure = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 12, "thickness": 14},
            link={
                "source": [index[t] for t, _ in flows],
                "target": [index[d] for _, d in flows],
                "value": list(flows.values()),
                "hovertemplate": "%{source.label} → %{target.label}: %{value} ambassador(s)<extra></extra>",
            },
        )
    )
    figure.update_layout(
        height=max(320, 22 * len(labels)),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title="Teams → departments",
    )
    return figure


def assignment_frame(rows: Sequence[AssignmentRead], labels: Mapping[int, str]) -> pd.DataFrame:
    """`labels`: core.org.person_labels of the rows' people (tells namesakes apart)."""
    return pd.DataFrame(
        [
            {
                "Agent": labels.get(r.person_id, r.person_name),
                "Team": r.team_name,
                "Department": r.department,
                "Interest met": RANK.get(r.interest_rank or 0, "not a listed interest"),
                "Status": r.status.value,
            }
            for r in rows
        ]
    )
