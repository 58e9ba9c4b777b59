"""Rotation widgets: ambassadors per department (stacked bars) and the review tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.models import ProjectStatus
from core.rotations.planning import AssignmentRead
from core.rotations.programme import CHOICES, DepartmentUptake
from core.scheduling.rotations import ordinal

# Choices met in shades of one blue, from the 1st (darkest); not a choice in neutral grey: a
# 3rd choice is still a choice, not an alarm.
CHOICE_COLOURS = dict(
    zip(CHOICES, ("#0b4f9c", "#3d7fd1", "#7eaee6", "#b9d3f2", "#b0b0b0"), strict=True)
)
# A project's life in order, its colour saying how far it got (dropped in neutral grey).
PROJECT_STATUSES = tuple(s.value for s in ProjectStatus)  # idea, in progress, done, dropped
PROJECT_COLOURS = dict(
    zip(PROJECT_STATUSES, ("#b9d3f2", "#7eaee6", "#0b4f9c", "#b0b0b0"), strict=True)
)


def department_bars(
    counts: Sequence[tuple[str, str, int]],
    *,
    groups: Sequence[str],
    title: str,
    colours: dict[str, str] | None = None,
    unit: str = "ambassador",
) -> go.Figure:
    """One horizontal bar per department, stacked by group (team, or choice met), from
    (department, group, ambassadors); departments with most ambassadors on top."""
    totals: Counter[str] = Counter()
    for department, _, n in counts:
        totals[department] += n
    # Plotly draws the first category at the bottom: most ambassadors on top, ties A to Z.
    departments = sorted(sorted(totals, reverse=True), key=totals.__getitem__)
    figure = go.Figure()
    for group in groups:
        values = {d: n for d, g, n in counts if g == group}
        if not any(values.values()):
            continue
        figure.add_trace(
            go.Bar(
                name=group,
                y=departments,
                x=[values.get(d, 0) for d in departments],
                orientation="h",
                marker={"color": (colours or {}).get(group)} if colours else None,
                hovertemplate=f"%{{y}}: %{{x}} {unit}s, {group}<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        height=max(260, 34 * len(departments) + 110),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title=title,
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "traceorder": "normal"},
    )
    figure.update_xaxes(title=f"{unit.capitalize()}s", rangemode="tozero", tick0=0)
    return figure


def teams_figure(rows: Sequence[AssignmentRead]) -> go.Figure:
    """Ambassadors per department, by team."""
    flows = Counter((r.department, r.team_name) for r in rows)
    teams = sorted({t for _, t in flows})
    return department_bars(
        [(d, t, n) for (d, t), n in flows.items()],
        groups=teams,
        title="Ambassadors per department, by team",
    )


def choices_figure(uptake: Sequence[DepartmentUptake]) -> go.Figure:
    """Ambassadors per department, by whether it was one of their choices."""
    return department_bars(
        [(u.department, k, n) for u in uptake for k, n in u.choices.items()],
        groups=CHOICES,
        title="Ambassadors per department: was it one of their choices?",
        colours=CHOICE_COLOURS,
    )


def uptake_frame(uptake: Sequence[DepartmentUptake]) -> pd.DataFrame:
    def share(n: int, of: int) -> str:
        return f"{n / of:.0%}" if of else "–"

    return pd.DataFrame(
        [
            {
                "Department": u.department,
                "Ambassadors": u.ambassadors,
                "Capacity": u.capacity,
                "First choice": share(u.first_choice, u.ambassadors),
                "One of their choices": share(u.any_choice, u.ambassadors),
            }
            for u in sorted(uptake, key=lambda u: u.department)
        ]
    )


def assignment_frame(rows: Sequence[AssignmentRead], labels: Mapping[int, str]) -> pd.DataFrame:
    """`labels`: core.people.org.person_labels of the rows' people (tells namesakes apart)."""
    return pd.DataFrame(
        [
            {
                "Agent": labels.get(r.person_id, r.person_name),
                "Department": r.department,
                "Why here": r.why,
                "Team": r.team_name,
                "Status": r.status.value,
            }
            for r in rows
        ]
    )


def projects_figure(projects: Sequence[tuple[str, str, int]]) -> go.Figure:
    """Projects per department, stacked from idea to done (dropped last, in grey)."""
    return department_bars(
        projects,
        groups=PROJECT_STATUSES,
        title="Projects per department, by how far they got",
        colours=PROJECT_COLOURS,
        unit="project",
    )


NO_CHOICE = "—"


def ranked_choices(
    options: Sequence[str], ranked: Sequence[str], *, slots: int, key: str
) -> list[str]:
    """One box per rank ("1st choice", "2nd choice", …), each offering every option: re-ranking
    is picking another department in a box, not clearing a list and adding it back in order.
    Returns the chosen names in rank order (empty boxes left out)."""
    columns = st.columns(slots)
    chosen = []
    for place, column in enumerate(columns, start=1):
        current = ranked[place - 1] if place <= len(ranked) else NO_CHOICE
        choices = [NO_CHOICE, *options]
        picked = column.selectbox(
            f"{ordinal(place)} choice",
            choices,
            index=choices.index(current) if current in choices else 0,
            key=f"{key}_{place}",
        )
        if picked != NO_CHOICE:
            chosen.append(picked)
    return chosen
